#include "quant/model_quantizer.h"

#include <algorithm>
#include <cstring>
#include <thread>
#include <vector>

#include "chord/error.h"
#include "quant/quant.h"

namespace chord {

namespace {

// ggml's GGML_QNT_VERSION: the block layouts written here.
constexpr uint32_t kQuantizationVersion = 2;

// A count stored either as a scalar or, for per-layer values, as an array (first layer's value).
int metadata_count(const GgufFile& in, const std::string& key) {
    const GgufValue* v = in.find(key);
    if (!v) return 0;
    if (const GgufArray* a = v->as_array()) {
        if (a->items.empty()) return 0;
        return static_cast<int>(a->items.front().as_uint().value_or(0));
    }
    return static_cast<int>(v->as_uint().value_or(0));
}

// The tensor's values as F32 rows: the mapping itself for F32, a converted copy otherwise.
const float* source_floats(const GgufTensor& t, std::vector<float>& scratch) {
    if (t.type == TensorType::F32) {
        return reinterpret_cast<const float*>(t.data);
    }
    if (t.type != TensorType::F16 && t.type != TensorType::BF16)
        throw Error(ErrorKind::Unsupported, "tensor " + t.name + " is already quantized (" +
                                                std::string(tensor_type_name(t.type)) +
                                                "); quantize from an F32, F16 or BF16 model instead");
    scratch.resize(static_cast<size_t>(t.n_elements()));
    dequantize_row(t.type, t.data, scratch.data(), t.n_elements());
    return scratch.data();
}

// Quantizes rows [0, n_rows) of n_per_row values, split into contiguous row ranges over threads.
void quantize_rows(TensorType type, const float* src, uint8_t* dst, int64_t n_rows, int64_t n_per_row, int threads) {
    const QuantFormat* f = quant_format(type);
    if (!f || !f->quantize_row)
        throw Error(ErrorKind::Unsupported, "Chord cannot write tensors of type " + std::string(tensor_type_name(type)));
    const size_t stride = row_bytes(type, n_per_row);
    auto run = [&](int64_t first, int64_t last) {
        for (int64_t r = first; r < last; ++r)
            f->quantize_row(src + r * n_per_row, dst + static_cast<size_t>(r) * stride, n_per_row);
    };
    const int64_t n_threads = std::clamp<int64_t>(threads, 1, n_rows);
    if (n_threads == 1) {
        run(0, n_rows);
        return;
    }
    std::vector<std::thread> pool;
    for (int64_t t = 0; t < n_threads; ++t)
        pool.emplace_back(run, n_rows * t / n_threads, n_rows * (t + 1) / n_threads);
    for (std::thread& th : pool) th.join();
}

void copy_metadata(const GgufFile& in, const QuantPreset& preset, GgufWriter& out) {
    // general.architecture first, as every writer puts it; the rest in key order.
    if (const GgufValue* arch = in.find("general.architecture")) out.set("general.architecture", *arch);
    for (const auto& [key, value] : in.metadata()) {
        if (key == "general.architecture" || key == "general.file_type" || key == "general.quantization_version")
            continue;
        if (key == "general.alignment") {
            out.set_alignment(static_cast<uint32_t>(value.as_uint().value_or(32)));
            continue;
        }
        out.set(key, value);
    }
    out.set_u32("general.quantization_version", kQuantizationVersion);
    out.set_u32("general.file_type", preset.ftype);
}

}  // namespace

MixModelInfo mix_model_info(const GgufFile& in) {
    MixModelInfo info;
    info.arch = in.get_string("general.architecture").value_or("");
    info.n_layer = metadata_count(in, info.arch + ".block_count");
    info.n_head = metadata_count(in, info.arch + ".attention.head_count");
    info.n_head_kv = metadata_count(in, info.arch + ".attention.head_count_kv");
    if (info.n_head_kv == 0) info.n_head_kv = info.n_head;  // llama.cpp's default: no GQA
    info.n_expert = metadata_count(in, info.arch + ".expert_count");
    return info;
}

void quantize_model(const GgufFile& in, const QuantPreset& preset, GgufWriter& out,
                    const ModelQuantizeOptions& options) {
    const std::vector<GgufTensor>& all = in.tensors();
    std::vector<std::string> names;
    for (const GgufTensor& t : all) names.push_back(t.name);
    const std::vector<size_t> order = llama_tensor_order(names);

    std::vector<MixTensor> mix;
    for (size_t i : order) {
        const GgufTensor& t = all[i];
        mix.push_back({t.name, t.type, std::vector<int64_t>(t.ne.begin(), t.ne.begin() + t.n_dims)});
    }
    const std::vector<TensorType> types = choose_tensor_types(preset, mix_model_info(in), mix);

    copy_metadata(in, preset, out);
    std::vector<float> scratch;
    for (size_t k = 0; k < order.size(); ++k) {
        const GgufTensor& t = all[order[k]];
        const TensorType type = types[k];
        std::vector<uint8_t> bytes;
        if (type == t.type) {
            bytes.assign(t.data, t.data + t.nbytes);
        } else {
            const float* src = source_floats(t, scratch);
            bytes.resize(row_bytes(type, t.ne[0]) * static_cast<size_t>(t.n_rows()));
            quantize_rows(type, src, bytes.data(), t.n_rows(), t.ne[0], options.threads);
        }
        out.add_tensor(t.name, type, mix[k].ne, std::move(bytes));
        if (options.on_tensor) options.on_tensor(k, order.size(), t.name, type);
    }
}

}  // namespace chord

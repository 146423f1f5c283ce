// GGUF v3 writer: metadata in insertion order, tensors aligned to general.alignment.
#include <cerrno>
#include <cstdio>
#include <cstring>

#include "chord/error.h"
#include "chord/gguf.h"

namespace chord {

namespace {

class ByteWriter {
public:
    explicit ByteWriter(std::vector<uint8_t>& out) : out_(out) {}
    template <typename T> void put(T v) {
        // resize + memcpy: g++ 12 warns falsely (stringop-overflow) on vector::insert of small ranges.
        const size_t at = out_.size();
        out_.resize(at + sizeof(T));
        std::memcpy(out_.data() + at, &v, sizeof(T));
    }
    void put_string(const std::string& s) {
        put<uint64_t>(s.size());
        const size_t at = out_.size();
        out_.resize(at + s.size());
        if (!s.empty()) std::memcpy(out_.data() + at, s.data(), s.size());
    }
    void pad_to(uint64_t alignment) {
        while (out_.size() % alignment != 0) out_.push_back(0);
    }
    void put_value(const GgufValue& v) {
        switch (v.type) {
            case GgufType::U8: put<uint8_t>(static_cast<uint8_t>(*v.as_uint())); break;
            case GgufType::I8: put<int8_t>(static_cast<int8_t>(*v.as_int())); break;
            case GgufType::U16: put<uint16_t>(static_cast<uint16_t>(*v.as_uint())); break;
            case GgufType::I16: put<int16_t>(static_cast<int16_t>(*v.as_int())); break;
            case GgufType::U32: put<uint32_t>(static_cast<uint32_t>(std::get<uint64_t>(v.value))); break;
            case GgufType::I32: put<int32_t>(static_cast<int32_t>(*v.as_int())); break;
            case GgufType::U64: put<uint64_t>(std::get<uint64_t>(v.value)); break;
            case GgufType::I64: put<int64_t>(*v.as_int()); break;
            case GgufType::F32: put<float>(static_cast<float>(*v.as_float())); break;
            case GgufType::F64: put<double>(*v.as_float()); break;
            case GgufType::Bool: put<uint8_t>(*v.as_bool() ? 1 : 0); break;
            case GgufType::String: put_string(*v.as_string()); break;
            case GgufType::Array: {
                const GgufArray* a = v.as_array();
                put<uint32_t>(static_cast<uint32_t>(a->elem_type));
                put<uint64_t>(a->items.size());
                for (const GgufValue& item : a->items) put_value(item);
                break;
            }
        }
    }

private:
    std::vector<uint8_t>& out_;
};

GgufValue scalar(GgufType type, auto v) {
    GgufValue g;
    g.type = type;
    g.value = v;
    return g;
}

}  // namespace

void GgufWriter::set(const std::string& key, GgufValue value) {
    for (auto& kv : kv_)
        if (kv.first == key) {
            kv.second = std::move(value);
            return;
        }
    kv_.emplace_back(key, std::move(value));
}

void GgufWriter::set_u32(const std::string& key, uint32_t v) { set(key, scalar(GgufType::U32, uint64_t{v})); }
void GgufWriter::set_i32(const std::string& key, int32_t v) { set(key, scalar(GgufType::I32, int64_t{v})); }
void GgufWriter::set_u64(const std::string& key, uint64_t v) { set(key, scalar(GgufType::U64, v)); }
void GgufWriter::set_f32(const std::string& key, float v) { set(key, scalar(GgufType::F32, double{v})); }
void GgufWriter::set_bool(const std::string& key, bool v) { set(key, scalar(GgufType::Bool, v)); }
void GgufWriter::set_string(const std::string& key, const std::string& v) { set(key, scalar(GgufType::String, v)); }

void GgufWriter::set_string_array(const std::string& key, const std::vector<std::string>& v) {
    auto a = std::make_shared<GgufArray>();
    a->elem_type = GgufType::String;
    for (const auto& s : v) a->items.push_back(scalar(GgufType::String, s));
    set(key, scalar(GgufType::Array, a));
}
void GgufWriter::set_f32_array(const std::string& key, const std::vector<float>& v) {
    auto a = std::make_shared<GgufArray>();
    a->elem_type = GgufType::F32;
    for (float f : v) a->items.push_back(scalar(GgufType::F32, double{f}));
    set(key, scalar(GgufType::Array, a));
}
void GgufWriter::set_i32_array(const std::string& key, const std::vector<int32_t>& v) {
    auto a = std::make_shared<GgufArray>();
    a->elem_type = GgufType::I32;
    for (int32_t i : v) a->items.push_back(scalar(GgufType::I32, int64_t{i}));
    set(key, scalar(GgufType::Array, a));
}

void GgufWriter::set_alignment(uint32_t alignment) {
    if (alignment == 0 || (alignment & (alignment - 1)) != 0)
        throw Error(ErrorKind::InvalidArgument, "GGUF alignment must be a power of two");
    alignment_ = alignment;
    set_u32("general.alignment", alignment);
}

void GgufWriter::add_tensor(const std::string& name, TensorType type, std::vector<int64_t> ne, std::vector<uint8_t> bytes) {
    const TensorTypeInfo* info = tensor_type_info(type);
    if (!info || ne.empty() || ne.size() > 4 || ne[0] % info->block_elems != 0)
        throw Error(ErrorKind::InvalidArgument, "tensor " + name + ": invalid type or shape");
    int64_t rows = 1;
    for (size_t i = 1; i < ne.size(); ++i) rows *= ne[i];
    if (bytes.size() != row_bytes(type, ne[0]) * static_cast<size_t>(rows))
        throw Error(ErrorKind::InvalidArgument, "tensor " + name + ": byte size does not match its shape");
    tensors_.push_back({name, type, std::move(ne), std::move(bytes)});
}

std::vector<uint8_t> GgufWriter::to_bytes() const {
    std::vector<uint8_t> out;
    ByteWriter w(out);
    w.put<uint32_t>(0x46554747);
    w.put<uint32_t>(3);
    w.put<uint64_t>(tensors_.size());
    w.put<uint64_t>(kv_.size());
    for (const auto& [key, value] : kv_) {
        w.put_string(key);
        w.put<uint32_t>(static_cast<uint32_t>(value.type));
        w.put_value(value);
    }
    uint64_t offset = 0;
    for (const PendingTensor& t : tensors_) {
        w.put_string(t.name);
        w.put<uint32_t>(static_cast<uint32_t>(t.ne.size()));
        for (int64_t d : t.ne) w.put<uint64_t>(static_cast<uint64_t>(d));
        w.put<uint32_t>(static_cast<uint32_t>(t.type));
        w.put<uint64_t>(offset);
        offset += (t.bytes.size() + alignment_ - 1) / alignment_ * alignment_;
    }
    w.pad_to(alignment_);
    for (const PendingTensor& t : tensors_) {
        const size_t at = out.size();
        out.resize(at + t.bytes.size());
        if (!t.bytes.empty()) std::memcpy(out.data() + at, t.bytes.data(), t.bytes.size());
        w.pad_to(alignment_);
    }
    return out;
}

void GgufWriter::write(const std::string& path) const {
    const std::vector<uint8_t> bytes = to_bytes();
    const std::string tmp = path + ".tmp";
    std::FILE* f = std::fopen(tmp.c_str(), "wb");
    if (!f) throw Error(ErrorKind::Io, tmp + ": cannot create: " + std::strerror(errno));
    const size_t written = std::fwrite(bytes.data(), 1, bytes.size(), f);
    const bool ok = written == bytes.size() && std::fflush(f) == 0;
    const int err = errno;
    std::fclose(f);
    if (!ok) {
        std::remove(tmp.c_str());
        throw Error(ErrorKind::Io, path + ": write failed: " + std::strerror(err));
    }
    if (std::rename(tmp.c_str(), path.c_str()) != 0) {
        std::remove(tmp.c_str());
        throw Error(ErrorKind::Io, path + ": cannot rename into place: " + std::strerror(errno));
    }
}

}  // namespace chord

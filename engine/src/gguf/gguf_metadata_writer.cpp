// Metadata setters shared by GgufWriter and GgufStreamWriter, and tensor entry validation.
#include "chord/error.h"
#include "chord/gguf.h"

namespace chord {

namespace {

template <typename V> GgufValue make_value(GgufType type, V v) {
    GgufValue g;
    g.type = type;
    g.value = std::move(v);
    return g;
}

template <typename T, typename Stored> GgufValue make_array(GgufType elem_type, const std::vector<T>& items) {
    auto a = std::make_shared<GgufArray>();
    a->elem_type = elem_type;
    a->items.reserve(items.size());
    for (const T& item : items) a->items.push_back(make_value(elem_type, Stored{item}));
    return make_value(GgufType::Array, a);
}

}  // namespace

void GgufMetadataWriter::set(const std::string& key, GgufValue value) {
    if (frozen_) throw Error(ErrorKind::InvalidArgument, "GGUF metadata cannot change after the header is written");
    for (auto& kv : kv_)
        if (kv.first == key) {
            kv.second = std::move(value);
            return;
        }
    kv_.emplace_back(key, std::move(value));
}

void GgufMetadataWriter::set_u32(const std::string& key, uint32_t v) { set(key, make_value(GgufType::U32, uint64_t{v})); }
void GgufMetadataWriter::set_i32(const std::string& key, int32_t v) { set(key, make_value(GgufType::I32, int64_t{v})); }
void GgufMetadataWriter::set_u64(const std::string& key, uint64_t v) { set(key, make_value(GgufType::U64, v)); }
void GgufMetadataWriter::set_f32(const std::string& key, float v) { set(key, make_value(GgufType::F32, double{v})); }
void GgufMetadataWriter::set_bool(const std::string& key, bool v) { set(key, make_value(GgufType::Bool, v)); }
void GgufMetadataWriter::set_string(const std::string& key, const std::string& v) {
    set(key, make_value(GgufType::String, v));
}
void GgufMetadataWriter::set_string_array(const std::string& key, const std::vector<std::string>& v) {
    set(key, make_array<std::string, std::string>(GgufType::String, v));
}
void GgufMetadataWriter::set_f32_array(const std::string& key, const std::vector<float>& v) {
    set(key, make_array<float, double>(GgufType::F32, v));
}
void GgufMetadataWriter::set_i32_array(const std::string& key, const std::vector<int32_t>& v) {
    set(key, make_array<int32_t, int64_t>(GgufType::I32, v));
}

void GgufMetadataWriter::set_alignment(uint32_t alignment) {
    if (alignment == 0 || (alignment & (alignment - 1)) != 0)
        throw Error(ErrorKind::InvalidArgument, "GGUF alignment must be a power of two");
    set_u32("general.alignment", alignment);
    alignment_ = alignment;
}

GgufTensorEntry GgufTensorEntry::make(const std::string& name, TensorType type, std::vector<int64_t> ne) {
    const TensorTypeInfo* info = tensor_type_info(type);
    if (!info || ne.empty() || ne.size() > 4 || ne[0] <= 0 || ne[0] % info->block_elems != 0)
        throw Error(ErrorKind::InvalidArgument, "tensor " + name + ": invalid type or shape");
    uint64_t rows = 1;
    for (size_t i = 1; i < ne.size(); ++i) {
        if (ne[i] <= 0) throw Error(ErrorKind::InvalidArgument, "tensor " + name + ": invalid shape");
        rows *= static_cast<uint64_t>(ne[i]);
    }
    const uint64_t nbytes = row_bytes(type, ne[0]) * rows;
    return {name, type, std::move(ne), nbytes};
}

}  // namespace chord

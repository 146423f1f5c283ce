// GGUF v3 writer that streams tensor data to disk (see GgufStreamWriter in chord/gguf.h).
// The header is laid out exactly as GgufWriter::to_bytes() lays it out, so both give the same file.
#include <cerrno>
#include <cstring>

#include "chord/error.h"
#include "chord/gguf.h"

namespace chord {

namespace {

// Appends little-endian GGUF encodings to a byte vector (the header is small: metadata + tensor infos).
class HeaderBytes {
public:
    template <typename T> void put(T v) {
        const size_t at = out.size();
        out.resize(at + sizeof(T));
        std::memcpy(out.data() + at, &v, sizeof(T));
    }
    void put_string(const std::string& s) {
        put<uint64_t>(s.size());
        out.insert(out.end(), s.begin(), s.end());
    }
    void put_value(const GgufValue& v) {
        switch (v.type) {
            case GgufType::U8: put<uint8_t>(static_cast<uint8_t>(*v.as_uint())); break;
            case GgufType::I8: put<int8_t>(static_cast<int8_t>(*v.as_int())); break;
            case GgufType::U16: put<uint16_t>(static_cast<uint16_t>(*v.as_uint())); break;
            case GgufType::I16: put<int16_t>(static_cast<int16_t>(*v.as_int())); break;
            case GgufType::U32: put<uint32_t>(static_cast<uint32_t>(*v.as_uint())); break;
            case GgufType::I32: put<int32_t>(static_cast<int32_t>(*v.as_int())); break;
            case GgufType::U64: put<uint64_t>(*v.as_uint()); break;
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
    std::vector<uint8_t> out;
};

template <typename V> GgufValue make_value(GgufType type, V v) {
    GgufValue g;
    g.type = type;
    g.value = std::move(v);
    return g;
}

template <typename T, typename Stored>
GgufValue make_array(GgufType elem_type, const std::vector<T>& items) {
    auto a = std::make_shared<GgufArray>();
    a->elem_type = elem_type;
    a->items.reserve(items.size());
    for (const T& item : items) a->items.push_back(make_value(elem_type, Stored{item}));
    return make_value(GgufType::Array, a);
}

uint64_t padded(uint64_t n, uint64_t alignment) { return (n + alignment - 1) / alignment * alignment; }

}  // namespace

GgufStreamWriter::~GgufStreamWriter() {
    if (file_) {
        std::fclose(file_);
        std::remove((path_ + ".tmp").c_str());
    }
}

void GgufStreamWriter::set(const std::string& key, GgufValue value) {
    if (file_) throw Error(ErrorKind::InvalidArgument, "GGUF metadata cannot change after begin()");
    for (auto& kv : kv_)
        if (kv.first == key) {
            kv.second = std::move(value);
            return;
        }
    kv_.emplace_back(key, std::move(value));
}

void GgufStreamWriter::set_u32(const std::string& key, uint32_t v) { set(key, make_value(GgufType::U32, uint64_t{v})); }
void GgufStreamWriter::set_i32(const std::string& key, int32_t v) { set(key, make_value(GgufType::I32, int64_t{v})); }
void GgufStreamWriter::set_u64(const std::string& key, uint64_t v) { set(key, make_value(GgufType::U64, v)); }
void GgufStreamWriter::set_f32(const std::string& key, float v) { set(key, make_value(GgufType::F32, double{v})); }
void GgufStreamWriter::set_bool(const std::string& key, bool v) { set(key, make_value(GgufType::Bool, v)); }
void GgufStreamWriter::set_string(const std::string& key, const std::string& v) {
    set(key, make_value(GgufType::String, v));
}
void GgufStreamWriter::set_string_array(const std::string& key, const std::vector<std::string>& v) {
    set(key, make_array<std::string, std::string>(GgufType::String, v));
}
void GgufStreamWriter::set_f32_array(const std::string& key, const std::vector<float>& v) {
    set(key, make_array<float, double>(GgufType::F32, v));
}
void GgufStreamWriter::set_i32_array(const std::string& key, const std::vector<int32_t>& v) {
    set(key, make_array<int32_t, int64_t>(GgufType::I32, v));
}

void GgufStreamWriter::set_alignment(uint32_t alignment) {
    if (alignment == 0 || (alignment & (alignment - 1)) != 0)
        throw Error(ErrorKind::InvalidArgument, "GGUF alignment must be a power of two");
    alignment_ = alignment;
    set_u32("general.alignment", alignment);
}

void GgufStreamWriter::add_tensor_info(const std::string& name, TensorType type, std::vector<int64_t> ne) {
    if (file_) throw Error(ErrorKind::InvalidArgument, "tensor " + name + ": tensors must be added before begin()");
    const TensorTypeInfo* info = tensor_type_info(type);
    if (!info || ne.empty() || ne.size() > 4 || ne[0] <= 0 || ne[0] % info->block_elems != 0)
        throw Error(ErrorKind::InvalidArgument, "tensor " + name + ": invalid type or shape");
    uint64_t rows = 1;
    for (size_t i = 1; i < ne.size(); ++i) {
        if (ne[i] <= 0) throw Error(ErrorKind::InvalidArgument, "tensor " + name + ": invalid shape");
        rows *= static_cast<uint64_t>(ne[i]);
    }
    const uint64_t nbytes = row_bytes(type, ne[0]) * rows;
    tensors_.push_back({name, type, std::move(ne), nbytes});
}

uint64_t GgufStreamWriter::total_bytes() const {
    HeaderBytes h;  // cheap enough: the caller asks once
    uint64_t n = 4 + 4 + 8 + 8;
    for (const auto& [key, value] : kv_) {
        h.out.clear();
        h.put_string(key);
        h.put_value(value);
        n += h.out.size() + 4;
    }
    uint64_t data = 0;
    for (const TensorInfo& t : tensors_) {
        n += 8 + t.name.size() + 4 + 8 * t.ne.size() + 4 + 8;
        data += padded(t.nbytes, alignment_);
    }
    return padded(n, alignment_) + data;
}

void GgufStreamWriter::begin(const std::string& path) {
    if (file_) throw Error(ErrorKind::InvalidArgument, "GgufStreamWriter::begin called twice");
    HeaderBytes h;
    h.put<uint32_t>(0x46554747);  // "GGUF"
    h.put<uint32_t>(3);
    h.put<uint64_t>(tensors_.size());
    h.put<uint64_t>(kv_.size());
    for (const auto& [key, value] : kv_) {
        h.put_string(key);
        h.put<uint32_t>(static_cast<uint32_t>(value.type));
        h.put_value(value);
    }
    uint64_t offset = 0;
    for (const TensorInfo& t : tensors_) {
        h.put_string(t.name);
        h.put<uint32_t>(static_cast<uint32_t>(t.ne.size()));
        for (int64_t d : t.ne) h.put<uint64_t>(static_cast<uint64_t>(d));
        h.put<uint32_t>(static_cast<uint32_t>(t.type));
        h.put<uint64_t>(offset);
        offset += padded(t.nbytes, alignment_);
    }
    h.out.resize(padded(h.out.size(), alignment_), 0);

    path_ = path;
    const std::string tmp = path + ".tmp";
    file_ = std::fopen(tmp.c_str(), "wb");
    if (!file_) throw Error(ErrorKind::Io, tmp + ": cannot create: " + std::strerror(errno));
    current_ = 0;
    current_written_ = 0;
    put(h.out.data(), h.out.size());
    pad_current_tensor();  // skips leading empty tensors, if any
}

void GgufStreamWriter::put(const void* data, size_t n) {
    if (n > 0 && std::fwrite(data, 1, n, file_) != n)
        throw Error(ErrorKind::Io, path_ + ": write failed: " + std::strerror(errno));
}

// Once the current tensor is complete: its padding, then move on to the next one.
void GgufStreamWriter::pad_current_tensor() {
    static const uint8_t zeros[256] = {};
    while (current_ < tensors_.size() && current_written_ == tensors_[current_].nbytes) {
        uint64_t pad = padded(current_written_, alignment_) - current_written_;
        while (pad > 0) {
            const size_t n = static_cast<size_t>(std::min<uint64_t>(pad, sizeof zeros));
            put(zeros, n);
            pad -= n;
        }
        ++current_;
        current_written_ = 0;
    }
}

void GgufStreamWriter::write_tensor_data(std::span<const uint8_t> bytes) {
    if (!file_) throw Error(ErrorKind::InvalidArgument, "GgufStreamWriter: write_tensor_data before begin()");
    while (!bytes.empty()) {
        if (current_ >= tensors_.size())
            throw Error(ErrorKind::InvalidArgument, path_ + ": more tensor bytes than the declared tensors hold");
        const uint64_t room = tensors_[current_].nbytes - current_written_;
        const size_t n = static_cast<size_t>(std::min<uint64_t>(room, bytes.size()));
        put(bytes.data(), n);
        current_written_ += n;
        bytes = bytes.subspan(n);
        pad_current_tensor();
    }
}

void GgufStreamWriter::finish() {
    if (!file_) throw Error(ErrorKind::InvalidArgument, "GgufStreamWriter: finish before begin()");
    if (current_ < tensors_.size())
        throw Error(ErrorKind::InvalidArgument, path_ + ": tensor " + tensors_[current_].name + " is missing " +
                                                    std::to_string(tensors_[current_].nbytes - current_written_) +
                                                    " bytes");
    const bool flushed = std::fflush(file_) == 0;
    const int err = errno;
    std::fclose(file_);
    file_ = nullptr;
    const std::string tmp = path_ + ".tmp";
    if (!flushed) {
        std::remove(tmp.c_str());
        throw Error(ErrorKind::Io, path_ + ": write failed: " + std::strerror(err));
    }
    if (std::rename(tmp.c_str(), path_.c_str()) != 0) {
        std::remove(tmp.c_str());
        throw Error(ErrorKind::Io, path_ + ": cannot rename into place: " + std::strerror(errno));
    }
}

}  // namespace chord

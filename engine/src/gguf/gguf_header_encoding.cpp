#include "gguf_header_encoding.h"

#include <cerrno>
#include <cstring>

#include "chord/error.h"

namespace chord::gguf_encoding {

namespace {

// Appends little-endian encodings; resize + memcpy because g++ 12 warns falsely (stringop-overflow) on
// vector::insert of small ranges.
class ByteAppender {
public:
    explicit ByteAppender(std::vector<uint8_t>& out) : out_(out) {}
    template <typename T> void put(T v) { append(&v, sizeof(T)); }
    void put_string(const std::string& s) {
        put<uint64_t>(s.size());
        append(s.data(), s.size());
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

private:
    void append(const void* data, size_t n) {
        const size_t at = out_.size();
        out_.resize(at + n);
        if (n > 0) std::memcpy(out_.data() + at, data, n);
    }
    std::vector<uint8_t>& out_;
};

}  // namespace

std::vector<uint8_t> encode_header(const GgufMetadataWriter::Entries& metadata,
                                   const std::vector<GgufTensorEntry>& tensors, uint32_t alignment) {
    std::vector<uint8_t> out;
    ByteAppender w(out);
    w.put<uint32_t>(0x46554747);  // "GGUF"
    w.put<uint32_t>(3);
    w.put<uint64_t>(tensors.size());
    w.put<uint64_t>(metadata.size());
    for (const auto& [key, value] : metadata) {
        w.put_string(key);
        w.put<uint32_t>(static_cast<uint32_t>(value.type));
        w.put_value(value);
    }
    uint64_t offset = 0;
    for (const GgufTensorEntry& t : tensors) {
        w.put_string(t.name);
        w.put<uint32_t>(static_cast<uint32_t>(t.ne.size()));
        for (int64_t d : t.ne) w.put<uint64_t>(static_cast<uint64_t>(d));
        w.put<uint32_t>(static_cast<uint32_t>(t.type));
        w.put<uint64_t>(offset);
        offset += padded(t.nbytes, alignment);
    }
    out.resize(padded(out.size(), alignment), 0);
    return out;
}

void commit_temp_file(std::FILE* file, const std::string& path, bool write_ok) {
    const std::string tmp = path + ".tmp";
    // fflush reports what buffered writes could not store (a full disk shows up here, not in fwrite).
    const bool flushed = write_ok && std::fflush(file) == 0;
    const int err = errno;
    const bool closed = std::fclose(file) == 0;
    if (!flushed || !closed) {
        std::remove(tmp.c_str());
        throw Error(ErrorKind::Io, path + ": write failed: " + std::strerror(flushed ? errno : err));
    }
    if (std::rename(tmp.c_str(), path.c_str()) != 0) {
        const int rename_err = errno;
        std::remove(tmp.c_str());
        throw Error(ErrorKind::Io, path + ": cannot rename into place: " + std::strerror(rename_err));
    }
}

}  // namespace chord::gguf_encoding

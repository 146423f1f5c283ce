#pragma once
// GGUF v2/v3 reader (memory-mapped, zero-copy) and writer.
//
// File layout (little-endian):
//   magic "GGUF" | u32 version | u64 n_tensors | u64 n_kv
//   n_kv × { string key | u32 value_type | value }
//   n_tensors × { string name | u32 n_dims | n_dims × u64 ne | u32 ggml_type | u64 offset }
//   padding to general.alignment (default 32) | tensor data (each tensor's offset is relative to here)
// A string is u64 length + bytes (no terminator); an array is u32 element type + u64 count + elements.
// Every count, length, offset and dimension is validated (overflow-safe) before anything is touched.
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "chord/tensor_type.h"

namespace chord {

enum class GgufType : uint32_t {
    U8 = 0, I8 = 1, U16 = 2, I16 = 3, U32 = 4, I32 = 5, F32 = 6, Bool = 7,
    String = 8, Array = 9, U64 = 10, I64 = 11, F64 = 12,
};
std::string_view gguf_type_name(GgufType t);

struct GgufValue;
struct GgufArray {
    GgufType elem_type = GgufType::U8;
    std::vector<GgufValue> items;
};

// One metadata value. Integers keep their sign class; the accessors below convert with range checks.
struct GgufValue {
    GgufType type = GgufType::U8;
    std::variant<uint64_t, int64_t, double, bool, std::string, std::shared_ptr<GgufArray>> value;

    std::optional<uint64_t> as_uint() const;  // any integer type that is >= 0
    std::optional<int64_t> as_int() const;    // any integer type that fits
    std::optional<double> as_float() const;   // F32/F64 and integers
    std::optional<bool> as_bool() const;
    const std::string* as_string() const;
    const GgufArray* as_array() const;
};

struct GgufTensor {
    std::string name;
    TensorType type = TensorType::F32;
    uint32_t n_dims = 0;
    std::array<int64_t, 4> ne{1, 1, 1, 1};  // ne[0] is the contiguous (row) dimension
    uint64_t offset = 0;                     // relative to the data section
    size_t nbytes = 0;
    const uint8_t* data = nullptr;           // into the mapping

    int64_t n_elements() const { return ne[0] * ne[1] * ne[2] * ne[3]; }
    int64_t n_rows() const { return ne[1] * ne[2] * ne[3]; }
};

class GgufFile {
public:
    // Throws chord::Error (NotFound, BadFile with the reason, Unsupported for v1 / unknown tensor types).
    static std::unique_ptr<GgufFile> open(const std::string& path);
    // Parses an in-memory image (no mmap); the bytes must outlive the GgufFile. Used by fuzzers and tests.
    static std::unique_ptr<GgufFile> from_memory(std::span<const uint8_t> bytes, const std::string& name = "<memory>");
    ~GgufFile();
    GgufFile(const GgufFile&) = delete;
    GgufFile& operator=(const GgufFile&) = delete;

    const std::string& path() const { return path_; }
    uint32_t version() const { return version_; }
    uint64_t alignment() const { return alignment_; }
    uint64_t data_offset() const { return data_offset_; }
    size_t file_size() const { return size_; }
    const uint8_t* bytes() const { return base_; }

    const std::map<std::string, GgufValue>& metadata() const { return kv_; }
    const GgufValue* find(std::string_view key) const;
    std::optional<uint64_t> get_uint(std::string_view key) const;
    std::optional<int64_t> get_int(std::string_view key) const;
    std::optional<double> get_float(std::string_view key) const;
    std::optional<bool> get_bool(std::string_view key) const;
    std::optional<std::string> get_string(std::string_view key) const;
    // Typed array accessors; throw BadFile if the key exists with another type.
    std::vector<std::string> get_string_array(std::string_view key) const;
    std::vector<float> get_float_array(std::string_view key) const;
    std::vector<int64_t> get_int_array(std::string_view key) const;

    const std::vector<GgufTensor>& tensors() const { return tensors_; }
    const GgufTensor* tensor(std::string_view name) const;

    // Tells the OS the mapping's pages for [data, data+n) are no longer needed (after repacking).
    void release_pages(const uint8_t* data, size_t n) const;

private:
    GgufFile() = default;
    void parse();

    std::string path_;
    const uint8_t* base_ = nullptr;
    size_t size_ = 0;
    bool mapped_ = false;
    uint32_t version_ = 0;
    uint64_t alignment_ = 32;
    uint64_t data_offset_ = 0;
    std::map<std::string, GgufValue> kv_;
    std::vector<GgufTensor> tensors_;
    std::map<std::string, size_t, std::less<>> tensor_index_;
};

// GGUF metadata in insertion order, shared by both writers below. Setting a key twice replaces its value.
class GgufMetadataWriter {
public:
    using Entries = std::vector<std::pair<std::string, GgufValue>>;

    void set(const std::string& key, GgufValue value);
    void set_u32(const std::string& key, uint32_t v);
    void set_i32(const std::string& key, int32_t v);
    void set_u64(const std::string& key, uint64_t v);
    void set_f32(const std::string& key, float v);
    void set_bool(const std::string& key, bool v);
    void set_string(const std::string& key, const std::string& v);
    void set_string_array(const std::string& key, const std::vector<std::string>& v);
    void set_f32_array(const std::string& key, const std::vector<float>& v);
    void set_i32_array(const std::string& key, const std::vector<int32_t>& v);
    void set_alignment(uint32_t alignment);  // also writes general.alignment

    const Entries& entries() const { return kv_; }
    uint32_t alignment() const { return alignment_; }

protected:
    void freeze() { frozen_ = true; }  // the header is written: metadata can no longer change

private:
    Entries kv_;
    uint32_t alignment_ = 32;
    bool frozen_ = false;
};

// One tensor's entry in the header: shape (GGUF order, ne[0] contiguous), type and data size in bytes.
struct GgufTensorEntry {
    std::string name;
    TensorType type = TensorType::F32;
    std::vector<int64_t> ne;
    uint64_t nbytes = 0;

    // Validates type and shape (1–4 positive dimensions, rows a whole number of blocks); throws InvalidArgument.
    static GgufTensorEntry make(const std::string& name, TensorType type, std::vector<int64_t> ne);
};

// Writes GGUF v3 from memory. Tensors are added with their raw (already encoded) bytes.
class GgufWriter : public GgufMetadataWriter {
public:
    // bytes.size() must equal the type's size for ne.
    void add_tensor(const std::string& name, TensorType type, std::vector<int64_t> ne, std::vector<uint8_t> bytes);

    std::vector<uint8_t> to_bytes() const;
    // Writes to path.tmp then renames, so a failed write never leaves a half file under the name.
    void write(const std::string& path) const;

private:
    std::vector<GgufTensorEntry> tensors_;
    std::vector<std::vector<uint8_t>> data_;  // one per tensor
};

// Writes GGUF v3 straight to disk, tensor by tensor, so a file larger than memory can be written
// (a 1.1B-parameter F32 model is 4.4 GB). Same bytes as GgufWriter for the same metadata and tensors.
// Use: metadata setters and add_tensor_info() for every tensor, then begin(path), then each tensor's
// bytes in the order the tensors were added (any number of write_tensor_data() calls per tensor),
// then finish(). The file is written to path.tmp and renamed into place by finish(); a writer destroyed
// before finish() removes its .tmp file.
class GgufStreamWriter : public GgufMetadataWriter {
public:
    GgufStreamWriter() = default;
    ~GgufStreamWriter();
    GgufStreamWriter(const GgufStreamWriter&) = delete;
    GgufStreamWriter& operator=(const GgufStreamWriter&) = delete;

    // The data comes later through write_tensor_data().
    void add_tensor_info(const std::string& name, TensorType type, std::vector<int64_t> ne);

    void begin(const std::string& path);                      // writes header, metadata and tensor infos
    void write_tensor_data(std::span<const uint8_t> bytes);   // next bytes; may span several tensors
    void finish();                                            // checks every byte came, renames into place
    uint64_t total_bytes() const;                             // size of the finished file

private:
    void put(const void* data, size_t n);
    void pad_current_tensor();
    std::vector<GgufTensorEntry> tensors_;
    std::string path_;
    std::FILE* file_ = nullptr;
    size_t current_ = 0;           // tensor whose bytes come next
    uint64_t current_written_ = 0; // bytes of it already written
};

}  // namespace chord

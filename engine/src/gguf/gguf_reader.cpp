// GGUF reader: maps the file, then parses and validates everything before any tensor byte is touched.
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <limits>

#include <spdlog/spdlog.h>

#include "chord/error.h"
#include "chord/gguf.h"
#include "gguf/byte_reader.h"

namespace chord {

namespace {

constexpr uint32_t kMagic = 0x46554747;  // "GGUF" little-endian
constexpr int kMaxArrayDepth = 8;        // nested arrays deeper than this are hostile
// Array elements in all. Each costs ~48 bytes parsed (a GgufValue) for as little as 1 byte of file, so
// this caps what a small hostile file can make the parser allocate (~200 MB); the largest real
// vocabularies (Gemma's 262k tokens: tokens, scores, types and merges) hold about 1M.
constexpr uint64_t kMaxMetadataItems = 1ull << 22;
constexpr uint64_t kMaxNameLength = 256;

// Smallest encoded size of one value of a type: bounds element counts by the bytes left.
uint64_t min_encoded_size(GgufType t) {
    switch (t) {
        case GgufType::U8: case GgufType::I8: case GgufType::Bool: return 1;
        case GgufType::U16: case GgufType::I16: return 2;
        case GgufType::U32: case GgufType::I32: case GgufType::F32: return 4;
        case GgufType::U64: case GgufType::I64: case GgufType::F64: case GgufType::String: return 8;
        case GgufType::Array: return 12;
    }
    return 1;
}

bool known_type(uint32_t t) { return t <= static_cast<uint32_t>(GgufType::F64); }

class MetadataParser {
public:
    explicit MetadataParser(ByteReader& r) : r_(r) {}

    GgufValue value(GgufType type, int depth) {
        GgufValue v;
        v.type = type;
        switch (type) {
            case GgufType::U8: v.value = uint64_t{r_.read<uint8_t>("u8 value")}; break;
            case GgufType::I8: v.value = int64_t{r_.read<int8_t>("i8 value")}; break;
            case GgufType::U16: v.value = uint64_t{r_.read<uint16_t>("u16 value")}; break;
            case GgufType::I16: v.value = int64_t{r_.read<int16_t>("i16 value")}; break;
            case GgufType::U32: v.value = uint64_t{r_.read<uint32_t>("u32 value")}; break;
            case GgufType::I32: v.value = int64_t{r_.read<int32_t>("i32 value")}; break;
            case GgufType::U64: v.value = r_.read<uint64_t>("u64 value"); break;
            case GgufType::I64: v.value = r_.read<int64_t>("i64 value"); break;
            case GgufType::F32: v.value = double{r_.read<float>("f32 value")}; break;
            case GgufType::F64: v.value = r_.read<double>("f64 value"); break;
            case GgufType::Bool: {
                const uint8_t b = r_.read<uint8_t>("bool value");
                if (b > 1) r_.fail("bool value " + std::to_string(b) + " is neither 0 nor 1");
                v.value = b == 1;
                break;
            }
            case GgufType::String: v.value = r_.read_string("string value"); break;
            case GgufType::Array: v.value = array(depth + 1); break;
        }
        return v;
    }

private:
    std::shared_ptr<GgufArray> array(int depth) {
        if (depth > kMaxArrayDepth) r_.fail("arrays nested more than " + std::to_string(kMaxArrayDepth) + " deep");
        const uint32_t raw_type = r_.read<uint32_t>("array element type");
        if (!known_type(raw_type)) r_.fail("array of unknown value type " + std::to_string(raw_type));
        const auto elem = static_cast<GgufType>(raw_type);
        const uint64_t count = r_.read<uint64_t>("array length");
        if (count > r_.remaining() / min_encoded_size(elem))
            r_.fail("array of " + std::to_string(count) + " elements is larger than the file");
        items_ += count;
        if (items_ > kMaxMetadataItems) r_.fail("metadata holds more than " + std::to_string(kMaxMetadataItems) + " values");
        auto a = std::make_shared<GgufArray>();
        a->elem_type = elem;
        a->items.reserve(static_cast<size_t>(count));
        for (uint64_t i = 0; i < count; ++i) a->items.push_back(value(elem, depth));
        return a;
    }

    ByteReader& r_;
    uint64_t items_ = 0;
};

}  // namespace

std::unique_ptr<GgufFile> GgufFile::open(const std::string& path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        const int err = errno;
        if (err == ENOENT) throw Error(ErrorKind::NotFound, path + ": no such file");
        throw Error(ErrorKind::Io, path + ": cannot open: " + std::strerror(err));
    }
    struct stat st {};
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        ::close(fd);
        throw Error(ErrorKind::BadFile, path + ": not a regular file");
    }
    const auto size = static_cast<size_t>(st.st_size);
    if (size < 24) {
        ::close(fd);
        throw Error(ErrorKind::BadFile, path + ": file is " + std::to_string(size) +
                                            " bytes, too small to be a GGUF model (truncated download?)");
    }
    // MAP_PRIVATE so pages of repacked weights can be dropped with MADV_DONTNEED.
    void* map = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
    ::close(fd);
    if (map == MAP_FAILED) throw Error(ErrorKind::Io, path + ": cannot map the file: " + std::strerror(errno));

    std::unique_ptr<GgufFile> f(new GgufFile());
    f->path_ = path;
    f->base_ = static_cast<const uint8_t*>(map);
    f->size_ = size;
    f->mapped_ = true;
    f->parse();
    return f;
}

std::unique_ptr<GgufFile> GgufFile::from_memory(std::span<const uint8_t> bytes, const std::string& name) {
    std::unique_ptr<GgufFile> f(new GgufFile());
    f->path_ = name;
    f->base_ = bytes.data();
    f->size_ = bytes.size();
    f->parse();
    return f;
}

GgufFile::~GgufFile() {
    if (mapped_) ::munmap(const_cast<uint8_t*>(base_), size_);
}

void GgufFile::parse() {
    ByteReader r(base_, size_, path_);
    const uint32_t magic = r.read<uint32_t>("magic");
    if (magic != kMagic) {
        if (magic == 0x67676a74 || magic == 0x67676d66 || magic == 0x67676d6c)
            throw Error(ErrorKind::Unsupported, path_ + ": this is an old GGML/GGJT model, not GGUF; "
                                                       "convert it to GGUF with llama.cpp's tools");
        throw Error(ErrorKind::BadFile, path_ + ": not a GGUF file (bad magic)");
    }
    version_ = r.read<uint32_t>("version");
    if (version_ == 1)
        throw Error(ErrorKind::Unsupported, path_ + ": GGUF version 1 is not supported (it predates the "
                                                     "current format); re-convert the model to GGUF v3");
    if (version_ < 2 || version_ > 3)
        throw Error(ErrorKind::Unsupported, path_ + ": GGUF version " + std::to_string(version_) +
                                                " is not supported (Chord reads v2 and v3)");
    const uint64_t n_tensors = r.read<uint64_t>("tensor count");
    const uint64_t n_kv = r.read<uint64_t>("metadata count");
    // Each entry takes at least a few bytes: counts larger than the file are hostile.
    if (n_kv > r.remaining() / 12) r.fail("metadata count " + std::to_string(n_kv) + " is larger than the file");
    if (n_tensors > r.remaining() / 28) r.fail("tensor count " + std::to_string(n_tensors) + " is larger than the file");

    MetadataParser meta(r);
    for (uint64_t i = 0; i < n_kv; ++i) {
        std::string key = r.read_string("metadata key");
        const uint32_t raw_type = r.read<uint32_t>("metadata value type");
        if (!known_type(raw_type)) r.fail("metadata key '" + key + "' has unknown value type " + std::to_string(raw_type));
        GgufValue v = meta.value(static_cast<GgufType>(raw_type), 0);
        if (kv_.count(key)) r.fail("metadata key '" + key + "' appears twice");
        kv_.emplace(std::move(key), std::move(v));
    }

    if (const GgufValue* a = find("general.alignment")) {
        const auto al = a->as_uint();
        if (a->type != GgufType::U32 || !al || *al == 0 || (*al & (*al - 1)) != 0)
            r.fail("general.alignment must be a power of two (u32)");
        alignment_ = *al;
    }

    tensors_.reserve(static_cast<size_t>(n_tensors));
    for (uint64_t i = 0; i < n_tensors; ++i) {
        GgufTensor t;
        t.name = r.read_string("tensor name");
        if (t.name.empty() || t.name.size() > kMaxNameLength) r.fail("tensor " + std::to_string(i) + " has an invalid name");
        t.n_dims = r.read<uint32_t>("tensor dimension count");
        if (t.n_dims < 1 || t.n_dims > 4)
            r.fail("tensor " + t.name + " has " + std::to_string(t.n_dims) + " dimensions (1 to 4 allowed)");
        int64_t n_elements = 1;
        for (uint32_t d = 0; d < t.n_dims; ++d) {
            const uint64_t ne = r.read<uint64_t>("tensor dimension");
            if (ne > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()) ||
                __builtin_mul_overflow(n_elements, static_cast<int64_t>(ne), &n_elements))
                r.fail("tensor " + t.name + " has dimensions whose product overflows");
            t.ne[d] = static_cast<int64_t>(ne);
        }
        const uint32_t type = r.read<uint32_t>("tensor type");
        const TensorTypeInfo* info = tensor_type_info(type);
        if (!info) r.fail("tensor " + t.name + " has unknown type " + std::to_string(type));
        t.type = static_cast<TensorType>(type);
        if (t.ne[0] % info->block_elems != 0)
            r.fail("tensor " + t.name + " (" + std::string(info->name) + ") has rows of " + std::to_string(t.ne[0]) +
                   " elements, not a multiple of its block size " + std::to_string(info->block_elems) +
                   ": its blocks would cross row boundaries");
        t.offset = r.read<uint64_t>("tensor offset");
        if (t.offset % alignment_ != 0)
            r.fail("tensor " + t.name + " offset " + std::to_string(t.offset) + " is not aligned to " + std::to_string(alignment_));
        // Rows times row bytes, every product checked: with a zero-length dimension the element count above
        // cannot overflow, yet the other dimensions' product still can.
        const uint64_t blocks_per_row = static_cast<uint64_t>(t.ne[0] / info->block_elems);
        uint64_t row = 0, rows = 0, total = 0;
        if (__builtin_mul_overflow(blocks_per_row, static_cast<uint64_t>(info->block_bytes), &row) ||
            __builtin_mul_overflow(static_cast<uint64_t>(t.ne[1]), static_cast<uint64_t>(t.ne[2]), &rows) ||
            __builtin_mul_overflow(rows, static_cast<uint64_t>(t.ne[3]), &rows) ||
            __builtin_mul_overflow(row, rows, &total))
            r.fail("tensor " + t.name + " is too large");
        t.nbytes = static_cast<size_t>(total);
        if (tensor_index_.count(t.name)) r.fail("tensor name " + t.name + " appears twice");
        tensor_index_.emplace(t.name, tensors_.size());
        tensors_.push_back(std::move(t));
    }

    const uint64_t pos = r.position();
    data_offset_ = (pos + alignment_ - 1) / alignment_ * alignment_;
    if (data_offset_ > size_ && !tensors_.empty()) r.fail("tensor data section starts past the end of the file");

    // Bounds and overlap: every tensor must lie inside the file and not overlap another.
    std::vector<const GgufTensor*> by_offset;
    for (GgufTensor& t : tensors_) {
        uint64_t end = 0;
        if (__builtin_add_overflow(data_offset_, t.offset, &end) || __builtin_add_overflow(end, t.nbytes, &end) ||
            end > size_)
            throw Error(ErrorKind::BadFile, path_ + ": tensor " + t.name +
                                                " ends past the end of the file (truncated download?)");
        t.data = base_ + data_offset_ + t.offset;
        by_offset.push_back(&t);
    }
    std::sort(by_offset.begin(), by_offset.end(), [](auto* a, auto* b) { return a->offset < b->offset; });
    for (size_t i = 1; i < by_offset.size(); ++i)
        if (by_offset[i - 1]->offset + by_offset[i - 1]->nbytes > by_offset[i]->offset)
            throw Error(ErrorKind::BadFile, path_ + ": tensors " + by_offset[i - 1]->name + " and " +
                                                by_offset[i]->name + " overlap");
}

const GgufValue* GgufFile::find(std::string_view key) const {
    auto it = kv_.find(std::string(key));
    return it == kv_.end() ? nullptr : &it->second;
}

std::optional<uint64_t> GgufFile::get_uint(std::string_view key) const {
    const GgufValue* v = find(key);
    return v ? v->as_uint() : std::nullopt;
}
std::optional<int64_t> GgufFile::get_int(std::string_view key) const {
    const GgufValue* v = find(key);
    return v ? v->as_int() : std::nullopt;
}
std::optional<double> GgufFile::get_float(std::string_view key) const {
    const GgufValue* v = find(key);
    return v ? v->as_float() : std::nullopt;
}
std::optional<bool> GgufFile::get_bool(std::string_view key) const {
    const GgufValue* v = find(key);
    return v ? v->as_bool() : std::nullopt;
}
std::optional<std::string> GgufFile::get_string(std::string_view key) const {
    const GgufValue* v = find(key);
    if (!v || !v->as_string()) return std::nullopt;
    return *v->as_string();
}

namespace {
template <typename T, typename Convert>
std::vector<T> typed_array(const GgufFile& f, std::string_view key, const char* want, Convert convert) {
    std::vector<T> out;
    const GgufValue* v = f.find(key);
    if (!v) return out;
    const GgufArray* a = v->as_array();
    if (!a) throw Error(ErrorKind::BadFile, f.path() + ": metadata " + std::string(key) + " is not an array");
    out.reserve(a->items.size());
    for (const GgufValue& item : a->items) {
        auto c = convert(item);
        if (!c) throw Error(ErrorKind::BadFile, f.path() + ": metadata " + std::string(key) + " is not an array of " + want);
        out.push_back(static_cast<T>(*c));
    }
    return out;
}
}  // namespace

std::vector<std::string> GgufFile::get_string_array(std::string_view key) const {
    return typed_array<std::string>(*this, key, "strings", [](const GgufValue& v) -> std::optional<std::string> {
        if (const std::string* s = v.as_string()) return *s;
        return std::nullopt;
    });
}
std::vector<float> GgufFile::get_float_array(std::string_view key) const {
    return typed_array<float>(*this, key, "numbers", [](const GgufValue& v) { return v.as_float(); });
}
std::vector<int64_t> GgufFile::get_int_array(std::string_view key) const {
    return typed_array<int64_t>(*this, key, "integers", [](const GgufValue& v) { return v.as_int(); });
}

const GgufTensor* GgufFile::tensor(std::string_view name) const {
    auto it = tensor_index_.find(name);
    return it == tensor_index_.end() ? nullptr : &tensors_[it->second];
}

void GgufFile::release_pages(const uint8_t* data, size_t n) const {
    if (!mapped_ || n == 0) return;
    const auto page = static_cast<uintptr_t>(::sysconf(_SC_PAGESIZE));
    const auto begin = (reinterpret_cast<uintptr_t>(data) + page - 1) / page * page;
    const auto end = (reinterpret_cast<uintptr_t>(data) + n) / page * page;
    if (end > begin) ::madvise(reinterpret_cast<void*>(begin), end - begin, MADV_DONTNEED);
}

}  // namespace chord

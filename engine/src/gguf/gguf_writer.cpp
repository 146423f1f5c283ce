// GGUF v3 writer from memory: metadata in insertion order, tensors aligned to general.alignment.
#include <cerrno>
#include <cstring>

#include "chord/error.h"
#include "chord/gguf.h"
#include "gguf_header_encoding.h"

namespace chord {

void GgufWriter::add_tensor(const std::string& name, TensorType type, std::vector<int64_t> ne, std::vector<uint8_t> bytes) {
    GgufTensorEntry entry = GgufTensorEntry::make(name, type, std::move(ne));
    if (bytes.size() != entry.nbytes)
        throw Error(ErrorKind::InvalidArgument, "tensor " + name + ": byte size does not match its shape");
    tensors_.push_back(std::move(entry));
    data_.push_back(std::move(bytes));
}

std::vector<uint8_t> GgufWriter::to_bytes() const {
    std::vector<uint8_t> out = gguf_encoding::encode_header(entries(), tensors_, alignment());
    for (const std::vector<uint8_t>& bytes : data_) {
        const size_t at = out.size();
        out.resize(gguf_encoding::padded(at + bytes.size(), alignment()), 0);
        if (!bytes.empty()) std::memcpy(out.data() + at, bytes.data(), bytes.size());
    }
    return out;
}

void GgufWriter::write(const std::string& path) const {
    const std::vector<uint8_t> bytes = to_bytes();
    const std::string tmp = path + ".tmp";
    std::FILE* f = std::fopen(tmp.c_str(), "wb");
    if (!f) throw Error(ErrorKind::Io, tmp + ": cannot create: " + std::strerror(errno));
    gguf_encoding::commit_temp_file(f, path, std::fwrite(bytes.data(), 1, bytes.size(), f) == bytes.size());
}

}  // namespace chord

// GGUF v3 writer that streams tensor data to disk (see GgufStreamWriter in chord/gguf.h).
// The header is laid out exactly as GgufWriter::to_bytes() lays it out, so both give the same file.
#include <cerrno>
#include <cstring>

#include "chord/error.h"
#include "chord/gguf.h"
#include "gguf_header_encoding.h"

namespace chord {

GgufStreamWriter::~GgufStreamWriter() {
    if (file_) {
        std::fclose(file_);
        std::remove((path_ + ".tmp").c_str());
    }
}

void GgufStreamWriter::add_tensor_info(const std::string& name, TensorType type, std::vector<int64_t> ne) {
    if (file_) throw Error(ErrorKind::InvalidArgument, "tensor " + name + ": tensors must be added before begin()");
    tensors_.push_back(GgufTensorEntry::make(name, type, std::move(ne)));
}

uint64_t GgufStreamWriter::total_bytes() const {
    uint64_t n = gguf_encoding::encode_header(entries(), tensors_, alignment()).size();
    for (const GgufTensorEntry& t : tensors_) n += gguf_encoding::padded(t.nbytes, alignment());
    return n;
}

void GgufStreamWriter::begin(const std::string& path) {
    if (file_) throw Error(ErrorKind::InvalidArgument, "GgufStreamWriter::begin called twice");
    const std::vector<uint8_t> header = gguf_encoding::encode_header(entries(), tensors_, alignment());
    path_ = path;
    const std::string tmp = path + ".tmp";
    file_ = std::fopen(tmp.c_str(), "wb");
    if (!file_) throw Error(ErrorKind::Io, tmp + ": cannot create: " + std::strerror(errno));
    freeze();
    current_ = 0;
    current_written_ = 0;
    put(header.data(), header.size());
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
        uint64_t pad = gguf_encoding::padded(current_written_, alignment()) - current_written_;
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
    std::FILE* file = file_;
    file_ = nullptr;  // committed or removed below, never again by the destructor
    gguf_encoding::commit_temp_file(file, path_, true);
}

}  // namespace chord

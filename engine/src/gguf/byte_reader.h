#pragma once
// Bounds-checked little-endian cursor over a byte range. Every read checks the remaining length first,
// so a truncated or hostile file produces a BadFile error, never a read past the end.
#include <cstdint>
#include <cstring>
#include <string>

#include "chord/error.h"

namespace chord {

class ByteReader {
public:
    ByteReader(const uint8_t* data, size_t size, std::string name) : data_(data), size_(size), name_(std::move(name)) {}

    size_t position() const { return pos_; }
    size_t remaining() const { return size_ - pos_; }

    template <typename T> T read(const char* what) {
        need(sizeof(T), what);
        T v;
        std::memcpy(&v, data_ + pos_, sizeof(T));
        pos_ += sizeof(T);
        return v;
    }

    std::string read_string(const char* what) {
        const uint64_t len = read<uint64_t>(what);
        if (len > remaining()) fail(std::string(what) + " has length " + std::to_string(len) + " past the end of the file");
        std::string s(reinterpret_cast<const char*>(data_ + pos_), static_cast<size_t>(len));
        pos_ += static_cast<size_t>(len);
        return s;
    }

    void skip(uint64_t n, const char* what) {
        if (n > remaining()) fail(std::string(what) + " runs past the end of the file");
        pos_ += static_cast<size_t>(n);
    }

    [[noreturn]] void fail(const std::string& msg) const {
        throw Error(ErrorKind::BadFile, name_ + ": " + msg + " (truncated or corrupt file?)");
    }

private:
    void need(size_t n, const char* what) const {
        if (n > remaining()) fail(std::string("unexpected end of file while reading ") + what);
    }

    const uint8_t* data_;
    size_t size_;
    size_t pos_ = 0;
    std::string name_;
};

}  // namespace chord

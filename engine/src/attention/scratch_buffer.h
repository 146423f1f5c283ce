#pragma once
// Attention scratch memory that counts what it really allocates, so peak_allocated_bytes() is measured
// rather than estimated. One buffer per backend instance, grown only when a call needs more; each thread
// gets its own cache-line-aligned slice of it.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

namespace chord {

// Current and peak bytes held through CountingAllocator (touched only by the thread that calls run()).
struct ScratchCounter {
    size_t current = 0;
    size_t peak = 0;
};

template <typename T>
class CountingAllocator {
public:
    using value_type = T;
    explicit CountingAllocator(ScratchCounter* counter) : counter_(counter) {}
    template <typename U>
    CountingAllocator(const CountingAllocator<U>& other) : counter_(other.counter()) {}  // NOLINT: rebind

    T* allocate(size_t n) {
        T* p = std::allocator<T>().allocate(n);
        counter_->current += n * sizeof(T);
        counter_->peak = std::max(counter_->peak, counter_->current);
        return p;
    }
    void deallocate(T* p, size_t n) {
        std::allocator<T>().deallocate(p, n);
        counter_->current -= n * sizeof(T);
    }
    ScratchCounter* counter() const { return counter_; }
    template <typename U>
    bool operator==(const CountingAllocator<U>& other) const { return counter_ == other.counter(); }

private:
    ScratchCounter* counter_;
};

// floats_per_thread slices of one counted float buffer, each starting on a 64-byte boundary so two
// threads never write the same cache line.
class ThreadScratch {
public:
    static constexpr size_t kAlignFloats = 16;

    static size_t padded(size_t floats) { return (floats + kAlignFloats - 1) / kAlignFloats * kAlignFloats; }
    // Bytes reserve() allocates for these arguments (what scratch_bytes() reports).
    static size_t bytes_for(size_t shared_floats, size_t floats_per_thread, int threads) {
        return (padded(shared_floats) + padded(floats_per_thread) * static_cast<size_t>(threads) + kAlignFloats) *
               sizeof(float);
    }

    // A region shared by all threads (e.g. the score matrix) followed by one slice per thread.
    void reserve(size_t shared_floats, size_t floats_per_thread, int threads) {
        shared_ = padded(shared_floats);
        per_thread_ = padded(floats_per_thread);
        const size_t need = shared_ + per_thread_ * static_cast<size_t>(threads) + kAlignFloats;
        if (buffer_.size() < need) {
            buffer_.clear();
            buffer_.shrink_to_fit();  // free first: never hold the old and the new buffer at once
            buffer_.resize(need);
        }
        const auto address = reinterpret_cast<uintptr_t>(buffer_.data());
        base_ = buffer_.data() + ((64 - address % 64) % 64) / sizeof(float);
    }
    float* shared() { return base_; }
    float* thread(int t) { return base_ + shared_ + per_thread_ * static_cast<size_t>(t); }
    size_t peak_bytes() const { return counter_.peak; }

private:
    ScratchCounter counter_;
    std::vector<float, CountingAllocator<float>> buffer_{CountingAllocator<float>(&counter_)};
    size_t shared_ = 0;
    size_t per_thread_ = 0;
    float* base_ = nullptr;
};

}  // namespace chord

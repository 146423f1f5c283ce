#include "threading/thread_pool.h"

#include <algorithm>
#include <exception>

namespace chord {

namespace {

// How long an idle worker (or the waiting caller) polls before sleeping. Ops follow each other within
// microseconds during a forward pass, so a short spin saves a futex wake-up per op; kept short because
// the machine may be oversubscribed, where spinning only steals time from the thread doing the work.
constexpr int kSpinIterations = 4096;

inline void cpu_relax() {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    asm volatile("yield" ::: "memory");
#endif
}

// The first exception thrown by a task of the current run(), rethrown in the caller.
struct FirstError {
    std::mutex mutex;
    std::exception_ptr error;
    void record(std::exception_ptr e) {
        std::lock_guard lock(mutex);
        if (!error) error = std::move(e);
    }
};

}  // namespace

ThreadPool::ThreadPool(int n_threads) : n_threads_(std::max(1, n_threads)) {
    workers_.reserve(static_cast<size_t>(n_threads_ - 1));
    for (int t = 1; t < n_threads_; ++t) workers_.emplace_back([this, t] { worker_loop(t); });
}

ThreadPool::~ThreadPool() {
    {
        std::lock_guard lock(mutex_);
        stop_ = true;
        generation_.fetch_add(1, std::memory_order_release);
    }
    wake_.notify_all();
    for (auto& w : workers_) w.join();
}

void ThreadPool::run(int64_t n_tasks, const std::function<void(int64_t task, int thread)>& fn) {
    if (n_tasks <= 0) return;
    if (n_threads_ == 1 || n_tasks == 1) {
        for (int64_t t = 0; t < n_tasks; ++t) fn(t, 0);
        return;
    }

    FirstError first_error;
    const std::function<void(int64_t, int)> guarded = [&](int64_t task, int thread) {
        try {
            fn(task, thread);
        } catch (...) {
            first_error.record(std::current_exception());
        }
    };

    {
        // job_ and n_tasks_ are published by the release increment of generation_ (spinning workers)
        // and by the mutex (sleeping workers).
        std::lock_guard lock(mutex_);
        job_ = &guarded;
        n_tasks_ = n_tasks;
        next_task_.store(0, std::memory_order_relaxed);
        busy_.store(n_threads_ - 1, std::memory_order_relaxed);
        generation_.fetch_add(1, std::memory_order_release);
    }
    wake_.notify_all();

    work(0);

    // Every worker takes part in every generation, so the next run() cannot overtake a slow worker.
    bool done = false;
    for (int i = 0; i < kSpinIterations && !done; ++i) {
        done = busy_.load(std::memory_order_acquire) == 0;
        if (!done) cpu_relax();
    }
    if (!done) {
        std::unique_lock lock(mutex_);
        done_cv_.wait(lock, [this] { return busy_.load(std::memory_order_acquire) == 0; });
    }
    job_ = nullptr;
    if (first_error.error) std::rethrow_exception(first_error.error);
}

void ThreadPool::work(int thread) {
    const auto& fn = *job_;
    const int64_t n = n_tasks_;
    for (;;) {
        const int64_t task = next_task_.fetch_add(1, std::memory_order_relaxed);
        if (task >= n) break;
        fn(task, thread);
    }
}

void ThreadPool::worker_loop(int thread) {
    uint64_t seen = 0;
    for (;;) {
        bool woke = false;
        for (int i = 0; i < kSpinIterations && !woke; ++i) {
            woke = generation_.load(std::memory_order_acquire) != seen;
            if (!woke) cpu_relax();
        }
        if (!woke) {
            std::unique_lock lock(mutex_);
            wake_.wait(lock, [&] { return generation_.load(std::memory_order_acquire) != seen; });
        }
        seen = generation_.load(std::memory_order_acquire);
        // stop_ is written before the release increment that announced this generation, and never while
        // a run() is in flight (run() waits for every worker), so this read is ordered without a lock.
        if (stop_) return;
        work(thread);
        if (busy_.fetch_sub(1, std::memory_order_acq_rel) == 1) {
            // Taking the mutex orders this notify after the caller's predicate check: no lost wake-up.
            std::lock_guard lock(mutex_);
            done_cv_.notify_all();
        }
    }
}

void ThreadPool::parallel_for(int64_t n, const std::function<void(int64_t begin, int64_t end, int thread)>& fn,
                              int64_t min_chunk) {
    if (n <= 0) return;
    // A few chunks per thread lets a thread that finishes early (or was descheduled) be balanced out.
    constexpr int64_t kChunksPerThread = 4;
    min_chunk = std::max<int64_t>(1, min_chunk);
    const int64_t max_chunks = (n + min_chunk - 1) / min_chunk;
    const int64_t n_chunks = std::min<int64_t>(max_chunks, static_cast<int64_t>(n_threads_) * kChunksPerThread);
    const int64_t chunk = std::max(min_chunk, (n + n_chunks - 1) / n_chunks);
    const int64_t n_tasks = (n + chunk - 1) / chunk;
    // One captured pointer keeps the std::function in its small buffer: no allocation per call.
    struct Split {
        int64_t n, chunk;
        const std::function<void(int64_t, int64_t, int)>* fn;
    } split{n, chunk, &fn};
    run(n_tasks, [p = &split](int64_t task, int thread) {
        const int64_t begin = task * p->chunk;
        (*p->fn)(begin, std::min(p->n, begin + p->chunk), thread);
    });
}

}  // namespace chord

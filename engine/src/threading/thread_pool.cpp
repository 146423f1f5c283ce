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

// Task index of a generation being published: job_ and n_tasks_ are being written, claims must wait.
constexpr uint64_t kClosed = 0xFFFFFFFFu;

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
        stop_.store(true);
        ++generation_;
        n_tasks_.store(0);
        claim_.store(static_cast<uint64_t>(generation_) << 32);
    }
    wake_.notify_all();
    for (auto& w : workers_) w.join();
}

void ThreadPool::run(int64_t n_tasks, const std::function<void(int64_t task, int thread)>& fn) {
    if (n_tasks <= 0) return;
    if (n_threads_ == 1 || n_tasks == 1 || n_tasks >= static_cast<int64_t>(kClosed)) {
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
    Job job{&guarded};

    {
        // The mutex orders the publication with sleeping workers' predicate checks (no lost wake-up).
        // Closing the claim first makes any claim still in flight against the previous run fail.
        std::lock_guard lock(mutex_);
        ++generation_;
        claim_.store(static_cast<uint64_t>(generation_) << 32 | kClosed);
        job_.store(&job);
        n_tasks_.store(n_tasks);
        claim_.store(static_cast<uint64_t>(generation_) << 32);
    }
    wake_.notify_all();

    work(generation_, 0);

    // Every task is claimed; wait for the ones still running on workers.
    bool done = false;
    for (int i = 0; i < kSpinIterations && !done; ++i) {
        done = job.done.load() == n_tasks;
        if (!done) cpu_relax();
    }
    if (!done) {
        std::unique_lock lock(mutex_);
        done_cv_.wait(lock, [&] { return job.done.load() == n_tasks; });
    }
    if (first_error.error) std::rethrow_exception(first_error.error);
}

void ThreadPool::work(uint32_t gen, int thread) {
    uint64_t c = claim_.load();
    for (;;) {
        if (static_cast<uint32_t>(c >> 32) != gen) return;  // a later run: not ours to take
        if ((c & 0xFFFFFFFFu) == kClosed) {  // being published (a few stores): wait
            cpu_relax();
            c = claim_.load();
            continue;
        }
        const int64_t task = static_cast<int64_t>(c & 0xFFFFFFFFu);
        // Read before the claim, which only succeeds if claim_ did not change meanwhile: the run can
        // neither end (task is unclaimed) nor be replaced (publishing closes claim_ first), so
        // these belong to generation gen.
        const int64_t n = n_tasks_.load();
        Job* job = job_.load();
        if (task >= n) return;
        if (!claim_.compare_exchange_weak(c, c + 1)) continue;  // c reloaded
        (*job->fn)(task, thread);
        // After this increment the run may return and destroy job: do not touch it again.
        if (job->done.fetch_add(1) + 1 == n) {
            std::lock_guard lock(mutex_);
            done_cv_.notify_all();
        }
        c = claim_.load();
    }
}

void ThreadPool::worker_loop(int thread) {
    uint32_t seen = 0;
    const auto current = [this] { return static_cast<uint32_t>(claim_.load() >> 32); };
    for (;;) {
        bool woke = false;
        for (int i = 0; i < kSpinIterations && !woke; ++i) {
            woke = current() != seen;
            if (!woke) cpu_relax();
        }
        if (!woke) {
            std::unique_lock lock(mutex_);
            wake_.wait(lock, [&] { return current() != seen; });
        }
        seen = current();
        if (stop_.load()) return;
        work(seen, thread);
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

#pragma once
// A persistent pool of worker threads: no thread is created per token or per op.
// run(n_tasks, fn) calls fn(task, thread) for every task in [0, n_tasks) across the pool and the calling
// thread (which takes part as thread 0), returning when all are done. Tasks are claimed with an atomic
// counter; workers spin briefly before sleeping so back-to-back ops do not pay a wake-up each.
// One thread drives the pool at a time, and fn must not call run() on the same pool (it would deadlock).
// If tasks throw, the remaining tasks still run and the first exception is rethrown by run().
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace chord {

class ThreadPool {
public:
    explicit ThreadPool(int n_threads);  // n_threads counts the caller; 1 means no workers
    ~ThreadPool();
    ThreadPool(const ThreadPool&) = delete;
    ThreadPool& operator=(const ThreadPool&) = delete;

    int size() const { return n_threads_; }
    void run(int64_t n_tasks, const std::function<void(int64_t task, int thread)>& fn);
    // Splits [0, n) into about size()*chunks_per_thread contiguous ranges: fn(begin, end, thread).
    void parallel_for(int64_t n, const std::function<void(int64_t begin, int64_t end, int thread)>& fn,
                      int64_t min_chunk = 1);

private:
    void worker_loop(int thread);
    void work(int thread);

    int n_threads_;
    std::vector<std::thread> workers_;
    std::mutex mutex_;
    std::condition_variable wake_;
    std::condition_variable done_cv_;
    const std::function<void(int64_t, int)>* job_ = nullptr;
    int64_t n_tasks_ = 0;
    std::atomic<int64_t> next_task_{0};
    std::atomic<int> busy_{0};
    std::atomic<uint64_t> generation_{0};
    bool stop_ = false;
};

}  // namespace chord

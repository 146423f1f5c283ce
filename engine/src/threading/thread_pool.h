#pragma once
// A persistent pool of worker threads: no thread is created per token or per op.
// run(n_tasks, fn) calls fn(task, thread) for every task in [0, n_tasks) across the pool and the calling
// thread (which takes part as thread 0), returning when all are done. Tasks are claimed with an atomic
// counter; workers spin briefly before sleeping so back-to-back ops do not pay a wake-up each.
// run() waits only for tasks that were claimed, never for a worker to show up: on a machine shared with
// other processes a descheduled worker costs its share of the work, not a whole time slice per op (the
// caller takes its tasks). The claim counter carries the run's generation, so a worker that wakes late
// cannot claim a task of a run that has moved on.
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
    struct Job {
        const std::function<void(int64_t, int)>* fn;
        std::atomic<int64_t> done{0};  // tasks finished
    };
    void worker_loop(int thread);
    // Claims and runs tasks of generation gen until none are left; returns how many it ran.
    void work(uint32_t gen, int thread);

    int n_threads_;
    std::vector<std::thread> workers_;
    std::mutex mutex_;
    std::condition_variable wake_;
    std::condition_variable done_cv_;
    // claim_ = generation << 32 | next unclaimed task. job_ and n_tasks_ belong to the current
    // generation; a successful compare-exchange on claim_ proves they were read within it.
    std::atomic<uint64_t> claim_{0};
    std::atomic<Job*> job_{nullptr};
    std::atomic<int64_t> n_tasks_{0};
    uint32_t generation_ = 0;  // written by the driving thread only
    std::atomic<bool> stop_{false};
};

}  // namespace chord

// ThreadPool: every task runs exactly once, on a valid thread index, results do not depend on the
// number of threads, and thousands of back-to-back runs complete (a lost wake-up would hang here).
#include <atomic>
#include <cmath>
#include <cstdint>
#include <stdexcept>
#include <vector>

#include "chord_test.h"
#include "threading/thread_pool.h"

namespace {

// A deterministic per-index computation heavy enough that threads overlap.
double task_value(int64_t i) {
    double x = static_cast<double>(i) * 0.001;
    for (int k = 0; k < 50; ++k) x = std::sin(x) + 0.5 * std::cos(x * 1.3);
    return x;
}

std::vector<double> compute_with(int threads, int64_t n) {
    chord::ThreadPool pool(threads);
    std::vector<double> out(static_cast<size_t>(n), 0.0);
    pool.parallel_for(n, [&](int64_t begin, int64_t end, int) {
        for (int64_t i = begin; i < end; ++i) out[static_cast<size_t>(i)] = task_value(i);
    });
    return out;
}

}  // namespace

class TestThreadPool : public QObject {
    Q_OBJECT
private slots:
    void everyTaskRunsExactlyOnce();
    void sameResultsForOneAndManyThreads();
    void parallelForCoversRangeInContiguousChunks();
    void manyBackToBackRuns();
    void poolOfOneRunsOnCaller();
    void taskExceptionIsRethrown();
};

void TestThreadPool::everyTaskRunsExactlyOnce() {
    for (int threads : {2, 3, 4, 8}) {
        chord::ThreadPool pool(threads);
        QCOMPARE(pool.size(), threads);
        for (int64_t n : {int64_t{1}, int64_t{2}, int64_t{7}, int64_t{1000}, int64_t{100003}}) {
            std::vector<std::atomic<int>> hits(static_cast<size_t>(n));
            std::atomic<int> bad_thread{0};
            pool.run(n, [&](int64_t task, int thread) {
                if (thread < 0 || thread >= threads) bad_thread.fetch_add(1);
                hits[static_cast<size_t>(task)].fetch_add(1, std::memory_order_relaxed);
            });
            QCOMPARE(bad_thread.load(), 0);
            for (auto& h : hits) QCOMPARE(h.load(), 1);
        }
    }
}

void TestThreadPool::sameResultsForOneAndManyThreads() {
    const int64_t n = 20001;
    const auto one = compute_with(1, n);
    for (int threads : {2, 3, 5}) {
        const auto many = compute_with(threads, n);
        QVERIFY(one == many);
    }
}

void TestThreadPool::parallelForCoversRangeInContiguousChunks() {
    chord::ThreadPool pool(3);
    for (int64_t n : {int64_t{1}, int64_t{5}, int64_t{12}, int64_t{97}, int64_t{4096}}) {
        for (int64_t min_chunk : {int64_t{1}, int64_t{4}, int64_t{64}}) {
            std::vector<std::atomic<int>> hits(static_cast<size_t>(n));
            std::atomic<int> bad_range{0};
            std::atomic<int> small_chunks{0};
            pool.parallel_for(
                n,
                [&](int64_t begin, int64_t end, int) {
                    if (begin < 0 || end > n || begin >= end) bad_range.fetch_add(1);
                    // Only the last chunk may be shorter than min_chunk.
                    if (end - begin < min_chunk && end != n) small_chunks.fetch_add(1);
                    for (int64_t i = begin; i < end; ++i) hits[static_cast<size_t>(i)].fetch_add(1);
                },
                min_chunk);
            QCOMPARE(bad_range.load(), 0);
            QCOMPARE(small_chunks.load(), 0);
            for (auto& h : hits) QCOMPARE(h.load(), 1);
        }
    }
}

void TestThreadPool::manyBackToBackRuns() {
    chord::ThreadPool pool(4);
    int64_t expected = 0;
    std::atomic<int64_t> sum{0};
    for (int r = 0; r < 20000; ++r) {
        const int64_t n = 1 + r % 9;  // includes single-task runs, which stay on the caller
        pool.run(n, [&](int64_t task, int) { sum.fetch_add(task + 1, std::memory_order_relaxed); });
        expected += n * (n + 1) / 2;
        // The pool returns only when all tasks are done: the sum is complete right now.
        QCOMPARE(sum.load(), expected);
    }
}

void TestThreadPool::poolOfOneRunsOnCaller() {
    chord::ThreadPool pool(1);
    QCOMPARE(pool.size(), 1);
    std::vector<int> order;
    pool.run(5, [&](int64_t task, int thread) {
        QVERIFY(thread == 0);
        order.push_back(static_cast<int>(task));
    });
    QVERIFY((order == std::vector<int>{0, 1, 2, 3, 4}));
    int chunks = 0;
    int64_t covered = 0;
    pool.parallel_for(10, [&](int64_t b, int64_t e, int) { ++chunks; covered += e - b; });
    QCOMPARE(covered, int64_t{10});
    QVERIFY(chunks >= 1);
}

void TestThreadPool::taskExceptionIsRethrown() {
    chord::ThreadPool pool(3);
    std::atomic<int> ran{0};
    QVERIFY_THROWS_EXCEPTION(std::runtime_error, pool.run(100, [&](int64_t task, int) {
        ran.fetch_add(1);
        if (task == 37) throw std::runtime_error("task 37 failed");
    }));
    QCOMPARE(ran.load(), 100);
    // The pool is still usable afterwards.
    std::atomic<int> after{0};
    pool.run(10, [&](int64_t, int) { after.fetch_add(1); });
    QCOMPARE(after.load(), 10);
}

CHORD_TEST_MAIN(TestThreadPool, everyTaskRunsExactlyOnce, sameResultsForOneAndManyThreads,
                parallelForCoversRangeInContiguousChunks, manyBackToBackRuns, poolOfOneRunsOnCaller,
                taskExceptionIsRethrown)
#ifndef CHORD_TEST_NO_QT
#include "test_thread_pool.moc"
#endif

// Unit tests of the native kernels and of the thread pool behind matmul.
#include <pthread.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <cstdint>
#include <latch>
#include <limits>
#include <mutex>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "kernels/kernels.hpp"
#include "kernels/thread_pool.hpp"

namespace {

using namespace std::chrono_literals;
using gilhost::kernels::ThreadPool;
using Clock = std::chrono::steady_clock;
using Catch::Matchers::Contains;

// Deterministic values in [-1, 1) from a linear congruential generator (no <random>, whose
// distributions differ between standard libraries).
std::vector<double> filled(std::size_t count, std::uint64_t seed) {
  std::vector<double> values(count);
  std::uint64_t state = seed * 0x9E3779B97F4A7C15u + 1;
  for (double& v : values) {
    state = state * 6364136223846793005u + 1442695040888963407u;
    v = static_cast<double>(state >> 11) / 4503599627370496.0 - 1.0;  // 53 bits / 2^52 - 1
  }
  return values;
}

std::vector<double> naive_matmul(const std::vector<double>& a, const std::vector<double>& b,
                                 std::size_t n, std::size_t k, std::size_t m) {
  std::vector<double> c(n * m);
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = 0; j < m; ++j) {
      double sum = 0.0;
      for (std::size_t p = 0; p < k; ++p) sum += a[i * k + p] * b[p * m + j];
      c[i * m + j] = sum;
    }
  }
  return c;
}

std::vector<double> matmul_with(const std::vector<double>& a, const std::vector<double>& b,
                                std::size_t n, std::size_t k, std::size_t m, unsigned threads) {
  std::vector<double> c(n * m, -7.0);  // garbage that matmul must overwrite
  gilhost::kernels::matmul(a, b, c, n, k, m, threads);
  return c;
}

std::chrono::nanoseconds thread_cpu_time() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return std::chrono::seconds(t.tv_sec) + std::chrono::nanoseconds(t.tv_nsec);
}

std::atomic<int> signals_delivered{0};
extern "C" void count_signal(int) { signals_delivered.fetch_add(1); }

// Consumes a signal still pending on this thread (signals of one kind do not queue, so counting
// sent against delivered cannot tell whether one is left).
void discard_pending(int signal) {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, signal);
  sigset_t old_mask;
  pthread_sigmask(SIG_BLOCK, &set, &old_mask);
  const timespec no_wait{};
  while (sigtimedwait(&set, nullptr, &no_wait) == signal) {
  }
  pthread_sigmask(SIG_SETMASK, &old_mask, nullptr);
}

}  // namespace

TEST_CASE("dot multiplies and sums") {
  using gilhost::kernels::dot;
  const std::vector<double> a{1, 2, 3};
  const std::vector<double> b{4, -5, 6};
  CHECK(dot(a, b) == 12.0);
  CHECK(dot(std::vector<double>{}, std::vector<double>{}) == 0.0);
  CHECK(dot(std::vector<double>{0.5}, std::vector<double>{0.25}) == 0.125);
  REQUIRE_THROWS_AS(dot(a, std::vector<double>{1, 2, 3, 4}), std::invalid_argument);
  REQUIRE_THROWS_WITH(dot(a, std::vector<double>{1, 2, 3, 4}), Contains("3") && Contains("4"));
}

TEST_CASE("vector_norm is the Euclidean norm") {
  using gilhost::kernels::vector_norm;
  CHECK(vector_norm(std::vector<double>{3, -4}) == 5.0);
  CHECK(vector_norm(std::vector<double>{}) == 0.0);
  CHECK(vector_norm(std::vector<double>{-2}) == 2.0);
  CHECK(vector_norm(std::vector<double>{1, 1, 1, 1}) == 2.0);
  CHECK(vector_norm(std::vector<double>{1e150, 1e150}) == Approx(1.4142135623730951e150));
  CHECK(vector_norm(std::vector<double>{1e-150, 1e-150}) == Approx(1.4142135623730951e-150));
}

TEST_CASE("matmul matches a naive triple loop for every thread count") {
  struct Shape {
    std::size_t n, k, m;
  };
  const Shape shape =
      GENERATE(Shape{1, 1, 1}, Shape{2, 3, 4}, Shape{7, 5, 3}, Shape{5, 1, 9}, Shape{13, 17, 11},
               Shape{3, 64, 1}, Shape{64, 48, 80}, Shape{3, 0, 4}, Shape{0, 3, 4}, Shape{4, 3, 0});
  CAPTURE(shape.n, shape.k, shape.m);
  const auto a = filled(shape.n * shape.k, 1);
  const auto b = filled(shape.k * shape.m, 2);
  const auto expected = naive_matmul(a, b, shape.n, shape.k, shape.m);
  const auto single = matmul_with(a, b, shape.n, shape.k, shape.m, 1);
  REQUIRE(single.size() == expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    CAPTURE(i);
    REQUIRE(single[i] == Approx(expected[i]).epsilon(1e-12).margin(1e-12));
  }
  for (unsigned threads = 2; threads <= 4; ++threads) {
    CAPTURE(threads);
    REQUIRE(matmul_with(a, b, shape.n, shape.k, shape.m, threads) == single);  // bit-identical
  }
}

TEST_CASE("matmul rejects inconsistent arguments") {
  using gilhost::kernels::matmul;
  std::vector<double> a(6), b(12), c(8);
  CHECK_NOTHROW(matmul(a, b, c, 2, 3, 4));
  CHECK_THROWS_WITH(matmul(std::vector<double>(5), b, c, 2, 3, 4),
                    Contains("a has 5 elements") && Contains("2*3"));
  CHECK_THROWS_WITH(matmul(a, std::vector<double>(11), c, 2, 3, 4), Contains("b has 11"));
  std::vector<double> small_c(7);
  CHECK_THROWS_WITH(matmul(a, b, small_c, 2, 3, 4), Contains("c has 7"));
  CHECK_THROWS_AS(matmul(a, b, c, 2, 3, 4, 0), std::invalid_argument);
  CHECK_THROWS_AS(matmul(a, b, c, 2, 3, 4, gilhost::kernels::kMaxThreads + 1),
                  std::invalid_argument);
  const std::size_t huge = std::numeric_limits<std::size_t>::max() / 2;
  CHECK_THROWS_AS(matmul(a, b, c, huge, 3, 4), std::invalid_argument);  // n*k overflows
  std::vector<double> square(4, 1.0);
  CHECK_THROWS_WITH(matmul(square, square, square, 2, 2, 2), Contains("overlap"));
}

TEST_CASE("matmul gives the same result when four threads call it at once") {
  constexpr std::size_t n = 37, k = 23, m = 29;
  const auto a = filled(n * k, 3);
  const auto b = filled(k * m, 4);
  const auto expected = matmul_with(a, b, n, k, m, 1);
  std::vector<std::vector<double>> results(4);
  std::vector<std::thread> callers;
  for (std::size_t t = 0; t < results.size(); ++t) {
    callers.emplace_back([&, t] {
      for (int rep = 0; rep < 25; ++rep) results[t] = matmul_with(a, b, n, k, m, 2);
    });
  }
  for (std::thread& caller : callers) caller.join();
  for (const auto& result : results) REQUIRE(result == expected);
}

TEST_CASE("spin_for burns CPU for at least the requested time") {
  constexpr auto kSpin = 5ms;
  // The CPU bound is loose and gets three tries: on a loaded machine the spinning thread may be
  // preempted while the wall clock runs on.
  std::chrono::nanoseconds best_cpu{0};
  for (int attempt = 0; attempt < 3 && best_cpu < kSpin / 2; ++attempt) {
    const auto cpu_start = thread_cpu_time();
    const auto start = Clock::now();
    gilhost::kernels::spin_for(kSpin);
    const auto wall = Clock::now() - start;
    REQUIRE(wall >= kSpin);
    best_cpu = std::max(best_cpu, thread_cpu_time() - cpu_start);
  }
  CHECK(best_cpu >= kSpin / 2);
  CHECK_NOTHROW(gilhost::kernels::spin_for(0ns));
  CHECK_NOTHROW(gilhost::kernels::spin_for(-1s));
}

TEST_CASE("sleep_for sleeps at least the requested time, also when signals interrupt it") {
  struct sigaction action {};
  struct sigaction previous {};
  action.sa_handler = count_signal;  // no SA_RESTART: the sleep returns EINTR
  sigemptyset(&action.sa_mask);
  REQUIRE(sigaction(SIGUSR1, &action, &previous) == 0);
  const pthread_t sleeper = pthread_self();
  std::atomic<bool> done{false};
  signals_delivered = 0;
  std::thread interrupter([&] {
    while (!done) {
      pthread_kill(sleeper, SIGUSR1);
      std::this_thread::sleep_for(1ms);
    }
  });
  const auto start = Clock::now();
  gilhost::kernels::sleep_for(20ms);
  const auto wall = Clock::now() - start;
  done = true;
  interrupter.join();
  discard_pending(SIGUSR1);  // before the default action (terminate) comes back
  REQUIRE(sigaction(SIGUSR1, &previous, nullptr) == 0);
  CHECK(wall >= 20ms);
  CHECK(signals_delivered > 0);
  CHECK_NOTHROW(gilhost::kernels::sleep_for(0ns));
}

TEST_CASE("ThreadPool runs every chunk exactly once") {
  const unsigned workers = GENERATE(0u, 1u, 3u);
  ThreadPool pool(workers);
  REQUIRE(pool.size() == workers);
  const unsigned chunks = GENERATE(0u, 1u, 2u, 7u, 100u);
  CAPTURE(workers, chunks);
  std::vector<std::atomic<int>> calls(chunks);
  pool.run(chunks, [&calls](unsigned chunk) { calls.at(chunk).fetch_add(1); });
  for (const auto& count : calls) REQUIRE(count.load() == 1);
}

TEST_CASE("ThreadPool runs concurrent batches from several callers") {
  ThreadPool pool(2);
  std::vector<std::vector<std::atomic<int>>> calls(4);
  for (auto& batch : calls) batch = std::vector<std::atomic<int>>(64);
  std::vector<std::thread> callers;
  for (std::size_t t = 0; t < calls.size(); ++t) {
    callers.emplace_back([&pool, &calls, t] {
      for (int rep = 0; rep < 10; ++rep) {
        pool.run(64, [&calls, t](unsigned chunk) { calls[t].at(chunk).fetch_add(1); });
      }
    });
  }
  for (std::thread& caller : callers) caller.join();
  for (const auto& batch : calls) {
    for (const auto& count : batch) REQUIRE(count.load() == 10);
  }
}

TEST_CASE("ThreadPool workers run chunks in parallel under their names") {
  ThreadPool pool(3);
  std::latch all_inside(4);  // released only when the caller and all three workers hold a chunk
  std::mutex mutex;
  std::set<std::string> names;
  const auto caller = std::this_thread::get_id();
  pool.run(4, [&](unsigned) {
    all_inside.arrive_and_wait();
    if (std::this_thread::get_id() == caller) return;
    char name[16] = {};
    pthread_getname_np(pthread_self(), name, sizeof name);
    const std::lock_guard lock(mutex);
    names.insert(name);
  });
  REQUIRE(names == std::set<std::string>{"gilhost-pool-0", "gilhost-pool-1", "gilhost-pool-2"});
}

TEST_CASE("ThreadPool rethrows a chunk's exception after every chunk has run") {
  ThreadPool pool(2);
  std::vector<std::atomic<int>> calls(16);
  auto fn = [&calls](unsigned chunk) {
    calls.at(chunk).fetch_add(1);
    if (chunk == 3) throw std::runtime_error("chunk 3 failed");
  };
  REQUIRE_THROWS_WITH(pool.run(16, fn), "chunk 3 failed");
  for (const auto& count : calls) REQUIRE(count.load() == 1);
  std::atomic<int> after{0};
  pool.run(5, [&after](unsigned) { after.fetch_add(1); });  // still usable
  REQUIRE(after == 5);
}

TEST_CASE("ThreadPool completes nested batches and batches after shutdown") {
  ThreadPool pool(1);
  std::atomic<int> inner{0};
  pool.run(3, [&](unsigned) { pool.run(4, [&inner](unsigned) { inner.fetch_add(1); }); });
  REQUIRE(inner == 12);
  pool.shutdown();
  pool.shutdown();  // idempotent
  REQUIRE(pool.size() == 0);
  pool.grow(2);  // ignored after shutdown
  REQUIRE(pool.size() == 0);
  std::atomic<int> calls{0};
  pool.run(6, [&calls](unsigned) { calls.fetch_add(1); });
  REQUIRE(calls == 6);
}

TEST_CASE("shared_pool grows lazily and is one object") {
  auto& pool = gilhost::kernels::shared_pool(3);
  REQUIRE(pool.size() >= 3);
  REQUIRE(&gilhost::kernels::shared_pool(1) == &pool);
  REQUIRE(pool.size() >= 3);  // never shrinks
}

TEST_CASE("a forked child multiplies without the parent's workers and exits cleanly") {
  gilhost::kernels::shared_pool(3);  // the parent has workers at fork time
  const auto a = filled(10 * 6, 5);
  const auto b = filled(6 * 8, 6);
  const auto expected = matmul_with(a, b, 10, 6, 8, 1);
  const pid_t child = fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    alarm(30);  // a hang in the child fails the test instead of blocking it
    const bool same = matmul_with(a, b, 10, 6, 8, 4) == expected;
    // What the pool's exit hook does: it must neither join the absent workers (that hangs) nor
    // destroy their handles (std::terminate). _exit, because LeakSanitizer cannot stop the
    // parent's threads that its registry still lists in the child.
    gilhost::kernels::shared_pool(1).shutdown();
    _exit(same ? 0 : 1);
  }
  int status = 0;
  REQUIRE(waitpid(child, &status, 0) == child);
  REQUIRE(WIFEXITED(status));
  REQUIRE(WEXITSTATUS(status) == 0);
}

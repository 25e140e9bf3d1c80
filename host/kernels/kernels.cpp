#include "kernels/kernels.hpp"

#include <time.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <functional>
#include <stdexcept>
#include <string>
#include <utility>

#include "kernels/thread_pool.hpp"

namespace gilhost::kernels {
namespace {

using Clock = std::chrono::steady_clock;

// The operands of one matmul, checked not to overlap (hence __restrict).
struct Operands {
  const double* __restrict a;
  const double* __restrict b;
  double* __restrict c;
  std::size_t k;
  std::size_t m;
};

std::string size_text(std::size_t actual, std::size_t rows, std::size_t cols, const char* dims) {
  return std::to_string(actual) + " elements, expected " + dims + " = " + std::to_string(rows) +
         "*" + std::to_string(cols);
}

void check_size(const char* name, std::size_t actual, std::size_t rows, std::size_t cols,
                const char* dims) {
  std::size_t expected = 0;
  // An overflowing product can match no buffer: report it as the mismatch it is.
  if (__builtin_mul_overflow(rows, cols, &expected) || actual != expected) {
    throw std::invalid_argument("matmul: " + std::string(name) + " has " +
                                size_text(actual, rows, cols, dims));
  }
}

bool overlap(std::span<const double> x, std::span<const double> y) {
  if (x.empty() || y.empty()) return false;
  const std::less<const double*> before;  // a total order even across unrelated arrays
  return before(x.data(), y.data() + y.size()) && before(y.data(), x.data() + x.size());
}

void check_matmul_args(std::span<const double> a, std::span<const double> b,
                       std::span<const double> c, std::size_t n, std::size_t k, std::size_t m,
                       unsigned threads) {
  check_size("a", a.size(), n, k, "n*k");
  check_size("b", b.size(), k, m, "k*m");
  check_size("c", c.size(), n, m, "n*m");
  if (overlap(c, a) || overlap(c, b)) {
    throw std::invalid_argument("matmul: c must not overlap a or b");
  }
  if (threads == 0 || threads > kMaxThreads) {
    throw std::invalid_argument("matmul: threads must be in 1.." + std::to_string(kMaxThreads) +
                                ", got " + std::to_string(threads));
  }
}

// Rows [begin, end) of c in i-k-j order: the inner loop runs over a row of b and a row of c with
// unit stride, so it vectorizes and stays in cache, where the textbook i-j-k order walks a column
// of b. Every element is accumulated over p in the same order whatever rows a chunk holds.
void multiply_rows(const Operands& ops, std::size_t begin, std::size_t end) {
  for (std::size_t i = begin; i < end; ++i) {
    double* __restrict c_row = ops.c + i * ops.m;
    std::fill(c_row, c_row + ops.m, 0.0);
    for (std::size_t p = 0; p < ops.k; ++p) {
      const double a_ip = ops.a[i * ops.k + p];
      const double* __restrict b_row = ops.b + p * ops.m;
      for (std::size_t j = 0; j < ops.m; ++j) c_row[j] += a_ip * b_row[j];
    }
  }
}

// Rows of chunk `chunk` when n rows are split into `chunks`: sizes differ by at most one.
std::pair<std::size_t, std::size_t> chunk_rows(std::size_t n, unsigned chunks, unsigned chunk) {
  const std::size_t base = n / chunks;
  const std::size_t extra = n % chunks;
  const std::size_t begin = chunk * base + std::min<std::size_t>(chunk, extra);
  return {begin, begin + base + (chunk < extra ? 1 : 0)};
}

// Now + d on CLOCK_MONOTONIC; d is at most ~292 years, so tv_sec cannot overflow.
timespec monotonic_deadline(std::chrono::nanoseconds d) {
  timespec t{};
  clock_gettime(CLOCK_MONOTONIC, &t);
  const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(d);
  t.tv_sec += seconds.count();
  t.tv_nsec += (d - seconds).count();
  if (t.tv_nsec >= 1'000'000'000) {
    t.tv_sec += 1;
    t.tv_nsec -= 1'000'000'000;
  }
  return t;
}

}  // namespace

double dot(std::span<const double> a, std::span<const double> b) {
  if (a.size() != b.size()) {
    throw std::invalid_argument("dot: size mismatch: a has " + std::to_string(a.size()) +
                                " elements, b has " + std::to_string(b.size()));
  }
  double sum = 0.0;
  for (std::size_t i = 0; i < a.size(); ++i) sum += a[i] * b[i];
  return sum;
}

double vector_norm(std::span<const double> x) {
  double sum_of_squares = 0.0;
  for (const double v : x) sum_of_squares += v * v;
  return std::sqrt(sum_of_squares);
}

void matmul(std::span<const double> a, std::span<const double> b, std::span<double> c,
            std::size_t n, std::size_t k, std::size_t m, unsigned threads) {
  check_matmul_args(a, b, c, n, k, m, threads);
  const Operands ops{a.data(), b.data(), c.data(), k, m};
  const auto chunks = static_cast<unsigned>(std::min<std::size_t>(threads, n));
  if (chunks <= 1) {
    multiply_rows(ops, 0, n);
    return;
  }
  // The pool's workers plus the calling thread make `chunks` threads.
  shared_pool(chunks - 1).run(chunks, [&ops, n, chunks](unsigned chunk) {
    const auto [begin, end] = chunk_rows(n, chunks, chunk);
    multiply_rows(ops, begin, end);
  });
}

void spin_for(std::chrono::nanoseconds d) {
  if (d <= d.zero()) return;
  // Saturate: a huge d must spin "forever", not overflow into a deadline in the past.
  const auto start = Clock::now();
  const auto deadline =
      d >= Clock::time_point::max() - start ? Clock::time_point::max() : start + d;
  // steady_clock reads CLOCK_MONOTONIC through the vDSO: the loop never enters the kernel, so
  // the thread stays runnable and on-CPU, like a computation that holds no lock.
  while (Clock::now() < deadline) {
  }
}

void sleep_for(std::chrono::nanoseconds d) {
  if (d <= d.zero()) return;
  const timespec deadline = monotonic_deadline(d);
  // An absolute deadline, unlike nanosleep() restarted with its remainder, does not drift when
  // signals arrive often (a sampling profiler's SIGPROF). Any other error cannot happen here.
  while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &deadline, nullptr) == EINTR) {
  }
}

}  // namespace gilhost::kernels

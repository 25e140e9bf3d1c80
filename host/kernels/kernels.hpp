// Native kernels that scripts call through the gilhost module: plain C++, no Python.h.
#pragma once

#include <chrono>
#include <cstddef>
#include <span>

namespace gilhost::kernels {

// None of these touches Python, so the glue may call them with the GIL released; whether it does
// is what a scenario demonstrates. Invalid arguments throw std::invalid_argument before any
// work is done.

// Upper bound for matmul's `threads` (one more than the shared pool's workers it may create).
inline constexpr unsigned kMaxThreads = 256;

// Sum of a[i] * b[i], accumulated left to right. Throws if the sizes differ.
double dot(std::span<const double> a, std::span<const double> b);

// Euclidean norm sqrt(sum x[i]^2), a plain loop like the Cython `nogil` function it stands in
// for. No rescaling: the sum of squares overflows to inf only when the norm exceeds ~1.3e154.
double vector_norm(std::span<const double> x);

// c[n x m] = a[n x k] * b[k x m], all row-major and dense. With threads > 1 the rows are split
// into min(threads, n) chunks that run on the calling thread and on workers of shared_pool()
// (the "intra-op threads" of ONNX Runtime or BLAS). Each row is computed by the same loop
// whatever the split, so the result is bit-identical for every value of threads. Throws if a
// size does not match, if c overlaps a or b, or if threads is 0 or above kMaxThreads.
void matmul(std::span<const double> a, std::span<const double> b, std::span<double> c,
            std::size_t n, std::size_t k, std::size_t m, unsigned threads = 1);

// Busy-waits on the calling thread for at least d, reading CLOCK_MONOTONIC in a loop: it burns
// CPU the whole time (a stand-in for pure computation) and never sleeps. d <= 0 returns at once.
void spin_for(std::chrono::nanoseconds d);

// Sleeps the calling thread for at least d (CLOCK_MONOTONIC), also when signals interrupt it.
// d <= 0 returns at once.
void sleep_for(std::chrono::nanoseconds d);

}  // namespace gilhost::kernels

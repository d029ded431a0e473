// Small kernels for the runtime's GPU tests and micro-benchmarks. Each one mimics
// Triton's ABI: extern "C", and two trailing pointer parameters (global and profile
// scratch) that the runtime fills.
#include <cstdint>

extern "C" __global__ void tb_add_f32(const float* x, const float* y, float* out, int n,
                                      void* /*global_scratch*/, void* /*profile_scratch*/) {
  const int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < n) {
    out[i] = x[i] + y[i];
  }
}

// > 48 KiB of dynamic shared memory: each block stages `per_block` floats in shared
// memory and writes them back reversed within the block.
extern "C" __global__ void tb_reverse_in_shared(const float* in, float* out, int per_block,
                                                void* /*global_scratch*/, void* /*profile_scratch*/) {
  extern __shared__ float staged[];
  const float* src = in + static_cast<long long>(blockIdx.x) * per_block;
  float* dst = out + static_cast<long long>(blockIdx.x) * per_block;
  for (int i = threadIdx.x; i < per_block; i += blockDim.x) {
    staged[i] = src[i];
  }
  __syncthreads();
  for (int i = threadIdx.x; i < per_block; i += blockDim.x) {
    dst[i] = staged[per_block - 1 - i];
  }
}

// Uses Triton-style global scratch: each program (block) owns `per_program` bytes at
// scratch + blockIdx.x * per_program. Writes its id there, reads it back.
extern "C" __global__ void tb_scratch_roundtrip(int* out, int per_program_ints, int* global_scratch,
                                                void* /*profile_scratch*/) {
  int* mine = global_scratch + static_cast<long long>(blockIdx.x) * per_program_ints;
  for (int i = threadIdx.x; i < per_program_ints; i += blockDim.x) {
    mine[i] = static_cast<int>(blockIdx.x) * 1000 + i;
  }
  __syncthreads();
  if (threadIdx.x == 0) {
    int ok = 1;
    for (int i = 0; i < per_program_ints; ++i) {
      ok &= (mine[i] == static_cast<int>(blockIdx.x) * 1000 + i);
    }
    out[blockIdx.x] = ok ? static_cast<int>(blockIdx.x) : -1;
  }
}

// Adds 1 to *counter (one thread): graph replay tests count launches with it.
extern "C" __global__ void tb_increment(int* counter, void* /*global_scratch*/, void* /*profile_scratch*/) {
  if (threadIdx.x == 0 && blockIdx.x == 0) {
    atomicAdd(counter, 1);
  }
}

// Spins for about `nanoseconds`, then sets *flag = 1: shows whether a launch call
// returned before or after its kernel ended.
extern "C" __global__ void tb_spin_then_flag(long long nanoseconds, int* flag, void* /*global_scratch*/,
                                             void* /*profile_scratch*/) {
  unsigned long long start = 0;
  asm volatile("mov.u64 %0, %%globaltimer;" : "=l"(start));
  unsigned long long now = start;
  while (now - start < static_cast<unsigned long long>(nanoseconds)) {
    asm volatile("mov.u64 %0, %%globaltimer;" : "=l"(now));
  }
  if (threadIdx.x == 0) {
    *flag = 1;
  }
}

// Benchmark kernels: four arguments, and twenty-two. They do nothing unless n < 0,
// so the GPU side of a launch is as short as it gets.
extern "C" __global__ void tb_empty4(float* a, const float* b, const float* c, int n,
                                     void* /*global_scratch*/, void* /*profile_scratch*/) {
  if (n < 0) {
    a[0] = b[0] + c[0];
  }
}

extern "C" __global__ void tb_empty22(float* out, int n, float a0, float a1, float a2, float a3, float a4,
                                      float a5, float a6, float a7, float a8, float a9, const float* p0,
                                      const float* p1, const float* p2, const float* p3, const float* p4,
                                      int i0, int i1, int i2, int i3, long long l0,
                                      void* /*global_scratch*/, void* /*profile_scratch*/) {
  if (n < 0) {
    out[0] = a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + p0[0] + p1[0] + p2[0] + p3[0] + p4[0] +
             static_cast<float>(i0 + i1 + i2 + i3 + l0);
  }
}

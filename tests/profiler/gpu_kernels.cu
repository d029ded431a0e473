// Kernels for the profiler's GPU tests (compiled to a cubin with nvcc -cubin -arch=sm_90).
extern "C" __global__ void tb_test_kernel_a(int* out) {
  if (out != nullptr) out[threadIdx.x] += 1;
}
extern "C" __global__ void tb_test_kernel_b(int* out) {
  if (out != nullptr) out[threadIdx.x] *= 2;
}
extern "C" __global__ void tb_test_empty() {}

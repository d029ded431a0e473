// The empty kernel of the launch-overhead benchmark.
extern "C" __global__ void tb_bench_empty() {}

#!/usr/bin/env bash
# On the GPU machine (device tool), from the repository root, with build-gpu carried:
# every GPU test, then the benchmarks, in one call. Logs and JSON go to $OUT.
#   device run: bash scripts/gpu-run.sh      (carry: build-gpu)
set -uo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
out=${OUT:-$root/gpu-out}
mkdir -p "$out"
# The build's CTest files hold the build machine's absolute paths (/work/main/...,
# and the source folder the build was configured from, given as TB_SOURCE_ALIASES).
for alias in /work/main ${TB_SOURCE_ALIASES:-}; do
  if [ "$root" != "$alias" ]; then
    mkdir -p "$(dirname "$alias")" && ln -sfn "$root" "$alias"
  fi
done
cd /work/main
export LD_LIBRARY_PATH=/usr/local/cuda-13.0/targets/x86_64-linux/lib:/work/main/build-gpu/lib:${LD_LIBRARY_PATH:-}
nvidia-smi --query-gpu=name,driver_version,clocks.sm,clocks.mem,temperature.gpu,utilization.gpu --format=csv | tee "$out/gpu.txt"
python3 -c 'import torch, triton; print("torch", torch.__version__, "triton", triton.__version__)' | tee -a "$out/gpu.txt"
echo "== GPU tests"
ctest --test-dir build-gpu -L gpu --output-on-failure --timeout 300 2>&1 | tee "$out/gpu-tests.log"
echo "== benchmarks"
# GPU benchmarks only (the CPU ones run on any machine).
for name in tb_bench_runtime_launch tb_bench_profiler_overhead; do
  b=build-gpu/bin/$name
  [ -x "$b" ] || continue
  echo "-- $name"
  timeout 150 "$b" --benchmark_out="$out/$name.json" --benchmark_out_format=json --benchmark_repetitions=5 \
       --benchmark_report_aggregates_only=true 2>&1 | tee "$out/$name.log"
done
echo "== summary"
grep -E "tests passed|tests failed|Skipped|Failed|Passed" "$out/gpu-tests.log" | tail -40

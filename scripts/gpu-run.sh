#!/usr/bin/env bash
# On the GPU machine (device tool), from the repository root, with build-gpu carried
# (built here by scripts/gpu-prepare.sh): every GPU test, the GPU benchmarks, and
# triton-bench's GPU checks (bench/run_gpu_checks.sh), in one call. Everything lands
# packed in $OUT/gpu-results.tgz, the recording for bench/recorded/ in $OUT/recorded.tgz.
# TB_SKIP_BENCH=1 skips the Google Benchmark runs.
#   device run: bash scripts/gpu-run.sh      (carry: .device-carry, from scripts/gpu-prepare.sh)
set -uo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
out=${OUT:-$root/gpu-out}
if [ ! -d "$root/build-gpu" ] && [ -d "$root/.device-carry/build-gpu" ]; then
  mv "$root/.device-carry/build-gpu" "$root/build-gpu"
fi
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
ctest --test-dir build-gpu -L gpu -V --timeout 300 > "$out/gpu-tests.log" 2>&1
grep -E "^[0-9]+: (\[ +(OK|FAILED|SKIPPED) +\]|GPU|identical|DIFFERENT|[0-9]+ of [0-9]+|.*kernels via)|Test +#|tests passed" "$out/gpu-tests.log" \
  | grep -vE "\[ +OK +\]" | tail -80
echo "== benchmarks${TB_SKIP_BENCH:+ (skipped: TB_SKIP_BENCH)}"
# GPU benchmarks only (the CPU ones run on any machine).
benches="tb_bench_runtime_launch tb_bench_profiler_overhead"
[ -n "${TB_SKIP_BENCH:-}" ] && benches=""
for name in $benches; do
  b=build-gpu/bin/$name
  [ -x "$b" ] || continue
  echo "-- $name"
  timeout 150 "$b" --benchmark_filter="${TB_BENCH_FILTER:-.}" --benchmark_out="$out/$name.json" --benchmark_out_format=json --benchmark_repetitions=5 \
       --benchmark_report_aggregates_only=true 2>&1 | tee "$out/$name.log"
done
echo "== triton-bench on the GPU"
OUT="$out/checks" timeout "${TB_CHECKS_TIMEOUT:-380}" bash bench/run_gpu_checks.sh > "$out/checks.log" 2>&1
echo "run_gpu_checks exit $?"
grep -E "^== |!!|WARNING|^check |^code |ratio|goal|apart|stopped|jit/" "$out/checks.log" | tail -90
echo "== summary"
grep -E "tests passed|tests failed|Test +#" "$out/gpu-tests.log" | tail -20
# Two archives: the recording to commit, and the logs and results (not the big traces).
( cd "$out" && { [ -d checks/recorded ] && tar czf /tmp/recorded.tgz -C checks recorded; } ;
  tar czf /tmp/gpu-results.tgz --exclude=./checks/traces --exclude=./checks/recorded . &&
  rm -rf ./* && mv /tmp/gpu-results.tgz . && { [ -f /tmp/recorded.tgz ] && mv /tmp/recorded.tgz . ; } ; ls -la )

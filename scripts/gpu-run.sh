#!/usr/bin/env bash
# On the GPU machine (device tool), from the repository root, with .device-carry from
# scripts/gpu-prepare.sh: every GPU test (build-gpu), the GPU benchmarks, and
# triton-bench's GPU checks from the installed prefix (bench/run_gpu_checks.sh), in one
# call. Nothing here assumes this machine's folders: CUDA and CUPTI are found
# (scripts/find-cuda.sh), the build's CTest files are pointed at this copy. Everything
# lands packed in $OUT/gpu-results.tgz, the recording for bench/recorded/ in $OUT/recorded.tgz.
# TB_SKIP_BENCH=1 skips the Google Benchmark runs, TB_SKIP_TESTS=1 the GPU tests, TB_SKIP_CHECKS=1
# bench/run_gpu_checks.sh; TB_GATE=1 adds bench/run_gpu_gate.sh (compare, gate, history).
set -uo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
out=${OUT:-$root/gpu-out}
cd "$root"
[ -d build-gpu ] || { [ -d .device-carry/build-gpu ] && mv .device-carry/build-gpu build-gpu; }
mkdir -p "$out"
. scripts/find-cuda.sh
tb_find_cuda || exit 1
export LD_LIBRARY_PATH=$TB_CUPTI_LIB_DIR:$root/build-gpu/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
nvidia-smi --query-gpu=name,driver_version,clocks.sm,clocks.mem,temperature.gpu,utilization.gpu --format=csv | tee "$out/gpu.txt"
python3 -c 'import torch, triton; print("torch", torch.__version__, "triton", triton.__version__)' | tee -a "$out/gpu.txt"

if [ -z "${TB_SKIP_TESTS:-}" ] && [ -d build-gpu ]; then
  # The CTest files name the folders the build was made in: point them at this copy.
  from_build=$(cat build-gpu/build-dir.txt) from_source=$(cat build-gpu/source-dir.txt)
  find build-gpu -name CTestTestfile.cmake -exec sed -i -e "s|$from_build|$root/build-gpu|g" \
       -e "s|$from_source|$root|g" {} +
  # The GPU tests that run triton-bench itself get the installed one (it finds its files
  # relative to itself; /proc/self/exe resolves the link).
  [ -e build-gpu/bin/triton-bench ] || [ ! -x .device-carry/triton-bench/bin/triton-bench ] ||
    ln -s "$root/.device-carry/triton-bench/bin/triton-bench" build-gpu/bin/triton-bench
  echo "== GPU tests"
  ctest --test-dir build-gpu -L gpu -V --timeout 300 > "$out/gpu-tests.log" 2>&1
  grep -E "^[0-9]+: (\[ +(OK|FAILED|SKIPPED) +\]|GPU|identical|DIFFERENT|[0-9]+ of [0-9]+|.*kernels via|FAIL:)|Test +#|tests passed" "$out/gpu-tests.log" \
    | grep -vE "\[ +OK +\]" | tail -80
fi
echo "== benchmarks${TB_SKIP_BENCH:+ (skipped: TB_SKIP_BENCH)}"
benches="tb_bench_runtime_launch tb_bench_profiler_overhead"
[ -n "${TB_SKIP_BENCH:-}" ] && benches=""
if [ -n "$benches" ]; then
  # Triton's own compile.py launchers for the launch benchmark to race (issue 18); built
  # here because Triton's tool needs the driver to find its target.
  if bash scripts/triton-launcher.sh /tmp/tb-triton-launcher > "$out/triton-launcher.log" 2>&1; then
    export TB_TRITON_LAUNCHER=/tmp/tb-triton-launcher/libtb_triton_launcher.so
  else
    echo "Triton's launcher not built:"; tail -5 "$out/triton-launcher.log"
  fi
  [ -x build-gpu/bin/tb_probe_context_mismatch ] && { echo "-- tb_probe_context_mismatch";
    timeout 60 build-gpu/bin/tb_probe_context_mismatch 2>&1 | tee "$out/context-probe.log"; }
fi
for name in $benches; do
  b=build-gpu/bin/$name
  [ -x "$b" ] || continue
  echo "-- $name"
  timeout "${TB_BENCH_TIMEOUT:-240}" "$b" --benchmark_filter="${TB_BENCH_FILTER:-.}" --benchmark_out="$out/$name.json" --benchmark_out_format=json --benchmark_repetitions=5 \
       --benchmark_report_aggregates_only=true 2>&1 | tee "$out/$name.log"
done
if [ -z "${TB_SKIP_CHECKS:-}" ]; then
  echo "== triton-bench on the GPU, from the installed prefix"
  OUT="$out/checks" timeout "${TB_CHECKS_TIMEOUT:-380}" bash bench/run_gpu_checks.sh > "$out/checks.log" 2>&1
  echo "run_gpu_checks exit $?"
  grep -E "^== |^triton-|^Python|!!|WARNING|^check |^code |ratio|goal|apart|stopped|jit/|^\| |^ +[a-z-]+ +[0-9]" "$out/checks.log" | tail -160
fi
if [ -n "${TB_GATE:-}" ]; then
  echo "== compare, gate and history on the GPU, from the installed prefix"
  OUT="$out/gate" timeout "${TB_GATE_TIMEOUT:-300}" bash bench/run_gpu_gate.sh > "$out/gate.log" 2>&1
  echo "run_gpu_gate exit $?"
  cat "$out/gate.log"
fi
echo "== summary"
[ -f "$out/gpu-tests.log" ] && grep -E "tests passed|tests failed|Test +#" "$out/gpu-tests.log" | tail -20
( cd "$out" && { [ -d checks/recorded ] && tar czf /tmp/recorded.tgz -C checks recorded; } ;
  tar czf /tmp/gpu-results.tgz --exclude=./checks/traces --exclude=./checks/recorded . &&
  rm -rf ./* && mv /tmp/gpu-results.tgz . && { [ -f /tmp/recorded.tgz ] && mv /tmp/recorded.tgz . ; } ; ls -la )

#!/usr/bin/env bash
# On the GPU machine, from the repository root, with build-gpu carried (built here by
# scripts/gpu-prepare.sh): triton-bench --mode all on sandwich, vector_add, many_kernels
# and dynamic_shapes, cold starts, and one mode repeated to check that two medians of
# the same run agree within 2 %. Results, traces and logs go to $OUT; the sandwich
# recording goes to $OUT/recorded/ for the lead to commit as bench/recorded/.
#
#   device run: bash bench/run_gpu_checks.sh        (carry: build-gpu)
set -uo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
out=${OUT:-$root/gpu-out}
mkdir -p "$out/recorded"
# The build holds this machine's absolute paths (/work/main/...), as in scripts/gpu-run.sh.
if [ "$root" != /work/main ]; then
  mkdir -p /work && ln -sfn "$root" /work/main
fi
cd /work/main
export LD_LIBRARY_PATH=/usr/local/cuda-13.0/targets/x86_64-linux/lib:/work/main/build-gpu/lib:${LD_LIBRARY_PATH:-}
export TB_SOURCE_DIR=/work/main
bench=build-gpu/bin/triton-bench
bundles=build-gpu/bench/bundles
inject=build-gpu/lib/libtb_cupti_inject.so
python=${TB_PYTHON:-python3}
status=0
nvidia-smi --query-gpu=name,driver_version,clocks.sm,clocks.mem,temperature.gpu --format=csv | tee "$out/gpu.txt"
"$python" -c 'import torch, triton; print("torch", torch.__version__, "triton", triton.__version__)' | tee -a "$out/gpu.txt"
[ -x "$bench" ] || { echo "no $bench: run scripts/gpu-prepare.sh here first and carry build-gpu"; exit 1; }
[ -f "$inject" ] || echo "warning: $inject missing: the jit mode runs untraced"

run() {  # name, then triton-bench arguments
  local name=$1; shift
  echo "== $name: triton-bench $*"
  "$bench" --bundle-dir "$bundles" --inject "$inject" --python "$python" "$@" 2>&1 | tee "$out/$name.log"
  local rc=${PIPESTATUS[0]}
  [ "$rc" -eq 0 ] || { echo "!! $name exited with $rc"; status=1; }
}

for s in sandwich vector_add many_kernels dynamic_shapes; do
  run "$s" --scenario "$s" --mode all --json "$out/$s.results.json" --trace "$out/traces/$s"
done
run cold_start --scenario sandwich --mode all --cold-start --rounds 1 --iterations 20 --json "$out/cold_start.results.json"

# Reproducibility: the same mode twice, back to back on the same warm machine.
for i in 1 2; do
  run "repeat_$i" --scenario vector_add --mode cubin-cached --json "$out/repeat_$i.results.json"
done
"$python" - "$out/repeat_1.results.json" "$out/repeat_2.results.json" <<'PY' | tee "$out/repeat.txt" || status=1
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
def median(doc, metric):
    m = next(m for m in doc["modes"] if m["mode"] == "cubin-cached")
    return m["metrics"][metric]["summary"]["median"]
bad = False
for metric in ("host.time_per_launch", "launch.api_duration", "gap.before_target"):
    try:
        x, y = median(a, metric), median(b, metric)
    except (KeyError, StopIteration):
        print(f"{metric}: missing"); continue
    diff = abs(x - y) / max(min(x, y), 1e-9) * 100
    print(f"{metric}: {x:.0f} ns vs {y:.0f} ns: {diff:.2f} % apart ({'ok' if diff <= 2 else 'MORE THAN 2 %'})")
    bad = bad or diff > 2
sys.exit(1 if bad else 0)
PY

# The recording triton-bench shows on machines without a GPU.
cp "$out/sandwich.results.json" "$out/recorded/results.json" 2>/dev/null
cp "$out"/traces/sandwich/*.json "$out/recorded/" 2>/dev/null
"$python" - "$out/recorded/results.json" <<'PY'
import json, sys, os
p = sys.argv[1]
if os.path.exists(p):
    doc = json.load(open(p))
    for m in doc["modes"]:  # traces sit beside the results in bench/recorded/
        if m.get("trace"):
            m["trace"] = os.path.basename(m["trace"])
    json.dump(doc, open(p, "w"), indent=1)
PY
echo "== recording for bench/recorded/: $out/recorded ($(ls "$out/recorded" | wc -l) files)"
echo "== done (status $status)"
exit $status

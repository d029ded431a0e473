#!/usr/bin/env bash
# On the GPU machine, from the repository root, with build-gpu carried (built here by
# scripts/gpu-prepare.sh): triton-bench --mode all on sandwich, vector_add, many_kernels
# and dynamic_shapes (each with cubin-cached repeated in the same run: the two medians
# should agree within 2 %), cold starts. Results, traces and logs go to $OUT; the sandwich
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
[ -f build-gpu/git-commit.txt ] && export TB_GIT_COMMIT=$(cat build-gpu/git-commit.txt)
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

# Every mode, and cubin-cached a second time in the same run: the repeat line of each
# table says how far the two medians are apart (goal 2 %).
for s in sandwich vector_add many_kernels dynamic_shapes; do
  run "$s" --scenario "$s" --mode all --mode cubin-cached --json "$out/$s.results.json" --trace "$out/traces/$s"
done
# A user's kernels from a folder outside the checkout's scenarios/: every mode checked
# against the JIT (--require-check: an unchecked mode fails the run).
user_dir=$(mktemp -d /tmp/user-kernels-XXXX)
cp -r tests/bench/own_kernels "$user_dir/"
run own_kernels --scenario "$user_dir/own_kernels" --mode all --require-check --time-limit 5 \
  --json "$out/own_kernels.results.json" --trace "$out/traces/own_kernels"
run cold_start --scenario sandwich --mode all --cold-start --rounds 1 --traced-rounds 0 --iterations 20 \
  --json "$out/cold_start.results.json"

# The recording triton-bench shows on machines without a GPU: short traced rounds so
# that the traces stay small enough to commit.
run recorded --scenario sandwich --mode all --mode cubin-cached --iterations 100 --traced-rounds 1 --time-limit 3 \
  --json "$out/recorded/results.json" --trace "$out/recorded"
rm -f "$out"/recorded/*.raw.json
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

# One line per run for the closing note.
"$python" - "$out" <<'PY'
import json, sys, glob, os
for p in sorted(glob.glob(os.path.join(sys.argv[1], "*.results.json"))) + [os.path.join(sys.argv[1], "recorded/results.json")]:
    if not os.path.exists(p):
        continue
    doc = json.load(open(p))
    med = {}
    for m in doc["modes"]:
        label = m["mode"] + ("#%d" % m["instance"] if m.get("instance", 1) > 1 else "")
        med[label] = {k: v["summary"]["median"] for k, v in m["metrics"].items()}
    def ratio(metric):
        try:
            return "%.2fx" % (med["jit"][metric] / med["cubin-cached"][metric])
        except (KeyError, TypeError, ZeroDivisionError):
            return "-"
    reps = ", ".join("%s %.2f %%" % (r["repeat"], r["difference_percent"]) for r in doc.get("repeats", []))
    hpl = " ".join("%s=%.2fus" % (k, v["host.time_per_launch"] / 1000) for k, v in med.items() if v.get("host.time_per_launch"))
    print("jit/ %s: host/launch %s gap-before %s | repeat %s | warm-up %.2fs settled=%s | %s" % (
        os.path.relpath(p, sys.argv[1]), ratio("host.time_per_launch"), ratio("gap.before_target"), reps or "-",
        doc["method"].get("gpu_warmup_s", 0), doc["method"].get("gpu_warmup_settled"), hpl))
PY
echo "== recording for bench/recorded/: $out/recorded ($(ls "$out/recorded" | wc -l) files)"
echo "== done (status $status)"
exit $status

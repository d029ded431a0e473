#!/usr/bin/env bash
# On a machine with a GPU: triton-bench from an installed prefix ONLY (TB_PREFIX, default
# .device-carry/triton-bench from scripts/gpu-prepare.sh; copied first to a folder of
# its own, away from this checkout, so nothing of it can be used): --version, then
# --mode all on vector_add as a user would type it, on sandwich, vector_add,
# many_kernels and dynamic_shapes with cubin-cached repeated (the two medians should
# agree within 2 %), a user's kernels from outside the prefix (--require-check), cold
# starts by phase, pdl_chain with --pdl off,on and the cluster scenario (issue 16), and the
# recording for bench/recorded/. triton-aot compiles the bundles here,
# with the first python3 on PATH that has Triton (and torch, for the JIT side).
# Results, traces and logs go to $OUT. TB_TIME_LIMIT=S shortens the four scenarios' runs.
# TB_RECORDS_COMPARE=1 adds sandwich and vector_add with --traced-records all.
set -uo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
out=${OUT:-$root/gpu-out}
mkdir -p "$out/recorded"
src_prefix=${TB_PREFIX:-$root/.device-carry/triton-bench}
[ -x "$src_prefix/bin/triton-bench" ] || { echo "no $src_prefix/bin/triton-bench: run scripts/gpu-prepare.sh and carry .device-carry"; exit 1; }
prefix=$(mktemp -d /tmp/tb-install-XXXX)/triton-bench
cp -a "$src_prefix" "$prefix"
user_dir=$(mktemp -d /tmp/user-kernels-XXXX)
cp -r "$root/tests/bench/own_kernels" "$user_dir/"
cd "$(mktemp -d /tmp/tb-cwd-XXXX)"  # nothing may land in the current folder
unset LD_LIBRARY_PATH TRITON_AOT_PYTHON TRITON_BENCH_PYTHON TRITON_BENCH_SCENARIOS CUDA_INJECTION64_PATH
export XDG_CACHE_HOME=$out/cache
bench=$prefix/bin/triton-bench
status=0
nvidia-smi --query-gpu=name,driver_version,clocks.sm,clocks.mem,temperature.gpu --format=csv | tee "$out/gpu.txt"
echo "== triton-bench --version (from $prefix)"
"$bench" --version | tee "$out/version.txt"
"$prefix/bin/triton-aot" --version | tee -a "$out/version.txt"

run() {  # name, then triton-bench arguments
  local name=$1; shift
  echo "== $name: triton-bench $*"
  "$bench" "$@" 2>&1 | tee "$out/$name.log"
  local rc=${PIPESTATUS[0]}
  [ "$rc" -eq 0 ] || { echo "!! $name exited with $rc"; status=1; }
}

# As the user would type it.
run vector_add_plain --mode all --scenario vector_add --json "$out/vector_add_plain.results.json"
# Every mode, and cubin-cached a second time in the same run: the repeat line of each
# table says how far the two medians are apart (goal 2 %).
for s in sandwich vector_add many_kernels dynamic_shapes; do
  run "$s" --scenario "$s" --mode all --mode cubin-cached ${TB_TIME_LIMIT:+--time-limit $TB_TIME_LIMIT} --json "$out/$s.results.json" --trace "$out/traces/$s"
done
# What the traced batches record (docs/bench.md, Method 7): the default 'split' against
# 'all' (every record kind in one batch), on the two scenarios of the gap table.
if [ -n "${TB_RECORDS_COMPARE:-}" ]; then
  for s in sandwich vector_add; do
    run "${s}_records_all" --scenario "$s" --mode all --traced-records all ${TB_TIME_LIMIT:+--time-limit $TB_TIME_LIMIT} \
      --json "$out/${s}_records_all.results.json"
  done
fi
# A user's kernels from a folder outside the checkout's scenarios/: every mode checked
# against the JIT (--require-check: an unchecked mode fails the run).
run own_kernels --scenario "$user_dir/own_kernels" --mode all --require-check --time-limit 5 \
  --json "$out/own_kernels.results.json" --trace "$out/traces/own_kernels"
# Launch attributes (issue 16, sm_90+): pdl_chain with PDL off and on in one run (gaps
# around the target and iteration time side by side; a negative gap is an overlap), and
# the num_ctas = 2 cluster kernel in every mode, both checked against the JIT.
run pdl_chain --scenario pdl_chain --pdl off,on --mode jit --mode cubin-cached --mode graph --mode driver \
  --require-check --time-limit "${TB_TIME_LIMIT:-3}" --json "$out/pdl_chain.results.json" --trace "$out/traces/pdl_chain"
run cluster --scenario cluster --mode all --require-check --time-limit "${TB_TIME_LIMIT:-3}" \
  --json "$out/cluster.results.json" --trace "$out/traces/cluster"
run cold_start --scenario sandwich --mode all --cold-start --rounds 1 --traced-rounds 0 --iterations 20 \
  --json "$out/cold_start.results.json"
# Issue 18: every cold start broken down (the log's "cold start by phase" table); the
# medians per phase again here, and the AOT modes' time after the context against 1 ms.
python3 - "$out/cold_start.results.json" <<'PY' | tee "$out/cold_start.phases.txt" || status=1
import json, sys
r = json.load(open(sys.argv[1]))
bad = 0
for c in r["cold_start"]:
    if c["status"] != "ok" or "phases" not in c:
        print(f"!! cold start {c['label']}: {c['status']}, no phases: {c.get('error', '')}")
        bad = 1
        continue
    phases = ", ".join(f"{p['phase']} {p['summary']['median'] / 1e6:.3f} ms" for p in c["phases"])
    after = c["after_context"]["summary"]["median"]
    aot = c["phases"][0]["phase"] == "main"
    flag = "!! " if aot and after > 1e6 else ""
    print(f"{c['label']}: {phases}; {flag}after context {after / 1e3:.1f} us; total {c['summary']['median'] / 1e6:.1f} ms")
sys.exit(bad)
PY

# Several GPUs (issue 19): every device in turn, one results section per device, and
# compare reading the by-device file with a series per mode and device.
run devices --scenario sandwich --device all --mode all --time-limit 2 --traced-rounds 1 \
  --json "$out/devices.by-device.json"
python3 - "$out/devices.by-device.json" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
runs = doc["devices"] if doc.get("schema") == "triton-bench/results-by-device" else [doc]
for r in runs:
    gpu = r["machine"]["gpu"]
    med = {m["mode"]: m["metrics"].get("host.time_per_launch", {}).get("summary", {}).get("median") for m in r["modes"]}
    print("device %s %s: %d modes, checks %s; host/launch %s" % (gpu.get("ordinal"), gpu.get("name"), len(r["modes"]),
          sorted({m["check"]["status"] for m in r["modes"]}),
          " ".join("%s=%.2fus" % (k, v / 1000) for k, v in med.items() if v)))
print("schema %s, %d device section(s)" % (doc.get("schema"), len(runs)))
PY
"$bench" compare "$out/devices.by-device.json" "$out/devices.by-device.json" 2>&1 | head -8

# The recording triton-bench shows on machines without a GPU: short traced rounds so
# that the traces stay small enough to commit.
run recorded --scenario sandwich --mode all --mode cubin-cached --iterations 100 --traced-rounds 1 --time-limit 3 \
  --json "$out/recorded/results.json" --trace "$out/recorded"
rm -f "$out"/recorded/*.raw.json
python3 - "$out/recorded/results.json" <<'PY'
import json, sys, os
p = sys.argv[1]
if os.path.exists(p):
    doc = json.load(open(p))
    for m in doc["modes"]:  # traces sit beside the results in bench/recorded/
        if m.get("trace"):
            m["trace"] = os.path.basename(m["trace"])
    # The recording ships with triton-bench: no folder of the machine it was made on.
    sc = doc["scenario"]
    sc["file"] = "scenarios/%s/scenario.toml" % sc["name"] if "name" in sc else os.path.basename(sc["file"])
    sc["bundle_dir"] = os.path.basename(sc.get("bundle_dir", ""))
    json.dump(doc, open(p, "w"), indent=1)
PY

# The traces we write (docs/trace-format.md): an AOT mode's trace names its GPU, and a
# graph launch has one launch-to-kernel arrow per kernel.
echo "== traces: GPU name and graph flows"
"$bench" analyze "$out/traces/sandwich/sandwich.cubin-cached.json" 2>&1 | grep -m1 "^GPU"
python3 - "$out/traces/sandwich/sandwich.graph.json" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
ev = doc["traceEvents"]
kernels = [e for e in ev if e.get("ph") == "X" and e.get("cat") == "kernel" and "correlation" in e.get("args", {})]
launches = {e["args"]["correlation"] for e in ev if e.get("ph") == "X" and e.get("name") == "cuGraphLaunch"}
graph_kernels = [k for k in kernels if k["args"]["correlation"] in launches]
finishes = [e for e in ev if e.get("ph") == "f" and e.get("cat") == "ac2g"]
threads = sorted({e["args"]["name"] for e in ev if e.get("ph") == "M" and e.get("name") == "thread_name"})
print(f"graph trace: {len(launches)} cuGraphLaunch calls, {len(graph_kernels)} kernels launched by them, "
      f"{len(finishes)} flow arrows for {len(kernels)} kernels; gpuName {doc['otherData'].get('gpuName')!r}; rows {threads}")
PY
gzip -c "$out/traces/sandwich/sandwich.graph.json" > "$out/sandwich.graph.json.gz"  # for the viewer, here
# One line per run for the closing note.
python3 - "$out" <<'PY'
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
echo "== gaps (bench/gap_table.py)"
python3 "$root/bench/gap_table.py" "$out"/{sandwich,vector_add}*.results.json 2>&1
echo "== recording for bench/recorded/: $out/recorded ($(ls "$out/recorded" | wc -l) files)"
echo "== done (status $status)"
exit $status

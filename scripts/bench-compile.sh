#!/usr/bin/env bash
# Benchmark of triton-aot's compile time: every shipped scenario for sm_90 and sm_80,
# first with an empty cache (cold: Triton compiles every image), then again (warm:
# everything from the cache, Python not started). Prints a Markdown table per kernel
# (median over its images) and the whole-scenario wall times.
#   scripts/bench-compile.sh [build-dir]
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${1:-$root/build}
aot=$build/bin/triton-aot
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
jobs=$(nproc)
for scenario in "$root"/scenarios/*/; do
  name=$(basename "$scenario")
  archs=(--arch sm_90 --arch sm_80)
  case $name in pdl_chain|cluster) archs=(--arch sm_90) ;; esac  # launch attributes need sm_90 (as tests/compiler)
  for run in cold warm; do
    "$aot" compile "$scenario" --out "$work/out/$name" "${archs[@]}" --cache-dir "$work/cache" \
      --jobs "$jobs" --quiet --timings "$work/$name.$run.json"
  done
done
python3 - "$work" "$jobs" <<'PY'
import json, statistics, sys, pathlib
work, jobs = pathlib.Path(sys.argv[1]), sys.argv[2]
print(f"| scenario | kernel | images | median s/image (cold) | scenario wall s cold | scenario wall s warm | Python started warm |")
print("|---|---|---|---|---|---|---|")
for cold_file in sorted(work.glob("*.cold.json")):
    name = cold_file.name[:-len(".cold.json")]
    cold = json.loads(cold_file.read_text())
    warm = json.loads((work / f"{name}.warm.json").read_text())
    kernels = {}
    for image in cold["images"]:
        kernels.setdefault(image["kernel"], []).append(image["seconds"])
    for i, (kernel, times) in enumerate(kernels.items()):
        first = i == 0
        print(f"| {name if first else ''} | {kernel} | {len(times)} | {statistics.median(times):.3f} | "
              f"{cold['seconds']:.2f} | {warm['seconds']:.3f} | {warm['python_started']} |" if first else
              f"| | {kernel} | {len(times)} | {statistics.median(times):.3f} | | | |")
print(f"\n{jobs} parallel compile jobs; cold = empty cache, warm = same inputs again.")

# Where Triton spends an image's compile (its compile listener, --timings "stages"):
# median seconds per stage over the scenario's cold images.
order = ["ir_initialization", "ttir", "ttgir", "llir", "ptx", "cubin", "store_results"]
print("\n| scenario | images | " + " | ".join("cubin (ptxas)" if s == "cubin" else s for s in order) + " |")
print("|---|---|" + "---|" * len(order))
for cold_file in sorted(work.glob("*.cold.json")):
    name = cold_file.name[:-len(".cold.json")]
    images = [i for i in json.loads(cold_file.read_text())["images"] if i.get("stages")]
    if not images:
        continue
    cells = [f"{statistics.median(i['stages'].get(s, 0.0) for i in images):.4f}" for s in order]
    print(f"| {name} | {len(images)} | " + " | ".join(cells) + " |")
PY

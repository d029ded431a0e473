#!/usr/bin/env python3
"""The gap table of docs/bench.md from triton-bench results files: per mode the traced
gaps, the untraced gap, the host times untraced and traced and the tracer's cost, as one
Markdown row (medians; "-" where a metric is absent, "n/m" where it was not measured).

  python3 bench/gap_table.py RESULTS.json [...] [--modes jit,cubin-cached,graph]
"""
import argparse
import json

COLUMNS = [  # metric id, heading
    ("gap.before_target", "gap before target (traced)"),
    ("gap.per_launch", "gap per launch, traced"),
    ("gap.untraced_mean", "gap per launch, untraced"),
    ("host.time_per_launch", "host time per launch"),
    ("host.time_per_launch_gpu_traced", "same, traced GPU side only"),
    ("host.time_per_launch_traced", "same, traced"),
    ("tracer.cost_per_launch_gpu", "tracer's cost, GPU side only"),
    ("tracer.cost_per_launch", "tracer's cost per launch"),
    ("kernel.duration", "kernel time"),
]


def cell(mode, metric):
    if metric in mode.get("metrics", {}):
        ns = mode["metrics"][metric]["summary"]["median"]
        return f"{ns / 1000:.3f} us" if abs(ns) >= 1000 else f"{ns:.0f} ns"
    return "n/m" if metric in mode.get("not_measured", {}) else "-"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="+")
    parser.add_argument("--modes", default="", help="comma list (default every mode)")
    args = parser.parse_args()
    wanted = set(filter(None, args.modes.split(",")))
    print("| scenario | records | mode | " + " | ".join(h for _, h in COLUMNS) + " |")
    print("|---" * (len(COLUMNS) + 3) + "|")
    for path in args.files:
        doc = json.load(open(path))
        records = doc["method"].get("traced_records", "all")
        for m in doc["modes"]:
            label = m["mode"] + (f"#{m['instance']}" if m.get("instance", 1) > 1 else "")
            if wanted and m["mode"] not in wanted:
                continue
            cells = " | ".join(cell(m, metric) for metric, _ in COLUMNS)
            print(f"| {doc['scenario']['name']} | {records} | {label} | {cells} |")


if __name__ == "__main__":
    main()

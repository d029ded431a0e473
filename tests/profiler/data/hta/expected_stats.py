#!/usr/bin/env python3
"""The numbers tests/profiler/kineto_test.cpp expects of these traces, computed from the
JSON alone (standard library only), independently of the C++ reader and analysis:

  python3 tests/profiler/data/hta/expected_stats.py tests/profiler/data/hta/*.json.gz

Per trace: kernel count (cat kernel / Kernel / cuda_profiler_range), distinct kernel names,
ProfilerStep#N ranges (user_annotation or cpu_op), and the top kernel by total duration with
its count, total, median, and median launch latency (kernel ts - the ts of the cuda_runtime /
cuda_driver event with the same correlation id, the runtime one when both), all in ns.
"""
import gzip
import json
import statistics
import sys
from decimal import Decimal

KERNEL_CATS = {"kernel", "Kernel", "cuda_profiler_range"}


def ns(us):
    """Microseconds (a JSON number) to integer ns, half away from zero as the reader rounds."""
    d = Decimal(str(us)) * 1000
    return int(d.to_integral_value(rounding="ROUND_HALF_UP"))


def load(path):
    with open(path, "rb") as f:
        raw = f.read()
    if raw[:2] == b"\x1f\x8b":
        raw = gzip.decompress(raw)
    doc = json.loads(raw)
    return doc["traceEvents"] if isinstance(doc, dict) else doc


def report(path):
    events = [e for e in load(path) if e.get("ph") == "X"]
    kernels = [e for e in events if e.get("cat") in KERNEL_CATS]
    calls = {}
    for e in events:
        if e.get("cat") not in ("cuda_runtime", "cuda_driver"):
            continue
        corr = e.get("args", {}).get("correlation")
        if corr is None or (corr in calls and calls[corr]["cat"] == "cuda_runtime"):
            continue
        calls[corr] = e
    steps = [e for e in events if str(e.get("name", "")).startswith("ProfilerStep#")
             and e.get("cat") in ("user_annotation", "cpu_op")]
    by_name = {}
    for k in kernels:
        by_name.setdefault(k["name"], []).append(k)
    total = {n: sum(ns(k.get("dur", 0)) for k in ks) for n, ks in by_name.items()}
    top = max(total, key=lambda n: (total[n], [-ord(c) for c in n]))
    latencies = [ns(k["ts"]) - ns(calls[k["args"]["correlation"]]["ts"]) for k in by_name[top]
                 if k.get("args", {}).get("correlation") in calls]
    all_total = sum(total.values())
    print(f"{path}: {len(kernels)} kernels, {len(by_name)} names, {len(steps)} ProfilerStep ranges")
    print(f"  top {top[:80]!r}: count {len(by_name[top])}, total {total[top]} ns "
          f"({100 * total[top] / all_total:.4f} % of {all_total} ns), "
          f"median {statistics.median([ns(k.get('dur', 0)) for k in by_name[top]])} ns, "
          f"median latency {statistics.median(latencies) if latencies else None} ns")


for p in sys.argv[1:]:
    report(p)

#!/usr/bin/env python3
"""Per-round medians of host time per launch from triton-bench results files: shows
drift and batch-to-batch jumps that the pooled medians hide (docs/bench.md, "Method").

  python3 bench/round_medians.py RESULTS.json [...] [--modes jit,cubin-cached] [--rounds 40]
"""
import argparse
import json
import statistics


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="+")
    parser.add_argument("--modes", default="jit,cubin-cached", help="comma list (default jit,cubin-cached)")
    parser.add_argument("--rounds", type=int, default=40, help="rounds shown (default 40)")
    args = parser.parse_args()
    wanted = set(args.modes.split(","))
    for path in args.files:
        doc = json.load(open(path))
        method = doc["method"]
        rounds = method["rounds"]
        print(f"{path}: {doc['scenario']['name']}, {rounds} rounds ({method['stop_reason']}), "
              f"host timing {method.get('host_timing', '?')}, CPU {method.get('cpu', '-')}")
        for m in doc["modes"]:
            if m["mode"] not in wanted or "host.time_per_launch" not in m["metrics"]:
                continue
            samples = m["metrics"]["host.time_per_launch"]["samples"]
            per_round = len(samples) // rounds if rounds else 0
            if per_round == 0:
                continue
            medians = [statistics.median(samples[i * per_round:(i + 1) * per_round]) for i in range(rounds)]
            label = m["mode"] + (f"#{m['instance']}" if m.get("instance", 1) > 1 else "")
            spread = (max(medians) - min(medians)) / statistics.median(medians) * 100
            print(f"  {label:<15} median {statistics.median(samples) / 1000:7.3f} us, rounds min..max "
                  f"{min(medians) / 1000:.2f}..{max(medians) / 1000:.2f} us ({spread:.0f} %):",
                  " ".join(f"{v / 1000:.1f}" for v in medians[:args.rounds]))


if __name__ == "__main__":
    main()

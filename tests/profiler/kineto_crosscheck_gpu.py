#!/usr/bin/env python3
"""GPU test: triton-bench's gaps against PyTorch's profiler (Kineto), a view users trust.

1. A child process runs the sandwich loop (producer -> target_kernel -> consumer) through
   Triton's JIT, a plain Python loop, under torch.profiler (CPU and CUDA activities), and
   exports the Chrome trace Kineto writes.
2. The gap before each target kernel is computed here, plainly, from that trace's kernel
   events (target start minus the end of the previous kernel on the same stream), and
   `triton-bench analyze` on the same trace must give the same median and count
   (the same numbers, up to Kineto's microsecond text: TOLERANCE_NS).
3. `triton-bench --scenario sandwich --mode jit` measures its traced gap before target
   (its own tracer, the injection library); it must be of the same order as Kineto's:
   within a factor ORDER either way (two tracers of different weight, two processes).
Exit 77 (skipped) without torch or a GPU.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile

ITERATIONS = 300
WARMUP = 50
TOLERANCE_NS = 2.0  # Kineto writes ts and dur in us with 3 decimals: 1 ns each
ORDER = 3.0


def child(args):
    import torch
    from torch.profiler import ProfilerActivity, profile
    sys.path.insert(0, args.frontend)
    from tb_aot.loader import load_kernel_module
    module = load_kernel_module(os.path.join(args.scenarios, "sandwich", "kernels.py"), "sandwich/kernels.py")
    n = 1 << 20
    a, b, c, d = (torch.zeros(n, device="cuda", dtype=torch.float32) for _ in range(4))
    grid = (n // 1024,)

    def iteration():
        module.producer_kernel[grid](a, b, n, BLOCK_SIZE=1024)
        module.target_kernel[grid](b, a, c, 0.5, n, BLOCK_SIZE=1024)
        module.consumer_kernel[grid](c, d, n, BLOCK_SIZE=1024)

    for _ in range(WARMUP):
        iteration()
    torch.cuda.synchronize()
    with profile(activities=[ProfilerActivity.CPU, ProfilerActivity.CUDA]) as prof:
        for _ in range(ITERATIONS):
            iteration()
        torch.cuda.synchronize()
    prof.export_chrome_trace(args.out)
    return 0


def kineto_gaps(path):
    """Gap before every target_kernel, in ns, from the trace's kernel events alone."""
    with open(path) as f:
        trace = json.load(f)
    kernels = [e for e in trace["traceEvents"] if e.get("ph") == "X" and e.get("cat") == "kernel"]
    by_stream = {}
    for k in kernels:
        by_stream.setdefault((k["pid"], k["tid"]), []).append(k)
    gaps = []
    for stream in by_stream.values():
        stream.sort(key=lambda e: e["ts"])
        for prev, cur in zip(stream, stream[1:]):
            if cur["name"] == "target_kernel":
                gaps.append((cur["ts"] - (prev["ts"] + prev["dur"])) * 1000.0)
    return kernels, gaps


def run(command, **kw):
    done = subprocess.run(command, capture_output=True, text=True, timeout=600, **kw)
    if done.returncode != 0:
        print(done.stdout, end="")
        print(done.stderr, end="", file=sys.stderr)
        raise SystemExit(f"FAIL: {' '.join(command[:3])} ... exited with {done.returncode}")
    return done


def parent(args):
    try:
        import torch
    except ImportError as error:
        print(f"skipped: {error}")
        return 77
    if not torch.cuda.is_available():
        print("skipped: no CUDA device visible to torch")
        return 77
    failures = []
    with tempfile.TemporaryDirectory() as tmp:
        trace = os.path.join(tmp, "kineto.json")
        run([sys.executable, __file__, "--child", "--out", trace, "--frontend", args.frontend,
             "--scenarios", args.scenarios, "--bench", args.bench])
        kernels, gaps = kineto_gaps(trace)
        if len(gaps) != ITERATIONS:
            failures.append(f"{len(gaps)} target kernels with a kernel before them in Kineto's trace, "
                            f"{ITERATIONS} expected ({len(kernels)} kernels)")
        plain = statistics.median(gaps) if gaps else float("nan")
        summary = os.path.join(tmp, "analysis.json")
        run([args.bench, "analyze", trace, "--target", "target_kernel", "--json", summary])
        with open(summary) as f:
            analysis = json.load(f)
        gap = analysis["metrics"]["gap.before_target"]
        if gap["n"] != len(gaps):
            failures.append(f"analyze counted {gap['n']} gaps before target, the trace's kernel events {len(gaps)}")
        if not abs(gap["median"] - plain) <= TOLERANCE_NS:
            failures.append(f"analyze's median gap before target {gap['median']:.1f} ns, plainly {plain:.1f} ns")
        results = os.path.join(tmp, "jit.json")
        # The JIT runner needs torch: this Python has it (the build's own may not exist here).
        run([args.bench, "--scenario", "sandwich", "--mode", "jit", "--time-limit", "3", "--quiet",
             "--json", results], cwd=tmp, env=dict(os.environ, TRITON_BENCH_PYTHON=sys.executable))
        with open(results) as f:
            jit = json.load(f)["modes"][0]["metrics"]["gap.before_target"]["summary"]["median"]
    ratio = jit / plain if plain > 0 else float("nan")
    print(f"GPU {torch.cuda.get_device_name()}: gap before target, median: Kineto (plain loop under "
          f"torch.profiler) {plain:.0f} ns over {len(gaps)} kernels, triton-bench analyze of that trace "
          f"{gap['median']:.0f} ns (n {gap['n']}), triton-bench jit mode traced {jit:.0f} ns: ratio {ratio:.2f} "
          f"(allowed 1/{ORDER:g} .. {ORDER:g})")
    if not (1 / ORDER <= ratio <= ORDER):
        failures.append(f"triton-bench's jit gap {jit:.0f} ns is not within a factor {ORDER:g} of Kineto's {plain:.0f} ns")
    for failure in failures:
        print("FAIL:", failure)
    return 1 if failures else 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--child", action="store_true")
    parser.add_argument("--out")
    parser.add_argument("--bench", required=True, help="the triton-bench program")
    parser.add_argument("--frontend", required=True)
    parser.add_argument("--scenarios", required=True)
    arguments = parser.parse_args()
    sys.exit(child(arguments) if arguments.child else parent(arguments))

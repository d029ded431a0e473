#!/usr/bin/env python3
"""GPU test: the injection library traces an unmodified Python process running
Triton's JIT (CUDA_INJECTION64_PATH; nothing in the child knows about the tracer).

The child runs a known sequence, the sandwich scenario's producer -> target_kernel ->
consumer for 5 iterations inside NVTX "iteration" ranges, on buffers made with
torch.empty (which launches no kernel), then exits normally. The parent reads the
trace the library wrote at exit and checks: kernel count, names and order exactly as
launched; every kernel linked by correlation id to the launch call that made it;
gaps between consecutive kernels on a stream non-negative; no record dropped; the
NVTX ranges present (NVTX_INJECTION64_PATH names the injection library).
Exit 77 (skipped) without torch or a GPU.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

ITERATIONS = 5
SEQUENCE = ["producer_kernel", "target_kernel", "consumer_kernel"]


def child(args):
    import torch
    sys.path.insert(0, args.frontend)
    from tb_aot.loader import load_kernel_module
    module = load_kernel_module(os.path.join(args.scenarios, "sandwich", "kernels.py"), "sandwich/kernels.py")
    n = 1 << 20
    a, b, c, d = (torch.empty(n, device="cuda", dtype=torch.float32) for _ in range(4))
    grid = (n // 1024,)
    for _ in range(ITERATIONS):
        torch.cuda.nvtx.range_push("iteration")
        module.producer_kernel[grid](a, b, n, BLOCK_SIZE=1024)
        module.target_kernel[grid](b, a, c, 0.5, n, BLOCK_SIZE=1024)
        module.consumer_kernel[grid](c, d, n, BLOCK_SIZE=1024)
        torch.cuda.nvtx.range_pop()
    torch.cuda.synchronize()
    return 0


def parent(args):
    try:
        import torch
    except ImportError as error:
        print(f"skipped: {error}")
        return 77
    if not torch.cuda.is_available():
        print("skipped: no CUDA device visible to torch")
        return 77
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "trace.json")
        # NVTX through the injection library itself, as triton-bench starts its JIT runner:
        # its InitializeInjectionNvtx2 must hand NVTX to the libcupti the tracer uses.
        env = dict(os.environ, CUDA_INJECTION64_PATH=args.inject, NVTX_INJECTION64_PATH=args.inject,
                   TB_TRACE_OUT=out, TB_TRACE_MODE="jit", TB_TRACE_SCENARIO="sandwich")
        run = subprocess.run([sys.executable, __file__, "--child", "--frontend", args.frontend,
                              "--scenarios", args.scenarios, "--inject", args.inject], env=env,
                             capture_output=True, text=True, timeout=300)
        print(run.stdout, end="")
        print(run.stderr, end="", file=sys.stderr)
        if run.returncode != 0:
            print(f"FAIL: the traced Python process exited with {run.returncode}")
            return 1
        if not os.path.exists(out):
            print("FAIL: the injection library wrote no trace at exit")
            return 1
        with open(out) as f:
            trace = json.load(f)
    events = trace["traceEvents"]
    other = trace.get("otherData", {})
    kernels = sorted((e for e in events if e.get("ph") == "X" and e.get("cat") == "kernel"), key=lambda e: e["ts"])
    api = {e["args"]["correlation"]: e for e in events
           if e.get("ph") == "X" and e.get("cat") in ("cuda_driver", "cuda_runtime") and "correlation" in e.get("args", {})}
    failures = []
    names = [k["name"] for k in kernels]
    expected = SEQUENCE * ITERATIONS
    if names != expected:
        failures.append(f"kernels {names} != expected {expected}")
    for k in kernels:
        call = api.get(k["args"].get("correlation"))
        if call is None or not call["name"].startswith("cuLaunch"):
            failures.append(f"kernel {k['name']} at {k['ts']} has no launch call (correlation {k['args'].get('correlation')})")
        elif call["ts"] > k["ts"]:
            failures.append(f"kernel {k['name']} starts before its launch call")
    by_stream = {}
    for k in kernels:
        by_stream.setdefault((k["pid"], k["tid"]), []).append(k)
    gaps = []
    for stream in by_stream.values():
        for prev, cur in zip(stream, stream[1:]):
            gaps.append(cur["ts"] - (prev["ts"] + prev["dur"]))
    if any(g < 0 for g in gaps):
        failures.append(f"negative gaps: {[g for g in gaps if g < 0]}")
    if other.get("droppedRecords", 0) != 0:
        failures.append(f"{other['droppedRecords']} records dropped")
    iterations = [e for e in events if e.get("cat") == "user_annotation" and e.get("name") == "iteration"]
    if len(iterations) != ITERATIONS:
        failures.append(f"{len(iterations)} NVTX 'iteration' ranges in the trace, {ITERATIONS} expected")
    launch_names = sorted({api[k["args"]["correlation"]]["name"] for k in kernels if k["args"].get("correlation") in api})
    print(f"GPU {other.get('gpuName')}, CUPTI {other.get('cuptiVersion')}: {len(kernels)} kernels via {launch_names}, "
          f"{len(iterations)} NVTX iterations, gaps min {min(gaps):.3f} us median {sorted(gaps)[len(gaps) // 2]:.3f} us, "
          f"dropped {other.get('droppedRecords', 0)}")
    for failure in failures:
        print("FAIL:", failure)
    return 1 if failures else 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--child", action="store_true")
    parser.add_argument("--inject", required=True)
    parser.add_argument("--frontend", required=True)
    parser.add_argument("--scenarios", required=True)
    arguments = parser.parse_args()
    sys.exit(child(arguments) if arguments.child else parent(arguments))

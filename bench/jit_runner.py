#!/usr/bin/env python3
"""triton-bench's JIT side: runs a resolved launch plan through Triton's Python JIT.

triton-bench resolves the scenario once (bench/src/jit_plan.hpp) and hands this runner
the plan as JSON (--plan): buffers, and per launch the kernel, variant, constexprs,
grid and argument values. The runner parses no scenario file and evaluates no
expression, so both sides run the same launches by construction. It keeps only what
must be Python: importing each kernel file through compiler/python/tb_aot/loader.py
under the plan's canonical module name "<scenario>/<file>" (so that the JIT's cubin can
equal the AOT one), launching, timing, and reporting what Triton built. Kernels that
need global or profile scratch (device-side tensor descriptors, ...) get it from a
Triton allocator backed by torch memory. NVTX ranges (torch.cuda.nvtx) mark each batch
("mode:jit") and each iteration ("iteration") for the profiler's injection library.

Protocol (driven by triton-bench; one JSON object per line on stdin, one reply per line
on the original stdout; everything else the process prints goes to stderr):
  start-up reply          {"ok": true, "ready": true, "triton": "3.6.0", "torch": "...", "gpu": "..."}
  {"cmd": "check", "dir": D}   reset buffers, one iteration, write D/<buffer>.bin, and per
                               launch i D/launch_<i>.cubin (the cubin Triton built) and
                               D/launch_<i>.json (tb_aot.metadata.describe: metadata and specialisation)
  {"cmd": "warmup", "n": N}    N iterations, no ranges
  {"cmd": "time", "n": N, "drain_every": D}
                               N iterations, no ranges, the device drained (untimed) after
                               every D iterations (default 1): host time per launch; and
                               "gpu_windows": [[iterations, ms], ...], the GPU time between
                               a CUDA event before each window's first launch and one after
                               its last (a window: the iterations between two drains)
  {"cmd": "run", "n": N}       N iterations inside a "mode:jit" range, one "iteration" range
                               each (traced rounds); "range": R names the batch's range
                               instead, and "records": "gpu" or "all" first switches what the
                               injection library records (its tb_trace_record)
  Each of these takes "lead_in": L (untimed iterations first, outside any range) and
  "cpu": C (pin this thread to CPU C first, as triton-bench pins its timing thread) and
  replies {"ok": true, "iteration_ns": [...]}, the host time of each timed iteration.
  {"cmd": "quit"}              exits (the injection library writes its trace at exit)
Errors reply {"ok": false, "error": "..."}.

--cold-start: no protocol; launches the first kernel once, synchronizes and prints one
line, the CLOCK_MONOTONIC end of each phase (bench/src/cold_phases.hpp):
{"schema": "triton-bench/cold-start", "version": 1, "phases": [{"phase": "python", "t_ns": N}, ...]}
python (this file's first line), torch, triton (imported), kernels (the kernel files),
context (torch.cuda.init and a synchronize: the primary context), buffers, compile
(Triton's compile or cache lookup: the first launch's warmup), module (Triton loads the
cubin: _init_handles), launch (the first launch returned), complete (synchronized).
"""
import time
STARTED_NS = time.monotonic_ns()  # the cold start's first phase ends here
import argparse
import json
import os
import sys
import traceback
from pathlib import Path

PLAN_SCHEMA, PLAN_VERSION = "triton-bench/jit-plan", 2  # 2: launch attributes per launch
DTYPES = {"fp32": "float32", "fp16": "float16", "bf16": "bfloat16", "fp64": "float64", "i8": "int8",
          "i16": "int16", "i32": "int32", "i64": "int64", "u8": "uint8", "i1": "bool", "u1": "bool",
          "u16": "uint16", "u32": "uint32", "u64": "uint64"}


def fail(message):
    print(f"jit_runner: error: {message}", file=sys.stderr)
    sys.exit(2)


def read_plan(path):
    try:
        plan = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        fail(f"{path}: cannot read the launch plan: {error}")
    if plan.get("schema") != PLAN_SCHEMA or plan.get("version") != PLAN_VERSION:
        fail(f"{path}: not a {PLAN_SCHEMA} version {PLAN_VERSION} file (triton-bench and this runner differ)")
    return plan


def load(plan, frontend):
    sys.path.insert(0, str(frontend))
    from tb_aot.loader import load_kernel_module
    modules, functions = {}, []
    for k in plan["kernels"]:
        if k["source"] not in modules:
            # The kernel's folder is importable, as it is for triton-aot's compile (one rule: the loader's).
            modules[k["source"]] = load_kernel_module(k["source"], k["module"], str(Path(k["source"]).parent))
        functions.append(getattr(modules[k["source"]], k["name"]))
    return functions


def set_scratch_allocators(triton, torch):
    """Global and profile scratch for kernels that need it, from torch's caching allocator."""
    def allocate(size, alignment, stream):
        return torch.empty(size, dtype=torch.int8, device="cuda")
    triton.set_allocator(allocate)
    from triton.runtime import _allocation
    if hasattr(_allocation, "set_profile_allocator"):
        _allocation.set_profile_allocator(allocate)


def initial_tensors(plan, torch):
    """The initial values triton-bench wrote (<init_dir>/<buffer>.bin), one host tensor
    per buffer: read once, copied to the device at start and at every check."""
    host = []
    for b in plan["buffers"]:
        dtype = getattr(torch, DTYPES[b["dtype"]])
        data = bytearray((Path(plan["init_dir"]) / f"{b['name']}.bin").read_bytes())
        if len(data) != b["size"] * dtype.itemsize:
            fail(f"buffer {b['name']!r}: {len(data)} initial bytes, {b['size'] * dtype.itemsize} expected")
        host.append(torch.frombuffer(data, dtype=dtype) if data else torch.empty(0, dtype=dtype))
    return host


def reset_buffers(initial, tensors, torch):
    for h, t in zip(initial, tensors):
        t.copy_(h)
    torch.cuda.synchronize()


def bind(plan, functions, tensors):
    """Per launch: (kernel function, grid, positional arguments, keyword arguments),
    exactly as the plan says: scalars are Python ints and floats as the plan typed them."""
    calls = []
    for launch in plan["launches"]:
        args = []
        for a in launch["args"]:
            if "buffer" in a:
                t = tensors[a["buffer"]]
                args.append(t[a["offset"]:] if a["offset"] else t)
            else:
                args.append(a["value"])
        kwargs = dict(launch["constexprs"])
        kwargs["num_warps"] = launch["num_warps"]
        kwargs["num_stages"] = launch["num_stages"]
        # Launch attributes as Triton's own options: given only when set, so a plain
        # kernel's call is unchanged.
        if launch["num_ctas"] != 1:
            kwargs["num_ctas"] = launch["num_ctas"]
        if launch["launch_pdl"]:
            kwargs["launch_pdl"] = True
        if launch["launch_cooperative_grid"]:
            kwargs["launch_cooperative_grid"] = True
        calls.append((functions[launch["kernel"]], tuple(launch["grid"]), args, kwargs))
    return calls


def iterate(calls):
    for fn, grid, args, kwargs in calls:
        fn[grid](*args, **kwargs)


def time_untraced(calls, n, drain_every, times, torch):
    """As triton-bench times the AOT modes (bench/src/timed_loops.cpp): the launches only,
    the queue emptied every drain_every iterations (untimed), so a slow GPU never makes
    the launch path wait; two CUDA events around each window between drains, recorded and
    read outside the host-timed part. Returns [[iterations, ms], ...]."""
    clock = time.perf_counter_ns
    start, stop = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
    windows, in_window = [], 0
    start.record()
    for i in range(n):
        t0 = clock()
        iterate(calls)
        times.append(clock() - t0)
        in_window += 1
        if (i + 1) % drain_every != 0 and i + 1 < n:
            continue
        stop.record()
        torch.cuda.synchronize()
        windows.append([in_window, start.elapsed_time(stop)])
        in_window = 0
        if i + 1 < n:
            start.record()
    return windows


def set_records(records):
    """Tells the injection library this process runs under what to record from now on."""
    import ctypes
    path = os.environ.get("CUDA_INJECTION64_PATH")
    if not path:
        raise RuntimeError(f'"records": "{records}" needs the injection library (CUDA_INJECTION64_PATH is not set)')
    rc = ctypes.CDLL(path).tb_trace_record(records.encode())
    if rc != 0:
        raise RuntimeError(f"tb_trace_record({records!r}) in {path} returned {rc} (2: this process is not traced)")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plan", required=True, help="the launch plan triton-bench wrote (triton-bench/jit-plan)")
    parser.add_argument("--frontend", required=True, help="compiler/python (tb_aot.loader)")
    parser.add_argument("--cold-start", action="store_true")
    opts = parser.parse_args()

    # The protocol gets the original stdout; anything else printing to fd 1 lands on stderr.
    proto = os.fdopen(os.dup(1), "w", buffering=1)
    os.dup2(2, 1)
    sys.stdout = sys.stderr

    def reply(obj):
        proto.write(json.dumps(obj) + "\n")
        proto.flush()

    phases = [("python", STARTED_NS)]

    def mark(phase):
        phases.append((phase, time.monotonic_ns()))

    plan = read_plan(opts.plan)
    import torch
    mark("torch")
    import triton
    mark("triton")
    functions = load(plan, opts.frontend)
    from tb_aot.metadata import describe  # what Triton built, for the code comparison
    mark("kernels")
    torch.cuda.init()
    if opts.cold_start:
        torch.cuda.synchronize()  # the primary context now, not inside the first upload
        mark("context")
    set_scratch_allocators(triton, torch)
    initial = initial_tensors(plan, torch)
    tensors = [h.to("cuda") for h in initial]
    calls = bind(plan, functions, tensors)

    if opts.cold_start:
        torch.cuda.synchronize()
        mark("buffers")
        fn, grid, args, kwargs = calls[0]
        compiled = fn.warmup(*args, grid=grid, **kwargs)  # compiles, or finds it in the cache; no launch
        mark("compile")
        compiled._init_handles()  # what the first launch would do first: the launcher, cuModuleLoadData
        mark("module")
        fn[grid](*args, **kwargs)  # the one launch, as before: its cache lookup finds the kernel
        mark("launch")
        torch.cuda.synchronize()
        mark("complete")
        reply({"schema": "triton-bench/cold-start", "version": 1,
               "phases": [{"phase": p, "t_ns": t} for p, t in phases]})
        return 0

    nvtx = torch.cuda.nvtx
    reply({"ok": True, "ready": True, "triton": triton.__version__, "torch": torch.__version__,
           "gpu": torch.cuda.get_device_name()})
    for line in sys.stdin:
        line = line.strip()
        if not line:
            continue
        try:
            cmd = json.loads(line)
            op = cmd.get("cmd")
            if op == "quit":
                reply({"ok": True})
                break
            if op == "check":
                out = Path(cmd["dir"])
                out.mkdir(parents=True, exist_ok=True)
                reset_buffers(initial, tensors, torch)
                for i, (fn, grid, args, kwargs) in enumerate(calls):
                    compiled = fn[grid](*args, **kwargs)
                    if compiled is None:
                        continue
                    cubin = compiled.asm.get("cubin")
                    if cubin is not None:
                        (out / f"launch_{i}.cubin").write_bytes(cubin)
                    (out / f"launch_{i}.json").write_text(json.dumps(describe(compiled), indent=1))
                torch.cuda.synchronize()
                for b, t in zip(plan["buffers"], tensors):
                    # raw bytes, whatever the dtype (numpy has no bfloat16)
                    raw = t.contiguous().view(torch.uint8).cpu() if t.numel() else None
                    (out / f"{b['name']}.bin").write_bytes(bytes(raw.numpy().tobytes()) if raw is not None else b"")
                reply({"ok": True})
            elif op in ("warmup", "time", "run"):
                n, lead_in = int(cmd["n"]), int(cmd.get("lead_in", 0))
                cpu = int(cmd.get("cpu", -1))
                if cpu >= 0 and os.sched_getaffinity(0) != {cpu}:
                    os.sched_setaffinity(0, {cpu})  # the CPU triton-bench times its own modes on
                clock = time.perf_counter_ns
                synchronize = torch.cuda.synchronize
                for _ in range(lead_in):  # untimed, outside the ranges: as triton-bench does
                    iterate(calls)
                synchronize()
                times, windows = [], []
                if op == "time":
                    windows = time_untraced(calls, n, max(1, int(cmd.get("drain_every", 1))), times, torch)
                elif op == "run":
                    if "records" in cmd:
                        set_records(str(cmd["records"]))
                    nvtx.range_push(str(cmd.get("range", "mode:jit")))
                    for _ in range(n):
                        t0 = clock()
                        nvtx.range_push("iteration")
                        iterate(calls)
                        nvtx.range_pop()
                        times.append(clock() - t0)
                    synchronize()
                    nvtx.range_pop()
                else:
                    for _ in range(n):
                        t0 = clock()
                        iterate(calls)
                        times.append(clock() - t0)
                synchronize()
                reply({"ok": True, "iteration_ns": times, **({"gpu_windows": windows} if op == "time" else {})})
            else:
                reply({"ok": False, "error": f"unknown command {op!r}"})
        except Exception as error:  # report, keep serving: triton-bench decides
            traceback.print_exc()
            reply({"ok": False, "error": f"{type(error).__name__}: {error}"})
    return 0


if __name__ == "__main__":
    sys.exit(main())

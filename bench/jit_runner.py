#!/usr/bin/env python3
"""triton-bench's JIT side: runs a scenario's launch sequence through Triton's Python JIT.

It reads the same scenario.toml as triton-bench (tomllib, Python >= 3.11), loads the
kernel files through compiler/python/tb_aot/loader.py under the canonical name
"<scenario>/<file>" (so the JIT's cubin is byte-identical to the AOT one), makes one
torch tensor per buffer from the initial values triton-bench wrote (<init-dir>/<buffer>.bin),
and launches the same sequence. NVTX ranges (torch.cuda.nvtx) mark each batch
("mode:jit") and each iteration ("iteration") for the profiler's injection library.

Protocol (driven by triton-bench; one JSON object per line on stdin, one reply per line
on the original stdout; everything else the process prints goes to stderr):
  start-up reply          {"ok": true, "ready": true, "triton": "3.6.0", "torch": "...", "gpu": "..."}
  {"cmd": "check", "dir": D}   reset buffers, one iteration, write D/<buffer>.bin and
                               D/launch_<i>.cubin (the cubin Triton built for launch i)
  {"cmd": "warmup", "n": N}    N iterations, no ranges
  {"cmd": "time", "n": N, "drain_every": D}
                               N iterations, no ranges, the device drained (untimed) after
                               every D iterations (default 1): host time per launch
  {"cmd": "run", "n": N}       N iterations inside a "mode:jit" range, one "iteration" range
                               each (traced rounds)
  Each of these takes "lead_in": L (untimed iterations first, outside any range) and
  "cpu": C (pin this thread to CPU C first, as triton-bench pins its timing thread) and
  replies {"ok": true, "iteration_ns": [...]}, the host time of each timed iteration.
  {"cmd": "quit"}              exits (the injection library writes its trace at exit)
Errors reply {"ok": false, "error": "..."}.

--cold-start: no protocol; launches the first kernel once, synchronizes and prints
{"cold_start_done_ns": <CLOCK_MONOTONIC ns>} for the time from process start to the
first kernel's completion.
"""
import argparse
import json
import os
import sys
import time
import traceback
from pathlib import Path

try:
    import tomllib
except ImportError:  # Python < 3.11
    tomllib = None

DTYPES = {"fp32": "float32", "fp16": "float16", "bf16": "bfloat16", "fp64": "float64", "i8": "int8",
          "i16": "int16", "i32": "int32", "i64": "int64", "u8": "uint8", "i1": "bool", "u1": "bool"}


def fail(message):
    print(f"jit_runner: error: {message}", file=sys.stderr)
    sys.exit(2)


def cdiv(a, b):
    return -(-a // b)


def evaluate(value, names):
    """A number, or an expression string as docs/scenario-format.md defines them (Python
    arithmetic over the scalars and the variant's constexprs, with cdiv, min and max)."""
    if isinstance(value, (int, float)):
        return value
    env = {"cdiv": cdiv, "min": min, "max": max}
    env.update(names)
    return eval(compile(value, "<scenario expression>", "eval"), {"__builtins__": {}}, env)


def variant_name(v, own):
    if "name" in v:
        return v["name"]
    name = f"w{v.get('num_warps', 4)}_s{v.get('num_stages', 3)}"
    for key, value in own.items():
        text = str(value).lower() if isinstance(value, bool) else str(value)
        name += f"_{key}" + "".join(c if c.isalnum() else "_" for c in text)
    return name


class Scenario:
    """scenario.toml as the runner needs it: the same file triton-bench ran, which has
    already checked it (types, buffer dtypes, ranges)."""

    def __init__(self, path):
        path = Path(path)
        if path.is_dir():
            path = path / "scenario.toml"
        if tomllib is None:
            fail("Python 3.11 or newer is needed (tomllib)")
        doc = tomllib.loads(path.read_text(encoding="utf-8"))
        self.dir = path.parent
        self.name = doc["scenario"]["name"]
        scalars = dict(doc.get("scalars", {}))
        self.kernels = {}
        for k in doc["kernels"]:
            params = []
            for entry in k["signature"]:
                pname, rest = entry.split(":", 1)
                params.append((pname.strip(), rest.strip().split(":")[0].strip()))
            variants = []
            for v in k["variants"]:
                own = dict(v.get("constexprs", {}))
                constexprs = dict(k.get("constexprs", {}))
                constexprs.update(own)
                variants.append({"name": variant_name(v, own), "num_warps": v.get("num_warps", 4),
                                 "num_stages": v.get("num_stages", 3), "constexprs": constexprs})
            self.kernels[k["name"]] = {"source": k["source"], "params": params, "variants": variants}
        self.buffers = []
        for name, b in doc.get("buffers", {}).items():
            self.buffers.append({"name": name, "dtype": b["dtype"], "size": int(evaluate(b["size"], scalars))})
        self.launches = []
        for launch in doc.get("launch", []):
            k = self.kernels[launch["kernel"]]
            variant = k["variants"][0]
            if "variant" in launch:
                variant = next(v for v in k["variants"] if v["name"] == launch["variant"])
            names = dict(variant["constexprs"])
            names.update(scalars)
            grid = launch["grid"] if isinstance(launch["grid"], list) else [launch["grid"]]
            grid = [int(evaluate(g, names)) for g in grid]
            args = []
            for pname, ptype in k["params"]:
                value = launch["args"][pname]
                if ptype.startswith("*"):
                    buffer, _, offset = str(value).partition("+")
                    args.append({"buffer": buffer.strip(), "offset": int(evaluate(offset.strip(), names)) if offset else 0,
                                 "type": ptype})
                else:
                    args.append({"value": evaluate(value, names), "type": ptype})
            self.launches.append({"kernel": launch["kernel"], "variant": variant, "grid": grid, "args": args})


def load(scenario_path, frontend):
    s = Scenario(scenario_path)
    sys.path.insert(0, str(frontend))
    from tb_aot.loader import load_kernel_module
    modules, functions = {}, {}
    for name, k in s.kernels.items():
        source = k["source"]
        if source not in modules:
            modules[source] = load_kernel_module(str(s.dir / source), f"{s.name}/{source}")
        functions[name] = getattr(modules[source], name)
    return s, functions


def make_buffers(s, init_dir, torch):
    tensors = {}
    for b in s.buffers:
        dtype = getattr(torch, DTYPES[b["dtype"]])
        data = bytearray((Path(init_dir) / f"{b['name']}.bin").read_bytes())
        host = torch.frombuffer(data, dtype=dtype) if data else torch.empty(0, dtype=dtype)
        tensors[b["name"]] = host.to("cuda")
    return tensors


def reset_buffers(s, tensors, init_dir, torch):
    for b in s.buffers:
        dtype = getattr(torch, DTYPES[b["dtype"]])
        data = bytearray((Path(init_dir) / f"{b['name']}.bin").read_bytes())
        tensors[b["name"]].copy_(torch.frombuffer(data, dtype=dtype))
    torch.cuda.synchronize()


def bind(s, functions, tensors):
    """Per launch: (kernel function, grid, positional arguments, keyword arguments)."""
    calls = []
    for launch in s.launches:
        args = []
        for a in launch["args"]:
            if "buffer" in a:
                t = tensors[a["buffer"]]
                args.append(t[a["offset"]:] if a["offset"] else t)
            elif a["type"].startswith("fp") or a["type"] == "bf16":
                args.append(float(a["value"]))
            else:
                args.append(int(a["value"]))
        v = launch["variant"]
        kwargs = dict(v["constexprs"])
        kwargs["num_warps"] = v["num_warps"]
        kwargs["num_stages"] = v["num_stages"]
        calls.append((functions[launch["kernel"]], tuple(launch["grid"]), args, kwargs))
    return calls


def iterate(calls):
    for fn, grid, args, kwargs in calls:
        fn[grid](*args, **kwargs)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", required=True, help="scenario.toml or its folder")
    parser.add_argument("--init-dir", required=True, help="<buffer>.bin initial values")
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

    import torch
    import triton
    s, functions = load(opts.scenario, opts.frontend)
    torch.cuda.init()
    tensors = make_buffers(s, opts.init_dir, torch)
    calls = bind(s, functions, tensors)

    if opts.cold_start:
        fn, grid, args, kwargs = calls[0]
        fn[grid](*args, **kwargs)
        torch.cuda.synchronize()
        reply({"cold_start_done_ns": time.monotonic_ns()})
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
                reset_buffers(s, tensors, opts.init_dir, torch)
                for i, (fn, grid, args, kwargs) in enumerate(calls):
                    compiled = fn[grid](*args, **kwargs)
                    cubin = compiled.asm.get("cubin") if compiled is not None else None
                    if cubin is not None:
                        (out / f"launch_{i}.cubin").write_bytes(cubin)
                torch.cuda.synchronize()
                for b in s.buffers:
                    (out / f"{b['name']}.bin").write_bytes(tensors[b["name"]].cpu().numpy().tobytes()
                                                           if b["dtype"] != "bf16" else
                                                           tensors[b["name"]].view(torch.int16).cpu().numpy().tobytes())
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
                times = []
                if op == "time":
                    # As triton-bench times the AOT modes: the launches only, the queue
                    # emptied every drain_every iterations (untimed), so a slow GPU never
                    # makes the launch path wait.
                    drain_every = max(1, int(cmd.get("drain_every", 1)))
                    for i in range(n):
                        t0 = clock()
                        iterate(calls)
                        times.append(clock() - t0)
                        if (i + 1) % drain_every == 0:
                            synchronize()
                elif op == "run":
                    nvtx.range_push("mode:jit")
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
                reply({"ok": True, "iteration_ns": times})
            else:
                reply({"ok": False, "error": f"unknown command {op!r}"})
        except Exception as error:  # report, keep serving: triton-bench decides
            traceback.print_exc()
            reply({"ok": False, "error": f"{type(error).__name__}: {error}"})
    return 0


if __name__ == "__main__":
    sys.exit(main())

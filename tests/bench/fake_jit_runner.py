#!/usr/bin/env python3
"""A stand-in for bench/jit_runner.py in CPU tests of the harness (no GPU, no torch): it
speaks the same protocol over the launch plan triton-bench wrote, and its "outputs" are
the initial buffers, which is also what the runtime's fake driver leaves in every AOT
mode's buffers. So the oracle check passes unless told otherwise:
  FAKE_JIT_PERTURB=buffer:index:value   write `value` (fp32) at that element instead
  FAKE_JIT_BUNDLE=DIR                   report the bundle's sm_90 cubin of the chosen
                                        specialisation as what the JIT built (same code)
  FAKE_JIT_FAIL=1                       exit at start-up, as a JIT without Triton would
"""
import json
import os
import shutil
import struct
import sys
from pathlib import Path


def main():
    args = sys.argv[1:]
    plan = json.loads(Path(args[args.index("--plan") + 1]).read_text())
    assert plan["schema"] == "triton-bench/jit-plan", plan.get("schema")
    if os.environ.get("FAKE_JIT_FAIL"):
        print("fake_jit_runner: no Triton here", file=sys.stderr)
        return 1
    out = sys.stdout

    def reply(obj):
        out.write(json.dumps(obj) + "\n")
        out.flush()

    reply({"ok": True, "ready": True, "triton": "3.6.0", "torch": "fake", "gpu": "fake"})
    for line in sys.stdin:
        cmd = json.loads(line)
        op = cmd.get("cmd")
        if op == "quit":
            reply({"ok": True})
            return 0
        if op == "check":
            d = Path(cmd["dir"])
            d.mkdir(parents=True, exist_ok=True)
            for b in plan["buffers"]:
                shutil.copyfile(Path(plan["init_dir"]) / f"{b['name']}.bin", d / f"{b['name']}.bin")
            if os.environ.get("FAKE_JIT_PERTURB"):
                name, index, value = os.environ["FAKE_JIT_PERTURB"].split(":")
                with open(d / f"{name}.bin", "r+b") as f:
                    f.seek(int(index) * 4)
                    f.write(struct.pack("<f", float(value)))
            bundle = os.environ.get("FAKE_JIT_BUNDLE")
            if bundle:
                manifest = json.loads((Path(bundle) / "manifest.json").read_text())
                for i, launch in enumerate(plan["launches"]):
                    kernel = plan["kernels"][launch["kernel"]]["name"]
                    for k in manifest["kernels"]:
                        for v in k["variants"] if k["name"] == kernel else []:
                            for s in v["specializations"] if v["name"] == launch["variant"] else []:
                                for image in s["images"] if s["name"] == launch["specialization"] else []:
                                    if image["format"] == "cubin" and image["arch"] == 90:
                                        shutil.copyfile(Path(bundle) / image["path"], d / f"launch_{i}.cubin")
            reply({"ok": True})
        elif op in ("warmup", "time", "run"):
            n = int(cmd["n"])
            answer = {"ok": True, "iteration_ns": [1000.0] * n}
            if op == "time":  # windows of drain_every iterations, 2 us of GPU time per iteration
                every = max(1, int(cmd.get("drain_every", 1)))
                answer["gpu_windows"] = [[min(every, n - i), 0.002 * min(every, n - i)] for i in range(0, n, every)]
            reply(answer)
        else:
            reply({"ok": False, "error": f"unknown command {op!r}"})
    return 0


if __name__ == "__main__":
    sys.exit(main())

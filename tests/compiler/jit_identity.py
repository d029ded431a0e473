#!/usr/bin/env python3
"""GPU test: the cubin triton-aot built ahead of time, with no GPU, is byte-identical
to the one Triton's JIT builds on the GPU for the same kernel and arguments.

For every kernel of every bundle under --aot-dir, and every compiled specialisation,
this makes arguments that meet exactly that specialisation's conditions (aligned or
misaligned pointers, integers divisible by 16, equal to 1, or neither), launches the
kernel through the JIT (the kernel file loaded under the same canonical name as the
AOT frontend used), and compares the JIT's cubin with the bundle's cubin for the
device's architecture. Exit 77 (skipped) when torch or a GPU is missing.
"""
import argparse
import json
import os
import sys
from pathlib import Path

SKIP = 77


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--aot-dir", required=True, type=Path)
    parser.add_argument("--scenarios", required=True, type=Path)
    parser.add_argument("--frontend", required=True, type=Path, help="compiler/python (tb_aot.loader)")
    args = parser.parse_args()
    # A fresh Triton cache: the JIT's cache key ignores source file names, so a cubin
    # cached by an earlier process that named files differently could be returned.
    import tempfile
    os.environ["TRITON_CACHE_DIR"] = tempfile.mkdtemp(prefix="tb-jit-identity-")
    try:
        import torch
        import triton
    except ImportError as error:
        print(f"skipped: {error}")
        return SKIP
    if not torch.cuda.is_available():
        print("skipped: no CUDA device visible to torch")
        return SKIP
    sys.path.insert(0, str(args.frontend))
    from tb_aot.loader import load_kernel_module

    major, minor = torch.cuda.get_device_capability()
    arch = major * 10 + minor
    print(f"GPU: {torch.cuda.get_device_name()} (sm_{arch}), Triton {triton.__version__}")
    dtypes = {"fp32": torch.float32, "fp16": torch.float16, "bf16": torch.bfloat16, "i32": torch.int32,
              "i64": torch.int64, "fp64": torch.float64, "i8": torch.int8, "u8": torch.uint8}
    compared = identical = 0
    failures, skipped = [], []
    for manifest_path in sorted(args.aot_dir.glob("*/manifest.json")):
        manifest = json.loads(manifest_path.read_text())
        scenario = manifest["scenario"]
        bundle = manifest_path.parent
        modules = {}
        for kernel in manifest["kernels"]:
            source = kernel["source"]
            if source.endswith((".ttir", ".ttgir")):
                # Shipped as Triton IR (issue 17): the JIT compiles Python functions; the IR
                # kernel's cubin is checked against the Python compile's by ir_source.test and
                # its outputs against the Python-sourced kernel's by compiler.ir_source_gpu.
                skipped.append(f"{scenario}/{kernel['name']}: IR source {source}, no Python function for the JIT")
                continue
            if source not in modules:
                modules[source] = load_kernel_module(str(args.scenarios / scenario / source), f"{scenario}/{source}")
            fn = getattr(modules[source], kernel["name"])
            params = kernel["params"]
            inferred_wrong = [p["name"] for p in params if p["type"] in ("i64", "u64", "fp64", "i16", "i8")]
            if inferred_wrong:
                # The JIT infers a scalar's type from the Python value: small ints are i32,
                # floats fp32. A signature declaring i64 can't be reproduced by a JIT call.
                skipped.append(f"{scenario}/{kernel['name']}: JIT infers i32 for {', '.join(inferred_wrong)}")
                continue
            for variant in kernel["variants"]:
                for spec in variant["specializations"]:
                    image = next((i for i in spec["images"] if i["arch"] == arch and i["format"] == "cubin"), None)
                    if image is None:
                        skipped.append(f"{scenario}/{kernel['name']}: no sm_{arch} cubin in the bundle")
                        continue
                    call = []
                    for p in params:
                        hint = spec["hints"].get(p["name"])
                        if p["type"].startswith("*"):
                            t = torch.zeros(1 << 22, dtype=dtypes[p["type"][1:]], device="cuda")
                            call.append(t if hint == 16 else t[1:])  # t[1:] is not 16-byte aligned
                        elif p["type"].startswith("fp"):
                            call.append(0.5)
                        else:
                            call.append({16: 1024, 1: 1}.get(hint, 1000))
                    # The launch attributes too (issue 16): num_ctas changes the code.
                    attributes = {k: variant[k] for k, plain in (("num_ctas", 1), ("launch_pdl", False),
                                                                 ("launch_cooperative_grid", False))
                                  if variant.get(k, plain) != plain}
                    compiled = fn[(1,)](*call, **variant["constexprs"], num_warps=variant["num_warps"],
                                        num_stages=variant["num_stages"], **attributes)
                    torch.cuda.synchronize()
                    jit_cubin = compiled.asm["cubin"]
                    aot_cubin = (bundle / image["path"]).read_bytes()
                    compared += 1
                    label = f"{scenario}/{kernel['name']}[{variant['name']}.{spec['name']}]"
                    if jit_cubin == aot_cubin:
                        identical += 1
                        print(f"identical  {label}  {len(aot_cubin)} bytes")
                    else:
                        failures.append(label)
                        print(f"DIFFERENT  {label}  AOT {len(aot_cubin)} bytes, JIT {len(jit_cubin)} bytes")
    for s in skipped:
        print(f"not compared: {s}")
    print(f"{identical} of {compared} cubins byte-identical to the JIT's")
    if compared == 0:
        print("error: nothing was compared")
        return 1
    return 0 if not failures else 1


if __name__ == "__main__":
    sys.exit(main())

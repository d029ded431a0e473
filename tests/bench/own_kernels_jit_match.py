"""Without a GPU: the cubin Triton's JIT would build for each launch of a scenario is
byte-identical to the AOT cubin the dispatcher chooses for it.

Usage: own_kernels_jit_match.py SCENARIO_DIR BUNDLE_DIR [--arch 90] [--frontend compiler/python]

For each [[launch]]: the JIT's own binder (triton.runtime.jit.create_function_from_signature,
the code `kernel[grid](...)` runs) specialises the launch's argument values (pointers as
16-byte-aligned stand-ins for torch tensors, numbers as Python ints and floats, as
bench/jit_runner.py passes them), JITFunction._pack_args turns that into a signature,
constexprs and attributes, and triton.compile builds it for a CUDA target of --arch. The
AOT side is the bundle's most specialised compiled specialisation whose conditions the
values meet (docs/scenario-format.md: :16 aligned/divisible, :1 equal to 1). A difference
means the scenario's signature, hints or the kernels' annotations do not say what the JIT
does (for instance a scalar `s` without `: tl.float16` is fp32 to the JIT).
Prints one line per launch and exits 1 on any difference. Uses Triton 3.6's JIT internals.
"""
import argparse
import json
import os
import shutil
import sys
import tempfile
import tomllib
from pathlib import Path

DTYPE_SIZES = {"fp16": 2, "bf16": 2, "fp32": 4, "fp64": 8, "i8": 1, "u8": 1, "i16": 2, "i32": 4, "i64": 8}
TORCH_NAMES = {"fp16": "float16", "bf16": "bfloat16", "fp32": "float32", "fp64": "float64", "i8": "int8",
               "u8": "uint8", "i16": "int16", "i32": "int32", "i64": "int64"}
BASE_ADDRESS = 0x7F0000000000  # any 256-byte-aligned address: what cudaMalloc returns


class FakeDtype:
    def __init__(self, name):
        self.name = name

    def __str__(self):
        return f"torch.{self.name}"


# One object per dtype, as torch has: Triton's specialiser caches what it read from a
# dtype by the object's identity.
FAKE_DTYPES = {name: FakeDtype(torch_name) for name, torch_name in TORCH_NAMES.items()}


class FakeTensor:
    """What Triton's specialiser reads from a torch tensor: data_ptr() and dtype."""

    def __init__(self, dtype, address):
        self.dtype = FAKE_DTYPES[dtype]
        self.address = address

    def data_ptr(self):
        return self.address


def evaluate(value, names):
    """A number, or an expression as docs/scenario-format.md defines them."""
    if not isinstance(value, str):
        return value
    env = {"cdiv": lambda a, b: -(-a // b), "min": min, "max": max, **names}
    return eval(compile(value, "<scenario expression>", "eval"), {"__builtins__": {}}, env)


def argument(value, doc, names):
    """A launch argument as the JIT would get it: a tensor stand-in for "buf" or "buf + k"."""
    if isinstance(value, str):
        head, _, offset = value.partition("+")
        if head.strip() in doc["buffers"]:
            dtype = doc["buffers"][head.strip()]["dtype"]
            elements = evaluate(offset, names) if offset else 0
            return FakeTensor(dtype, BASE_ADDRESS + elements * DTYPE_SIZES[dtype])
    return evaluate(value, names)


def chosen_specialization(variant, args):
    """The dispatcher's rule: the first (most hints) specialisation whose conditions hold."""
    for spec in variant["specializations"]:
        values = {n: a.data_ptr() if isinstance(a, FakeTensor) else a for n, a in args.items()}
        if all((values[n] == 1) if h == 1 else (values[n] % 16 == 0) for n, h in spec["hints"].items()):
            return spec
    return None


def jit_cubin(fn, args, constexprs, variant, arch):
    import triton
    from triton.backends.compiler import GPUTarget
    from triton.compiler import ASTSource, make_backend
    from triton.runtime.jit import create_function_from_signature
    target = GPUTarget("cuda", arch, 32)
    backend = make_backend(target)
    kwargs = {**constexprs, "num_warps": variant["num_warps"], "num_stages": variant["num_stages"]}
    for option, plain in (("num_ctas", 1), ("launch_pdl", False), ("launch_cooperative_grid", False)):
        if variant.get(option, plain) != plain:
            kwargs[option] = variant[option]
    binder = create_function_from_signature(fn.signature, fn.params, backend)
    bound, specialization, options = binder(**args, **kwargs)
    options, signature, constexprs, attrs = fn._pack_args(backend, kwargs, bound, specialization, options)
    compiled = triton.compile(ASTSource(fn, signature, constexprs, attrs), target=target, options=options.__dict__)
    return compiled.asm["cubin"], [t for t in signature.values() if t != "constexpr"]


def check_launch(index, launch, doc, manifest, modules, bundle, arch):
    kernel = next(k for k in manifest["kernels"] if k["name"] == launch["kernel"])
    variant = next((v for v in kernel["variants"] if v["name"] == launch.get("variant")), kernel["variants"][0])
    names = {**doc.get("scalars", {}), **variant["constexprs"]}
    args = {name: argument(value, doc, names) for name, value in launch["args"].items()}
    spec = chosen_specialization(variant, args)
    label = f"launch {index} {launch['kernel']}"
    if spec is None:
        print(f"{label}: no compiled specialisation accepts these arguments")
        return False
    image = next((i for i in spec["images"] if i["arch"] == arch and i["format"] == "cubin"), None)
    if image is None:
        print(f"{label}: the bundle has no sm_{arch} cubin for {spec['name']}")
        return False
    aot = (bundle / image["path"]).read_bytes()
    jit, types = jit_cubin(getattr(modules[kernel["source"]], kernel["name"]), args, variant["constexprs"],
                           variant, arch)
    verdict = "byte-identical" if aot == jit else f"DIFFERENT: AOT {len(aot)} B, JIT {len(jit)} B"
    print(f"{label} [{spec['name']}] JIT signature ({', '.join(types)}): {verdict}")
    return aot == jit


def run(opts):
    """One verdict per [[launch]], and the summary line."""
    sys.path.insert(0, str(opts.frontend))
    from tb_aot.loader import load_kernel_module
    doc = tomllib.loads((opts.scenario / "scenario.toml").read_text())
    manifest = json.loads((opts.bundle / "manifest.json").read_text())
    name = manifest["scenario"]
    modules = {k["source"]: load_kernel_module(str(opts.scenario / k["source"]), f"{name}/{k['source']}")
               for k in manifest["kernels"]}
    results = [check_launch(i + 1, launch, doc, manifest, modules, opts.bundle, opts.arch)
               for i, launch in enumerate(doc.get("launch", []))]
    print(f"{name}: {sum(results)} of {len(results)} launches byte-identical to the JIT's sm_{opts.arch} cubin")
    return results


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenario", type=Path)
    parser.add_argument("bundle", type=Path)
    parser.add_argument("--arch", type=int, default=90)
    parser.add_argument("--frontend", type=Path, default=Path(__file__).resolve().parents[2] / "compiler" / "python")
    opts = parser.parse_args()
    # A fresh Triton cache, so every JIT cubin is compiled here, never one triton-aot's
    # frontend left in the shared cache (Triton's cache key ignores source file names).
    os.environ["TRITON_CACHE_DIR"] = tempfile.mkdtemp(prefix="tb-own-kernels-jit-")
    try:
        results = run(opts)
    finally:
        shutil.rmtree(os.environ["TRITON_CACHE_DIR"], ignore_errors=True)
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())

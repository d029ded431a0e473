#!/usr/bin/env python3
"""Test data for tb.test.bench.code_identity: compiles the jobs of a JSON file with
triton.compile (no GPU), loading each kernel file under its canonical name as the JIT
runner does, and writes OUT/<name>.cubin and OUT/<name>.json (tb_aot.metadata.describe).

usage: describe_kernels.py JOBS.json OUT_DIR FRONTEND_DIR
"""
import json
import os
import sys


def main():
    jobs_path, out_dir, frontend = sys.argv[1:4]
    sys.path.insert(0, frontend)
    import triton
    from triton.backends.compiler import GPUTarget
    from tb_aot.loader import load_kernel_module
    from tb_aot.metadata import describe

    base = os.path.dirname(os.path.abspath(jobs_path))
    with open(jobs_path, encoding="utf-8") as f:
        jobs = json.load(f)["jobs"]
    os.makedirs(out_dir, exist_ok=True)
    for job in jobs:
        module = load_kernel_module(os.path.join(base, job["source"]), job["canonical"])
        fn = getattr(module, job["kernel"])
        attrs = {(fn.arg_names.index(name),): [["tt.divisibility", 16]] for name in job["divisible"]}
        source = triton.compiler.ASTSource(fn=fn, signature=job["signature"], constexprs=job["constexprs"],
                                           attrs=attrs)
        compiled = triton.compile(source, target=GPUTarget("cuda", job["arch"], 32),
                                  options={"num_warps": job["num_warps"], "num_stages": job["num_stages"]})
        stem = os.path.join(out_dir, job["name"])
        with open(stem + ".cubin", "wb") as f:
            f.write(compiled.asm["cubin"])
        with open(stem + ".json", "w", encoding="utf-8") as f:
            json.dump(describe(compiled), f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())

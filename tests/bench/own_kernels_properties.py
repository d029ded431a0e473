"""Check that the own_kernels bundle still exercises what it was written for (issue 10).

Usage: own_kernels_properties.py BUNDLE_DIR [--arch 90 --arch 80]

Reads BUNDLE_DIR/manifest.json (docs/aot-bundle.md), prints per kernel, specialisation
and arch the runtime argument count, dynamic shared memory and global scratch, then
checks, for every arch listed:
  - scalar_types_kernel takes an fp16, an fp32 and a bf16 scalar
  - many_args_kernel takes more than 24 runtime arguments
  - every matmul_kernel image needs more than 48 KiB (49152 B) of shared memory
  - strided_read_kernel has a specialisation with stride == 1 folded out of its parameters
  - descriptor_transpose_kernel's sm_90 images have global scratch > 0 (device-side TMA
    descriptors; on sm_80 Triton lowers them to plain loads, so no scratch is required there)
Prints one line per failed check and exits 1, or "own_kernels: N checks passed".
Standard library only.
"""
import argparse
import json
import os
import sys


def images(kernel, fmt="cubin"):
    for variant in kernel["variants"]:
        for spec in variant["specializations"]:
            for image in spec["images"]:
                if image["format"] == fmt:
                    yield variant, spec, image


def print_table(manifest):
    print(f"{'kernel':<28} {'args':>4} {'specialisation':<44} {'arch':<5} {'shared B':>9} {'scratch B':>9}")
    for kernel in manifest["kernels"]:
        for _, spec, image in images(kernel):
            name = spec["name"] if len(spec["name"]) <= 44 else spec["name"][:41] + "..."
            print(f"{kernel['name']:<28} {len(kernel['params']):>4} {name:<44} sm_{image['arch']:<2} "
                  f"{image['shared']:>9} {image['global_scratch_size']:>9}")


def check(manifest, archs):
    """Returns (number of checks, list of failure lines)."""
    kernels = {k["name"]: k for k in manifest["kernels"]}
    failures, count = [], 0

    def expect(condition, message):
        nonlocal count
        count += 1
        if not condition:
            failures.append(message)

    wanted = ("scalar_types_kernel", "many_args_kernel", "matmul_kernel", "strided_read_kernel",
              "descriptor_transpose_kernel")
    for name in wanted:
        expect(name in kernels, f"manifest: no kernel '{name}' (expected {', '.join(wanted)})")
    if failures:
        return count, failures
    expect(sorted(manifest["archs"]) == sorted(archs),
           f"manifest: archs {manifest['archs']}, expected {archs}")

    types = [p["type"] for p in kernels["scalar_types_kernel"]["params"]]
    for t in ("fp16", "fp32", "bf16"):
        expect(t in types, f"scalar_types_kernel: no {t} scalar argument (types: {', '.join(types)})")

    n = len(kernels["many_args_kernel"]["params"])
    expect(n > 24, f"many_args_kernel: {n} runtime arguments, expected more than 24")

    for arch in archs:
        found = [(s, i) for _, s, i in images(kernels["matmul_kernel"]) if i["arch"] == arch]
        expect(bool(found), f"matmul_kernel: no sm_{arch} cubin")
        for spec, image in found:
            expect(image["shared"] > 49152, f"matmul_kernel {spec['name']} sm_{arch}: shared memory "
                   f"{image['shared']} B, expected more than 49152 (48 KiB)")

    strided = kernels["strided_read_kernel"]
    stride_index = next(i for i, p in enumerate(strided["params"]) if p["name"] == "stride")
    folded = [s for _, s, _ in images(strided) if s["hints"].get("stride") == 1]
    expect(bool(folded), "strided_read_kernel: no specialisation with stride:1")
    for spec in folded:
        expect(stride_index not in spec["kernel_params"],
               f"strided_read_kernel {spec['name']}: stride == 1 is still a kernel parameter")

    if 90 in archs:
        found = [(s, i) for _, s, i in images(kernels["descriptor_transpose_kernel"]) if i["arch"] == 90]
        expect(bool(found), "descriptor_transpose_kernel: no sm_90 cubin")
        for spec, image in found:
            expect(image["global_scratch_size"] > 0, f"descriptor_transpose_kernel {spec['name']} sm_90: "
                   f"global scratch {image['global_scratch_size']} B, expected > 0 (device-side descriptors)")
    return count, failures


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("bundle")
    parser.add_argument("--arch", type=int, action="append", help="archs the bundle must hold (default 90 80)")
    args = parser.parse_args()
    path = os.path.join(args.bundle, "manifest.json")
    try:
        with open(path, encoding="utf-8") as f:
            manifest = json.load(f)
    except (OSError, ValueError) as error:
        print(f"{path}: cannot read the manifest: {error}")
        return 1
    print_table(manifest)
    count, failures = check(manifest, args.arch or [90, 80])
    for line in failures:
        print(f"{path}: {line}")
    if failures:
        return 1
    print(f"own_kernels: {count} checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())

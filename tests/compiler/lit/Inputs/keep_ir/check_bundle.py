"""Checks a bundle compiled with --keep-ir: its manifest says so, and every image of
every specialisation lists the four stages in lowering order, each file there, beside
its cubin, with the SHA-256 and size the manifest gives. Prints one line per stage
file, then "ok"; exits 1 naming the first problem."""
import hashlib
import json
import os
import sys

STAGES = ["ttir", "ttgir", "llir", "ptx"]
bundle = sys.argv[1]
manifest = json.load(open(os.path.join(bundle, "manifest.json")))
if manifest.get("keep_ir") is not True:
    sys.exit("manifest.json: keep_ir is not true")
for kernel in manifest["kernels"]:
    for variant in kernel["variants"]:
        for spec in variant["specializations"]:
            cubins = [i for i in spec["images"] if i["format"] == "cubin"]
            ir = spec["ir"]
            for cubin in cubins:
                stages = [r for r in ir if r["arch"] == cubin["arch"]]
                if [r["stage"] for r in stages] != STAGES:
                    sys.exit(f"{cubin['path']}: stages {[r['stage'] for r in stages]}, expected {STAGES}")
                for r in stages:
                    if os.path.splitext(r["path"])[0] != os.path.splitext(cubin["path"])[0]:
                        sys.exit(f"{r['path']} is not beside {cubin['path']}")
                    data = open(os.path.join(bundle, r["path"]), "rb").read()
                    if hashlib.sha256(data).hexdigest() != r["sha256"] or len(data) != r["size"]:
                        sys.exit(f"{r['path']}: its SHA-256 or size differs from the manifest's")
                    print(r["path"])
print("ok")

#!/usr/bin/env python3
"""GPU test (issue 16): triton-bench on the launch-attribute scenarios, outputs checked
against Triton's JIT given the same attributes.

1. pdl_chain with --pdl off,on, modes jit, cubin-cached and graph, --require-check: one
   results file per setting; every mode ok and, for the AOT modes, checked against the
   JIT (jit-exact or jit-tolerance); the off run launched the `plain` variants, the on
   run the `pdl` ones; the traced gaps before and after target_kernel measured in both
   (printed side by side; a negative gap is an overlap, reported, not asserted: it is
   the measurement).
2. cluster (scale_kernel with num_ctas = 2) with --mode all --require-check: every mode
   ok and checked against the JIT.
Exit 77 (skipped) without torch, a GPU, or a GPU older than sm_90 (PDL and clusters).
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

CHECKED = ("jit-exact", "jit-tolerance")


def run(command, env):
    print("$", " ".join(command), flush=True)
    done = subprocess.run(command, capture_output=True, text=True, timeout=900, env=env)
    print(done.stdout, end="")
    print(done.stderr, end="", file=sys.stderr)
    return done.returncode


def check_modes(doc, label, failures):
    for m in doc["modes"]:
        name = m["mode"]
        if m["status"] != "ok":
            failures.append(f"{label}: mode {name} is {m['status']}: {m.get('error', '')}")
            continue
        kind = m["check"].get("kind", "")
        if name != "jit" and kind not in CHECKED:
            failures.append(f"{label}: mode {name}'s outputs were checked as '{kind}', expected against the JIT")


def median(doc, mode, metric):
    for m in doc["modes"]:
        if m["mode"] == mode and metric in m["metrics"]:
            return m["metrics"][metric]["summary"]["median"], m["metrics"][metric]["summary"]["n"]
    return float("nan"), 0


def pdl_chain(args, tmp, env, failures):
    results = os.path.join(tmp, "pdl.json")
    rc = run([args.bench, "--scenario", "pdl_chain", "--pdl", "off,on", "--mode", "jit", "--mode", "cubin-cached",
              "--mode", "graph", "--require-check", "--time-limit", str(args.time_limit), "--json", results], env)
    if rc != 0:
        failures.append(f"pdl_chain --pdl off,on exited with {rc}")
    for setting, variant in (("pdl-off", "plain"), ("pdl-on", "pdl")):
        path = os.path.join(tmp, f"pdl.{setting}.json")
        if not os.path.exists(path):
            failures.append(f"pdl_chain: no results file {os.path.basename(path)}")
            continue
        with open(path) as f:
            doc = json.load(f)
        check_modes(doc, f"pdl_chain {setting}", failures)
        variants = sorted({k["variant"] for k in doc["scenario"]["kernels"]})
        if variants != [variant]:
            failures.append(f"pdl_chain {setting}: launched variants {variants}, expected ['{variant}']")
        for mode in ("jit", "cubin-cached", "graph"):
            before, nb = median(doc, mode, "gap.before_target")
            after, na = median(doc, mode, "gap.after_target")
            overlap, no = median(doc, mode, "overlap.before_target")
            iteration, _ = median(doc, mode, "iteration.duration")
            print(f"pdl_chain {setting} {mode}: gap before target {before:.0f} ns (n {nb}), after {after:.0f} ns "
                  f"(n {na}), overlapped before {no} times (median {overlap:.0f} ns), iteration {iteration:.0f} ns")
            if nb == 0 or na == 0:
                failures.append(f"pdl_chain {setting} {mode}: no traced gaps around target_kernel")


def cluster(args, tmp, env, failures):
    results = os.path.join(tmp, "cluster.json")
    rc = run([args.bench, "--scenario", "cluster", "--mode", "all", "--require-check", "--time-limit",
              str(args.time_limit), "--json", results], env)
    if rc != 0:
        failures.append(f"cluster --mode all exited with {rc}")
    if not os.path.exists(results):
        failures.append("cluster: no results file")
        return
    with open(results) as f:
        doc = json.load(f)
    check_modes(doc, "cluster", failures)
    modes = [m["mode"] for m in doc["modes"]]
    print(f"cluster: modes run {modes}")
    if len(modes) < 8:
        failures.append(f"cluster: {len(modes)} modes ran, expected every mode (8)")


def main(args):
    try:
        import torch
    except ImportError as error:
        print(f"skipped: {error}")
        return 77
    if not torch.cuda.is_available():
        print("skipped: no CUDA device visible to torch")
        return 77
    major, minor = torch.cuda.get_device_capability()
    if major < 9:
        print(f"skipped: PDL and clusters need sm_90 or newer, this GPU is sm_{major}{minor}")
        return 77
    print(f"GPU {torch.cuda.get_device_name()} (sm_{major}{minor})")
    failures = []
    # The JIT runner needs torch: this Python has it (the build's own may not exist here).
    env = dict(os.environ, TRITON_BENCH_PYTHON=sys.executable)
    with tempfile.TemporaryDirectory() as tmp:
        pdl_chain(args, tmp, env, failures)
        cluster(args, tmp, env, failures)
    for failure in failures:
        print("FAIL:", failure)
    return 1 if failures else 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bench", required=True, help="the triton-bench program")
    parser.add_argument("--time-limit", type=float, default=3)
    sys.exit(main(parser.parse_args()))

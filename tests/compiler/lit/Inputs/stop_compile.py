"""Starts `triton-aot compile` of Inputs/slow_import (4 images, 2 Triton workers, one of
which sleeps at import), stops it with a signal once an image is in the cache, and
prints what is left: the exit status, its Python processes, the temporary folders.
With --again, compiles once more and prints what that run found and left."""
import argparse
import glob
import os
import re
import signal
import subprocess
import tempfile
import sys
import time

parser = argparse.ArgumentParser()
parser.add_argument("--aot", required=True)
parser.add_argument("--work", required=True)
parser.add_argument("--signal", required=True, choices=["KILL", "INT", "TERM"])
parser.add_argument("--again", action="store_true")
args = parser.parse_args()

scenario = os.path.join(os.path.dirname(os.path.abspath(__file__)), "slow_import")
out, cache = os.path.join(args.work, "out"), os.path.join(args.work, "cache")
archs = [a for arch in ("sm_90", "sm_80", "sm_86", "sm_89") for a in ("--arch", arch)]
command = [args.aot, "compile", scenario, "--out", out, "--cache-dir", cache, "-j", "2", *archs]


def its_pythons():
    """Processes started for this test's compile: Triton's cache is in its cache folder."""
    found = []
    for environ in glob.glob("/proc/[0-9]*/environ"):
        try:
            with open(environ, "rb") as f:
                if f"TRITON_CACHE_DIR={cache}/tmp-".encode() in f.read():
                    found.append(environ.split("/")[2])
        except OSError:
            pass
    return found


def leftovers():
    names = [n for d in (args.work, cache) if os.path.isdir(d) for n in os.listdir(d)]
    return " ".join(sorted(re.sub(r"-[0-9]+$", "-PID", n) for n in names if re.search(r"\.(tmp|old)-|^tmp-", n))) or "none"


def wait_for(condition, seconds):
    deadline = time.time() + seconds
    while time.time() < deadline and not condition():
        time.sleep(0.1)
    return condition()


env = dict(os.environ, TB_TEST_IMPORT_SLEEP="300", TB_TEST_FIRST_IMPORT_FAST=os.path.join(args.work, "first"))
err_file = tempfile.TemporaryFile(mode="w+")  # not a pipe: a straggler holding it open cannot block us
run = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=err_file)
cached = wait_for(lambda: glob.glob(os.path.join(cache, "*", "*", "complete")), 90)
print("image cached before the signal:", "yes" if cached else "no")
print("Python running before the signal:", "yes" if its_pythons() else "no")
os.kill(run.pid, getattr(signal, "SIG" + args.signal))
status = run.wait()
err_file.seek(0)
said = err_file.read().strip().splitlines()
print("exit:", status if status >= 0 else f"killed by signal {-status}")
print("last line on stderr:", said[-1] if said else "none")
gone = wait_for(lambda: not its_pythons(), 2)
print("Python left 2 s after:", "none" if gone else " ".join(its_pythons()))
print("leftovers:", leftovers())
print("bundle:", "yes" if os.path.exists(os.path.join(out, "manifest.json")) else "no")
if args.again:
    again = subprocess.run(command, env=dict(os.environ, TB_TEST_IMPORT_SLEEP="0"), capture_output=True, text=True)
    print("next run exit:", again.returncode, again.stdout.strip(), again.stderr.strip()[-300:])
    print("leftovers after the next run:", leftovers())
    print("cubins:", len(glob.glob(os.path.join(out, "images", "*", "*", "*", "*.cubin"))))
sys.stdout.flush()

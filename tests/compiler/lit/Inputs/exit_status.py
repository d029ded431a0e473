"""Runs the command given, its output passed through, then prints its exit status
(lit's shell has no $?)."""
import subprocess
import sys

sys.stdout.flush()
status = subprocess.run(sys.argv[1:]).returncode
print("exit status", status, flush=True)

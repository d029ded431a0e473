#!/usr/bin/env bash
# Here (no GPU): builds what the GPU machine runs into build-gpu/ (no LLVM, no Qt),
# with the AOT bundles compiled by this machine's triton-aot, and copies the shared
# libraries it needs beside it. scripts/gpu-run.sh runs it there.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
scripts/bootstrap.sh
[ -f build/build.ninja ] || cmake --preset default >/dev/null
cmake --build build -j"$(nproc)" --target triton-aot
[ -f build-gpu/build.ninja ] || cmake --preset gpu-machine >/dev/null
cmake --build build-gpu -j"$(nproc)"
mkdir -p build-gpu/lib
for lib in libbenchmark.so.1debian libbenchmark.so.1.7.1; do
  [ -e /usr/lib/x86_64-linux-gnu/$lib ] && cp -L /usr/lib/x86_64-linux-gnu/$lib build-gpu/lib/
done
du -sh build-gpu

#!/usr/bin/env bash
# Installs what is missing, builds, and runs the main job: triton-bench on its
# default scenario. Without a GPU, triton-bench says so and does what can be done
# here. Arguments go to triton-bench (see build/bin/triton-bench --help).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
scripts/bootstrap.sh
if [ ! -f build/build.ninja ]; then
  cmake --preset default >/dev/null
fi
cmake --build build -j"$(nproc)" --target triton-bench triton-aot
exec build/bin/triton-bench "$@"

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
cmake --build build -j"$(nproc)" --target triton-bench triton-aot tb_share tb_cupti_inject
# triton-aot compiles with the project's Python unless told otherwise; the JIT side
# needs torch too, and takes the first python3 on PATH with both (or TRITON_BENCH_PYTHON).
export TRITON_AOT_PYTHON=${TRITON_AOT_PYTHON:-$root/.venv/bin/python}
exec build/bin/triton-bench "$@"

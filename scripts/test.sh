#!/usr/bin/env bash
# Installs what is missing, builds everything and runs the tests (CPU machine: the
# GPU tests report themselves skipped with the reason). Quick when nothing changed.
#   scripts/test.sh                 all tests
#   scripts/test.sh -R compiler     any extra arguments go to ctest
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
scripts/bootstrap.sh
if [ ! -f build/build.ninja ]; then
  cmake --preset default >/dev/null
fi
cmake --build build -j"$(nproc)"
ctest --test-dir build --output-on-failure -j"$(nproc)" "$@"

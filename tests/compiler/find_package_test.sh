#!/usr/bin/env bash
# Installs this build into a temporary prefix and builds tests/compiler/consumer, a
# separate project, against it with find_package(triton-bench).
#   find_package_test.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
build=$1 source=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cmake --install "$build" --prefix "$work/prefix" >/dev/null
cmake -S "$source/tests/compiler/consumer" -B "$work/consumer" -G Ninja -DCMAKE_PREFIX_PATH="$work/prefix" \
      -DSCENARIO_DIR="$source/scenarios/vector_add" >/dev/null
cmake --build "$work/consumer" >/dev/null
"$work/consumer/consumer"

#!/usr/bin/env bash
# Configures (once) and builds actorgraph into build/ with CMake + Ninja.
# Extra CMake options may be passed as arguments on the first configure.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${ACTORGRAPH_BUILD_DIR:-build}
if [[ ! -f "$BUILD_DIR/build.ninja" ]]; then
  cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" >/dev/null
fi
# Two cores: two jobs keep memory use sane while compiling gRPC-heavy files.
cmake --build "$BUILD_DIR" -j "${ACTORGRAPH_JOBS:-2}"

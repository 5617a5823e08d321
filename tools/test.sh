#!/usr/bin/env bash
# The test command: installs what is missing, builds, and runs every test (C++ unit and
# end-to-end tests, and the Python tests, all registered with ctest). Exits non-zero on any
# failure.
set -euo pipefail
cd "$(dirname "$0")/.."
tools/bootstrap.sh
tools/build.sh
BUILD_DIR=${ACTORGRAPH_BUILD_DIR:-build}
ctest --test-dir "$BUILD_DIR" --output-on-failure -j 2 --timeout 900

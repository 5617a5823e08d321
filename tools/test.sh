#!/usr/bin/env bash
# The test command: installs what is missing, builds, and runs every test:
#   1. build/      C++ unit and end-to-end tests, the Python tests and the browser test (ctest)
#   2. build-tsan/ the store tests (stress, ingest pipeline, checkpointer, graph image) under
#                  ThreadSanitizer (preset `tsan`)
#   3. build-fuzz/ short libFuzzer runs of the JSONL readers, request handling and the
#                  extractor (preset `fuzz`, clang)
# Exits non-zero on any failure. ACTORGRAPH_QUICK=1 runs step 1 only.
set -euo pipefail
cd "$(dirname "$0")/.."
tools/bootstrap.sh
tools/build.sh
BUILD_DIR=${ACTORGRAPH_BUILD_DIR:-build}
ctest --test-dir "$BUILD_DIR" --output-on-failure -j 2 --timeout 900
[[ "${ACTORGRAPH_QUICK:-}" == 1 ]] && exit 0

echo "test: ThreadSanitizer stress test (build-tsan)"
[[ -f build-tsan/build.ninja ]] || cmake --preset tsan >/dev/null
cmake --build build-tsan -j 2 --target store_test
TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1" \
  ctest --test-dir build-tsan --output-on-failure -R 'StressTest|StoreTest|StoreImageTest|StoreWriteTest|IngestStreamTest|CheckpointerTest|GraphStateTest' --timeout 600

echo "test: libFuzzer smoke runs (build-fuzz)"
[[ -f build-fuzz/build.ninja ]] || cmake --preset fuzz >/dev/null
cmake --build build-fuzz -j 2 --target relations_fuzz request_fuzz extract_fuzz
ctest --test-dir build-fuzz --output-on-failure -R '_fuzz_smoke' --timeout 300

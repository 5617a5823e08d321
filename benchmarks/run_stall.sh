#!/usr/bin/env bash
# How long reads wait while an ingest grows the graph past one of its capacities, end to end
# over gRPC (the in-process view of the same thing: `actorgraph_load_benchmark grow`):
#   1. a fresh actorgraph-server on an empty database, seeded over IngestRelations with SEED
#      observations (default 14 550 000, just under the id index's growth at 7/8 of 2^24 =
#      14 680 064), 100 k actors, two streams of 10 000-relation batches
#   2. GetActor at concurrency 8 for DURATION seconds while one more stream ingests CROSS
#      observations (default 400 000) past that point
#   3. prints both ingest rates and GetActor's calls, p50, p99 and max latency (the max is the
#      longest a reader waited for the writer's exclusive lock, plus the call itself).
# The second loader first generates (and skips) the SEED observations it does not send, so
# DURATION must cover that too (default 100 s). Needs about 12 GiB of memory while seeding.
#
# Usage: benchmarks/run_stall.sh
# Settings (environment): BUILD_DIR (build; needs bin/actorgraph-server and
#   bin/actorgraph-loadgen, built with -DACTORGRAPH_BUILD_BENCHMARKS=ON), SEED (14550000),
#   CROSS (400000), DURATION (100), OUT (a new temp folder; the database is deleted at the end)
set -euo pipefail

cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build}
SEED=${SEED:-14550000}
CROSS=${CROSS:-400000}
DURATION=${DURATION:-100}
OUT=${OUT:-$(mktemp -d /tmp/actorgraph-stall.XXXXXX)}
SERVER=$BUILD_DIR/bin/actorgraph-server
LOADGEN=$BUILD_DIR/bin/actorgraph-loadgen
for bin in "$SERVER" "$LOADGEN"; do
  [[ -x $bin ]] || { echo "run_stall.sh: $bin is missing (build with -DACTORGRAPH_BUILD_BENCHMARKS=ON)" >&2; exit 2; }
done
mkdir -p "$OUT"

"$SERVER" --no-seed --quiet --db "$OUT/stall.db" --listen 127.0.0.1:0 --port-file "$OUT/port" \
  > "$OUT/server.log" 2>&1 &
SERVER_PID=$!
trap 'kill $SERVER_PID 2>/dev/null || true; wait $SERVER_PID 2>/dev/null || true; rm -f "$OUT"/stall.db*' EXIT
for _ in $(seq 100); do [[ -s $OUT/port ]] && break; sleep 0.1; done
[[ -s $OUT/port ]] || { echo "run_stall.sh: the server did not start; see $OUT/server.log" >&2; exit 1; }

common=(--port-file "$OUT/port" --server-pid "$SERVER_PID" --json --actors 100000)
"$LOADGEN" "${common[@]}" --seed --seed-actors 100000 --seed-observations "$SEED" \
  --seed-batch 10000 --seed-streams 2 > "$OUT/seed.json"
"$LOADGEN" "${common[@]}" --rpc GetActor --concurrency 8 --threads 1 --channels 1 \
  --duration "$DURATION" --warmup 1 > "$OUT/reads.json" &
READS_PID=$!
sleep 1
"$LOADGEN" "${common[@]}" --seed --seed-actors 0 --seed-first "$SEED" \
  --seed-observations "$CROSS" --seed-batch 10000 --seed-streams 1 > "$OUT/cross.json"
wait $READS_PID

/usr/bin/python3 - "$OUT" <<'PY'
import json, sys
out = sys.argv[1]
for name in ("seed", "cross"):
    s = json.load(open(f"{out}/{name}.json"))["seed"]
    print(f"{name}: {s['inserted']} observations inserted at {s['observations_per_s']:.0f}/s"
          + (f"; errors: {s['errors']}" if s["errors"] else ""))
r = json.load(open(f"{out}/reads.json"))["workload"]["rows"][0]
print(f"GetActor during the crossing: {r['calls']} calls, p50 {r['p50_ms']:.2f} ms, "
      f"p99 {r['p99_ms']:.2f} ms, max {r['max_ms']:.0f} ms")
PY
echo "(JSON of each run in $OUT)"

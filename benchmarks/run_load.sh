#!/usr/bin/env bash
# Throughput of actorgraph-server over gRPC, measured with actorgraph-loadgen:
#   1. builds actorgraph-server and actorgraph-loadgen (Release, -DACTORGRAPH_BUILD_BENCHMARKS=ON)
#   2. (PHASES has "sweep") the ingest curve: for each batch size x stream count, a fresh server
#      on an empty database ingests SWEEP_OBSERVATIONS observations; durable obs/s
#   3. (PHASES has "workload") a fresh server, seeded over IngestRelations with ACTORS
#      actors / OBSERVATIONS observations (SEED_BATCH x SEED_STREAMS)
#   4. every RPC in RPCS at every level in CONCURRENCY, without and with a writer that
#      ingests WRITER_RATE obs/s (0 = as fast as it can) while the readers run
#   5. a summary table (and every run as JSON lines in OUT/results.jsonl), then stops the
#      servers it started.
# Server and load generator share the machine's cores: on the 2-core machine the loadgen's
# own CPU (reported per run) is taken from the server.
#
# Usage: benchmarks/run_load.sh [--skip-build] [--quick]
#   --skip-build   use the binaries already in BUILD_DIR
#   --quick        a smoke run: 10 k actors, 100 k observations, 3 s per point
# Settings (environment): BUILD_DIR (build-release), OUT (a new temp folder), ACTORS (100000),
#   OBSERVATIONS (1000000), SEED_BATCH (5000), SEED_STREAMS (1), RPCS ("GetActor
#   ListRelations FindPaths GetNeighborhood mix Health"), CONCURRENCY ("1 8 32"), DURATION (10),
#   WARMUP (2), THREADS (1), CHANNELS (1), REPEAT (1: runs per point), WRITER_RATE (2000),
#   WRITER_BATCH (100),
#   PHASES ("sweep workload": which of the ingest sweep and the seeded read workloads to run),
#   SWEEP_OBSERVATIONS (200000), SWEEP_BATCHES ("100 1000 5000"),
#   SWEEP_STREAMS ("1 2 4"), SERVER_FLAGS (extra actorgraph-server flags, e.g. "" to turn
#   request logging back on: the default is "--quiet").
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD
BUILD_DIR=${BUILD_DIR:-build-release}
SKIP_BUILD=0
QUICK=0
for arg in "$@"; do
  case "$arg" in
    --skip-build) SKIP_BUILD=1 ;;
    --quick) QUICK=1 ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "run_load.sh: unknown argument $arg" >&2; exit 2 ;;
  esac
done
if [[ $QUICK == 1 ]]; then
  : "${ACTORS:=10000}" "${OBSERVATIONS:=100000}" "${DURATION:=3}" "${WARMUP:=1}"
  : "${SWEEP_OBSERVATIONS:=50000}" "${SWEEP_BATCHES:=1000}" "${SWEEP_STREAMS:=1 2}"
  : "${CONCURRENCY:=8}"
fi
ACTORS=${ACTORS:-100000}
OBSERVATIONS=${OBSERVATIONS:-1000000}
SEED_BATCH=${SEED_BATCH:-5000}
SEED_STREAMS=${SEED_STREAMS:-1}
RPCS=${RPCS:-GetActor ListRelations FindPaths GetNeighborhood mix Health}
CONCURRENCY=${CONCURRENCY:-1 8 32}
DURATION=${DURATION:-10}
WARMUP=${WARMUP:-2}
THREADS=${THREADS:-1}
REPEAT=${REPEAT:-1}
CHANNELS=${CHANNELS:-1}
WRITER_RATE=${WRITER_RATE:-2000}
WRITER_BATCH=${WRITER_BATCH:-100}
PHASES=${PHASES:-sweep workload}
SWEEP_OBSERVATIONS=${SWEEP_OBSERVATIONS:-200000}
SWEEP_BATCHES=${SWEEP_BATCHES:-100 1000 5000}
SWEEP_STREAMS=${SWEEP_STREAMS:-1 2 4}
SERVER_FLAGS=${SERVER_FLAGS---quiet}
OUT=${OUT:-$(mktemp -d /tmp/actorgraph-load.XXXXXX)}
mkdir -p "$OUT"
RESULTS=$OUT/results.jsonl
: > "$RESULTS"

if [[ $SKIP_BUILD == 0 ]]; then
  cmake -S "$ROOT" -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release \
    -DACTORGRAPH_BUILD_BENCHMARKS=ON -DACTORGRAPH_BUILD_TESTS=OFF > "$OUT/cmake.log"
  cmake --build "$BUILD_DIR" --target actorgraph-server actorgraph-loadgen -j2
fi
SERVER_BIN=$BUILD_DIR/bin/actorgraph-server
LOADGEN=$BUILD_DIR/bin/actorgraph-loadgen
for b in "$SERVER_BIN" "$LOADGEN"; do
  [[ -x $b ]] || { echo "run_load.sh: $b is missing (build it, or drop --skip-build)" >&2; exit 1; }
done

SERVER_PID=""
stop_server() {
  if [[ -n $SERVER_PID ]]; then
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
    SERVER_PID=""
  fi
}
trap stop_server EXIT

# start_server NAME: a server on a fresh database OUT/NAME.db, port in OUT/NAME.port.
start_server() {
  local name=$1
  rm -f "$OUT/$name".db* "$OUT/$name.port"
  # shellcheck disable=SC2086  # SERVER_FLAGS is a list of flags
  "$SERVER_BIN" --no-seed $SERVER_FLAGS --db "$OUT/$name.db" --listen 127.0.0.1:0 \
    --port-file "$OUT/$name.port" > "$OUT/$name.server.log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 1 300); do
    [[ -s $OUT/$name.port ]] && return 0
    kill -0 "$SERVER_PID" 2>/dev/null || break
    sleep 0.1
  done
  echo "run_load.sh: the server did not start; see $OUT/$name.server.log" >&2
  exit 1
}

loadgen() {  # loadgen PORTFILE ARGS...: one run, its JSON line appended to RESULTS
  local port_file=$1
  shift
  "$LOADGEN" --port-file "$port_file" --server-pid "$SERVER_PID" --json "$@" >> "$RESULTS"
}

echo "run_load.sh: results in $OUT ($(nproc) cores; load average $(cut -d' ' -f1-3 /proc/loadavg))"

if [[ " $PHASES " == *" sweep "* ]]; then
  for streams in $SWEEP_STREAMS; do
    for batch in $SWEEP_BATCHES; do
      start_server sweep
      echo "ingest sweep: batch $batch, $streams stream(s), $SWEEP_OBSERVATIONS observations"
      loadgen "$OUT/sweep.port" --label "sweep batch=$batch streams=$streams" --seed \
        --actors "$ACTORS" --seed-actors "$ACTORS" --seed-observations "$SWEEP_OBSERVATIONS" \
        --seed-batch "$batch" --seed-streams "$streams"
      stop_server
    done
  done
fi

if [[ " $PHASES " == *" workload "* ]]; then
  start_server main
  echo "seeding: $ACTORS actors, $OBSERVATIONS observations (batch $SEED_BATCH, $SEED_STREAMS stream(s))"
  loadgen "$OUT/main.port" --label seed --seed --actors "$ACTORS" --seed-actors "$ACTORS" \
    --seed-observations "$OBSERVATIONS" --seed-batch "$SEED_BATCH" \
    --seed-streams "$SEED_STREAMS"

  for rpc in $RPCS; do
    for c in $CONCURRENCY; do
      for rep in $(seq 1 "$REPEAT"); do
        for writer in off on; do
          args=(--rpc "$rpc" --concurrency "$c" --threads "$THREADS" --channels "$CHANNELS"
                --duration "$DURATION" --warmup "$WARMUP" --actors "$ACTORS")
          if [[ $writer == on ]]; then
            args+=(--writer-rate "$WRITER_RATE" --writer-batch "$WRITER_BATCH")
          fi
          label="$rpc c=$c writer=$writer"
          [[ $REPEAT == 1 ]] || label+=" #$rep"
          echo "workload: $label"
          loadgen "$OUT/main.port" --label "$label" "${args[@]}"
        done
      done
    done
  done
  stop_server
fi

/usr/bin/python3 - "$RESULTS" <<'EOF'
import json, sys
runs = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
seeds = [r for r in runs if "seed" in r]
if seeds:
    print("\nIngest over gRPC (durable observations/s; fresh server per sweep point)")
    print(f"{'run':34} {'batch':>6} {'streams':>7} {'obs':>9} {'seconds':>8} {'obs/s':>9}"
          f" {'srv cores':>9} {'srv waited':>10} {'gen cores':>9}")
    for r in seeds:
        s = r["seed"]
        print(f"{r['label']:34} {s['batch']:6} {s['streams']:7} {s['inserted']:9} "
              f"{s['ingest_seconds']:8.2f} {s['observations_per_s']:9.0f} "
              f"{s.get('server_cpu_cores', float('nan')):9.2f}"
              f" {s.get('server_cpu_wait_cores', float('nan')):10.2f} {s['loadgen_cpu_cores']:9.2f}"
              + (f"  errors: {s['errors']}" if s["errors"] else ""))
work = [r for r in runs if "workload" in r]
if work:
    print("\nRead workloads (calls/s and latency per RPC; writer obs/s when on)")
    print(f"{'run':34} {'rpc':16} {'calls/s':>9} {'p50 ms':>8} {'p90 ms':>8} {'p99 ms':>8}"
          f" {'max ms':>8} {'errors':>8} {'srv cores':>9} {'srv waited':>10} {'gen cores':>9}"
          f" {'writer obs/s':>12}")
    for r in work:
        w = r["workload"]
        writer = r.get("writer", {}).get("obs_per_s")
        for row in w["rows"]:
            errs = sum(row["errors"].values())
            print(f"{r['label']:34} {row['rpc']:16} {row['calls_per_s']:9.0f} {row['p50_ms']:8.3f}"
                  f" {row['p90_ms']:8.3f} {row['p99_ms']:8.3f} {row['max_ms']:8.1f} {errs:8}"
                  f" {w.get('server_cpu_cores', float('nan')):9.2f}"
                  f" {w.get('server_cpu_wait_cores', float('nan')):10.2f} {w['loadgen_cpu_cores']:9.2f}"
                  f" {'' if writer is None else f'{writer:12.0f}'}")
EOF
echo "run_load.sh: every run as JSON in $RESULTS"

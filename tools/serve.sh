#!/usr/bin/env bash
# Installs what is missing, builds, extracts the bundled demo corpus and serves it:
# actorgraph-server on 127.0.0.1:50051 with ./actorgraph.db, until Ctrl-C.
# Extra arguments go to actorgraph-server (e.g. --db other.db --listen 127.0.0.1:6000).
set -euo pipefail
cd "$(dirname "$0")/.."
tools/bootstrap.sh
tools/build.sh
BUILD_DIR=${ACTORGRAPH_BUILD_DIR:-build}
DEMO="$BUILD_DIR/share/actorgraph/demo-relations.jsonl"
"$BUILD_DIR/bin/actorgraph-extract" --dict data -o "$DEMO" data/demo
echo "serve: extracted $(wc -l < "$DEMO") relations from data/demo into $DEMO"
cat <<MSG
serve: starting actorgraph-server (Ctrl-C stops it cleanly). In another terminal try:
  $BUILD_DIR/bin/actorgraph path russia gna
  $BUILD_DIR/bin/actorgraph relations haftar
  $BUILD_DIR/bin/actorgraph --json actor turkey
and open http://127.0.0.1:8080/ for the graph explorer.
MSG
exec "$BUILD_DIR/bin/actorgraph-server" --actors data/actors --import "$DEMO" \
  --http-listen "${ACTORGRAPH_HTTP_LISTEN:-127.0.0.1:8080}" "$@"

#!/usr/bin/env bash
# Builds the graph explorer page into OUT_DIR (default build/share/actorgraph/web), where
# `actorgraph-server --http-listen` serves it:
#   web/build.sh [OUT_DIR [NODE_DIR]]
# NODE_DIR (default OUT_DIR/../../../web-node) gets a copy of package.json/package-lock.json
# and the node_modules that `npm ci` installs from them (Cytoscape.js for the page,
# playwright-core for tests/web). npm runs only when node_modules is missing or the lock file
# changed. Without npm, or offline, the page is still built and says the graph library is
# missing; this script never fails the build for that. ACTORGRAPH_SKIP_NPM=1 skips npm.
set -euo pipefail
SRC_DIR=$(cd "$(dirname "$0")" && pwd)
OUT_DIR=${1:-$SRC_DIR/../build/share/actorgraph/web}
mkdir -p "$OUT_DIR"
OUT_DIR=$(cd "$OUT_DIR" && pwd)
NODE_DIR=${2:-$OUT_DIR/../../../web-node}
mkdir -p "$NODE_DIR"
NODE_DIR=$(cd "$NODE_DIR" && pwd)

warn() { echo "web/build.sh: $*" >&2; }

# 1. node_modules from the committed lock file.
cp -f "$SRC_DIR/package.json" "$NODE_DIR/package.json"
if ! cmp -s "$SRC_DIR/package-lock.json" "$NODE_DIR/package-lock.json" 2>/dev/null; then
  cp -f "$SRC_DIR/package-lock.json" "$NODE_DIR/package-lock.json"
  rm -f "$NODE_DIR/.installed"
fi
if [[ "${ACTORGRAPH_SKIP_NPM:-0}" == 1 ]]; then
  warn "ACTORGRAPH_SKIP_NPM=1: not running npm"
elif [[ -f "$NODE_DIR/.installed" && -d "$NODE_DIR/node_modules" ]]; then
  :  # up to date
elif ! command -v npm >/dev/null 2>&1; then
  warn "npm not found: the page is built without Cytoscape.js (apt-get install npm)"
else
  echo "web/build.sh: npm ci in $NODE_DIR" >&2
  if (cd "$NODE_DIR" && npm ci --no-audit --no-fund --loglevel=error --fetch-retries=1 \
        --fetch-timeout=60000 >&2); then
    touch "$NODE_DIR/.installed"
  else
    warn "npm ci failed: the page is built without Cytoscape.js"
  fi
fi

# 2. The page itself, and the graph library next to it.
cp -f "$SRC_DIR"/src/* "$OUT_DIR/"
mkdir -p "$OUT_DIR/vendor"
CYTO="$NODE_DIR/node_modules/cytoscape"
if [[ -f "$CYTO/dist/cytoscape.min.js" ]]; then
  cp -f "$CYTO/dist/cytoscape.min.js" "$OUT_DIR/vendor/cytoscape.min.js"
  cp -f "$CYTO/LICENSE" "$OUT_DIR/vendor/cytoscape.LICENSE.txt" 2>/dev/null || true
else
  rm -f "$OUT_DIR/vendor/cytoscape.min.js"
  warn "Cytoscape.js missing: the page will say the graph library is missing"
fi
touch "$OUT_DIR/.stamp"

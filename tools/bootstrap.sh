#!/usr/bin/env bash
# Installs the Debian 12 packages actorgraph needs, if any are missing. Idempotent and quiet
# when everything is present. Runs apt-get as root (or through sudo when available).
set -euo pipefail

PACKAGES=(
  build-essential cmake ninja-build pkg-config git ccache
  libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler libabsl-dev
  libboost-graph-dev libboost-dev libsqlite3-dev sqlite3 nlohmann-json3-dev
  libssl-dev openssl prometheus-cpp-dev zlib1g-dev libjemalloc-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  clang libclang-rt-14-dev
  chromium graphviz
  python3 python3-grpcio python3-protobuf python3-pytest
  python3-pandas python3-networkx python3-matplotlib python3-nbclient python3-nbformat
  python3-ipykernel python3-setuptools python3-pip
  python3-igraph libigraph3 python3-scipy  # benchmarks/compare_igraph.py
)
PACKAGES+=(${ACTORGRAPH_EXTRA_PACKAGES:-})

missing=()
for p in "${PACKAGES[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$p")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

echo "bootstrap: installing ${missing[*]}" >&2
SUDO=""
if [[ $(id -u) -ne 0 ]]; then
  command -v sudo >/dev/null || { echo "bootstrap: need root or sudo to install: ${missing[*]}" >&2; exit 1; }
  SUDO=sudo
fi
export DEBIAN_FRONTEND=noninteractive
# A fresh machine has empty package lists; refresh them once, quietly.
$SUDO apt-get update -qq >/dev/null
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "bootstrap: done" >&2

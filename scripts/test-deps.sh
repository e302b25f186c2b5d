#!/usr/bin/env bash
# Installs what the tests need beyond a JDK 17 and Maven, once per machine:
#   - Debian's `prometheus` (the agent's integration tests start a real one on 127.0.0.1);
#   - a real kube-apiserver built from Debian's `kubernetes` source package, with etcd and the Go
#     toolchain (scripts/kube/build-apiserver.sh; ~4-10 min the first time, cached outside the
#     repository in ${KDRL_CACHE:-$HOME/.cache/kdrl} afterwards).
# Non-interactive; uses sudo when not root. Safe to run again: it only installs what is missing.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

sudo=()
if [[ $(id -u) -ne 0 ]]; then
  sudo=(sudo)
fi
if ! command -v prometheus >/dev/null 2>&1; then
  echo "[test-deps] installing Debian's prometheus" >&2
  "${sudo[@]}" apt-get update -qq >&2
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus >&2
fi
prometheus --version 2>&1 | head -1 >&2
# installs its own Debian packages when missing, then builds or finds the cached binary
scripts/kube/build-apiserver.sh >/dev/null
echo "[test-deps] ready: prometheus and $(scripts/kube/build-apiserver.sh 2>/dev/null | tail -1)" >&2

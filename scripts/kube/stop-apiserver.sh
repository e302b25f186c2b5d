#!/usr/bin/env bash
# Stop the kube-apiserver and etcd started by start-apiserver.sh.
#
# Usage: stop-apiserver.sh <workdir>
#
# Only the PIDs recorded in <workdir>/apiserver.pid and <workdir>/etcd.pid are
# signalled (apiserver first, then etcd): SIGTERM, wait up to 15 s, then
# SIGKILL. A PID is only signalled if it still runs the expected program, so a
# stale pid file never hits an unrelated process that reused the PID.
# Idempotent: missing pid files or already-exited processes are fine.
set -euo pipefail

readonly GRACE_SECONDS=15

log() { printf '[stop-apiserver] %s\n' "$*" >&2; }

(($# == 1)) || { echo "usage: $0 <workdir>" >&2; exit 2; }
WORKDIR="$1"
readonly WORKDIR
[[ -d "${WORKDIR}" ]] || { log "no such workdir: ${WORKDIR} (nothing to stop)"; exit 0; }

# True if the process exists and is not a zombie.
pid_alive() {
  kill -0 "$1" 2>/dev/null || return 1
  local state
  state="$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null || true)"
  [[ -n "${state}" && "${state}" != Z ]]
}

# stop_one <name> <expected executable basename>
stop_one() {
  local name="$1" exe="$2" pidfile="${WORKDIR}/$1.pid" pid
  [[ -f "${pidfile}" ]] || { log "${name}: no pid file"; return 0; }
  pid="$(tr -dc '0-9' <"${pidfile}")"
  if [[ -z "${pid}" ]] || ! pid_alive "${pid}"; then
    log "${name}: not running"
    rm -f "${pidfile}"
    return 0
  fi
  local actual
  actual="$(readlink "/proc/${pid}/exe" 2>/dev/null || echo '?')"
  actual="${actual% (deleted)}" # binary replaced on disk while running
  actual="${actual##*/}"
  if [[ "${actual}" != "${exe}" ]]; then
    log "${name}: pid ${pid} runs '${actual}', not ${exe}; leaving it alone"
    rm -f "${pidfile}"
    return 0
  fi

  log "${name}: SIGTERM ${pid}"
  kill -TERM "${pid}" 2>/dev/null || true
  local deadline=$((SECONDS + GRACE_SECONDS))
  while pid_alive "${pid}" && ((SECONDS < deadline)); do
    sleep 0.2
  done
  if pid_alive "${pid}"; then
    log "${name}: still alive after ${GRACE_SECONDS} s, SIGKILL ${pid}"
    kill -KILL "${pid}" 2>/dev/null || true
    while pid_alive "${pid}"; do sleep 0.1; done
  fi
  log "${name}: stopped"
  rm -f "${pidfile}"
}

stop_one apiserver kube-apiserver
stop_one etcd etcd
rm -f "${WORKDIR}/env"

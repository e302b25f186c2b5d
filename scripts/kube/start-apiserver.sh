#!/usr/bin/env bash
# Start etcd + a real kube-apiserver on 127.0.0.1 (free ports) in the background.
#
# Usage: start-apiserver.sh <workdir>
#
# See /work/shared/spec/real-kube-apiserver.md. Everything lives in <workdir>:
#   etcd-data/                 etcd data dir (--unsafe-no-fsync)
#   pki/sa.key, pki/sa.pub     service-account signing key pair (openssl)
#   tokens.csv                 static token: admin-token,admin,uid-admin,system:masters
#   certs/                     --cert-dir; the apiserver writes its self-signed
#                              apiserver.crt (leaf + its CA) there, used as CA_FILE
#   etcd.log, apiserver.log    process output
#   etcd.pid, apiserver.pid    PIDs for stop-apiserver.sh
#   env                        KEY=VALUE lines (shell-sourceable), see below
#   admin.kubeconfig           kubeconfig for the admin token
#
# <workdir>/env contains:
#   APISERVER_URL=https://127.0.0.1:<port>
#   APISERVER_PORT=<port>
#   ADMIN_TOKEN=admin-token
#   CA_FILE=<workdir>/certs/apiserver.crt
#   ETCD_URL=http://127.0.0.1:<port>
#   KUBECONFIG=<workdir>/admin.kubeconfig
#
# The kube-apiserver binary is $KUBE_APISERVER, or else whatever
# build-apiserver.sh (same directory) prints. No controller-manager runs:
# only the API exists. Stop with stop-apiserver.sh <workdir>.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
readonly SCRIPT_DIR
readonly ADMIN_TOKEN=admin-token
readonly READY_TIMEOUT=60 # seconds, for etcd and apiserver together

log() { printf '[start-apiserver] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

usage() { echo "usage: $0 <workdir>" >&2; exit 2; }
(($# == 1)) || usage

mkdir -p "$1"
WORKDIR="$(cd "$1" && pwd)"
readonly WORKDIR
# env is parsed as plain KEY=VALUE lines, so keep paths free of odd characters.
[[ "${WORKDIR}" =~ ^[A-Za-z0-9_./+@-]+$ ]] || die "workdir path must not contain spaces/quotes: ${WORKDIR}"

# True if the process exists and is not a zombie.
pid_alive() {
  [[ -n "${1:-}" ]] && kill -0 "$1" 2>/dev/null || return 1
  local state
  state="$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null || true)"
  [[ "${state}" != Z ]]
}

for name in etcd apiserver; do
  if [[ -f "${WORKDIR}/${name}.pid" ]] && pid_alive "$(cat "${WORKDIR}/${name}.pid")"; then
    die "${name} already running (pid $(cat "${WORKDIR}/${name}.pid")); run stop-apiserver.sh ${WORKDIR} first"
  fi
done

# --- binaries -----------------------------------------------------------------
APISERVER_BIN="${KUBE_APISERVER:-}"
if [[ -z "${APISERVER_BIN}" ]]; then
  APISERVER_BIN="$("${SCRIPT_DIR}/build-apiserver.sh" | tail -n1)"
fi
[[ -x "${APISERVER_BIN}" ]] || die "kube-apiserver binary not executable: ${APISERVER_BIN}"
ETCD_BIN="$(command -v etcd || true)"
[[ -n "${ETCD_BIN}" ]] || die "etcd not found (Debian package etcd-server)"
for tool in openssl curl python3; do
  command -v "${tool}" >/dev/null || die "${tool} not found"
done

# --- free loopback ports ------------------------------------------------------
# Bind all four sockets at once so the kernel hands out distinct ports, then
# release them. (A tiny race with other programs remains; acceptable here.)
read -r ETCD_CLIENT_PORT ETCD_PEER_PORT ETCD_METRICS_PORT APISERVER_PORT < <(
  python3 - <<'EOF'
import socket
socks = []
for _ in range(4):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind(("127.0.0.1", 0))
    socks.append(s)
print(" ".join(str(s.getsockname()[1]) for s in socks))
for s in socks:
    s.close()
EOF
)
readonly ETCD_URL="http://127.0.0.1:${ETCD_CLIENT_PORT}"
readonly APISERVER_URL="https://127.0.0.1:${APISERVER_PORT}"

# --- fresh state ----------------------------------------------------------------
rm -rf "${WORKDIR}/etcd-data" "${WORKDIR}/certs" "${WORKDIR}/pki" \
  "${WORKDIR}/env" "${WORKDIR}/admin.kubeconfig" "${WORKDIR}/etcd.pid" "${WORKDIR}/apiserver.pid"
mkdir -p "${WORKDIR}/etcd-data" "${WORKDIR}/certs" "${WORKDIR}/pki"
chmod 700 "${WORKDIR}/etcd-data" "${WORKDIR}/pki"

openssl genrsa -out "${WORKDIR}/pki/sa.key" 2048 2>/dev/null
openssl rsa -in "${WORKDIR}/pki/sa.key" -pubout -out "${WORKDIR}/pki/sa.pub" 2>/dev/null
printf '%s,admin,uid-admin,system:masters\n' "${ADMIN_TOKEN}" >"${WORKDIR}/tokens.csv"
chmod 600 "${WORKDIR}/tokens.csv"

# If anything below fails, do not leave half a cluster behind.
ETCD_PID=""
APISERVER_PID=""
cleanup_on_error() {
  local rc=$?
  if ((rc != 0)); then
    log "startup failed; stopping what was started"
    local pid
    for pid in "${APISERVER_PID}" "${ETCD_PID}"; do
      if pid_alive "${pid}"; then kill -TERM "${pid}" 2>/dev/null || true; fi
    done
    sleep 1
    for pid in "${APISERVER_PID}" "${ETCD_PID}"; do
      if pid_alive "${pid}"; then kill -KILL "${pid}" 2>/dev/null || true; fi
    done
    rm -f "${WORKDIR}/etcd.pid" "${WORKDIR}/apiserver.pid"
  fi
}
trap cleanup_on_error EXIT

DEADLINE=$((SECONDS + READY_TIMEOUT))

# wait_for <name> <pid> <logfile> <command...>: poll until the command succeeds.
wait_for() {
  local name="$1" pid="$2" logfile="$3"
  shift 3
  until "$@" >/dev/null 2>&1; do
    if ! pid_alive "${pid}"; then
      log "${name} exited during startup; last lines of ${logfile}:"
      tail -n 30 "${logfile}" >&2
      return 1
    fi
    if ((SECONDS >= DEADLINE)); then
      log "${name} not ready after ${READY_TIMEOUT} s; last lines of ${logfile}:"
      tail -n 30 "${logfile}" >&2
      return 1
    fi
    sleep 0.2
  done
}

# --- etcd ---------------------------------------------------------------------
log "starting etcd on ${ETCD_URL}"
"${ETCD_BIN}" \
  --name default \
  --data-dir "${WORKDIR}/etcd-data" \
  --listen-client-urls "${ETCD_URL}" \
  --advertise-client-urls "${ETCD_URL}" \
  --listen-peer-urls "http://127.0.0.1:${ETCD_PEER_PORT}" \
  --initial-advertise-peer-urls "http://127.0.0.1:${ETCD_PEER_PORT}" \
  --initial-cluster "default=http://127.0.0.1:${ETCD_PEER_PORT}" \
  --listen-metrics-urls "http://127.0.0.1:${ETCD_METRICS_PORT}" \
  --unsafe-no-fsync \
  </dev/null >"${WORKDIR}/etcd.log" 2>&1 &
ETCD_PID=$!
echo "${ETCD_PID}" >"${WORKDIR}/etcd.pid"

etcd_healthy() { curl -fsS --max-time 2 "${ETCD_URL}/health" | grep -q '"health":"true"'; }
wait_for etcd "${ETCD_PID}" "${WORKDIR}/etcd.log" etcd_healthy

# --- kube-apiserver -----------------------------------------------------------
log "starting kube-apiserver on ${APISERVER_URL} ($(basename "$(dirname "${APISERVER_BIN}")"))"
"${APISERVER_BIN}" \
  --etcd-servers="${ETCD_URL}" \
  --bind-address=127.0.0.1 \
  --secure-port="${APISERVER_PORT}" \
  --insecure-port=0 \
  --cert-dir="${WORKDIR}/certs" \
  --advertise-address=127.0.0.1 \
  --token-auth-file="${WORKDIR}/tokens.csv" \
  --authorization-mode=RBAC \
  --service-account-issuer=https://kubernetes.default.svc \
  --service-account-key-file="${WORKDIR}/pki/sa.pub" \
  --service-account-signing-key-file="${WORKDIR}/pki/sa.key" \
  --api-audiences=https://kubernetes.default.svc \
  --service-cluster-ip-range=10.0.0.0/24 \
  --disable-admission-plugins=ServiceAccount \
  --enable-priority-and-fairness=false \
  --profiling=false \
  </dev/null >"${WORKDIR}/apiserver.log" 2>&1 &
APISERVER_PID=$!
echo "${APISERVER_PID}" >"${WORKDIR}/apiserver.pid"

# The generated apiserver.crt holds the serving cert (SANs include the bind
# address 127.0.0.1) followed by its self-signed CA, so it works as a CA file.
CA_FILE="${WORKDIR}/certs/apiserver.crt"
apiserver_ready() {
  [[ "$(curl -sS --max-time 5 -k -H "Authorization: Bearer ${ADMIN_TOKEN}" "${APISERVER_URL}/readyz")" == ok ]]
}
APISERVER_START=${SECONDS}
wait_for kube-apiserver "${APISERVER_PID}" "${WORKDIR}/apiserver.log" apiserver_ready
log "kube-apiserver ready after $((SECONDS - APISERVER_START)) s"

# Must verify with the generated cert as CA (not just -k).
if ! curl -fsS --max-time 5 --cacert "${CA_FILE}" -H "Authorization: Bearer ${ADMIN_TOKEN}" \
  "${APISERVER_URL}/readyz" >/dev/null; then
  die "TLS verification of ${APISERVER_URL} with ${CA_FILE} failed"
fi

# --- env + kubeconfig -----------------------------------------------------------
cat >"${WORKDIR}/env.tmp" <<EOF
APISERVER_URL=${APISERVER_URL}
APISERVER_PORT=${APISERVER_PORT}
ADMIN_TOKEN=${ADMIN_TOKEN}
CA_FILE=${CA_FILE}
ETCD_URL=${ETCD_URL}
KUBECONFIG=${WORKDIR}/admin.kubeconfig
EOF

cat >"${WORKDIR}/admin.kubeconfig" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: kdrl
  cluster:
    server: ${APISERVER_URL}
    certificate-authority-data: $(base64 -w0 "${CA_FILE}")
users:
- name: admin
  user:
    token: ${ADMIN_TOKEN}
contexts:
- name: admin@kdrl
  context:
    cluster: kdrl
    user: admin
    namespace: default
current-context: admin@kdrl
EOF
chmod 600 "${WORKDIR}/admin.kubeconfig"
# env appears last (atomically): its presence means "ready".
mv -f "${WORKDIR}/env.tmp" "${WORKDIR}/env"

trap - EXIT
log "ready: ${APISERVER_URL} (apiserver pid ${APISERVER_PID}, etcd pid ${ETCD_PID}); env: ${WORKDIR}/env"

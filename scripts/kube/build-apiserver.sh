#!/usr/bin/env bash
# Build (once) a real kube-apiserver from Debian's `kubernetes` source package.
#
# See /work/shared/spec/real-kube-apiserver.md. Summary:
#   * installs the Debian build/run dependencies if missing;
#   * fetches the `kubernetes` source package (bookworm main) with a PRIVATE
#     APT_CONFIG, so /etc/apt and the system package lists stay untouched;
#   * replaces the vendored modern-go/reflect2 1.0.1 (SIGSEGV on the first
#     custom-resource create under Go >= 1.18) by Debian's 1.0.2;
#   * builds `cmd/kube-apiserver` the way debian/rules does (GOPATH layout,
#     CGO_ENABLED=0, GOPROXY=off, `make WHAT=...`).
#
# The binary, the Go build cache, the downloaded sources and the build log are
# kept OUTSIDE the repository in
#   ${KDRL_CACHE:-$HOME/.cache/kdrl}/kube-apiserver-<source package version>/
# so a second run only looks up the version and prints the cached path.
#
# Output: progress goes to stderr; the LAST line of stdout is the absolute
# path of the kube-apiserver binary.
#
# Environment:
#   KDRL_CACHE         cache root (default: $HOME/.cache/kdrl)
#   KDRL_APT_REFRESH=1 re-download the private source package lists
set -euo pipefail

readonly PACKAGES=(golang-go rsync golang-github-modern-go-reflect2-dev etcd-server dpkg-dev openssl curl make)
readonly REFLECT2_SRC=/usr/share/gocode/src/github.com/modern-go/reflect2
readonly KUBE_ENV=(KUBE_GIT_VERSION=v1.20.2 KUBE_GIT_MAJOR=1 KUBE_GIT_MINOR=20 KUBE_GIT_TREE_STATE=clean)

CACHE_ROOT="${KDRL_CACHE:-${HOME}/.cache/kdrl}"
readonly CACHE_ROOT
readonly APT_DIR="${CACHE_ROOT}/apt"

log() { printf '[build-apiserver] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# --- 1. Debian packages (only touch apt when something is missing) ----------
install_missing_packages() {
  local missing=() pkg
  for pkg in "${PACKAGES[@]}"; do
    if ! dpkg-query -W -f='${Status}' "${pkg}" 2>/dev/null | grep -q 'install ok installed'; then
      missing+=("${pkg}")
    fi
  done
  if ((${#missing[@]} == 0)); then
    return 0
  fi
  log "installing missing Debian packages: ${missing[*]}"
  local sudo=()
  if ((EUID != 0)); then sudo=(sudo); fi
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update >&2
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}" >&2
}

# --- 2. Private apt configuration for `apt-get source` ----------------------
# Mirror = first "URIs:" of the machine's deb822 sources (or first `deb` line
# of a classic sources.list), falling back to deb.debian.org.
system_mirror() {
  local uri=""
  if [[ -r /etc/apt/sources.list.d/debian.sources ]]; then
    uri="$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources)"
  fi
  if [[ -z "${uri}" && -r /etc/apt/sources.list ]]; then
    uri="$(awk '$1 == "deb" { for (i = 2; i <= NF; i++) if ($i ~ /^[a-z]+:\/\//) { print $i; exit } }' /etc/apt/sources.list)"
  fi
  printf '%s\n' "${uri:-http://deb.debian.org/debian}"
}

setup_private_apt() {
  mkdir -p "${APT_DIR}/lists/partial" "${APT_DIR}/cache/archives/partial" \
    "${APT_DIR}/sources.list.d" "${APT_DIR}/preferences.d"
  local mirror
  mirror="$(system_mirror)"
  printf 'deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] %s bookworm main\n' \
    "${mirror}" >"${APT_DIR}/sources.list"
  # The system's apt.conf.d snippets are still read (proxy, Check-Valid-Until
  # for snapshot mirrors, ...); everything apt writes goes to APT_DIR.
  cat >"${APT_DIR}/apt.conf" <<EOF
Dir::Etc::SourceList "${APT_DIR}/sources.list";
Dir::Etc::SourceParts "${APT_DIR}/sources.list.d";
Dir::Etc::PreferencesParts "${APT_DIR}/preferences.d";
Dir::State::Lists "${APT_DIR}/lists";
Dir::Cache "${APT_DIR}/cache";
Dir::Cache::pkgcache "";
Dir::Cache::srcpkgcache "";
APT::Sandbox::User "root";
Acquire::Languages "none";
EOF
  export APT_CONFIG="${APT_DIR}/apt.conf"
  if [[ "${KDRL_APT_REFRESH:-0}" == 1 ]] || ! compgen -G "${APT_DIR}/lists/*_Sources*" >/dev/null; then
    log "downloading source package lists from ${mirror} (private APT_CONFIG)"
    apt-get -q update >&2
  fi
}

source_version() {
  apt-cache showsrc --only-source kubernetes 2>/dev/null | awk '/^Version:/ {print $2; exit}'
}

# --- 3. Build ----------------------------------------------------------------
build() {
  local vdir="$1" version="$2"
  local srcdir="${vdir}/src" builddir="${vdir}/build" logfile="${vdir}/build.log"
  local tree="${builddir}/gopath/src/k8s.io/kubernetes"

  # 3a. source package (kept, so a retry does not download again)
  mkdir -p "${srcdir}"
  if ! compgen -G "${srcdir}/kubernetes_*.orig.tar.gz" >/dev/null; then
    log "downloading source package kubernetes ${version}"
    (cd "${srcdir}" && apt-get -q source --download-only "kubernetes=${version}" >&2)
  fi
  local orig
  orig="$(compgen -G "${srcdir}/kubernetes_*.orig.tar.gz" | head -n1)"

  # 3b. fresh tree in a GOPATH layout
  log "unpacking $(basename "${orig}")"
  rm -rf "${builddir}"
  mkdir -p "${tree}"
  tar -xzf "${orig}" -C "${tree}" --strip-components=1

  # 3c. reflect2 1.0.1 -> Debian's 1.0.2
  local vendored="${tree}/vendor/github.com/modern-go/reflect2"
  [[ -d "${vendored}" ]] || die "vendored reflect2 not found in ${vendored}"
  [[ -d "${REFLECT2_SRC}" ]] || die "${REFLECT2_SRC} missing (golang-github-modern-go-reflect2-dev)"
  log "replacing vendored reflect2 by ${REFLECT2_SRC}"
  find "${vendored}" -maxdepth 1 -type f \( -name '*.go' -o -name '*.s' \) -delete
  find "${REFLECT2_SRC}" -maxdepth 1 -type f \( -name '*.go' -o -name '*.s' \) ! -name '*_test.go' \
    -exec cp -t "${vendored}" {} +

  # 3d. hack/lib/golang.sh forces GOCACHE=_output/local/go/cache; point that
  #     at the persistent cache so rebuilds (e.g. another version) are fast.
  mkdir -p "${vdir}/gocache" "${tree}/_output/local/go"
  ln -sfn "${vdir}/gocache" "${tree}/_output/local/go/cache"

  log "building cmd/kube-apiserver (nice -n 10, log: ${logfile}); ~10 min cold on 2 cores"
  local start=${SECONDS}
  if ! (
    cd "${tree}"
    env GOPATH="${builddir}/gopath" GOCACHE="${vdir}/gocache" GOFLAGS= \
      CGO_ENABLED=0 GOPROXY=off GO111MODULE=off "${KUBE_ENV[@]}" \
      nice -n 10 make WHAT=cmd/kube-apiserver
  ) >"${logfile}" 2>&1; then
    log "build FAILED after $((SECONDS - start)) s; last lines of ${logfile}:"
    tail -n 40 "${logfile}" >&2
    exit 1
  fi
  log "build finished in $((SECONDS - start)) s"

  local bin="${tree}/_output/bin/kube-apiserver"
  [[ -x "${bin}" ]] || die "build succeeded but ${bin} is missing"
  # atomic install: a concurrent reader never sees a half-copied binary
  install -m 0755 "${bin}" "${vdir}/kube-apiserver.tmp"
  mv -f "${vdir}/kube-apiserver.tmp" "${vdir}/kube-apiserver"
  printf '%s\n' "${version}" >"${vdir}/VERSION"
  rm -rf "${builddir}" # ~1.5 GB; the sources and GOCACHE stay
}

main() {
  install_missing_packages
  mkdir -p "${CACHE_ROOT}"
  # Serialise concurrent invocations (e.g. two test runs starting together).
  exec 9>"${CACHE_ROOT}/.build-apiserver.lock"
  flock 9

  setup_private_apt
  local version
  version="$(source_version)"
  [[ -n "${version}" ]] || die "no 'kubernetes' source package found (try KDRL_APT_REFRESH=1)"
  local vdir="${CACHE_ROOT}/kube-apiserver-${version//:/_}"
  mkdir -p "${vdir}"

  if [[ -x "${vdir}/kube-apiserver" ]]; then
    log "cached: ${vdir}/kube-apiserver"
  else
    build "${vdir}" "${version}"
  fi
  printf '%s\n' "${vdir}/kube-apiserver"
}

main "$@"

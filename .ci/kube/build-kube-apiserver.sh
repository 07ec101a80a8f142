#!/usr/bin/env bash
# Build ONLY cmd/kube-apiserver from Debian's `kubernetes` source package
# (bookworm: 1.20.5+really1.20.2) with Debian's Go toolchain, and install etcd
# from Debian's `etcd-server` package.
#
# Idempotent: when the cached binary exists (and etcd is installed) it exits at
# once.  The binary and the Go build cache live outside any repository:
#   ${PALISADE_CI_CACHE:-~/.cache/palisade-ci}/kube-apiserver-1.20.2/kube-apiserver
#   ${PALISADE_CI_CACHE:-~/.cache/palisade-ci}/go-build   (GOCACHE)
#
# Needs root (apt-get).  Prints the binary's path as the last line of stdout.
# Env knobs:
#   PALISADE_CI_CACHE   cache root (default ~/.cache/palisade-ci)
#   KUBE_BUILD_WORK     where the source is unpacked (default /tmp/kube-build/work)
#   KUBE_BUILD_KEEP=1   keep the unpacked source tree after a successful build
#   FORCE_REBUILD=1     rebuild even if the cached binary exists
set -euo pipefail

K8S_VERSION=1.20.2
# Bump when the recipe changes what the binary is; a cached binary from an older
# recipe is rebuilt (the Go cache keeps that quick).
RECIPE=2
CACHE_ROOT="${PALISADE_CI_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/palisade-ci}"
OUT_DIR="$CACHE_ROOT/kube-apiserver-$K8S_VERSION"
BIN="$OUT_DIR/kube-apiserver"
GO_CACHE_DIR="$CACHE_ROOT/go-build"
WORK="${KUBE_BUILD_WORK:-/tmp/kube-build/work}"
SRC_LIST=/etc/apt/sources.list.d/palisade-deb-src.sources

log() { echo "[build-kube-apiserver] $*" >&2; }

have_etcd() { command -v etcd >/dev/null 2>&1; }
have_bin() { [[ -x "$BIN" ]] && grep -qx "recipe=$RECIPE" "$OUT_DIR/BUILD-INFO" 2>/dev/null; }

# ---- fast path -----------------------------------------------------------
if [[ -z "${FORCE_REBUILD:-}" ]] && have_bin && have_etcd; then
  echo "$BIN"
  exit 0
fi

if [[ $(id -u) -ne 0 ]]; then
  log "must run as root (uses apt-get)"; exit 1
fi

mkdir -p "$CACHE_ROOT"
# Serialise concurrent runs (two test jobs starting at once).
exec 9>"$CACHE_ROOT/.kube-apiserver-build.lock"
flock 9
# Another run may have finished while we waited.
if [[ -z "${FORCE_REBUILD:-}" ]] && have_bin && have_etcd; then
  echo "$BIN"; exit 0
fi

export DEBIAN_FRONTEND=noninteractive
APT_UPDATED=0
# apt-get source needs the Sources index of the deb-src entry just added
apt_update_once_if_stale() {
  apt-cache showsrc kubernetes 2>/dev/null | grep -q '^Package: kubernetes' || { APT_UPDATED=0; apt_update_once; }
}
apt_update_once() {
  if [[ $APT_UPDATED -eq 0 ]]; then
    log "apt-get update"
    apt-get update -qq >&2
    APT_UPDATED=1
  fi
}

# ---- deb-src entry derived from the machine's own Debian 'deb' sources -----
# Copies every enabled Debian-archive stanza of /etc/apt/sources.list.d/*.sources
# (deb822) and every Debian 'deb' line of sources.list / *.list, as deb-src.
add_deb_src() {
  local f
  : >"$SRC_LIST.tmp"
  for f in /etc/apt/sources.list.d/*.sources; do
    [[ -e "$f" && "$f" != "$SRC_LIST" ]] || continue
    awk '
      function flush() { if (deb && uri && !off && n) { for (i = 1; i <= n; i++) print buf[i]; print "" }
                         n = 0; deb = 0; uri = 0; off = 0 }
      /^[[:space:]]*$/ { flush(); next }
      /^Types:/   { if ($0 ~ /[[:space:]]deb([[:space:]]|$)/) deb = 1; buf[++n] = "Types: deb-src"; next }
      /^URIs:/    { if ($0 ~ /debian/) uri = 1 }
      /^Enabled:[[:space:]]*no/ { off = 1 }
      { buf[++n] = $0 }
      END { flush() }' "$f" >>"$SRC_LIST.tmp"
  done
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [[ -e "$f" ]] || continue
    grep -E '^[[:space:]]*deb[[:space:]].*debian' "$f" |
      sed -E 's/^([[:space:]]*)deb([[:space:]])/\1deb-src\2/' >>"${SRC_LIST%.sources}.list" || true
  done
  [[ -s "${SRC_LIST%.sources}.list" ]] || rm -f "${SRC_LIST%.sources}.list"
  if [[ -s "$SRC_LIST.tmp" ]]; then mv "$SRC_LIST.tmp" "$SRC_LIST"; else rm -f "$SRC_LIST.tmp"; fi
  [[ -e "$SRC_LIST" || -e "${SRC_LIST%.sources}.list" ]] || { log "found no Debian apt source to derive deb-src from"; exit 1; }
}
if { [[ -n "${FORCE_REBUILD:-}" ]] || ! have_bin; } && ! apt-cache showsrc kubernetes 2>/dev/null | grep -q '^Package: kubernetes'; then
  log "adding deb-src entries ($SRC_LIST)"
  rm -f "$SRC_LIST" "$SRC_LIST.tmp" "${SRC_LIST%.sources}.list"
  add_deb_src
  APT_UPDATED=0   # the next apt_update_once fetches the Sources indexes
fi

# ---- etcd ------------------------------------------------------------------
if ! have_etcd; then
  apt_update_once
  log "installing etcd-server"
  apt-get install -y -qq --no-install-recommends etcd-server >&2
fi

if [[ -z "${FORCE_REBUILD:-}" ]] && have_bin; then
  echo "$BIN"; exit 0
fi

# ---- Go toolchain ------------------------------------------------------------
# Kubernetes 1.20 needs go >= 1.15 (hack/lib/golang.sh); bookworm's golang-go is
# 1.19, the toolchain Debian itself builds this source package with.
if ! command -v go >/dev/null 2>&1; then
  apt_update_once
  log "installing golang-go"
  apt-get install -y -qq --no-install-recommends golang-go >&2
fi
# The rest of the source package's Build-Depends that `make WHAT=...` uses:
# rsync (hack/lib/golang.sh places the binaries with `find ... -exec rsync`),
# dpkg-dev (dpkg-source, for apt-get source).  debhelper/bash-completion/jq are
# only for the Debian packaging, so no `apt-get build-dep`.
REFLECT2=/usr/share/gocode/src/github.com/modern-go/reflect2
need=()
command -v rsync >/dev/null 2>&1 || need+=(rsync)
# reflect2 >= 1.0.2 (see "vendor fix" below)
[[ -f "$REFLECT2/go_above_118.go" ]] || need+=(golang-github-modern-go-reflect2-dev)
command -v dpkg-source >/dev/null 2>&1 || need+=(dpkg-dev)
if [[ ${#need[@]} -gt 0 ]]; then
  apt_update_once
  log "installing ${need[*]}"
  apt-get install -y -qq --no-install-recommends "${need[@]}" >&2
fi
log "using $(go version)"

# ---- source --------------------------------------------------------------
mkdir -p "$WORK"
cd "$WORK"
# Reuse an unpacked tree only if a previous run finished unpacking it.
SRC_DIR=$(ls -d kubernetes-*really${K8S_VERSION} 2>/dev/null | head -n1 || true)
if [[ -z "$SRC_DIR" || ! -e "$SRC_DIR/.palisade-unpacked" ]]; then
  apt_update_once_if_stale
  log "apt-get source kubernetes"
  rm -rf kubernetes-* kubernetes_*
  # _apt cannot write into root-owned dirs: let it, to avoid the 'unsandboxed' warning
  chown _apt "$WORK" 2>/dev/null || true
  apt-get source -qq kubernetes >&2
  SRC_DIR=$(ls -d kubernetes-*really${K8S_VERSION} 2>/dev/null | head -n1 || true)
  if [[ -z "$SRC_DIR" ]]; then
    log "Debian's kubernetes source is not upstream $K8S_VERSION: $(ls -d kubernetes-*/)"; exit 1
  fi
  touch "$SRC_DIR/.palisade-unpacked"
fi
cd "$WORK/$SRC_DIR"

# ---- vendor fix: reflect2 v1.0.1 is broken on Go >= 1.18 -------------------
# Kubernetes 1.20 vendors github.com/modern-go/reflect2 v1.0.1, whose
# //go:linkname to reflect.mapiterinit has the pre-1.18 signature.  Built with
# Go 1.19 the apiserver corrupts memory when json-iterator encodes maps and
# panics (nil pointer in reflect2.Type2; the client sees HTTP/2 INTERNAL_ERROR),
# e.g. on pretty-printed JSON (User-Agent curl).  Debian's reflect2 1.0.2 has the
# fix and is API-compatible with the vendored json-iterator 1.1.10.
V2=vendor/github.com/modern-go/reflect2
if [[ ! -f "$V2/go_above_118.go" ]]; then
  log "replacing vendored reflect2 v1.0.1 with Debian's $(dpkg-query -W -f='${Version}' golang-github-modern-go-reflect2-dev)"
  find "$V2" -maxdepth 1 -type f -name '*.go' -delete
  find "$V2" -maxdepth 1 -type f -name '*.s' -delete
  cp "$REFLECT2"/*.go "$REFLECT2"/*.s "$V2"/
fi

# ---- build ---------------------------------------------------------------
# The Makefile forces GOPATH=_output/local/go and GOCACHE=_output/local/go/cache
# (hack/lib/golang.sh) and runs in GOPATH mode (GO111MODULE=off) with the vendor
# dir, so GOFLAGS=-mod=vendor must NOT be set (it is an error outside module mode).
# Point that GOCACHE at the persistent cache through a symlink.
mkdir -p "$GO_CACHE_DIR" _output/local/go
if [[ ! -L _output/local/go/cache ]]; then rm -rf _output/local/go/cache; fi
ln -sfn "$GO_CACHE_DIR" _output/local/go/cache
# `make` is required rather than a bare `go build`: it generates the deepcopy and
# openapi code (pkg/generated/openapi/zz_generated.openapi.go) that is not shipped.
log "make WHAT=cmd/kube-apiserver (first build: several minutes on 2 cores)"
start=$(date +%s)
env -u GOFLAGS -u GO111MODULE -u GOPATH -u GOROOT \
  make WHAT=cmd/kube-apiserver >&2
log "build took $(( $(date +%s) - start ))s"

built=_output/local/bin/linux/$(go env GOARCH)/kube-apiserver
[[ -x "$built" ]] || { log "no binary at $built"; exit 1; }
mkdir -p "$OUT_DIR"
install -m 0755 "$built" "$BIN.tmp.$$"
mv -f "$BIN.tmp.$$" "$BIN"
{
  echo "recipe=$RECIPE"
  echo "debian_source=$SRC_DIR"
  echo "reflect2=$(dpkg-query -W -f='${Version}' golang-github-modern-go-reflect2-dev) (Debian, replaces vendored v1.0.1)"
  echo "go=$(go version)"
  echo "built=$(date -u +%FT%TZ)"
  echo "sha256=$(sha256sum "$BIN" | cut -d' ' -f1)"
  "$BIN" --version
} >"$OUT_DIR/BUILD-INFO"

if [[ -z "${KUBE_BUILD_KEEP:-}" ]]; then
  cd /
  rm -rf "$WORK/$SRC_DIR" "$WORK"/kubernetes_*
fi
echo "$BIN"

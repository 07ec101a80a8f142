#!/usr/bin/env bash
# Start a throw-away etcd + kube-apiserver 1.20.2 on loopback.
#
#   start-apiserver.sh [start]      start; prints KUBE_* variables (also in $DIR/env)
#   start-apiserver.sh stop DIR     stop the servers started into DIR and delete DIR
#
# Everything (etcd data, keys, certs, token file, kubeconfig, logs, pid files)
# lives in one fresh directory, $KUBE_TEST_DIR or mktemp -d /tmp/palisade-kube.XXXXXX.
# Ports are random free loopback ports.  Nothing listens beyond 127.0.0.1.
#
# Output (stdout, shell-sourceable, also written to $DIR/env):
#   KUBE_TEST_DIR KUBE_URL KUBE_CA KUBECONFIG_FILE KUBE_ADMIN_TOKEN KUBE_LIMITED_TOKEN
#   KUBE_DEPLOYER_TOKEN
#   ETCD_URL ETCD_PID APISERVER_PID
# kubeconfig contexts: "admin" (group system:masters), "limited" and "deployer"
# (group palisade:deployers), the last two with no RBAC grants until a test
# makes some.
# Extra kube-apiserver flags: KUBE_APISERVER_EXTRA_ARGS="--foo=bar ...".
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
log() { echo "[start-apiserver] $*" >&2; }

stop_dir() {
  local dir="$1" f pid
  [[ -d "$dir" ]] || { log "no such dir $dir"; return 0; }
  for f in "$dir/apiserver.pid" "$dir/etcd.pid"; do   # apiserver first, then etcd
    [[ -s "$f" ]] || continue
    pid=$(cat "$f")
    if kill -0 "$pid" 2>/dev/null; then
      kill "$pid" 2>/dev/null || true
      for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -0 "$pid" 2>/dev/null && kill -9 "$pid" 2>/dev/null || true
    fi
  done
  case "$dir" in
    /tmp/*) rm -rf "$dir" ;;
    *) log "not deleting $dir (outside /tmp)";;
  esac
}

if [[ "${1:-start}" == stop ]]; then
  stop_dir "${2:?usage: $0 stop DIR}"
  exit 0
fi

APISERVER="$("$HERE/build-kube-apiserver.sh" | tail -n1)"
ETCD="$(command -v etcd)"

DIR="${KUBE_TEST_DIR:-$(mktemp -d /tmp/palisade-kube.XXXXXX)}"
mkdir -p "$DIR"; chmod 700 "$DIR"
cleanup_on_error() { log "failed; logs in $DIR/*.log"; tail -n 20 "$DIR"/*.log >&2 2>/dev/null || true; stop_dir_keep "$DIR"; }
stop_dir_keep() { local f; for f in "$1/apiserver.pid" "$1/etcd.pid"; do [[ -s "$f" ]] && kill "$(cat "$f")" 2>/dev/null || true; done; }
trap cleanup_on_error ERR

free_ports() {  # N distinct free TCP ports on 127.0.0.1
  python3 - "$1" <<'EOF'
import socket, sys
socks = []
for _ in range(int(sys.argv[1])):
    s = socket.socket(); s.bind(("127.0.0.1", 0)); socks.append(s)
print(" ".join(str(s.getsockname()[1]) for s in socks))
EOF
}
read -r ETCD_CLIENT_PORT ETCD_PEER_PORT API_PORT < <(free_ports 3)

# ---- etcd ------------------------------------------------------------------
ETCD_URL="http://127.0.0.1:$ETCD_CLIENT_PORT"
setsid "$ETCD" --name palisade --data-dir "$DIR/etcd" \
  --listen-client-urls "$ETCD_URL" --advertise-client-urls "$ETCD_URL" \
  --listen-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" \
  --initial-advertise-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" \
  --initial-cluster "palisade=http://127.0.0.1:$ETCD_PEER_PORT" \
  --initial-cluster-state new --logger zap --log-level warn \
  </dev/null >"$DIR/etcd.log" 2>&1 &
echo $! >"$DIR/etcd.pid"

# ---- keys, certs, tokens (while etcd starts) --------------------------------
openssl genrsa -out "$DIR/sa.key" 2048 2>/dev/null
openssl rsa -in "$DIR/sa.key" -pubout -out "$DIR/sa.pub" 2>/dev/null
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=palisade-test-ca" \
  -keyout "$DIR/ca.key" -out "$DIR/ca.crt" 2>/dev/null
openssl req -newkey rsa:2048 -nodes -subj "/CN=kube-apiserver" \
  -keyout "$DIR/apiserver.key" -out "$DIR/apiserver.csr" 2>/dev/null
printf '%s\n' "subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc" \
  "extendedKeyUsage=serverAuth" "keyUsage=critical,digitalSignature,keyEncipherment" >"$DIR/apiserver.ext"
openssl x509 -req -in "$DIR/apiserver.csr" -CA "$DIR/ca.crt" -CAkey "$DIR/ca.key" -CAcreateserial \
  -days 2 -extfile "$DIR/apiserver.ext" -out "$DIR/apiserver.crt" 2>/dev/null
ADMIN_TOKEN=$(openssl rand -hex 24)
LIMITED_TOKEN=$(openssl rand -hex 24)
DEPLOYER_TOKEN=$(openssl rand -hex 24)
# token,user,uid,"group1,group2"
cat >"$DIR/tokens.csv" <<EOF
$ADMIN_TOKEN,admin,uid-admin,"system:masters"
$LIMITED_TOKEN,limited,uid-limited
$DEPLOYER_TOKEN,deployer,uid-deployer,"palisade:deployers"
EOF
chmod 600 "$DIR"/*.key "$DIR/tokens.csv"

for _ in $(seq 1 100); do
  curl -fsS "$ETCD_URL/health" 2>/dev/null | grep -q '"health":"true"' && break
  kill -0 "$(cat "$DIR/etcd.pid")" 2>/dev/null || { log "etcd exited"; false; }
  sleep 0.2
done
curl -fsS "$ETCD_URL/health" | grep -q '"health":"true"' || { log "etcd not healthy"; false; }

# ---- kube-apiserver ---------------------------------------------------------
# 1.20 requires --service-account-issuer and --service-account-signing-key-file
# (TokenRequest is GA) and --service-account-key-file.  (The plain-HTTP insecure
# port is already gone in 1.20: --insecure-port only prints a deprecation.)
# --endpoint-reconciler-type=none because a loopback advertise address is not a
# valid Endpoints address.  No kube-controller-manager runs: no "default"
# ServiceAccount nor SA token Secrets are created, so creating a Pod fails in the
# ServiceAccount admission plugin unless KUBE_APISERVER_EXTRA_ARGS carries
# --disable-admission-plugins=ServiceAccount (or the test creates SA + token).
KUBE_URL="https://127.0.0.1:$API_PORT"
# shellcheck disable=SC2086
setsid "$APISERVER" \
  --bind-address=127.0.0.1 --secure-port="$API_PORT" \
  --advertise-address=127.0.0.1 --endpoint-reconciler-type=none \
  --etcd-servers="$ETCD_URL" \
  --tls-cert-file="$DIR/apiserver.crt" --tls-private-key-file="$DIR/apiserver.key" \
  --cert-dir="$DIR/certs" \
  --token-auth-file="$DIR/tokens.csv" \
  --authorization-mode=RBAC \
  --service-account-issuer=https://kubernetes.default.svc.cluster.local \
  --service-account-key-file="$DIR/sa.pub" \
  --service-account-signing-key-file="$DIR/sa.key" \
  --service-cluster-ip-range=10.96.0.0/24 \
  --allow-privileged=true \
  --v=1 ${KUBE_APISERVER_EXTRA_ARGS:-} \
  </dev/null >"$DIR/apiserver.log" 2>&1 &
echo $! >"$DIR/apiserver.pid"

ready=0
for _ in $(seq 1 240); do   # up to ~60 s
  kill -0 "$(cat "$DIR/apiserver.pid")" 2>/dev/null || { log "kube-apiserver exited"; false; }
  if [[ "$(curl -sS --cacert "$DIR/ca.crt" "$KUBE_URL/readyz" 2>/dev/null)" == ok ]]; then ready=1; break; fi
  sleep 0.25
done
[[ $ready -eq 1 ]] || { log "kube-apiserver not ready in time"; false; }

# ---- kubeconfig ---------------------------------------------------------------
cat >"$DIR/kubeconfig" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: palisade
  cluster:
    server: $KUBE_URL
    certificate-authority: $DIR/ca.crt
users:
- name: admin
  user:
    token: $ADMIN_TOKEN
- name: limited
  user:
    token: $LIMITED_TOKEN
- name: deployer
  user:
    token: $DEPLOYER_TOKEN
contexts:
- name: admin
  context: {cluster: palisade, user: admin}
- name: limited
  context: {cluster: palisade, user: limited}
- name: deployer
  context: {cluster: palisade, user: deployer}
current-context: admin
EOF
chmod 600 "$DIR/kubeconfig"

trap - ERR
cat >"$DIR/env" <<EOF
KUBE_TEST_DIR=$DIR
KUBE_URL=$KUBE_URL
KUBE_CA=$DIR/ca.crt
KUBECONFIG_FILE=$DIR/kubeconfig
KUBE_ADMIN_TOKEN=$ADMIN_TOKEN
KUBE_LIMITED_TOKEN=$LIMITED_TOKEN
KUBE_DEPLOYER_TOKEN=$DEPLOYER_TOKEN
ETCD_URL=$ETCD_URL
ETCD_PID=$(cat "$DIR/etcd.pid")
APISERVER_PID=$(cat "$DIR/apiserver.pid")
EOF
cat "$DIR/env"
log "ready: $KUBE_URL   stop with: $0 stop $DIR"

#!/usr/bin/env bash
# Start etcd + kube-apiserver, prove admin/limited tokens and RBAC work, stop.
# Uses kubectl when present, curl always.  Exit 0 = all checks passed.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
env_out=$("$HERE/start-apiserver.sh")
eval "$env_out"
on_exit() {
  local rc=$?
  [[ $rc -ne 0 ]] && cp "$KUBE_TEST_DIR/apiserver.log" "${TMPDIR:-/tmp}/palisade-smoke-apiserver.log" 2>/dev/null &&
    echo "apiserver log kept in ${TMPDIR:-/tmp}/palisade-smoke-apiserver.log"
  "$HERE/start-apiserver.sh" stop "$KUBE_TEST_DIR"
}
trap on_exit EXIT
fail=0; pass=0
check() { # name expected actual
  if [[ "$2" == "$3" ]]; then echo "ok   $1"; pass=$((pass+1)); else echo "FAIL $1: want $2 got $3"; fail=$((fail+1)); fi
}
code() { # token method path [body]
  curl -sS -o /dev/null -w '%{http_code}' --cacert "$KUBE_CA" -X "$2" \
    ${1:+-H "Authorization: Bearer $1"} -H 'Content-Type: application/json' \
    ${4:+--data "$4"} "$KUBE_URL$3"
}
echo "$KUBE_URL"
check "/readyz anonymous"            200 "$(code '' GET /readyz)"
check "/version gitVersion"          v1.20.2 "$(curl -sS --cacert "$KUBE_CA" "$KUBE_URL/version" | python3 -c 'import json,sys; print(json.load(sys.stdin)["gitVersion"])')"
check "admin create namespace"       201 "$(code "$KUBE_ADMIN_TOKEN" POST /api/v1/namespaces '{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"smoke"}}')"
check "admin list pods"              200 "$(code "$KUBE_ADMIN_TOKEN" GET /api/v1/namespaces/smoke/pods)"
check "limited list secrets -> 403"  403 "$(code "$KUBE_LIMITED_TOKEN" GET /api/v1/namespaces/smoke/secrets)"
check "anonymous list pods -> 403"   403 "$(code '' GET /api/v1/pods)"
check "bad token -> 401"             401 "$(code nope GET /api/v1/pods)"
if command -v kubectl >/dev/null 2>&1; then
  export KUBECONFIG="$KUBECONFIG_FILE"
  kubectl create namespace smoke-kubectl >/dev/null
  check "kubectl get pods (admin)"   0 "$(kubectl -n smoke-kubectl get pods >/dev/null 2>&1; echo $?)"
  out=$(kubectl --context limited -n smoke-kubectl get secrets 2>&1 || true)
  check "kubectl limited secrets Forbidden" 1 "$(grep -c 'Forbidden' <<<"$out")"
fi
echo "$pass passed, $fail failed"
[[ $fail -eq 0 ]]

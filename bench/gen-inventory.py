#!/usr/bin/env python3
"""Generate a deterministic synthetic Kubernetes cluster inventory for benchmarking
palisade's whole-inventory checks (RBAC graph, NetworkPolicy, namespace checks).

Usage: bench/gen-inventory.py OUTPUT_FILE [--roles 10000] [--bindings 50000]
                              [--pods 100000] [--namespaces 500] [--seed 1]

Writes one multi-document YAML file ("---" separated; OUTPUT_FILE '-' is
stdout). The same arguments always give byte-identical output. Only the
Python standard library is used; 100k pods plus 50k bindings take well under
a minute.

What a cluster dump of this shape holds:

- Namespaces (default, kube-system, kube-public, kube-node-lease,
  ingress-nginx and monitoring, as far as --namespaces allows, then
  application namespaces such as payments-prod). Most application namespaces carry a
  pod-security.kubernetes.io/enforce label (baseline, restricted or
  privileged), sometimes with warn/audit labels and an enforce-version; the
  rest carry none.
- Per namespace: the `default` ServiceAccount plus four others, one
  ServiceAccount per application (the ones pods run as), ResourceQuota and
  LimitRange in some, a few Services (ClusterIP, headless, NodePort with
  unique node ports, LoadBalancer with or without loadBalancerSourceRanges),
  and one or two NetworkPolicies in about 70 % of namespaces: default deny
  (podSelector {}), allow all, or policies selecting application labels with
  matchLabels or matchExpressions (In, NotIn, Exists, DoesNotExist). Most
  selectors match pods of the namespace, a few select apps that have none.
- --roles roles: about 80 % namespaced Roles, 20 % ClusterRoles (the built-in
  cluster-admin/admin/edit/view family first, aggregated through
  clusterRoleSelectors), with rules from a varied pool: read access to pods,
  config maps and secrets, pod creation, pods/exec, deployments.apps,
  wildcards, resourceNames, escalate/bind/impersonate, nonResourceURLs for
  some ClusterRoles; some custom ClusterRoles aggregate others by label and
  some carry the matching labels.
- --bindings bindings: about 85 % RoleBindings (to a Role of their namespace
  or to a ClusterRole), 15 % ClusterRoleBindings; one to three subjects each
  (users, dev-team-N groups, occasionally system:authenticated, service
  accounts of existing namespaces, sometimes `default`); about 3 % refer to
  roles that do not exist.
- --pods Pods (apiVersion v1) spread unevenly over the namespaces, labelled
  with app/tier labels that the NetworkPolicies select, running as their
  application's ServiceAccount; about a third are restricted-compliant, a
  third default, a third risky (privileged, host namespaces, hostPath, added
  capabilities, root). Pods in namespaces enforcing restricted or baseline
  are mostly compliant, a few are not (they predate the label).

Every object has a unique kind/namespace/name. All strings that YAML 1.1
would read as something else (true, on, 1.0, 10, *, ...) are quoted.
"""
import argparse
import json
import random
import re
import sys
import time

# ---------------------------------------------------------------- YAML output

# A string is written plain only when it starts with a letter or '/', holds
# no character with a meaning in YAML, has ':' only before a letter, digit or
# '/', and is not one of the YAML 1.1 boolean/null words; everything else is
# written as a JSON (= YAML double-quoted) string. Strings starting with a
# letter cannot be YAML 1.1 numbers or timestamps.
_PLAIN_OK = re.compile(r"[A-Za-z/](?:[A-Za-z0-9_./@+-]|:(?=[A-Za-z0-9/]))*\Z")
_WORDS = {"y", "n", "yes", "no", "on", "off", "true", "false", "null", "~"}
_scalar_cache = {}


def scalar(v):
    if v is True:
        return "true"
    if v is False:
        return "false"
    if v is None:
        return "null"
    if isinstance(v, int):
        return str(v)
    s = _scalar_cache.get(v)
    if s is None:
        s = v if _PLAIN_OK.match(v) and v.lower() not in _WORDS else json.dumps(v)
        if len(_scalar_cache) < 200_000:
            _scalar_cache[v] = s
    return s


def emit(obj, pad, out):
    """Appends the block-style lines of a mapping or sequence to `out`."""
    if isinstance(obj, dict):
        for k, v in obj.items():
            key = scalar(k)
            if isinstance(v, dict):
                if v:
                    out.append(f"{pad}{key}:")
                    emit(v, pad + "  ", out)
                else:
                    out.append(f"{pad}{key}: {{}}")
            elif isinstance(v, list):
                if v:
                    out.append(f"{pad}{key}:")
                    emit(v, pad, out)  # sequences in mappings are not indented (kubectl style)
                else:
                    out.append(f"{pad}{key}: []")
            else:
                out.append(f"{pad}{key}: {scalar(v)}")
    else:
        inner = pad + "  "
        for item in obj:
            if isinstance(item, dict) and item:
                start = len(out)
                emit(item, inner, out)
                out[start] = f"{pad}- {out[start][len(inner):]}"
            elif isinstance(item, dict):
                out.append(f"{pad}- {{}}")
            elif isinstance(item, list):
                raise ValueError("nested sequences are not used")
            else:
                out.append(f"{pad}- {scalar(item)}")


def to_yaml(doc):
    out = []
    emit(doc, "", out)
    out.append("")
    return "\n".join(out)


# ---------------------------------------------------------------- vocabulary

TEAMS = ["payments", "search", "checkout", "identity", "billing", "catalog", "media",
         "analytics", "platform", "messaging", "orders", "inventory", "gateway", "auth",
         "reporting", "notifications", "ml", "data", "frontend", "backend", "growth",
         "risk", "ledger", "shipping"]
ENVS = ["prod", "staging", "dev", "qa", "sandbox"]
SYSTEM_NAMESPACES = ["default", "kube-system", "kube-public", "kube-node-lease", "ingress-nginx", "monitoring"]
# name, tier, port, image, stateful
APPS = [
    ("web", "frontend", 8080, "nginx", False), ("frontend", "frontend", 3000, "node", False),
    ("ui", "frontend", 8080, "nginx", False), ("gateway", "frontend", 8443, "envoy", False),
    ("api", "backend", 8080, "app", False), ("graphql", "backend", 4000, "node", False),
    ("worker", "backend", 9090, "python", False), ("scheduler", "backend", 9090, "app", False),
    ("ingest", "backend", 8080, "golang", False), ("indexer", "backend", 9200, "app", False),
    ("notifier", "backend", 8080, "app", False), ("auth", "backend", 8443, "app", False),
    ("sync", "backend", 8080, "golang", False), ("exporter", "backend", 9100, "prometheus-exporter", False),
    ("consumer", "backend", 8080, "python", False), ("cron-runner", "backend", 8080, "python", False),
    ("db", "data", 5432, "postgres", True), ("cache", "data", 6379, "redis", True),
    ("queue", "data", 5672, "rabbitmq", True), ("kafka", "data", 9092, "kafka", True),
    ("search", "data", 9200, "elasticsearch", True), ("memcached", "data", 11211, "memcached", True),
]
SYSTEM_APPS = {
    "kube-system": [
        ("coredns", "system", 53, "coredns", False), ("kube-proxy", "system", 10249, "kube-proxy", False),
        ("metrics-server", "system", 4443, "metrics-server", False), ("calico-node", "system", 9091, "calico-node", False),
        ("ebs-csi-node", "system", 9808, "ebs-csi-driver", False), ("cluster-autoscaler", "system", 8085, "cluster-autoscaler", False)],
    "kube-public": [("web", "frontend", 8080, "nginx", False)],
    "kube-node-lease": [("web", "frontend", 8080, "nginx", False)],
    "ingress-nginx": [("ingress-nginx-controller", "frontend", 443, "ingress-nginx/controller", False),
                      ("default-backend", "frontend", 8080, "defaultbackend", False)],
    "monitoring": [("prometheus", "system", 9090, "prometheus", True), ("node-exporter", "system", 9100, "node-exporter", False),
                   ("grafana", "frontend", 3000, "grafana", False), ("alertmanager", "system", 9093, "alertmanager", True)],
}
REGISTRIES = ["registry.example.com", "ghcr.io/example", "quay.io/example",
              "123456789012.dkr.ecr.eu-west-1.amazonaws.com", "docker.io/library"]
EXTRA_SERVICE_ACCOUNTS = ["ci-deployer", "backup", "monitoring-agent", "log-shipper", "external-dns",
                          "vault-auth", "argocd-manager", "config-sync", "operator", "migrations",
                          "debug", "job-runner"]
USERS = ["alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan", "judy",
         "mallory", "niaj", "olivia", "peggy", "rupert", "sybil", "trent", "victor", "walter",
         "yolanda"]
NAME_ALPHABET = "bcdfghjklmnpqrstvwxz2456789"  # the alphabet of generated Kubernetes names
RBAC = "rbac.authorization.k8s.io"
CORE_RESOURCES = {"pods", "pods/exec", "pods/log", "pods/attach", "pods/portforward", "configmaps",
                  "secrets", "services", "endpoints", "events", "serviceaccounts",
                  "serviceaccounts/token", "persistentvolumeclaims", "nodes", "namespaces"}


def _rule(groups, resources, verbs, **extra):
    r = {"apiGroups": groups, "resources": resources, "verbs": verbs}
    r.update(extra)
    return r


READ = ["get", "list", "watch"]
WRITE = ["get", "list", "watch", "create", "update", "patch", "delete"]
# (weight, rule) -- a rule dict is shared between documents; the emitter only reads it
RULE_POOL = [
    (14, _rule([""], ["pods"], READ)),
    (10, _rule([""], ["configmaps"], READ)),
    (5, _rule([""], ["secrets"], READ)),
    (4, _rule([""], ["secrets"], ["get"])),
    (6, _rule([""], ["pods", "pods/log"], READ)),
    (8, _rule([""], ["services", "endpoints"], READ)),
    (6, _rule([""], ["events"], ["create", "patch"])),
    (5, _rule([""], ["pods"], ["create", "delete"])),
    (4, _rule([""], ["pods/exec"], ["create"])),
    (2, _rule([""], ["pods/exec", "pods/attach"], ["get", "create"])),
    (2, _rule([""], ["pods/portforward"], ["create"])),
    (8, _rule(["apps"], ["deployments"], READ)),
    (5, _rule(["apps"], ["deployments", "replicasets"], WRITE)),
    (3, _rule(["apps"], ["deployments/scale"], ["get", "update", "patch"])),
    (3, _rule(["apps"], ["statefulsets", "daemonsets"], READ)),
    (4, _rule(["batch"], ["jobs", "cronjobs"], WRITE)),
    (3, _rule([""], ["persistentvolumeclaims"], ["get", "list", "create", "delete"])),
    (3, _rule(["networking.k8s.io"], ["networkpolicies", "ingresses"], READ)),
    (3, _rule(["coordination.k8s.io"], ["leases"], ["get", "create", "update"])),
    (2, _rule([""], ["serviceaccounts"], READ)),
    (1, _rule([""], ["serviceaccounts/token"], ["create"])),
    (1, _rule([""], ["serviceaccounts"], ["impersonate"])),
    (1, _rule([RBAC], ["rolebindings"], ["create", "update"])),
    (1, _rule([RBAC], ["roles"], ["bind", "escalate"])),
    (2, _rule([""], ["pods"], ["*"])),
    (1, _rule(["*"], ["*"], ["*"])),
    (1, _rule(["", "apps"], ["*"], READ)),
    (1, _rule(["apps"], ["*"], ["*"])),
    (2, _rule([""], ["configmaps", "secrets"], ["*"])),
    (3, _rule(["", "apps", "batch"], ["pods", "deployments", "jobs"], READ)),
]
CLUSTER_RULE_POOL = RULE_POOL + [
    (4, _rule([""], ["nodes"], READ)),
    (3, _rule([""], ["namespaces"], READ)),
    (1, _rule([""], ["nodes/proxy"], ["get", "create"])),
    (1, _rule([RBAC], ["clusterroles", "clusterrolebindings"], ["create", "update", "bind", "escalate"])),
    (1, _rule([""], ["users", "groups"], ["impersonate"])),
    (2, _rule(["certificates.k8s.io"], ["certificatesigningrequests"], ["get", "list", "create"])),
    (2, _rule(["apiextensions.k8s.io"], ["customresourcedefinitions"], READ)),
    (2, _rule(["admissionregistration.k8s.io"], ["validatingwebhookconfigurations", "mutatingwebhookconfigurations"], WRITE)),
]
NON_RESOURCE_RULES = [
    {"nonResourceURLs": ["/healthz", "/readyz", "/livez"], "verbs": ["get"]},
    {"nonResourceURLs": ["/metrics"], "verbs": ["get"]},
    {"nonResourceURLs": ["/version", "/version/"], "verbs": ["get"]},
    {"nonResourceURLs": ["/api", "/api/*", "/apis", "/apis/*"], "verbs": ["get"]},
    {"nonResourceURLs": ["*"], "verbs": ["*"]},
    {"nonResourceURLs": ["/logs", "/logs/*"], "verbs": ["get"]},
]


def pool(weighted):
    """(cumulative weights, rules) of a [(weight, rule)] list."""
    cum, total = [], 0
    for w, _ in weighted:
        total += w
        cum.append(total)
    return cum, [rule for _, rule in weighted]


ROLE_RULES, CLUSTER_RULES = pool(RULE_POOL), pool(CLUSTER_RULE_POOL)
ROLE_PURPOSES = ["reader", "viewer", "editor", "deployer", "operator", "debugger", "admin",
                 "secret-reader", "config-reader", "pod-exec", "job-runner", "scaler",
                 "leader-election", "event-writer", "log-reader", "migrator", "ci", "oncall"]
# built-in ClusterRoles (names taken first when there is room), with the
# aggregation labels they select and carry
AGGREGATE_BUILTIN = {"admin": "rbac.authorization.k8s.io/aggregate-to-admin",
                     "edit": "rbac.authorization.k8s.io/aggregate-to-edit",
                     "view": "rbac.authorization.k8s.io/aggregate-to-view"}
BUILTIN_CLUSTER_ROLES = ["cluster-admin", "view", "edit", "admin", "system:aggregate-to-view",
                         "system:aggregate-to-edit", "system:aggregate-to-admin",
                         "system:node-proxier", "system:public-info-viewer", "system:monitoring"]
CUSTOM_AGG_DOMAINS = ["monitoring", "ci", "platform", "security", "data", "support"]

PSS_LEVELS = ["baseline", "restricted", "privileged"]
SAFE_CAPS = ["NET_BIND_SERVICE"]
RISKY_CAPS = ["NET_ADMIN", "SYS_ADMIN", "NET_RAW", "SYS_PTRACE", "SYS_MODULE", "ALL", "DAC_OVERRIDE"]
HOST_PATHS = ["/var/run/docker.sock", "/", "/etc", "/var/log", "/proc", "/var/lib/kubelet",
              "/run/containerd/containerd.sock", "/sys"]
CPU = ["50m", "100m", "250m", "500m", "1", "2", "4"]
MEM = ["64Mi", "128Mi", "256Mi", "512Mi", "1Gi", "2Gi", "4Gi"]


class Namespace:
    __slots__ = ("name", "level", "apps", "app_weights", "sas", "roles", "pod_names",
                 "registry", "team", "hashes", "ordinals")

    def __init__(self, name, level, team):
        self.name, self.level, self.team = name, level, team
        self.apps = []          # APPS entries
        self.app_weights = []   # cumulative weights over self.apps
        self.sas = []           # ServiceAccount names
        self.roles = []         # Role names
        self.pod_names = set()
        self.registry = ""
        self.hashes = {}        # app -> pod-template-hash
        self.ordinals = {}      # stateful app -> next ordinal


class Gen:
    def __init__(self, args):
        self.a = args
        self.r = random.Random(args.seed)
        self.namespaces = []
        self.ns_by_name = {}
        self.cluster_roles = []     # custom ClusterRole names
        self.builtin_roles = []     # built-in ClusterRole names present
        self.cluster_role_names = set()
        self.node_ports = set()
        self.counts = {}

    # ------------------------------------------------------------- helpers

    def chance(self, p):
        return self.r.random() < p

    def pick(self, seq):
        return seq[int(self.r.random() * len(seq))]

    def rand_name(self, n):
        return "".join(self.pick(NAME_ALPHABET) for _ in range(n))

    @staticmethod
    def unique(name, taken):
        """`name`, or `name-2`, `name-3`, ... whichever is not in `taken` (which it is added to)."""
        cand, i = name, 2
        while cand in taken:
            cand = f"{name}-{i}"
            i += 1
        taken.add(cand)
        return cand

    def skewed_cum_weights(self, n, alpha):
        """Cumulative weights of a heavy-tailed spread over n items (a few big, many small)."""
        total, cum = 0.0, []
        for _ in range(n):
            total += self.r.paretovariate(alpha)
            cum.append(total)
        return cum

    def pick_weighted(self, seq, cum):
        return self.r.choices(seq, cum_weights=cum)[0]

    # ------------------------------------------------------------- namespaces

    def make_namespaces(self):
        n = self.a.namespaces
        system = SYSTEM_NAMESPACES[: (6 if n >= 20 else 4 if n >= 10 else 1)]
        taken = set(system)
        for name in system:
            level = {"kube-system": "privileged", "ingress-nginx": "baseline", "monitoring": "privileged"}.get(name)
            self.namespaces.append(Namespace(name, level, "platform"))
        while len(self.namespaces) < n:
            team, env = self.pick(TEAMS), self.pick(ENVS)
            name = self.unique(f"{team}-{env}", taken)
            roll = self.r.random()
            level = None if roll < 0.25 else ("baseline" if roll < 0.55 else ("restricted" if roll < 0.8 else "privileged"))
            self.namespaces.append(Namespace(name, level, team))
        for ns in self.namespaces:
            self.ns_by_name[ns.name] = ns
            ns.registry = self.pick(REGISTRIES)
            if ns.name in SYSTEM_APPS:
                ns.apps = list(SYSTEM_APPS[ns.name])
            else:
                ns.apps = self.r.sample(APPS, self.r.randint(3, 10))
            total = 0.0
            for _ in ns.apps:
                total += self.r.choice([1, 1, 2, 3, 5, 8])
                ns.app_weights.append(total)

    def namespace_doc(self, ns):
        labels = {"kubernetes.io/metadata.name": ns.name}
        if ns.name not in SYSTEM_NAMESPACES:
            labels["team"] = ns.team
            labels["environment"] = ns.name.split("-")[1]
        if ns.level:
            labels["pod-security.kubernetes.io/enforce"] = ns.level
            if ns.name not in SYSTEM_NAMESPACES and self.chance(0.3):
                labels["pod-security.kubernetes.io/enforce-version"] = self.pick(["latest", "v1.28", "v1.29", "v1.30"])
        if ns.name not in SYSTEM_NAMESPACES and self.chance(0.3):
            stricter = self.pick(["baseline", "restricted"])
            labels["pod-security.kubernetes.io/warn"] = stricter
            if self.chance(0.5):
                labels["pod-security.kubernetes.io/audit"] = stricter
        if self.chance(0.1):
            labels["istio-injection"] = self.pick(["enabled", "disabled"])
        meta = {"name": ns.name, "labels": labels}
        if self.chance(0.2):
            meta["annotations"] = {"owner": f"{ns.team}@example.com",
                                   "scheduler.alpha.kubernetes.io/node-selector": "pool=general"}
        return {"apiVersion": "v1", "kind": "Namespace", "metadata": meta}

    def service_accounts(self, ns):
        docs = []
        names = ["default"] + self.r.sample(EXTRA_SERVICE_ACCOUNTS, 4)
        names += [app[0] for app in ns.apps if app[0] not in names]
        for name in names:
            doc = {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": name, "namespace": ns.name}}
            if name != "default" and self.chance(0.3):
                doc["metadata"]["labels"] = {"app": name} if name in (a[0] for a in ns.apps) else {"team": ns.team}
            if self.chance(0.25):
                doc["automountServiceAccountToken"] = self.chance(0.3)
            if name != "default" and self.chance(0.08):
                doc["metadata"]["annotations"] = {"eks.amazonaws.com/role-arn": f"arn:aws:iam::123456789012:role/{ns.name}-{name}"}
            docs.append(doc)
        ns.sas = names
        return docs

    def quota(self, ns):
        pods = self.pick([20, 50, 100, 200, 500])
        hard = {"pods": str(pods), "requests.cpu": str(pods // 5), "requests.memory": f"{pods // 2}Gi",
                "limits.cpu": str(pods // 2), "limits.memory": f"{pods}Gi"}
        if self.chance(0.4):
            hard["services.loadbalancers"] = str(self.r.randint(0, 3))
            hard["services.nodeports"] = "0"
        if self.chance(0.3):
            hard["count/secrets"] = str(self.pick([50, 100, 500]))
        return {"apiVersion": "v1", "kind": "ResourceQuota",
                "metadata": {"name": "compute-quota", "namespace": ns.name}, "spec": {"hard": hard}}

    def limit_range(self, ns):
        ci, mi = self.r.randint(0, 2), self.r.randint(0, 2)
        item = {"type": "Container",
                "default": {"cpu": CPU[ci + 2], "memory": MEM[mi + 2]},
                "defaultRequest": {"cpu": CPU[ci], "memory": MEM[mi]}}
        if self.chance(0.5):
            item["max"] = {"cpu": CPU[ci + 4], "memory": MEM[mi + 4]}
        return {"apiVersion": "v1", "kind": "LimitRange",
                "metadata": {"name": "default-limits", "namespace": ns.name}, "spec": {"limits": [item]}}

    def node_port(self):
        if len(self.node_ports) >= 32767 - 30000 + 1:
            return None
        while True:
            p = self.r.randint(30000, 32767)
            if p not in self.node_ports:
                self.node_ports.add(p)
                return p

    def services(self, ns):
        docs, taken = [], set()
        for app in self.r.sample(ns.apps, min(len(ns.apps), self.r.randint(1, 4))):
            name, tier, port = app[0], app[1], app[2]
            name = self.unique(name, taken)
            spec = {"selector": {"app": app[0]},
                    "ports": [{"name": "tcp" if port not in (80, 8080, 3000) else "http",
                               "port": 80 if port in (8080, 3000) else port, "targetPort": port, "protocol": "TCP"}]}
            roll = self.r.random()
            if tier == "data" and roll < 0.5:
                spec["clusterIP"] = "None"  # headless, for a StatefulSet
            elif roll < 0.68:
                spec["type"] = "ClusterIP"
            elif roll < 0.8:
                spec["type"] = "NodePort"
                np = self.node_port()
                if np is not None:
                    spec["ports"][0]["nodePort"] = np
            else:
                spec["type"] = "LoadBalancer"
                if self.chance(0.5):
                    spec["loadBalancerSourceRanges"] = self.r.sample(
                        ["10.0.0.0/8", "192.168.0.0/16", "203.0.113.0/24", "198.51.100.17/32", "0.0.0.0/0"],
                        self.r.randint(1, 2))
                if self.chance(0.3):
                    spec["externalTrafficPolicy"] = "Local"
            meta = {"name": name, "namespace": ns.name, "labels": {"app": app[0], "tier": tier}}
            if spec.get("type") == "LoadBalancer" and self.chance(0.4):
                meta["annotations"] = {"service.beta.kubernetes.io/aws-load-balancer-internal": "true"}
            docs.append({"apiVersion": "v1", "kind": "Service", "metadata": meta, "spec": spec})
        return docs

    def peer_from(self, ns):
        """An ingress `from` peer list."""
        roll = self.r.random()
        if roll < 0.45:
            return [{"podSelector": {"matchLabels": {"app": self.pick(ns.apps)[0]}}}]
        if roll < 0.65:
            return [{"podSelector": {"matchLabels": {"tier": "frontend"}}},
                    {"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "ingress-nginx"}}}]
        if roll < 0.8:
            other = self.pick(self.namespaces)
            return [{"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": other.name}},
                     "podSelector": {"matchLabels": {"app": self.pick(other.apps)[0]}}}]
        if roll < 0.9:
            return [{"namespaceSelector": {"matchExpressions": [
                {"key": "environment", "operator": "In", "values": self.r.sample(ENVS, 2)}]}}]
        return [{"ipBlock": {"cidr": "10.0.0.0/8", "except": ["10.96.0.0/12"]}}]

    def app_selector(self, ns):
        """A podSelector picking application pods (a few match no pod at all)."""
        entry = self.pick(ns.apps)
        app = entry[0] if self.chance(0.9) else f"legacy-{self.pick(APPS)[0]}"
        roll = self.r.random()
        if roll < 0.6:
            return {"matchLabels": {"app": app}}, app, entry[2]
        if roll < 0.72:
            apps = sorted({self.pick(ns.apps)[0] for _ in range(2)} | {app})
            return {"matchExpressions": [{"key": "app", "operator": "In", "values": apps}]}, app, entry[2]
        port = self.pick(ns.apps)[2]
        if roll < 0.82:
            tier = self.pick(["frontend", "backend", "data"])
            return {"matchLabels": {"tier": tier}, "matchExpressions": [
                {"key": "app", "operator": "NotIn", "values": [app]}]}, tier, port
        if roll < 0.92:
            return {"matchExpressions": [{"key": "app.kubernetes.io/name", "operator": "Exists"},
                                         {"key": "tier", "operator": "In", "values": ["backend", "data"]}]}, "named", port
        return {"matchExpressions": [{"key": "canary", "operator": "DoesNotExist"}]}, "stable", port

    def network_policies(self, ns):
        docs, taken = [], set()
        for _ in range(1 if self.chance(0.6) else 2):
            roll = self.r.random()
            if roll < 0.25:
                name, spec = "default-deny-ingress", {"podSelector": {}, "policyTypes": ["Ingress"]}
            elif roll < 0.35:
                name, spec = "default-deny-all", {"podSelector": {}, "policyTypes": ["Ingress", "Egress"]}
            elif roll < 0.45:
                if self.chance(0.5):
                    name, spec = "allow-all-ingress", {"podSelector": {}, "policyTypes": ["Ingress"], "ingress": [{}]}
                else:
                    name, spec = "allow-all", {"podSelector": {}, "policyTypes": ["Ingress", "Egress"],
                                               "ingress": [{}], "egress": [{}]}
            else:
                selector, what, port = self.app_selector(ns)
                name = f"allow-{what}"
                ingress = {"from": self.peer_from(ns)}
                if self.chance(0.7):
                    ingress["ports"] = [{"protocol": "TCP", "port": port}]
                spec = {"podSelector": selector, "policyTypes": ["Ingress"], "ingress": [ingress]}
                if self.chance(0.35):
                    spec["policyTypes"].append("Egress")
                    egress = [{"to": [{"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "kube-system"}},
                                       "podSelector": {"matchLabels": {"app": "coredns"}}}],
                               "ports": [{"protocol": "UDP", "port": 53}, {"protocol": "TCP", "port": 53}]}]
                    if self.chance(0.5):
                        egress.append({"to": [{"ipBlock": {"cidr": self.pick(["0.0.0.0/0", "10.0.0.0/8", "172.16.0.0/12"])}}]})
                    spec["egress"] = egress
            docs.append({"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
                         "metadata": {"name": self.unique(name, taken), "namespace": ns.name}, "spec": spec})
        return docs

    # ------------------------------------------------------------- RBAC

    def rules(self, pool, cluster):
        """1-4 distinct rules drawn from a weighted pool (see pool())."""
        rules = []
        for rule in self.r.choices(pool[1], cum_weights=pool[0], k=self.r.choices([1, 2, 3, 4], [30, 35, 25, 10])[0]):
            if rule in rules:
                continue
            if self.chance(0.06) and "*" not in rule["resources"]:
                res = rule["resources"][0]
                names = [f"{self.pick(APPS)[0]}-{'config' if res == 'configmaps' else 'creds'}"]
                rule = dict(rule, resources=[res], verbs=[v for v in rule["verbs"] if v not in ("list", "watch", "create")] or ["get"],
                            resourceNames=names)
            rules.append(rule)
        if cluster and self.chance(0.12):
            rules.append(self.pick(NON_RESOURCE_RULES))
        return rules

    def make_roles(self):
        total = self.a.roles
        n_cluster = round(total * 0.2) if total > 1 else 0
        docs = []
        # built-in cluster roles first
        builtins = BUILTIN_CLUSTER_ROLES[:n_cluster]
        for name in builtins:
            meta = {"name": name, "labels": {"kubernetes.io/bootstrapping": "rbac-defaults"},
                    "annotations": {"rbac.authorization.kubernetes.io/autoupdate": "true"}}
            doc = {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole", "metadata": meta}
            if name == "cluster-admin":
                doc["rules"] = [_rule(["*"], ["*"], ["*"]), {"nonResourceURLs": ["*"], "verbs": ["*"]}]
            elif name in AGGREGATE_BUILTIN:
                doc["aggregationRule"] = {"clusterRoleSelectors": [{"matchLabels": {AGGREGATE_BUILTIN[name]: "true"}}]}
                doc["rules"] = []
            elif name.startswith("system:aggregate-to-"):
                level = name.rsplit("-", 1)[1]
                meta["labels"][AGGREGATE_BUILTIN[level]] = "true"
                doc["rules"] = [_rule([""], ["pods", "services", "configmaps"], READ if level == "view" else WRITE)]
                if level != "view":
                    doc["rules"].append(_rule([""], ["secrets"], WRITE))
                    doc["rules"].append(_rule([""], ["pods/exec", "pods/attach"], ["create", "get"]))
            elif name == "system:public-info-viewer":
                doc["rules"] = [{"nonResourceURLs": ["/healthz", "/livez", "/readyz", "/version", "/version/"], "verbs": ["get"]}]
            else:
                doc["rules"] = self.rules(CLUSTER_RULES, True)
            self.builtin_roles.append(name)
            self.cluster_role_names.add(name)
            docs.append(doc)
        # aggregation domains used by custom ClusterRoles
        domains = CUSTOM_AGG_DOMAINS[: max(1, min(len(CUSTOM_AGG_DOMAINS), n_cluster // 40))]
        agg_key = lambda d: f"rbac.example.com/aggregate-to-{d}"
        for _ in range(n_cluster - len(builtins)):
            team = self.pick(TEAMS)
            roll = self.r.random()
            doc = {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole"}
            if roll < 0.08:
                domain = self.pick(domains)
                name = self.unique(f"{domain}-aggregate", self.cluster_role_names)
                sel = [{"matchLabels": {agg_key(domain): "true"}}]
                if self.chance(0.2):
                    sel.append({"matchExpressions": [{"key": agg_key(self.pick(domains)), "operator": "Exists"}]})
                doc["metadata"] = {"name": name, "labels": {"team": team}}
                doc["aggregationRule"] = {"clusterRoleSelectors": sel}
                doc["rules"] = []
            else:
                name = self.unique(f"{team}-{self.pick(ROLE_PURPOSES)}", self.cluster_role_names)
                labels = {"team": team}
                if roll < 0.25:
                    labels[agg_key(self.pick(domains))] = "true"
                elif roll < 0.33:
                    labels[AGGREGATE_BUILTIN[self.pick(["view", "edit", "admin"])]] = "true"
                doc["metadata"] = {"name": name, "labels": labels}
                doc["rules"] = self.rules(CLUSTER_RULES, True)
            self.cluster_roles.append(name)
            docs.append(doc)
        # namespaced Roles, spread unevenly (every namespace can get some)
        cum = self.skewed_cum_weights(len(self.namespaces), 2.5)
        taken = {}
        for _ in range(total - n_cluster):
            ns = self.pick_weighted(self.namespaces, cum)
            prefix = self.pick(ns.apps)[0] if self.chance(0.6) else ns.team
            name = self.unique(f"{prefix}-{self.pick(ROLE_PURPOSES)}", taken.setdefault(ns.name, set()))
            ns.roles.append(name)
            meta = {"name": name, "namespace": ns.name}
            if self.chance(0.4):
                meta["labels"] = {"app.kubernetes.io/managed-by": self.pick(["Helm", "argocd", "kustomize"])}
            docs.append({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "Role", "metadata": meta,
                         "rules": self.rules(ROLE_RULES, False)})
        return docs

    def subject(self, ns):
        roll = self.r.random()
        if roll < 0.5:
            target = ns if (ns is not None and self.chance(0.7)) else self.pick(self.namespaces)
            name = "default" if self.chance(0.12) else self.pick(target.sas)
            return {"kind": "ServiceAccount", "name": name, "namespace": target.name}
        if roll < 0.75:
            user = self.pick(USERS)
            if self.chance(0.3):
                user += "@example.com"
            return {"kind": "User", "apiGroup": RBAC, "name": user}
        roll = self.r.random()
        if roll < 0.04:
            group = "system:authenticated"
        elif roll < 0.05:
            group = self.pick(["system:unauthenticated", "system:serviceaccounts", "system:masters"])
        elif roll < 0.15:
            group = self.pick(["sre", "oncall", "platform-admins", "auditors", "security"])
        else:
            group = f"dev-team-{self.r.randint(1, 40)}"
        return {"kind": "Group", "apiGroup": RBAC, "name": group}

    def missing_role(self, kind):
        while True:
            name = f"{self.pick(TEAMS)}-{self.pick(['legacy', 'old', 'deleted', 'v1'])}-{self.pick(ROLE_PURPOSES)}"
            if kind == "ClusterRole" and name not in self.cluster_role_names:
                return name
            if kind == "Role":  # Role names never contain these words
                return name

    def cluster_role_ref(self, cluster_binding):
        if self.builtin_roles and self.chance(0.3 if not cluster_binding else 0.2):
            if self.chance(0.1 if cluster_binding else 0.03):
                name = self.builtin_roles[0]  # cluster-admin
            else:
                name = self.pick(self.builtin_roles[: 4])
        elif self.cluster_roles:
            name = self.pick(self.cluster_roles)
        elif self.builtin_roles:
            name = self.pick(self.builtin_roles)
        else:
            name = self.missing_role("ClusterRole")
        return name

    def make_bindings(self):
        total = self.a.bindings
        n_cluster = round(total * 0.15)
        docs = []
        taken_cluster = set()
        for _ in range(n_cluster):
            if self.chance(0.03):
                role = self.missing_role("ClusterRole")
            else:
                role = self.cluster_role_ref(True)
            subjects = self.subjects(None)
            base = role.replace("system:", "") if self.chance(0.8) else f"{self.pick(TEAMS)}-{role.replace('system:', '')}"
            name = self.unique(f"{base}-binding", taken_cluster)
            docs.append({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRoleBinding",
                         "metadata": {"name": name},
                         "roleRef": {"apiGroup": RBAC, "kind": "ClusterRole", "name": role},
                         "subjects": subjects})
        cum = self.skewed_cum_weights(len(self.namespaces), 2.0)
        taken = {}
        for _ in range(total - n_cluster):
            ns = self.pick_weighted(self.namespaces, cum)
            roll = self.r.random()
            if roll < 0.03:
                kind = "Role" if self.chance(0.6) else "ClusterRole"
                role = self.missing_role(kind)
            elif roll < 0.65 and ns.roles:
                kind, role = "Role", self.pick(ns.roles)
            else:
                kind, role = "ClusterRole", self.cluster_role_ref(False)
            subjects = self.subjects(ns)
            first = subjects[0]["name"].split("@")[0].replace("system:", "")
            name = self.unique(f"{role.replace('system:', '')}-{first}", taken.setdefault(ns.name, set()))
            docs.append({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "RoleBinding",
                         "metadata": {"name": name, "namespace": ns.name},
                         "roleRef": {"apiGroup": RBAC, "kind": kind, "name": role},
                         "subjects": subjects})
        return docs

    def subjects(self, ns):
        out, seen = [], []
        for _ in range(self.r.choices([1, 2, 3], [60, 30, 10])[0]):
            s = self.subject(ns)
            key = (s["kind"], s["name"], s.get("namespace"))
            if key not in seen:
                seen.append(key)
                out.append(s)
        return out

    # ------------------------------------------------------------- pods

    def posture(self, ns):
        level = ns.level
        w = {"restricted": (0.78, 0.17), "baseline": (0.3, 0.5), "privileged": (0.12, 0.3)}.get(level, (0.2, 0.35))
        roll = self.r.random()
        return "restricted" if roll < w[0] else ("default" if roll < w[0] + w[1] else "risky")

    def image(self, ns, app):
        if ns.name.startswith("kube-"):
            repo = f"registry.k8s.io/{app[3]}"
        elif ns.name in SYSTEM_NAMESPACES:
            repo = f"{ns.registry}/{app[3]}"
        else:
            repo = f"{ns.registry}/{ns.team}/{app[3]}"
        roll = self.r.random()
        if roll < 0.1:
            return f"{repo}:latest"
        if roll < 0.3:
            return f"{repo}@sha256:{self.r.getrandbits(256):064x}"
        return f"{repo}:{self.r.randint(0, 9)}.{self.r.randint(0, 30)}.{self.r.randint(0, 15)}"

    def resources(self, posture):
        if posture == "risky" and self.chance(0.6):
            return None
        ci, mi = self.r.randint(0, 3), self.r.randint(0, 3)
        res = {"requests": {"cpu": CPU[ci], "memory": MEM[mi]}}
        if posture == "restricted" or self.chance(0.6):
            res["limits"] = {"cpu": CPU[ci + self.r.randint(0, 3)], "memory": MEM[mi + self.r.randint(0, 3)]}
        return res

    def container(self, ns, name, app, posture, port, probes):
        c = {"name": name, "image": self.image(ns, app)}
        if self.chance(0.4):
            c["imagePullPolicy"] = self.pick(["IfNotPresent", "Always"])
        if port:
            p = {"name": "http" if port in (80, 8080, 3000) else "tcp", "containerPort": port, "protocol": "TCP"}
            if posture == "risky" and self.chance(0.15):
                p["hostPort"] = port
            c["ports"] = [p]
        if self.chance(0.4):
            c["env"] = [{"name": "LOG_LEVEL", "value": self.pick(["info", "debug", "warn"])},
                        {"name": "POD_NAMESPACE", "valueFrom": {"fieldRef": {"fieldPath": "metadata.namespace"}}}]
        res = self.resources(posture)
        if res:
            c["resources"] = res
        if probes and port:
            c["livenessProbe"] = {"httpGet": {"path": "/healthz", "port": port}, "periodSeconds": 10}
            c["readinessProbe"] = {"tcpSocket": {"port": port}, "periodSeconds": 5}
        if posture == "restricted":
            sc = {"allowPrivilegeEscalation": False, "runAsNonRoot": True, "capabilities": {"drop": ["ALL"]}}
            if self.chance(0.3):
                sc["capabilities"]["add"] = SAFE_CAPS
            if self.chance(0.6):
                sc["readOnlyRootFilesystem"] = True
            if self.chance(0.5):
                sc["runAsUser"] = self.r.randint(1000, 65000)
            if self.chance(0.4):
                sc["seccompProfile"] = {"type": "RuntimeDefault"}
            c["securityContext"] = sc
        elif posture == "default":
            if self.chance(0.3):
                c["securityContext"] = {"runAsNonRoot": True} if self.chance(0.5) else {"allowPrivilegeEscalation": False}
        else:
            sc = {}
            if self.chance(0.35):
                sc["privileged"] = True
            if self.chance(0.3):
                sc["allowPrivilegeEscalation"] = True
            if self.chance(0.35):
                sc["runAsUser"] = 0
            if self.chance(0.35):
                sc["capabilities"] = {"add": self.r.sample(RISKY_CAPS, self.r.randint(1, 2))}
            if self.chance(0.1):
                sc["seccompProfile"] = {"type": "Unconfined"}
            if sc:
                c["securityContext"] = sc
        return c

    def pod(self, ns):
        i = self.r.choices(range(len(ns.apps)), cum_weights=ns.app_weights)[0]
        app = ns.apps[i]
        app_name, tier, port, _, stateful = app
        if stateful:
            k = ns.ordinals.get(app_name, 0)
            ns.ordinals[app_name] = k + 1
            name = f"{app_name}-{k}"
            ns.pod_names.add(name)
        else:
            h = ns.hashes.get(app_name)
            if h is None:
                h = ns.hashes[app_name] = self.rand_name(self.r.randint(9, 10))
            while True:
                name = f"{app_name}-{h}-{self.rand_name(5)}"
                if name not in ns.pod_names:
                    ns.pod_names.add(name)
                    break
        labels = {"app": app_name, "tier": tier}
        if self.chance(0.5):
            labels["app.kubernetes.io/name"] = app_name
            labels["app.kubernetes.io/part-of"] = ns.team
        if stateful:
            labels["statefulset.kubernetes.io/pod-name"] = name
        else:
            labels["pod-template-hash"] = h
        if self.chance(0.05):
            labels["canary"] = "true"
        if self.chance(0.2):
            labels["version"] = f"v{self.r.randint(1, 3)}"
        meta = {"name": name, "namespace": ns.name, "labels": labels}
        if self.chance(0.3):
            meta["annotations"] = {"prometheus.io/scrape": "true", "prometheus.io/port": str(port)}
        posture = self.posture(ns)
        spec = {}
        roll = self.r.random()
        if roll < 0.75:
            spec["serviceAccountName"] = app_name
        elif roll < 0.85:
            spec["serviceAccountName"] = "default"
        if posture == "restricted" and self.chance(0.5):
            spec["automountServiceAccountToken"] = False
        if posture == "risky":
            if self.chance(0.3):
                spec["hostNetwork"] = True
            if self.chance(0.12):
                spec["hostPID"] = True
            if self.chance(0.06):
                spec["hostIPC"] = True
        if posture == "restricted":
            psc = {"runAsNonRoot": True, "seccompProfile": {"type": "RuntimeDefault"}}
            if self.chance(0.5):
                psc["fsGroup"] = self.r.randint(1000, 65000)
            spec["securityContext"] = psc
        probes = self.chance(0.6)
        containers = [self.container(ns, app_name, app, posture, port, probes)]
        if self.chance(0.2):
            side = self.pick([("istio-proxy", "system", 15090, "istio/proxyv2", False),
                              ("log-shipper", "system", None, "fluent-bit", False),
                              ("vault-agent", "system", None, "vault", False)])
            containers.append(self.container(ns, side[0], side, posture, side[2], False))
        spec["containers"] = containers
        volumes, mounts = [], []
        if self.chance(0.3):
            volumes.append({"name": "config", "configMap": {"name": f"{app_name}-config"}})
            mounts.append({"name": "config", "mountPath": "/etc/app", "readOnly": True})
        if self.chance(0.3):
            volumes.append({"name": "tmp", "emptyDir": {}})
            mounts.append({"name": "tmp", "mountPath": "/tmp"})
        if posture == "risky" and self.chance(0.3):
            hp = self.pick(HOST_PATHS)
            volumes.append({"name": "host", "hostPath": {"path": hp}})
            mounts.append({"name": "host", "mountPath": "/host" + (hp if hp != "/" else "")})
        if volumes:
            spec["volumes"] = volumes
            containers[0]["volumeMounts"] = mounts
        if self.chance(0.95):
            spec["nodeName"] = f"ip-10-{self.r.randint(0, 3)}-{self.r.randint(0, 255)}-{self.r.randint(1, 254)}.ec2.internal"
        if stateful and self.chance(0.5):
            spec["hostname"] = name
        self.counts[posture] = self.counts.get(posture, 0) + 1
        return {"apiVersion": "v1", "kind": "Pod", "metadata": meta, "spec": spec}

    # ------------------------------------------------------------- all

    def generate(self):
        """Yields the documents in order: namespaces and their objects, RBAC, pods."""
        self.make_namespaces()
        for ns in self.namespaces:
            yield self.namespace_doc(ns)
        for ns in self.namespaces:
            yield from self.service_accounts(ns)
            if ns.name in ("kube-public", "kube-node-lease"):
                continue
            if self.chance(0.4):
                yield self.quota(ns)
            if self.chance(0.3):
                yield self.limit_range(ns)
            yield from self.services(ns)
            if not (ns.name == "default" or ns.name.startswith("kube-")) and self.chance(0.7):
                yield from self.network_policies(ns)
        yield from self.make_roles()
        yield from self.make_bindings()
        cum = self.skewed_cum_weights(len(self.namespaces), 1.2)
        for _ in range(self.a.pods):
            yield self.pod(self.pick_weighted(self.namespaces, cum))


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("output", help="output file ('-' for stdout)")
    ap.add_argument("--roles", type=int, default=10_000, help="Roles plus ClusterRoles (default 10000)")
    ap.add_argument("--bindings", type=int, default=50_000, help="RoleBindings plus ClusterRoleBindings (default 50000)")
    ap.add_argument("--pods", type=int, default=100_000, help="Pods (default 100000)")
    ap.add_argument("--namespaces", type=int, default=500, help="Namespaces, system ones included (default 500)")
    ap.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    a = ap.parse_args(argv)
    for opt in ("roles", "bindings", "pods"):
        if getattr(a, opt) < 0:
            ap.error(f"--{opt} must be >= 0")
    if a.namespaces < 1:
        ap.error("--namespaces must be >= 1")

    start = time.perf_counter()
    gen = Gen(a)
    kinds = {}
    size = 0
    out = sys.stdout if a.output == "-" else open(a.output, "w", encoding="utf-8", newline="\n")
    try:
        buf, first = [], True
        for doc in gen.generate():
            text = to_yaml(doc) if first else "---\n" + to_yaml(doc)
            first = False
            kinds[doc["kind"]] = kinds.get(doc["kind"], 0) + 1
            size += len(text)  # ASCII only, so characters are bytes
            buf.append(text)
            if len(buf) >= 2000:
                out.write("".join(buf))
                buf.clear()
        out.write("".join(buf))
    finally:
        if out is not sys.stdout:
            out.close()
    elapsed = time.perf_counter() - start
    total = sum(kinds.values())
    detail = ", ".join(f"{n} {k}" for k, n in kinds.items())
    postures = "/".join(str(gen.counts.get(p, 0)) for p in ("restricted", "default", "risky"))
    print(f"gen-inventory: {total} objects ({detail}; pods restricted/default/risky {postures}), "
          f"{size} bytes ({size / 1e6:.1f} MB) to {a.output} in {elapsed:.1f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

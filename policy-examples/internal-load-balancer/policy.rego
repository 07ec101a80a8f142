package acme.loadbalancer

import rego.v1

deny contains {"msg": "a LoadBalancer Service without the internal annotation", "path": "spec.type"} if {
  input.spec.type == "LoadBalancer"
  not object.get(input.metadata, ["annotations", "networking.gke.io/load-balancer-type"], "") == "Internal"
}

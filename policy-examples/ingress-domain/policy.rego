package acme.ingress

import rego.v1

deny contains {"msg": msg, "path": sprintf("spec.rules[%d].host", [i])} if {
  some i
  host := input.spec.rules[i].host
  not allowed(host)
  msg := sprintf("host %v is outside %v", [host, concat(", ", data.parameters.domains)])
}

allowed(host) if {
  some domain in data.parameters.domains
  endswith(host, domain)
}

package acme.replicas

import rego.v1

deny contains {"msg": msg, "path": "spec.replicas"} if {
  replicas := object.get(input.spec, "replicas", 1)
  replicas < data.parameters.min
  msg := sprintf("%v replicas, fewer than %v", [replicas, data.parameters.min])
}

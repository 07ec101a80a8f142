package acme.probes

import rego.v1

deny contains {"msg": msg, "path": sprintf("spec.template.spec.containers[%d]", [i])} if {
  some i
  container := input.spec.template.spec.containers[i]
  some probe in ["readinessProbe", "livenessProbe"]
  not container[probe]
  msg := sprintf("container %v has no %v", [container.name, probe])
}

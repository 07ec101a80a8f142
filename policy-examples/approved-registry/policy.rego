package acme.registry

import rego.v1

deny contains result if {
  some i
  container := input.spec.template.spec.containers[i]
  not approved(container.image)
  result := {
    "msg": sprintf("container %v uses %v, outside the approved registries", [container.name, container.image]),
    "path": sprintf("spec.template.spec.containers[%d].image", [i]),
  }
}

approved(image) if {
  some prefix in data.parameters.registries
  startswith(image, prefix)
}

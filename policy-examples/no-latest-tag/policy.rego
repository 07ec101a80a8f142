package acme.latest

import rego.v1

deny contains msg if {
  some container in input.spec.template.spec.containers
  mutable(container.image)
  msg := sprintf("container %v uses the mutable image %v", [container.name, container.image])
}

mutable(image) if endswith(image, ":latest")

mutable(image) if {
  not contains(image, "@")
  last := regex.split("/", image)[count(regex.split("/", image)) - 1]
  not contains(last, ":")
}

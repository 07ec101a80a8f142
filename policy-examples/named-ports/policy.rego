package acme.ports

deny[msg] {
  container := input.spec.template.spec.containers[_]
  port := container.ports[_]
  not port.name
  msg := sprintf("port %v of container %v has no name", [port.containerPort, container.name])
}

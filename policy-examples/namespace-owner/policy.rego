package acme.namespace_owner

import rego.v1

violation contains {"msg": msg} if {
  input.review.operation == "CREATE"
  not input.review.object.metadata.annotations["acme.example.com/owner"]
  msg := sprintf("namespace %v has no acme.example.com/owner annotation", [input.review.object.metadata.name])
}

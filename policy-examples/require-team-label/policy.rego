package acme.required_labels

violation[{"msg": msg, "path": "metadata.labels"}] {
  provided := {label | input.review.object.metadata.labels[label]}
  required := {label | label := input.parameters.labels[_]}
  missing := required - provided
  count(missing) > 0
  msg := sprintf("%v/%v has no %v label", [input.review.object.kind, input.review.object.metadata.name, concat(", ", sort(missing))])
}

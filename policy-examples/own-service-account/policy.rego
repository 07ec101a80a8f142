package acme.serviceaccount

import rego.v1

deny contains "the pods run as the default service account" if {
  object.get(input.spec.template.spec, "serviceAccountName", "default") == "default"
}

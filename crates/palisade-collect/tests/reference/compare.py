#!/usr/bin/env python3
"""Compare palisade's YAML reading with PyYAML, a YAML 1.1 reference.

Input: NDJSON on stdin, one {"file", "docs"} object per YAML file, where
docs are palisade's JSON values. PyYAML reads the same file with the
adjustments that make it read as Kubernetes (go-yaml v2 through
sigs.k8s.io/yaml) does: timestamps stay strings, keys become strings,
whole floats become integers, infinities and NaN become null.
Prints one line per disagreeing file, then a summary; exits 1 on any
disagreement.
"""
import json
import math
import sys

import yaml


class Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    pass


Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def as_kubernetes(value):
    if isinstance(value, dict):
        return {json.dumps(k) if isinstance(k, bool) else str(k): as_kubernetes(v) for k, v in value.items()}
    if isinstance(value, list):
        return [as_kubernetes(v) for v in value]
    if isinstance(value, float):
        if math.isinf(value) or math.isnan(value):
            return None
        if value.is_integer() and abs(value) < 9e15:
            return int(value)
    return value


agree = disagree = unreadable = 0
for line in sys.stdin:
    entry = json.loads(line)
    try:
        with open(entry["file"], encoding="utf-8") as handle:
            reference = [as_kubernetes(d) for d in yaml.load_all(handle, Loader=Loader)]
    except Exception:  # PyYAML's own gaps (the `=` value tag, say)
        unreadable += 1
        continue
    ours = [d for d in entry["docs"] if d is not None]
    reference = [d for d in reference if d is not None]
    if ours == reference:
        agree += 1
    else:
        disagree += 1
        print(f"disagree: {entry['file']}")
print(f"reference YAML: {agree} files agree, {disagree} disagree, {unreadable} unreadable by PyYAML")
sys.exit(1 if disagree else 0)

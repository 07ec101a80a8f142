//! The machine formats of a scan, checked by their consumers' rules: SARIF
//! against the official 2.1.0 schema (with Python's `jsonschema`, as CI
//! installs it), JUnit parsed back as XML, fingerprints stable when lines
//! move.

mod support;

use support::{palisade, python, repo_root, shared_dir};

fn scan(args: &[&str]) -> String {
    let output = palisade()
        .current_dir(repo_root())
        .arg("scan")
        .args(args)
        .args(["--fail-on", "none"])
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

#[test]
fn sarif_is_valid_against_the_official_schema() {
    let sarif = scan(&["examples/", "--format", "sarif"]);
    let schema = shared_dir().join("schemas/sarif-schema-2.1.0.json");
    let program = format!(
        "import json, sys, jsonschema\n\
         schema = json.load(open({schema:?}))\n\
         doc = json.load(sys.stdin)\n\
         jsonschema.Draft4Validator(schema).validate(doc)\n\
         run = doc['runs'][0]\n\
         print(len(run['results']), len(run['tool']['driver']['rules']))",
        schema = schema.to_string_lossy()
    );
    let counts = python(&program, &sarif);
    let doc: serde_json::Value = serde_json::from_str(&sarif).unwrap();
    let run = &doc["runs"][0];
    assert!(counts.starts_with("180 92"), "{counts}");
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    for result in run["results"].as_array().unwrap() {
        // Each result points at its rule, a relative file and a region.
        let index = result["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index]["id"], result["ruleId"]);
        let location = &result["locations"][0]["physicalLocation"];
        let uri = location["artifactLocation"]["uri"].as_str().unwrap();
        assert!(
            uri.starts_with("examples/") && !uri.starts_with('/'),
            "{uri}"
        );
        assert!(location["region"]["startLine"].as_u64().unwrap() > 0);
        assert!(
            result["partialFingerprints"]["palisadeFinding/v1"]
                .as_str()
                .unwrap()
                .len()
                == 16
        );
    }
    let privileged = rules.iter().find(|r| r["id"] == "PAL-WL-003").unwrap();
    assert_eq!(privileged["defaultConfiguration"]["level"], "error");
    assert_eq!(privileged["properties"]["security-severity"], "9.5");
    let tags = privileged["properties"]["tags"].as_array().unwrap();
    assert!(tags.iter().any(|t| t == "cis-1.10/5.2.2"), "{tags:?}");
}

#[test]
fn fingerprints_survive_lines_moving() {
    let dir = tempfile::tempdir().unwrap();
    let manifest = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  containers:\n  - name: app\n    image: nginx:1.27\n    securityContext:\n      privileged: true\n";
    let file = dir.path().join("pod.yaml");
    let fingerprints = |text: &str| {
        std::fs::write(&file, text).unwrap();
        let sarif = scan(&[file.to_str().unwrap(), "--format", "sarif"]);
        let doc: serde_json::Value = serde_json::from_str(&sarif).unwrap();
        doc["runs"][0]["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                (
                    r["ruleId"].as_str().unwrap().to_string(),
                    r["partialFingerprints"]["palisadeFinding/v1"]
                        .as_str()
                        .unwrap()
                        .to_string(),
                    r["locations"][0]["physicalLocation"]["region"]["startLine"]
                        .as_u64()
                        .unwrap(),
                )
            })
            .collect::<Vec<_>>()
    };
    let before = fingerprints(manifest);
    let after = fingerprints(&format!("# a comment\n# another\n{manifest}"));
    assert!(!before.is_empty());
    assert_eq!(before.len(), after.len());
    for ((rule_a, print_a, line_a), (rule_b, print_b, line_b)) in before.iter().zip(&after) {
        assert_eq!((rule_a, print_a), (rule_b, print_b));
        assert_eq!(line_a + 2, *line_b);
    }
    let mut prints: Vec<&String> = before.iter().map(|(_, p, _)| p).collect();
    prints.sort();
    prints.dedup();
    assert_eq!(prints.len(), before.len(), "fingerprints are distinct");
}

#[test]
fn junit_parses_back_with_a_suite_per_check_and_a_failure_per_finding() {
    let xml = scan(&["examples/", "--format", "junit"]);
    let program = "import sys, xml.etree.ElementTree as ET\n\
        root = ET.fromstring(sys.stdin.read())\n\
        suites = root.findall('testsuite')\n\
        failures = root.findall('.//failure')\n\
        assert int(root.get('failures')) == len(failures)\n\
        assert int(root.get('tests')) == len(root.findall('.//testcase'))\n\
        assert all(int(s.get('tests')) == len(s.findall('testcase')) for s in suites)\n\
        assert all(int(s.get('failures')) == len(s.findall('.//failure')) for s in suites)\n\
        f = failures[0]\n\
        assert f.get('message') and 'remediation:' in f.text, f.text\n\
        print(len(suites), len(failures))";
    let counts = python(program, &xml);
    assert_eq!(counts.trim(), "92 180");
}

#[test]
fn csv_parses_back_with_a_row_per_finding() {
    let csv = scan(&["examples/", "--format", "csv"]);
    let program = "import sys, csv\n\
        rows = list(csv.DictReader(sys.stdin))\n\
        assert all(r['check_id'].startswith('PAL-') and r['fingerprint'] for r in rows)\n\
        assert all(not r['message'].startswith(('=', '+', '@')) for r in rows)\n\
        print(len(rows))";
    assert_eq!(python(program, &csv).trim(), "180");
}

/// Every format on one fixed input, as reviewed snapshots.
#[test]
fn golden_output_of_every_format() {
    let input = "crates/palisade/tests/data/formats.yaml";
    let select = "PAL-WL-002,PAL-WL-003,PAL-WL-040";
    for format in ["table", "json", "sarif", "junit", "csv", "markdown"] {
        let output = scan(&[
            input, "--select", select, "--format", format, "--color", "never",
        ]);
        let output = output.replace(env!("CARGO_PKG_VERSION"), "<version>");
        insta::assert_snapshot!(format!("format_{format}"), output);
    }
}

//! A node audit in the machine formats a scan has: SARIF, JUnit, CSV,
//! Markdown and HTML. Each recommendation is one entry; FAIL is a failure,
//! ERROR an error, MANUAL and NOT_APPLICABLE are told apart as skipped.

use std::fmt::Write as _;
use std::io::{self, Write};

use palisade_core::node::{NodeReport, NodeResult, NodeStatus};
use palisade_frameworks::rollup::FrameworkRollup;
use serde_json::json;

use crate::csv::cell;
use crate::html::{esc, STYLE};
use crate::junit::xml_escape;
use crate::markdown::md_cell;

fn all(report: &NodeReport) -> impl Iterator<Item = &NodeResult> {
    report.results.iter().chain(&report.additional_checks)
}

/// `CIS 1.2.1` for benchmark recommendations, the ID for palisade's own.
fn rule_id(report: &NodeReport, result: &NodeResult) -> String {
    if result.id.starts_with("PAL-") {
        result.id.clone()
    } else {
        format!("{}/{}", report.benchmark.name, result.id)
    }
}

fn detail(result: &NodeResult) -> String {
    let mut parts: Vec<&str> = result.reason.iter().map(String::as_str).collect();
    parts.extend(result.evidence.iter().map(String::as_str));
    parts.join("; ")
}

pub fn render_sarif(
    report: &NodeReport,
    tool_version: &str,
    out: &mut dyn Write,
) -> io::Result<()> {
    let rules: Vec<serde_json::Value> = all(report)
        .map(|r| {
            json!({
                "id": rule_id(report, r),
                "shortDescription": { "text": r.title },
                "help": { "text": r.remediation.clone().unwrap_or_else(|| r.title.clone()) },
                "properties": { "tags": ["security", "kubernetes", "node", report.benchmark.name], "precision": "high" },
            })
        })
        .collect();
    let mut results = Vec::new();
    for (index, r) in all(report).enumerate() {
        if r.status != NodeStatus::Fail {
            continue;
        }
        // The same recommendation on two nodes is two alerts.
        let fingerprint = palisade_core::report::fingerprint(
            &rule_id(report, r),
            "node",
            None,
            &report.root,
            "",
            None,
        );
        results.push(json!({
            "ruleId": rule_id(report, r),
            "ruleIndex": index,
            "level": if r.automated { "error" } else { "warning" },
            "message": { "text": detail(r) },
            "locations": [{ "logicalLocations": [{ "fullyQualifiedName": format!("node:{}", report.root), "kind": "module" }] }],
            "partialFingerprints": { "palisadeNode/v1": fingerprint },
        }));
    }
    let notifications: Vec<serde_json::Value> = all(report)
        .filter(|r| r.status == NodeStatus::Error)
        .map(|r| json!({ "level": "error", "message": { "text": format!("{}: {}", rule_id(report, r), detail(r)) } }))
        .collect();
    let document = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": { "name": "palisade", "version": tool_version, "rules": rules } },
            "invocations": [{ "executionSuccessful": notifications.is_empty(), "toolExecutionNotifications": notifications }],
            "results": results,
        }],
    });
    serde_json::to_writer_pretty(&mut *out, &document)?;
    writeln!(out)
}

pub fn render_junit(report: &NodeReport, out: &mut dyn Write) -> io::Result<()> {
    let count = |s: NodeStatus| all(report).filter(|r| r.status == s).count();
    let skipped = count(NodeStatus::Manual) + count(NodeStatus::NotApplicable);
    writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(
        out,
        r#"<testsuites name="palisade node {}" tests="{}" failures="{}" errors="{}" skipped="{skipped}">"#,
        xml_escape(&report.benchmark.name),
        all(report).count(),
        count(NodeStatus::Fail),
        count(NodeStatus::Error)
    )?;
    let mut groups: Vec<(String, Vec<&NodeResult>)> = Vec::new();
    for r in all(report) {
        let section = if r.id.starts_with("PAL-") {
            "palisade".to_string()
        } else {
            r.id.split('.').take(2).collect::<Vec<_>>().join(".")
        };
        match groups.last_mut() {
            Some((name, list)) if *name == section => list.push(r),
            _ => groups.push((section, vec![r])),
        }
    }
    for (section, results) in groups {
        writeln!(
            out,
            r#"  <testsuite name="{} {}" tests="{}">"#,
            xml_escape(&report.benchmark.name),
            xml_escape(&section),
            results.len()
        )?;
        for r in results {
            write!(
                out,
                r#"    <testcase classname="{}" name="{} {}">"#,
                xml_escape(&section),
                xml_escape(&r.id),
                xml_escape(&r.title)
            )?;
            let text = xml_escape(&detail(r));
            match r.status {
                NodeStatus::Pass => {}
                NodeStatus::Fail => write!(
                    out,
                    r#"<failure message="{text}">{}</failure>"#,
                    xml_escape(r.remediation.as_deref().unwrap_or(""))
                )?,
                NodeStatus::Error => write!(out, r#"<error message="{text}"/>"#)?,
                NodeStatus::Manual => write!(out, r#"<skipped message="manual: {text}"/>"#)?,
                NodeStatus::NotApplicable => {
                    write!(out, r#"<skipped message="not applicable: {text}"/>"#)?
                }
            }
            writeln!(out, "</testcase>")?;
        }
        writeln!(out, "  </testsuite>")?;
    }
    writeln!(out, "</testsuites>")
}

pub fn render_csv(report: &NodeReport, out: &mut dyn Write) -> io::Result<()> {
    write!(
        out,
        "id,status,automated,title,reason,evidence,remediation\r\n"
    )?;
    for r in all(report) {
        let row = [
            r.id.as_str(),
            r.status.as_str(),
            if r.automated { "true" } else { "false" },
            r.title.as_str(),
            r.reason.as_deref().unwrap_or(""),
            &r.evidence.join(" | "),
            r.remediation.as_deref().unwrap_or(""),
        ]
        .map(cell);
        write!(out, "{}\r\n", row.join(","))?;
    }
    Ok(())
}

pub fn render_markdown(report: &NodeReport, out: &mut dyn Write) -> io::Result<()> {
    writeln!(
        out,
        "## palisade node: {} ({})",
        report.benchmark.name,
        md_cell(&report.benchmark.reason)
    )?;
    writeln!(out)?;
    writeln!(
        out,
        "| section | pass | fail | manual | n/a | error |\n|---|---:|---:|---:|---:|---:|"
    )?;
    for s in &report.sections {
        let c = &s.counts;
        writeln!(
            out,
            "| {} {} | {} | {} | {} | {} | {} |",
            s.id,
            md_cell(&s.title),
            c.pass,
            c.fail,
            c.manual,
            c.not_applicable,
            c.error
        )?;
    }
    let failing: Vec<&NodeResult> = all(report)
        .filter(|r| matches!(r.status, NodeStatus::Fail | NodeStatus::Error))
        .collect();
    if !failing.is_empty() {
        writeln!(out)?;
        writeln!(out, "| status | id | title | why |\n|---|---|---|---|")?;
        for r in failing {
            writeln!(
                out,
                "| {} | {} | {} | {} |",
                r.status.as_str(),
                r.id,
                md_cell(&r.title),
                md_cell(r.reason.as_deref().unwrap_or(""))
            )?;
        }
    }
    Ok(())
}

pub fn render_html(
    report: &NodeReport,
    compliance: &[FrameworkRollup],
    tool_version: &str,
    out: &mut dyn Write,
) -> io::Result<()> {
    let mut html = String::new();
    let _ = write!(
        html,
        r#"<!doctype html><html lang="en"><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'"><title>palisade node report</title><style>{STYLE}</style></head><body><header><h1>palisade node audit: {}</h1><p>{} node, {} layout; {}</p></header><main>"#,
        esc(&report.benchmark.name),
        esc(&report.role),
        esc(&report.layout),
        esc(&report.benchmark.reason)
    );
    for f in compliance {
        let score = f.score.map_or("n/a".to_string(), |s| format!("{s}%"));
        let _ = write!(
            html,
            r#"<section class="card framework" data-framework="{}"><h2>{} {}</h2><div class="score">{score}</div><div class="muted">{} passed, {} failed, {} manual, {} not applicable, {} not evaluated</div></section>"#,
            esc(&f.name),
            esc(&f.title),
            esc(&f.version),
            f.passed,
            f.failed,
            f.manual,
            f.not_applicable,
            f.not_evaluated
        );
    }
    html.push_str(r#"<section><h2>Summary</h2><table><thead><tr><th>section</th><th>pass</th><th>fail</th><th>manual</th><th>n/a</th><th>error</th></tr></thead><tbody>"#);
    for s in &report.sections {
        let c = &s.counts;
        let _ = write!(
            html,
            "<tr><td>{} {}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(&s.id),
            esc(&s.title),
            c.pass,
            c.fail,
            c.manual,
            c.not_applicable,
            c.error
        );
    }
    html.push_str(r#"</tbody></table></section><section id="results"><h2>Recommendations</h2><div class="filters"><select id="status" aria-label="status"><option value="">all statuses</option>"#);
    for s in NodeStatus::ALL {
        let _ = write!(html, r#"<option value="{0}">{0}</option>"#, s.as_str());
    }
    let total = all(report).count();
    let _ = write!(
        html,
        r#"</select><span id="shown">{total} of {total} shown</span></div><table><thead><tr><th>status</th><th>id</th><th>title</th><th>evidence</th></tr></thead><tbody>"#
    );
    for r in all(report) {
        let evidence: Vec<String> = r.evidence.iter().map(|e| esc(e)).collect();
        let why = r
            .reason
            .as_deref()
            .map(|x| format!("<br><em>{}</em>", esc(x)))
            .unwrap_or_default();
        let fix = r
            .remediation
            .as_deref()
            .map(|x| format!("<details><summary>How to fix</summary>{}</details>", esc(x)))
            .unwrap_or_default();
        let _ = write!(
            html,
            r#"<tr data-status="{0}"><td class="status-{0}">{0}</td><td>{1}</td><td>{2}</td><td>{3}{why}{fix}</td></tr>"#,
            r.status.as_str(),
            esc(&r.id),
            esc(&r.title),
            evidence.join("<br>")
        );
    }
    let _ = write!(
        html,
        r#"</tbody></table></section><footer class="muted">palisade {}</footer></main><script>
(function () {{
  var rows = Array.prototype.slice.call(document.querySelectorAll('#results tbody tr'));
  var status = document.getElementById('status'), shown = document.getElementById('shown');
  function apply() {{
    var n = 0;
    rows.forEach(function (row) {{ var ok = !status.value || row.dataset.status === status.value; row.hidden = !ok; if (ok) {{ n++; }} }});
    shown.textContent = n + ' of ' + rows.length + ' shown';
  }}
  var params = new URLSearchParams(location.hash.replace(/^#/, ''));
  if (params.get('status')) {{ status.value = params.get('status'); }}
  status.addEventListener('change', apply);
  apply();
}})();
</script></body></html>"#,
        esc(tool_version)
    );
    out.write_all(html.as_bytes())?;
    writeln!(out)
}

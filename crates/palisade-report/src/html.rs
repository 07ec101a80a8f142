//! One self-contained HTML file for a security lead: compliance scores per
//! framework with a chart, findings by severity, namespace and check, and
//! every finding with its remediation, filterable and searchable. No
//! network fetches: styles, script and charts (SVG) are inline, so the file
//! works offline, and its Content-Security-Policy forbids any fetch.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::{self, Write};

use palisade_core::{ScanReport, Severity};
use palisade_frameworks::rollup::{ControlStatus, FrameworkRollup};

use crate::Reporter;

pub struct HtmlReporter {
    pub tool_version: &'static str,
    /// The frameworks to score, each judged from this report.
    pub frameworks: Vec<FrameworkRollup>,
}

/// Text for HTML content and attribute values.
pub fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if c.is_control() && c != '\n' && c != '\t' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

const SEVERITIES: [Severity; 5] = [
    Severity::Critical,
    Severity::High,
    Severity::Medium,
    Severity::Low,
    Severity::Info,
];

pub(crate) const STYLE: &str = r#"
:root { --critical:#7b1fa2; --high:#c62828; --medium:#ef6c00; --low:#1565c0; --info:#00838f; --pass:#2e7d32; --muted:#666; }
* { box-sizing: border-box; }
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 0; color: #1a1a1a; background: #f6f7f9; }
header { background: #1f2937; color: #fff; padding: 20px 32px; }
header h1 { margin: 0 0 6px; font-size: 22px; }
header p { margin: 0; color: #d1d5db; }
main { padding: 20px 32px; max-width: 1400px; }
section { background: #fff; border: 1px solid #e5e7eb; border-radius: 8px; padding: 16px 20px; margin-bottom: 20px; }
h2 { font-size: 18px; margin: 0 0 12px; }
.cards { display: flex; flex-wrap: wrap; gap: 16px; }
.card { border: 1px solid #e5e7eb; border-radius: 8px; padding: 12px 16px; min-width: 220px; }
.score { font-size: 28px; font-weight: 700; }
.muted { color: var(--muted); }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 6px 8px; border-bottom: 1px solid #eee; vertical-align: top; }
th { background: #f3f4f6; position: sticky; top: 0; }
.sev { font-weight: 700; text-transform: uppercase; font-size: 12px; }
.sev-critical { color: var(--critical); } .sev-high { color: var(--high); } .sev-medium { color: var(--medium); }
.sev-low { color: var(--low); } .sev-info { color: var(--info); }
.filters { display: flex; flex-wrap: wrap; gap: 10px; margin-bottom: 12px; align-items: center; }
.filters input, .filters select { padding: 6px 8px; border: 1px solid #ccc; border-radius: 6px; font: inherit; }
.filters input { min-width: 280px; }
code { font-size: 13px; background: #f3f4f6; padding: 1px 4px; border-radius: 4px; }
details summary { cursor: pointer; color: var(--low); }
.status-FAIL { color: var(--high); font-weight: 700; } .status-PASS { color: var(--pass); font-weight: 700; }
.grid2 { display: grid; grid-template-columns: 1fr 1fr; gap: 20px; }
@media (max-width: 900px) { .grid2 { grid-template-columns: 1fr; } }
"#;

const SCRIPT: &str = r#"
(function () {
  var rows = Array.prototype.slice.call(document.querySelectorAll('#findings tbody tr'));
  var q = document.getElementById('q'), sev = document.getElementById('severity'),
      ns = document.getElementById('namespace'), check = document.getElementById('check'),
      shown = document.getElementById('shown');
  function apply() {
    var text = q.value.trim().toLowerCase(), n = 0;
    rows.forEach(function (row) {
      var ok = (!sev.value || row.dataset.severity === sev.value)
        && (!ns.value || row.dataset.namespace === ns.value)
        && (!check.value || row.dataset.check === check.value)
        && (!text || row.textContent.toLowerCase().indexOf(text) !== -1);
      row.hidden = !ok;
      if (ok) { n++; }
    });
    shown.textContent = n + ' of ' + rows.length + ' findings shown';
  }
  // Filters can be preset in the address: report.html#severity=high&q=privileged
  var params = new URLSearchParams(location.hash.replace(/^#/, ''));
  if (params.get('q')) { q.value = params.get('q'); }
  if (params.get('severity')) { sev.value = params.get('severity'); }
  if (params.get('namespace')) { ns.value = params.get('namespace'); }
  if (params.get('check')) { check.value = params.get('check'); }
  [q, sev, ns, check].forEach(function (el) { el.addEventListener('input', apply); el.addEventListener('change', apply); });
  apply();
})();
"#;

/// Horizontal bars, one per labelled count.
fn bar_chart(bars: &[(String, usize, &str)]) -> String {
    let max = bars.iter().map(|b| b.1).max().unwrap_or(0).max(1);
    let height = bars.len() * 28 + 4;
    let mut svg = format!(
        r#"<svg role="img" aria-label="findings by severity" width="420" height="{height}" viewBox="0 0 420 {height}">"#
    );
    for (i, (label, count, color)) in bars.iter().enumerate() {
        let y = i * 28 + 4;
        let width = (*count as f64 / max as f64 * 260.0).round() as usize;
        let _ = write!(
            svg,
            r#"<text x="0" y="{}" font-size="13">{}</text><rect x="90" y="{y}" width="{width}" height="20" fill="{color}"></rect><text x="{}" y="{}" font-size="13">{count}</text>"#,
            y + 15,
            esc(label),
            96 + width,
            y + 15
        );
    }
    svg.push_str("</svg>");
    svg
}

/// A ring showing a percentage.
fn donut(score: Option<f64>) -> String {
    let value = score.unwrap_or(0.0);
    let circumference = 2.0 * std::f64::consts::PI * 40.0;
    let filled = circumference * value / 100.0;
    let color = if value >= 80.0 {
        "var(--pass)"
    } else if value >= 50.0 {
        "var(--medium)"
    } else {
        "var(--high)"
    };
    format!(
        r##"<svg role="img" aria-label="score" width="100" height="100" viewBox="0 0 100 100"><circle cx="50" cy="50" r="40" fill="none" stroke="#e5e7eb" stroke-width="12"></circle><circle cx="50" cy="50" r="40" fill="none" stroke="{color}" stroke-width="12" stroke-dasharray="{filled:.1} {circumference:.1}" transform="rotate(-90 50 50)"></circle></svg>"##
    )
}

fn severity_color(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical => "var(--critical)",
        Severity::High => "var(--high)",
        Severity::Medium => "var(--medium)",
        Severity::Low => "var(--low)",
        Severity::Info => "var(--info)",
    }
}

impl HtmlReporter {
    fn compliance(&self, html: &mut String) {
        if self.frameworks.is_empty() {
            return;
        }
        html.push_str(r#"<section id="compliance"><h2>Compliance</h2><div class="cards">"#);
        for f in &self.frameworks {
            let score = f.score.map_or("n/a".to_string(), |s| format!("{s}%"));
            let _ = write!(
                html,
                r#"<div class="card framework" data-framework="{}"><div>{}</div><div><strong>{}</strong> <span class="muted">{}</span></div><div class="score">{score}</div><div class="muted">{} passed, {} failed, {} manual, {} not applicable, {} not evaluated</div></div>"#,
                esc(&f.name),
                donut(f.score),
                esc(&f.title),
                esc(&f.version),
                f.passed,
                f.failed,
                f.manual,
                f.not_applicable,
                f.not_evaluated,
            );
        }
        html.push_str("</div>");
        for f in &self.frameworks {
            let failed: Vec<_> = f
                .controls
                .iter()
                .filter(|c| c.status == ControlStatus::Fail)
                .collect();
            if failed.is_empty() {
                continue;
            }
            let _ = write!(html, "<details><summary>{}: {} failed controls</summary><table><thead><tr><th>control</th><th>title</th><th>failing</th></tr></thead><tbody>", esc(&f.name), failed.len());
            for control in failed {
                let list: Vec<String> = control
                    .failing
                    .iter()
                    .take(10)
                    .map(|x| format!("<code>{}</code> {}", esc(&x.check), esc(&x.resource)))
                    .collect();
                let more = control.failing_count.saturating_sub(list.len());
                let more = if more > 0 {
                    format!("<br>and {more} more")
                } else {
                    String::new()
                };
                let _ = write!(
                    html,
                    r#"<tr><td class="status-FAIL">{}</td><td>{}</td><td>{}{more}</td></tr>"#,
                    esc(&control.id),
                    esc(&control.title),
                    list.join("<br>")
                );
            }
            html.push_str("</tbody></table></details>");
        }
        html.push_str("</section>");
    }
}

/// One finding as a table row, with the data the filters read.
fn finding_row(f: &palisade_core::Finding, buf: &mut Vec<u8>) -> io::Result<()> {
    let ns = f.resource.namespace.as_deref().unwrap_or("(cluster-wide)");
    let place = if f.pos.line > 0 {
        format!("{}:{}", f.file, f.pos.line)
    } else {
        f.file.to_string()
    };
    write!(
        buf,
        r#"<tr data-severity="{sev}" data-namespace="{ns}" data-check="{id}"><td class="sev sev-{sev}">{sev}</td><td><code>{id}</code><br>{title}</td><td>{resource}</td><td>{place}<br><code>{path}</code></td><td>{message}<details><summary>How to fix</summary>{fix}</details></td></tr>"#,
        sev = f.severity().as_str(),
        ns = esc(ns),
        id = f.check.id,
        title = esc(f.check.title),
        resource = esc(&f.resource.to_string()),
        place = esc(&place),
        path = esc(&f.path),
        message = esc(&f.message),
        fix = esc(f.check.remediation),
    )
}

impl Reporter for HtmlReporter {
    fn render(&self, report: &ScanReport, out: &mut dyn Write) -> io::Result<()> {
        let t = &report.totals;
        let mut html = String::new();
        let _ = write!(
            html,
            r#"<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:"><title>palisade report</title><style>{STYLE}</style></head><body><header><h1>palisade security report</h1><p id="summary-line">{}</p></header><main>"#,
            esc(&crate::table::summary_line(report))
        );
        self.compliance(&mut html);

        // Severities, namespaces and checks.
        let bars: Vec<(String, usize, &str)> = SEVERITIES
            .iter()
            .map(|s| {
                let count = report
                    .findings
                    .iter()
                    .filter(|f| f.severity() == *s)
                    .count();
                (s.as_str().to_string(), count, severity_color(*s))
            })
            .collect();
        let mut by_namespace: BTreeMap<String, [usize; 5]> = BTreeMap::new();
        let mut by_check: BTreeMap<&str, (usize, &palisade_core::CheckMeta, Severity)> =
            BTreeMap::new();
        for f in &report.findings {
            let ns = f
                .resource
                .namespace
                .clone()
                .unwrap_or_else(|| "(cluster-wide)".to_string());
            let index = SEVERITIES
                .iter()
                .position(|s| *s == f.severity())
                .unwrap_or(4);
            by_namespace.entry(ns).or_default()[index] += 1;
            // The reported severity, which the configuration may override.
            by_check
                .entry(f.check.id)
                .or_insert((0, f.check, f.severity()))
                .0 += 1;
        }
        let _ = write!(
            html,
            r#"<section id="overview"><h2>Findings by severity</h2><div class="grid2"><div>{}</div><div><p><strong>{}</strong> findings in {} resources; {} suppressed by exceptions; {} input errors.</p></div></div></section>"#,
            bar_chart(&bars),
            t.findings,
            t.resources,
            t.suppressed,
            t.errors
        );
        html.push_str(r#"<section id="breakdown"><div class="grid2"><div><h2>By namespace</h2><table><thead><tr><th>namespace</th><th>critical</th><th>high</th><th>medium</th><th>low</th><th>info</th></tr></thead><tbody>"#);
        for (ns, counts) in &by_namespace {
            let _ = write!(html, "<tr><td>{}</td>", esc(ns));
            for c in counts {
                let _ = write!(html, "<td>{c}</td>");
            }
            html.push_str("</tr>");
        }
        html.push_str(r#"</tbody></table></div><div><h2>By check</h2><table><thead><tr><th>check</th><th>title</th><th>severity</th><th>findings</th></tr></thead><tbody>"#);
        let mut checks: Vec<_> = by_check.values().collect();
        checks.sort_by_key(|(count, _, severity)| {
            (std::cmp::Reverse(*severity), std::cmp::Reverse(*count))
        });
        for (count, meta, severity) in checks {
            let _ = write!(
                html,
                r#"<tr><td><code>{}</code></td><td>{}</td><td class="sev sev-{}">{}</td><td>{count}</td></tr>"#,
                meta.id,
                esc(meta.title),
                severity.as_str(),
                severity.as_str()
            );
        }
        html.push_str("</tbody></table></div></div></section>");

        // Every finding, filterable.
        html.push_str(r#"<section id="findings"><h2>Findings</h2><div class="filters"><input id="q" type="search" placeholder="Search resource, message, file…" aria-label="search"><select id="severity" aria-label="severity"><option value="">all severities</option>"#);
        for s in SEVERITIES {
            let _ = write!(html, r#"<option value="{0}">{0}</option>"#, s.as_str());
        }
        html.push_str(r#"</select><select id="namespace" aria-label="namespace"><option value="">all namespaces</option>"#);
        for ns in by_namespace.keys() {
            let _ = write!(html, r#"<option value="{0}">{0}</option>"#, esc(ns));
        }
        html.push_str(r#"</select><select id="check" aria-label="check"><option value="">all checks</option>"#);
        for id in by_check.keys() {
            let _ = write!(html, r#"<option value="{id}">{id}</option>"#);
        }
        let _ = write!(
            html,
            r#"</select><span id="shown">{0} of {0} findings shown</span></div><table><thead><tr><th>severity</th><th>check</th><th>resource</th><th>where</th><th>problem</th></tr></thead><tbody>"#,
            report.findings.len()
        );
        // Rows are rendered in parallel and streamed: a large scan's page
        // is hundreds of megabytes, which need not be held at once.
        out.write_all(html.as_bytes())?;
        html.clear();
        crate::stream::write_parallel(&report.findings, b"", out, finding_row)?;
        let _ = write!(
            html,
            r#"</tbody></table></section><footer class="muted" style="padding:0 32px 24px">palisade {}</footer></main><script>{SCRIPT}</script></body></html>"#,
            esc(self.tool_version)
        );
        out.write_all(html.as_bytes())?;
        writeln!(out)
    }
}

//! The HTML report as a person sees it: rendered by headless Chromium
//! (installed by `.ci/run` from Debian's `chromium` package), with its
//! script run, then read back from the rendered page. CI sets
//! PALISADE_REQUIRE_CHROMIUM so that these tests cannot be skipped there.

mod support;

use std::path::{Path, PathBuf};

use support::{chromium, palisade, rendered, repo_root};

fn report(dir: &Path, args: &[&str]) -> PathBuf {
    let file = dir.join("report.html");
    palisade()
        .current_dir(repo_root())
        .args([
            "scan",
            "examples/",
            "--format",
            "html",
            "--fail-on",
            "none",
            "-o",
        ])
        .arg(&file)
        .args(args)
        .assert()
        .success();
    file
}

fn count(haystack: &str, needle: &str) -> usize {
    haystack.matches(needle).count()
}

#[test]
fn the_report_shows_scores_charts_and_findings_and_filters_them() {
    let Some(browser) = chromium() else { return };
    let dir = tempfile::tempdir().unwrap();
    let file = report(dir.path(), &[]);
    let html = std::fs::read_to_string(&file).unwrap();
    // Self-contained: nothing is fetched.
    assert!(
        !html.contains("http://") && !html.contains("src=\"http"),
        "no external resources"
    );
    assert!(!html.contains("<link") && !html.contains("<script src"));

    let page = rendered(&browser, &file, "");
    // A score card per framework, with its chart.
    assert_eq!(
        count(&page, "class=\"card framework\""),
        10,
        "one card per framework"
    );
    assert!(page.contains("data-framework=\"cis-1.10\"") && page.contains("aria-label=\"score\""));
    assert!(
        page.contains("Findings by severity")
            && page.contains("aria-label=\"findings by severity\"")
    );
    assert!(page.contains("<h2>By namespace</h2>") && page.contains("<h2>By check</h2>"));
    // Every finding, with its remediation; the script counted them.
    assert!(page.contains("180 of 180 findings shown"), "script ran");
    assert_eq!(count(&page, "<summary>How to fix</summary>"), 180);

    // Filters, preset through the address as a person would set them.
    let critical = rendered(&browser, &file, "severity=critical");
    assert!(critical.contains("12 of 180 findings shown"));
    assert_eq!(
        count(&critical, " hidden=\"\""),
        168,
        "non-critical rows hidden"
    );
    let searched = rendered(&browser, &file, "q=CAPABILITY&namespace=kube-system");
    let shown = searched
        .split("id=\"shown\">")
        .nth(1)
        .unwrap()
        .split(' ')
        .next()
        .unwrap();
    let shown: usize = shown.parse().unwrap();
    assert!(shown > 0 && shown < 180, "{shown}");
}

#[test]
fn a_selected_framework_is_the_only_one_scored() {
    let Some(browser) = chromium() else { return };
    let dir = tempfile::tempdir().unwrap();
    let file = report(dir.path(), &["--framework", "pss-restricted"]);
    let page = rendered(&browser, &file, "");
    assert_eq!(count(&page, "class=\"card framework\""), 1);
    assert!(page.contains("Kubernetes Pod Security Standards: Restricted"));
    assert!(
        page.contains("failed controls"),
        "failed controls are listed"
    );
}

#[test]
fn text_from_manifests_cannot_inject_markup() {
    let Some(browser) = chromium() else { return };
    let dir = tempfile::tempdir().unwrap();
    let manifest = dir.path().join("evil.yaml");
    std::fs::write(
        &manifest,
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: \"x<img src=x onerror=alert(1)>\"\n  namespace: \"<b>ns</b>\"\nspec:\n  containers:\n  - name: \"<script>boom()</script>\"\n    image: nginx\n    securityContext: {privileged: true}\n",
    )
    .unwrap();
    let file = dir.path().join("report.html");
    palisade()
        .args(["scan", "--format", "html", "--fail-on", "none", "-o"])
        .arg(&file)
        .arg(&manifest)
        .assert()
        .success();
    let page = rendered(&browser, &file, "");
    assert!(
        !page.contains("<img src=\"x\"") && !page.contains("<script>boom"),
        "escaped"
    );
    assert!(page.contains("&lt;script&gt;boom()&lt;/script&gt;"));
}

//! The reports: HTML as a person sees it (headless Chromium), escaping of
//! hostile page content, sites.csv, re-rendering from report.json, and the
//! JSON Schema.

use crate::common::*;
use govscan_demo::server::Route;
use std::path::{Path, PathBuf};
use std::process::Command;

fn chromium() -> Option<PathBuf> {
    govscan::render::find_chromium()
}

/// What headless Chromium saw: the DOM after scripts ran, console lines,
/// and the http(s) URLs the page itself requested.
struct BrowserView {
    dom: String,
    console: Vec<String>,
    requests: Vec<String>,
}

fn open_in_chromium(bin: &Path, url: &str, screenshot: Option<&Path>) -> BrowserView {
    let profile = tempfile::tempdir().unwrap();
    let netlog = profile.path().join("net.json");
    let mut cmd = Command::new("timeout");
    cmd.arg("90").arg(bin).args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        // Chromium's own lookups (its services, not the page's) never leave
        // the machine: every name resolves to nothing.
        "--host-resolver-rules=MAP * ~NOTFOUND",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--enable-logging=stderr",
        "--v=0",
        "--window-size=1400,1000",
    ]);
    cmd.arg(format!("--user-data-dir={}", profile.path().display()));
    cmd.arg(format!("--log-net-log={}", netlog.display()));
    match screenshot {
        Some(path) => cmd.arg(format!("--screenshot={}", path.display())),
        None => cmd.arg("--dump-dom"),
    };
    let out = cmd.arg(url).output().expect("chromium runs");
    let console = String::from_utf8_lossy(&out.stderr)
        .lines()
        .filter(|l| l.contains(":CONSOLE"))
        .map(str::to_string)
        .collect();
    // Requests the page made carry a file:// isolation key; Chromium's own
    // background requests do not.
    let log = std::fs::read_to_string(&netlog).unwrap_or_default();
    let mut requests = Vec::new();
    if let Ok(v) = serde_json::from_str::<serde_json::Value>(&log) {
        for e in v["events"].as_array().into_iter().flatten() {
            let p = &e["params"];
            let url = p["url"].as_str().unwrap_or("");
            let key = p["network_isolation_key"].as_str().unwrap_or("");
            if (url.starts_with("http://") || url.starts_with("https://"))
                && key.contains("file://")
            {
                requests.push(url.to_string());
            }
        }
    }
    BrowserView {
        dom: String::from_utf8_lossy(&out.stdout).into_owned(),
        console,
        requests,
    }
}

async fn demo_report(out: &Path) -> DemoReportCounts {
    let (outcome, _, _) = scan_demo(60, out).await;
    DemoReportCounts {
        issues: count_issues(out),
        sites: outcome.report.sites.len(),
    }
}

/// What the demo report holds, for the browser test to compare with.
struct DemoReportCounts {
    issues: usize,
    sites: usize,
}

fn count_issues(out: &Path) -> usize {
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    let start = html.find("id=\"govscan-data\">").unwrap() + "id=\"govscan-data\">".len();
    let end = start + html[start..].find("</script>").unwrap();
    let data: serde_json::Value = serde_json::from_str(&html[start..end]).unwrap();
    data["issues"].as_array().unwrap().len()
}

fn attr_value(dom: &str, id: &str, attr: &str) -> Option<String> {
    let pos = dom.find(&format!("id=\"{id}\""))?;
    let tag_start = dom[..pos].rfind('<')?;
    let tag = &dom[tag_start..tag_start + dom[tag_start..].find('>')?];
    let a = tag.find(&format!("{attr}=\""))? + attr.len() + 2;
    Some(tag[a..a + tag[a..].find('"')?].to_string())
}

#[tokio::test(flavor = "multi_thread")]
async fn the_demo_report_renders_in_a_browser_filters_and_stays_offline() {
    let Some(bin) = chromium() else {
        // CI installs Chromium (.ci/run): there, a missing browser is a failure.
        assert!(
            std::env::var("CI").is_err(),
            "CI=true but chromium is not installed: .ci/run must install it"
        );
        eprintln!("SKIPPED: chromium not found (install Debian's `chromium` or set GOVSCAN_CHROMIUM): the browser test did not run");
        return;
    };
    let out = tempfile::tempdir().unwrap();
    let demo = demo_report(out.path()).await;
    let report = out.path().join("report.html");
    let url = format!("file://{}", report.display());
    let view = tokio::task::spawn_blocking({
        let (bin, url) = (bin.clone(), url.clone());
        move || open_in_chromium(&bin, &url, None)
    })
    .await
    .unwrap();
    // The overview table, a site section and the charts rendered.
    let overview = &view.dom[view
        .dom
        .find("id=\"overview-table\"")
        .expect("overview table")..];
    let tbody = &overview[..overview.find("</tbody>").unwrap()];
    assert_eq!(tbody.matches("<tr><td").count(), demo.sites);
    assert!(view.dom.contains("id=\"site-0\"") && view.dom.contains("id=\"site-1\""));
    assert!(view.dom.matches("<svg").count() >= 3, "charts");
    // The findings list rendered every issue (a page at a time).
    assert_eq!(
        attr_value(&view.dom, "issues", "data-shown"),
        Some(demo.issues.to_string())
    );
    assert!(
        view.console.is_empty(),
        "console output: {:?}",
        view.console
    );
    assert!(
        view.requests.is_empty(),
        "the report requested {:?}",
        view.requests
    );

    // A filter narrows the list.
    let filtered = tokio::task::spawn_blocking({
        let (bin, url) = (
            bin.clone(),
            format!("{url}#q:site=0&check=link.dead&sev=&text="),
        );
        move || open_in_chromium(&bin, &url, None)
    })
    .await
    .unwrap();
    let shown: usize = attr_value(&filtered.dom, "issues", "data-shown")
        .unwrap()
        .parse()
        .unwrap();
    assert!(
        shown > 0 && shown < demo.issues,
        "{shown} of {}",
        demo.issues
    );
    assert_eq!(
        filtered.dom.matches("data-check=\"link.dead\"").count(),
        shown.min(100)
    );
    assert!(!filtered.dom.contains("data-check=\"footer."));
    assert!(filtered.console.is_empty(), "{:?}", filtered.console);

    // A screenshot, for people.
    let shot = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("report-screenshot.png");
    let taken = tokio::task::spawn_blocking({
        let (bin, url, shot) = (bin.clone(), url.clone(), shot.clone());
        move || open_in_chromium(&bin, &url, Some(&shot))
    })
    .await
    .unwrap();
    assert!(taken.requests.is_empty());
    assert!(
        std::fs::metadata(&shot)
            .map(|m| m.len() > 10_000)
            .unwrap_or(false),
        "screenshot at {}",
        shot.display()
    );
    eprintln!("report screenshot: {}", shot.display());
}

const HOSTILE: &str = "www.hostile.gov.cn";

#[tokio::test(flavor = "multi_thread")]
async fn page_content_is_escaped_and_never_runs_in_the_report() {
    let fx = start(|_, p| {
        p.page(
            HOSTILE,
            "/",
            "<html><head><title><script>console.error('xss-fired')</script>首页</title></head><body>\
             <a href=\"/gone.html\"><img src=x onerror=\"console.error('xss-fired')\">旧<b>链接</b>\"'&lt;</a>\
             <a href=\"javascript:console.error('xss-fired')\">点我</a>\
             <a href=\"/x\\\" onmouseover=\\\"console.error('xss-fired')\">属性</a>\
             <a href=\"/%3Cscript%3Ealert(1)%3C/script%3E.html\">脚本路径</a></body></html>",
        );
    })
    .await;
    let out = tempfile::tempdir().unwrap();
    let mut f = flags(&["--rate", "0"]);
    f.extend(fx.resolve(&[HOSTILE]));
    scan(&[fx.base(HOSTILE) + "/"], &f, out.path()).await;
    let html = std::fs::read_to_string(out.path().join("report.html")).unwrap();
    assert!(
        !html.contains("<script>console.error"),
        "a page's script reached the report"
    );
    assert!(
        !html.contains("onerror=\"console"),
        "an attribute from a page reached the report"
    );
    assert!(
        !html.to_lowercase().contains("href=\"javascript:"),
        "a javascript: URL became a link"
    );
    assert!(
        html.contains("旧链接\\\"'\\u003c"),
        "link text is kept, escaped, in the data"
    );
    assert_eq!(
        html.matches("<script").count(),
        2,
        "only the report's own two script elements"
    );
    if let Some(bin) = chromium() {
        let url = format!("file://{}", out.path().join("report.html").display());
        let view = tokio::task::spawn_blocking(move || open_in_chromium(&bin, &url, None))
            .await
            .unwrap();
        assert!(
            !view.console.iter().any(|l| l.contains("xss-fired")),
            "{:?}",
            view.console
        );
        assert!(view.console.is_empty(), "{:?}", view.console);
        assert!(
            view.dom.contains("旧链接\"'&lt;"),
            "the link text shows as text"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn sites_csv_and_rerendering_from_report_json_with_other_rules() {
    let fx = start(|_, p| {
        p.page(
            "www.a.gov.cn",
            "/",
            page(
                "首页",
                r#"<a href="/d1.html">一</a><a href="/d2.html">二</a>"#,
            ),
        );
        p.add(
            "www.a.gov.cn",
            "/robots.txt",
            Route::new(404, "text/plain", ""),
        );
    })
    .await;
    let out = tempfile::tempdir().unwrap();
    let mut f = flags(&["--rate", "0"]);
    f.extend(fx.resolve(&["www.a.gov.cn"]));
    scan(&[fx.base("www.a.gov.cn") + "/"], &f, out.path()).await;
    drop(fx); // re-rendering must not need the site
    let sites = std::fs::read_to_string(out.path().join("sites.csv")).unwrap();
    let mut lines = sites.lines();
    assert_eq!(
        lines.next().unwrap(),
        "\u{feff}site,url,verdict,score,vetoes,pages,dead_links_home,dead_links_other,stale_columns,empty_columns,footer_problems,policy_without_interpretation,privacy_pages,findings,profile,audit,audit_reason,problems,pages_affected,blocked_links,level,messages,unanswered_overdue,median_reply_workdays,serious_errors,region"
    );
    let row: Vec<String> = lines
        .next()
        .unwrap()
        .split(',')
        .map(str::to_string)
        .collect();
    assert_eq!(row[6], "2", "two dead links on the home page");
    // Two dead home links at 1 point each, and the footer item (capped at 6).
    let score: f64 = row[3].parse().unwrap();
    assert!((score - (100.0 - 2.0 - 6.0)).abs() < 0.01, "{score}");

    // A province weighs home-page dead links at 5 points: re-render only.
    let national = govscan_checks::profile::NATIONAL_TOML;
    let marker = "name = \"首页链接不可用\"";
    let at = national.find(marker).unwrap();
    let points = at + national[at..].find("points = 1.0").unwrap();
    let province = format!(
        "{}points = 5.0{}",
        &national[..points],
        &national[points + "points = 1.0".len()..]
    )
    .replace("name = \"national\"", "name = \"province\"");
    let rules = out.path().join("province.toml");
    std::fs::write(&rules, province).unwrap();
    let before = std::fs::read_to_string(out.path().join("report.html")).unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_govscan"))
        .args([
            "report",
            out.path().to_str().unwrap(),
            "--rules",
            rules.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let sites = std::fs::read_to_string(out.path().join("sites.csv")).unwrap();
    let row: Vec<&str> = sites.lines().nth(1).unwrap().split(',').collect();
    let score: f64 = row[3].parse().unwrap();
    assert!((score - (100.0 - 10.0 - 6.0)).abs() < 0.01, "{score}");
    assert_eq!(row[14], "province");
    let after = std::fs::read_to_string(out.path().join("report.html")).unwrap();
    assert!(
        after != before && after.contains("province"),
        "report.html was re-rendered"
    );
    // Without --rules, the rules the run itself used (kept in report.json) apply.
    let output = Command::new(env!("CARGO_BIN_EXE_govscan"))
        .args(["report", out.path().to_str().unwrap()])
        .output()
        .unwrap();
    assert!(output.status.success());
    let sites = std::fs::read_to_string(out.path().join("sites.csv")).unwrap();
    let header: Vec<&str> = sites.lines().next().unwrap().split(',').collect();
    let profile_col = header.iter().position(|c| *c == "profile").unwrap();
    let row: Vec<&str> = sites.lines().nth(1).unwrap().split(',').collect();
    assert_eq!(row[profile_col], "province");
    // A folder without report.json is a usage error.
    let empty = tempfile::tempdir().unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_govscan"))
        .args(["report", empty.path().to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("report.json"));
}

#[test]
fn the_committed_json_schema_matches_the_types() {
    let committed = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/reports/report.schema.json"))
        .expect("reports/report.schema.json exists (regenerate with `govscan schema > reports/report.schema.json`)");
    assert_eq!(
        committed,
        govscan_reports::report_schema(),
        "regenerate with `govscan schema > reports/report.schema.json`"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_report_written_before_audits_loads_and_a_site_never_read_is_not_pass() {
    // report.json of a scan of a host that does not resolve, written by the
    // govscan before audits existed: it said 合格 100.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("report.json"),
        include_str!("fixtures/report-before-audit.json"),
    )
    .unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_govscan"))
        .args(["report", dir.path().to_str().unwrap()])
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let sites = std::fs::read_to_string(dir.path().join("sites.csv")).unwrap();
    let row = sites.lines().nth(1).unwrap();
    assert!(
        row.contains(",未能检查（首页无法访问：域名无法解析）,,"),
        "{row}"
    );
    assert!(row.contains(",not_audited,"), "{row}");
    let findings = std::fs::read_to_string(dir.path().join("findings.csv")).unwrap();
    assert!(findings.contains("site.not_audited,error"), "{findings}");
}

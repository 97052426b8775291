//! Shared helpers: start a fixture portal, scan it in-process, read results.

#![allow(dead_code)]

use clap::Parser;
use govscan::cli::OptionsOnly;
use govscan::crawl::site::SiteSpec;
use govscan::run::{run_scan, ScanOutcome, ScanSetup};
use govscan_checks::Finding;
use govscan_demo::server::{self, Portal};
use std::collections::BTreeSet;
use std::path::Path;
use std::sync::Arc;

/// The govscan binary, as users run it.
pub fn govscan() -> std::process::Command {
    std::process::Command::new(env!("CARGO_BIN_EXE_govscan"))
}

/// Runs a command to the end off the async workers, with no standard input.
pub async fn run(mut cmd: std::process::Command) -> std::process::Output {
    tokio::task::spawn_blocking(move || {
        cmd.stdin(std::process::Stdio::null())
            .output()
            .expect("runs")
    })
    .await
    .unwrap()
}

/// A portal being served.
pub struct Fixture {
    pub portal: Arc<Portal>,
    pub port: u16,
    handle: tokio::task::JoinHandle<()>,
}

impl Drop for Fixture {
    fn drop(&mut self) {
        self.handle.abort();
    }
}

impl Fixture {
    /// `http://HOST:PORT` for a fixture host.
    pub fn base(&self, host: &str) -> String {
        format!("http://{host}:{}", self.port)
    }

    /// `--resolve` flags mapping these hosts to the fixture.
    pub fn resolve(&self, hosts: &[&str]) -> Vec<String> {
        hosts
            .iter()
            .flat_map(|h| {
                [
                    "--resolve".to_string(),
                    format!("{h}:{}:127.0.0.1", self.port),
                ]
            })
            .collect()
    }

    /// Requests received for a host and path, as (method, path).
    /// The methods of the crawler's requests for `path` (the home page's
    /// one extra fetch as a search-engine spider is not among them).
    pub fn hits_for(&self, host: &str, path: &str) -> Vec<String> {
        self.portal
            .hits()
            .into_iter()
            .filter(|h| h.host == host && h.path == path && !h.from_spider())
            .map(|h| h.method)
            .collect()
    }

    /// The paths requested as a search-engine spider.
    pub fn spider_hits(&self, host: &str) -> Vec<String> {
        self.portal
            .hits()
            .into_iter()
            .filter(|h| h.host == host && h.from_spider())
            .map(|h| h.path)
            .collect()
    }
}

/// Builds a portal for the port it will be served on, and serves it.
pub async fn start(build: impl FnOnce(u16, &mut Portal)) -> Fixture {
    let (listener, addr) = server::bind().await.expect("bind 127.0.0.1");
    let mut portal = Portal::new();
    build(addr.port(), &mut portal);
    let portal = Arc::new(portal);
    let handle = server::serve(listener, portal.clone());
    Fixture {
        portal,
        port: addr.port(),
        handle,
    }
}

/// Scans `urls` in-process with these flags (as a user would type them).
pub async fn scan(urls: &[String], flags: &[String], out: &Path) -> ScanOutcome {
    let mut argv = vec!["govscan".to_string(), "--quiet".into()];
    let db = out.join("govscan.db").display().to_string();
    let db_flag: (&str, Option<&str>) = if flags.iter().any(|f| f == "--no-db") {
        ("--no-db", None)
    } else {
        ("--db", Some(db.as_str()))
    };
    for (flag, value) in [("--offline", None), ("--now", Some("2026-11-23")), db_flag] {
        if !flags.iter().any(|f| f == flag) {
            argv.push(flag.into());
            argv.extend(value.map(String::from));
        }
    }
    argv.extend(flags.iter().cloned());
    let opts = OptionsOnly::try_parse_from(&argv)
        .expect("valid flags")
        .opts;
    let sites = urls
        .iter()
        .map(|u| SiteSpec {
            name: url::Url::parse(u).unwrap().host_str().unwrap().to_string(),
            seed: url::Url::parse(u).unwrap(),
            extra: Vec::new(),
            level: None,
        })
        .collect();
    let setup = ScanSetup::new(sites, &opts, out).expect("valid setup");
    let outcome = tokio::time::timeout(std::time::Duration::from_secs(120), run_scan(setup))
        .await
        .expect("scan finishes in time")
        .expect("scan succeeds");
    as_written(outcome, out)
}

/// The outcome with its report as `report.json` holds it: a finished
/// site's pages are spilled to disk during the run, so the tests read the
/// pages (and everything else) from what users get.
pub fn as_written(mut outcome: ScanOutcome, out: &Path) -> ScanOutcome {
    let file = std::fs::File::open(out.join("report.json")).expect("report.json written");
    let written: govscan_reports::RunReport =
        serde_json::from_reader(std::io::BufReader::new(file)).expect("report.json parses");
    assert_eq!(written.sites.len(), outcome.report.sites.len());
    for (w, o) in written.sites.iter().zip(&outcome.report.sites) {
        assert_eq!(w.name, o.name);
        assert_eq!(w.findings, o.findings, "{}: findings as written", w.name);
        assert_eq!(w.pages_read(), o.pages_read(), "{}: pages read", w.name);
        // A finished site's pages wait on disk for the reports.
        assert!(o.pages.is_empty(), "{}: pages left in memory", o.name);
        assert_eq!(o.spilled.is_some(), !w.pages.is_empty(), "{}", w.name);
    }
    outcome.report = written;
    outcome
}

/// Builds the demo portal with `articles` articles, serves it, scans it
/// as `govscan demo` does into `out`, and stops the server.
pub async fn scan_demo(articles: usize, out: &Path) -> (ScanOutcome, Arc<Portal>, u16) {
    let (listener, v6_listener, addr) = server::bind_dual().await.unwrap();
    let closed = server::closed_port().await.unwrap();
    let now = chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
    let demo = govscan_demo::portal::build(addr.port(), closed, now, articles);
    let v6_hosts = if v6_listener.is_some() {
        demo.v6_hosts.clone()
    } else {
        Vec::new()
    };
    let mut opts = govscan::demo::demo_options(addr.port(), &demo.hosts, &v6_hosts, now);
    opts.quiet = true;
    opts.db = Some(out.join("govscan.db"));
    let sites = demo
        .sites
        .iter()
        .map(|(_, u)| SiteSpec {
            name: url::Url::parse(u).unwrap().host_str().unwrap().to_string(),
            seed: url::Url::parse(u).unwrap(),
            extra: Vec::new(),
            level: demo.level_of(u),
        })
        .collect();
    let portal = Arc::new(demo.portal);
    let handle = server::serve(listener, portal.clone());
    let handle_v6 = v6_listener.map(|l| server::serve(l, portal.clone()));
    let setup = ScanSetup::new(sites, &opts, out).expect("valid setup");
    let outcome = tokio::time::timeout(std::time::Duration::from_secs(120), run_scan(setup))
        .await
        .expect("scan finishes in time")
        .expect("scan succeeds");
    handle.abort();
    if let Some(h) = handle_v6 {
        h.abort();
    }
    (as_written(outcome, out), portal, closed)
}

/// All findings of a run.
pub fn all_findings(outcome: &ScanOutcome) -> Vec<Finding> {
    outcome
        .report
        .sites
        .iter()
        .flat_map(|s| s.findings.iter().cloned())
        .collect()
}

/// The link and page findings of a run (fixture pages have no footers, so
/// the compliance checks are asserted in their own tests).
pub fn findings(outcome: &ScanOutcome) -> Vec<Finding> {
    all_findings(outcome)
        .into_iter()
        .filter(|f| f.check.as_str().starts_with("link.") || f.check.as_str().starts_with("page."))
        .collect()
}

/// (check, page path, target, status) tuples with the fixture's base URL cut off.
pub fn keyed(findings: &[Finding], base: &str) -> BTreeSet<(String, String, String, String)> {
    findings
        .iter()
        .map(|f| {
            (
                f.check.as_str().to_string(),
                f.page.replace(base, ""),
                f.target.replace(base, ""),
                f.status.clone(),
            )
        })
        .collect()
}

/// Converts a list of string tuples into the same set type.
pub fn set(items: &[(&str, &str, &str, &str)]) -> BTreeSet<(String, String, String, String)> {
    items
        .iter()
        .map(|(a, b, c, d)| (a.to_string(), b.to_string(), c.to_string(), d.to_string()))
        .collect()
}

/// Flags as owned strings.
pub fn flags(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}

/// A page with a title and a body.
pub fn page(title: &str, body: &str) -> String {
    format!("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>{title}</title></head><body>{body}</body></html>")
}

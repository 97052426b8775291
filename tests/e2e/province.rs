//! Province runs: sites queued in a real PostgreSQL server (started by the
//! test), scanned by `govscan worker` processes, some of them killed, the
//! database restarted under them; the report must equal a one-machine
//! `govscan scan` of the same sites.

use crate::common::*;
use crate::pg::{query, PgCluster};
use govscan_demo::server::{self, Portal, Route};
use govscan_reports::RunReport;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::{Child, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// A site of `pages` article pages (each answered after `delay`, so that a
/// crawl lasts long enough to be caught in the middle), with problems of
/// its own: a dead link and no footer identifiers.
fn add_site(p: &mut Portal, host: &str, pages: usize, delay: Duration) {
    let mut links = String::new();
    for i in 0..pages {
        links.push_str(&format!(
            r#"<li><a href="/art/{i}.html">文章{i}</a><span>2026-11-2{}</span></li>"#,
            i % 3
        ));
    }
    links.push_str(r#"<a href="/missing.html">旧链接</a>"#);
    p.add(
        host,
        "/",
        Route::html(page(host, &format!("<ul>{links}</ul>"))).delayed(delay),
    );
    for i in 0..pages {
        p.add(
            host,
            &format!("/art/{i}.html"),
            Route::html(page(
                &format!("文章{i}"),
                "<p>正文内容</p><a href=\"/\">首页</a>",
            ))
            .delayed(delay),
        );
    }
}

/// Serves a portal on a loopback address (127.0.0.2 and .3 stand for
/// two platforms).
async fn serve_on(ip: &str, portal: Arc<Portal>) -> (u16, tokio::task::JoinHandle<()>) {
    let listener = tokio::net::TcpListener::bind((ip, 0)).await.unwrap();
    let port = listener.local_addr().unwrap().port();
    (port, server::serve(listener, portal))
}

/// Sites of `pages` slow pages each, served on 127.0.0.1, and their list.
async fn serve_sites(
    dir: &Path,
    hosts: &[String],
    pages: usize,
) -> (Arc<Portal>, Sites, tokio::task::JoinHandle<()>) {
    let mut portal = Portal::new();
    for h in hosts {
        add_site(&mut portal, h, pages, Duration::from_millis(40));
    }
    let portal = Arc::new(portal);
    let (port, server) = serve_on("127.0.0.1", portal.clone()).await;
    let listed: Vec<_> = hosts
        .iter()
        .map(|h| (h.clone(), port, "127.0.0.1"))
        .collect();
    (portal, write_sites(dir, &listed), server)
}

/// A site list and the scan flags mapping its hosts to their servers.
struct Sites {
    list: std::path::PathBuf,
    flags: Vec<String>,
}

fn write_sites(dir: &Path, sites: &[(String, u16, &str)]) -> Sites {
    // Half the sites in one county, half in another (the overview groups by it).
    let mut csv = String::from("name,url,region\n");
    let mut flags = flags(&[
        "--offline",
        "--rate",
        "0",
        "--now",
        "2026-11-23",
        "--render",
        "never",
        "--ipv6",
        "off",
        "--no-sitemap",
        "--ignore-robots",
        "--timeout",
        "10",
        "--quiet",
    ]);
    for (i, (host, port, ip)) in sites.iter().enumerate() {
        let region = if i < sites.len() / 2 {
            "甲县"
        } else {
            "乙县"
        };
        csv.push_str(&format!("{host},http://{host}:{port}/,{region}\n"));
        flags.push("--resolve".into());
        flags.push(format!("{host}:{port}:{ip}"));
    }
    let list = dir.join("sites.csv");
    std::fs::write(&list, csv).unwrap();
    Sites { list, flags }
}

fn queue(db: &str, sites: &Sites, run: &str, extra: &[&str]) {
    let out = govscan()
        .args(["queue", "--db", db, "--sites"])
        .arg(&sites.list)
        .args(["--run", run])
        .args(extra)
        .args(&sites.flags)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "queue: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn worker(db: &str, name: &str, extra: &[&str]) -> Child {
    govscan()
        .args([
            "worker", "--db", db, "--name", name, "--poll", "0.2", "--quiet",
        ])
        .args(extra)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

/// Waits (off the async workers) for a worker to exit; it must succeed.
async fn finish(mut child: Child) {
    let (status, err) = tokio::task::spawn_blocking(move || {
        let deadline = Instant::now() + Duration::from_secs(180);
        loop {
            if let Some(s) = child.try_wait().unwrap() {
                let mut err = String::new();
                if let Some(mut e) = child.stderr.take() {
                    std::io::Read::read_to_string(&mut e, &mut err).unwrap();
                }
                return (s, err);
            }
            assert!(Instant::now() < deadline, "worker did not finish");
            std::thread::sleep(Duration::from_millis(50));
        }
    })
    .await
    .unwrap();
    assert!(status.success(), "worker failed: {status:?} {err}");
}

/// Polls until `condition` holds (two minutes at most).
async fn until<F, Fut>(what: &str, mut condition: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = Instant::now() + Duration::from_secs(120);
    while !condition().await {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

fn report_of(dir: &Path) -> RunReport {
    serde_json::from_slice(&std::fs::read(dir.join("report.json")).unwrap()).unwrap()
}

type Outcome = BTreeMap<String, (String, BTreeSet<(String, String, String)>)>;

/// Every site's verdict and findings, comparable across runs.
fn outcome(report: &RunReport) -> Outcome {
    report
        .sites
        .iter()
        .map(|s| {
            let verdict = s.score.as_ref().map(|v| v.verdict_zh()).unwrap_or_default();
            let findings = s
                .findings
                .iter()
                .map(|f| {
                    (
                        f.check.as_str().to_string(),
                        f.page.clone(),
                        f.target.clone(),
                    )
                })
                .collect();
            (s.url.clone(), (verdict, findings))
        })
        .collect()
}

/// The province's report written from the database must equal a
/// one-machine scan's of the same sites.
async fn compare_with_one_machine(db: &str, name: &str, sites: &Sites, dir: &Path) -> RunReport {
    let out = dir.join(format!("report-{name}"));
    let mut cmd = govscan();
    cmd.args(["report", "--db", db, "--run", name, "--out"])
        .arg(&out);
    let o = run(cmd).await;
    assert!(
        o.status.success(),
        "report: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    let province = report_of(&out);
    let single_out = dir.join(format!("single-{name}"));
    let mut cmd = govscan();
    cmd.args(["scan", "--sites"])
        .arg(&sites.list)
        .args(&sites.flags)
        .arg("--db")
        .arg(dir.join(format!("single-{name}.db")))
        .arg("--out")
        .arg(&single_out);
    let o = run(cmd).await;
    assert!(
        o.status.success(),
        "scan: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    let single = report_of(&single_out);
    assert_eq!(outcome(&province), outcome(&single));
    // Both overviews group the sites by the list's region column.
    for dir in [&out, &single_out] {
        let html = std::fs::read_to_string(dir.join("report.html")).unwrap();
        assert!(html.contains(r#"id="region-table""#) && html.contains("乙县"));
        let csv = std::fs::read_to_string(dir.join("sites.csv")).unwrap();
        assert!(csv.lines().next().unwrap().ends_with(",region"), "{csv}");
        assert_eq!(
            csv.lines().filter(|l| l.ends_with(",甲县")).count(),
            province.sites.len() / 2
        );
    }
    assert!(province.sites.iter().all(|s| !s.findings.is_empty()));
    province
}

/// The crawler's page requests to a host (not the spider's), with times.
fn crawler_paths(portal: &Portal, host: &str) -> Vec<(Instant, String)> {
    portal
        .hits()
        .into_iter()
        .filter(|h| h.host == host && !h.from_spider() && h.method == "GET")
        .map(|h| (h.at, h.path))
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn three_workers_one_killed_report_what_one_machine_reports() {
    let Some(pg) = PgCluster::start() else { return };
    let db = pg.new_database("province");
    let dir = tempfile::tempdir().unwrap();
    let hosts: Vec<String> = (1..=12)
        .map(|i| format!("s{i:02}.sfx-prov.gov.cn"))
        .collect();
    // Sites of 60 slow pages: long enough to be killed in the middle of.
    let (portal, sites, _server) = serve_sites(dir.path(), &hosts, 60).await;
    queue(
        &db,
        &sites,
        "t1",
        &["--lease-seconds", "3", "--group-concurrency", "4"],
    );

    // The first worker takes one site; it is killed in the middle of it,
    // once it has stored some of the site's pages (its writer commits in
    // batches, so a page requested is not yet a page stored).
    let mut first = worker(&db, "w1", &["--parallel-sites", "1"]);
    let victim = Arc::new(Mutex::new(String::new()));
    until("w1 in the middle of a site", || {
        let (db, portal, victim) = (db.clone(), portal.clone(), victim.clone());
        async move {
            let rows = query(
                &db,
                "SELECT s.url FROM jobs j JOIN sites s ON s.id = j.site_id
                 WHERE j.worker = 'w1' AND j.state = 'running'",
            )
            .await;
            let Some(Some(url)) = rows.first().and_then(|r| r.first().cloned()) else {
                return false;
            };
            let host = url::Url::parse(&url)
                .unwrap()
                .host_str()
                .unwrap()
                .to_string();
            let n = crawler_paths(&portal, &host).len();
            *victim.lock().unwrap() = host;
            let stored = query(
                &db,
                &format!(
                    "SELECT COUNT(*) FROM fetches f JOIN sites s ON s.id = f.site_id
                     WHERE s.url = '{}'",
                    url.replace('\'', "''")
                ),
            )
            .await;
            let stored: usize = stored
                .first()
                .and_then(|r| r.first().cloned().flatten())
                .and_then(|c| c.parse().ok())
                .unwrap_or(0);
            // Its writer commits in batches (some 15 pages at once, about
            // halfway through a site's 61 requests). A site seen when
            // (nearly) all were made is passed over and the next one w1
            // takes is watched, so that enough of it is left to resume.
            (5..=50).contains(&n) && stored >= 3
        }
    })
    .await;
    first.kill().unwrap();
    first.wait().unwrap();
    let killed_at = Instant::now();
    let victim = victim.lock().unwrap().clone();
    let before: BTreeSet<String> = crawler_paths(&portal, &victim)
        .into_iter()
        .map(|(_, p)| p)
        .collect();

    let (a, b) = (
        worker(&db, "w2", &["--parallel-sites", "2"]),
        worker(&db, "w3", &["--parallel-sites", "2"]),
    );
    finish(a).await;
    finish(b).await;

    let states = query(
        &db,
        "SELECT state, COUNT(*), MAX(attempts) FROM jobs GROUP BY state",
    )
    .await;
    assert_eq!(
        states,
        vec![vec![
            Some("done".into()),
            Some("12".into()),
            Some("2".into())
        ]]
    );
    // The killed site went on from what w1 had stored: pages it had read
    // were not fetched again.
    let after: BTreeSet<String> = crawler_paths(&portal, &victim)
        .into_iter()
        .filter(|(at, _)| *at > killed_at)
        .map(|(_, p)| p)
        .collect();
    assert!(!after.is_empty(), "another worker finished the killed site");
    assert!(
        before.iter().any(|p| !after.contains(p)),
        "resumed, not started from zero: before {before:?} after {after:?}"
    );
    // One result per site: nothing duplicated.
    let reports = query(
        &db,
        "SELECT COUNT(*), COUNT(DISTINCT site_id) FROM site_reports",
    )
    .await;
    assert_eq!(reports, vec![vec![Some("12".into()), Some("12".into())]]);
    // The killed site's job was taken over. w1 may have finished a site
    // before the one it was killed in (a site watched too late is passed
    // over): such a job keeps w1's name, was done at its first attempt, and
    // is not the killed one.
    let victim_worker = query(
        &db,
        &format!(
            "SELECT j.worker, j.attempts FROM jobs j JOIN sites s ON s.id = j.site_id
             WHERE s.url LIKE '%//{}:%'",
            victim.replace('\'', "''")
        ),
    )
    .await;
    assert_eq!(victim_worker.len(), 1, "{victim_worker:?}");
    assert_ne!(
        victim_worker[0][0].as_deref(),
        Some("w1"),
        "w1's job was taken over"
    );
    assert_eq!(
        victim_worker[0][1].as_deref(),
        Some("2"),
        "{victim_worker:?}"
    );
    let finished_by_w1 = query(
        &db,
        "SELECT COUNT(*) FROM jobs WHERE worker = 'w1' AND (state <> 'done' OR attempts <> 1)",
    )
    .await;
    assert_eq!(finished_by_w1, vec![vec![Some("0".into())]]);

    let province = compare_with_one_machine(&db, "t1", &sites, dir.path()).await;
    assert_eq!(province.sites.len(), 12);
    // The run was closed by its last worker: tomorrow's run compares with it.
    let run = query(&db, "SELECT status FROM runs WHERE name = 't1'").await;
    assert_eq!(run, vec![vec![Some("done".into())]]);
    let status = govscan()
        .args(["status", "--db", &db, "--run", "t1"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&status.stdout);
    assert!(
        text.contains("已完成 12") && text.contains("w2") && text.contains("w3"),
        "{text}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn no_more_sites_of_one_platform_at_once_than_the_group_limit() {
    let Some(pg) = PgCluster::start() else { return };
    let db = pg.new_database("groups");
    let dir = tempfile::tempdir().unwrap();
    // Two platforms: four sites on 127.0.0.2, four on 127.0.0.3. The group
    // of a site is the address its host resolves to.
    let mut portal = Portal::new();
    let mut listed = Vec::new();
    for (ip, tag) in [("127.0.0.2", "a"), ("127.0.0.3", "b")] {
        for i in 0..4 {
            let host = format!("{tag}{i}.sfx-prov.gov.cn");
            add_site(&mut portal, &host, 6, Duration::from_millis(30));
            listed.push((host, ip));
        }
    }
    let portal = Arc::new(portal);
    let (port2, _s2) = serve_on("127.0.0.2", portal.clone()).await;
    let (port3, _s3) = serve_on("127.0.0.3", portal.clone()).await;
    let sites = write_sites(
        dir.path(),
        &listed
            .iter()
            .map(|(h, ip)| {
                let port = if *ip == "127.0.0.2" { port2 } else { port3 };
                (h.clone(), port, *ip)
            })
            .collect::<Vec<_>>(),
    );
    queue(&db, &sites, "g1", &["--group-concurrency", "1"]);
    let groups = query(
        &db,
        "SELECT group_key, COUNT(*) FROM jobs GROUP BY group_key ORDER BY 1",
    )
    .await;
    assert_eq!(
        groups,
        vec![
            vec![Some("127.0.0.2".into()), Some("4".into())],
            vec![Some("127.0.0.3".into()), Some("4".into())]
        ]
    );
    let workers: Vec<Child> = (1..=3)
        .map(|i| worker(&db, &format!("w{i}"), &["--parallel-sites", "3"]))
        .collect();
    for w in workers {
        finish(w).await;
    }
    // What the servers saw: each site's requests span from its first to its
    // last; within a group, no two spans overlap (one site at a time).
    let span = |prefix: &str| {
        let hits: Vec<Instant> = portal
            .hits()
            .iter()
            .filter(|h| h.host.starts_with(prefix))
            .map(|h| h.at)
            .collect();
        assert!(!hits.is_empty(), "{prefix} was scanned");
        (
            *hits.iter().min().unwrap(),
            *hits.iter().max().unwrap(),
            prefix.to_string(),
        )
    };
    for tag in ["a", "b"] {
        let mut spans: Vec<_> = (0..4)
            .map(|i| span(&format!("{tag}{i}.sfx-prov.gov.cn")))
            .collect();
        spans.sort();
        for pair in spans.windows(2) {
            assert!(
                pair[0].1 < pair[1].0,
                "{} and {} were crawled at once",
                pair[0].2,
                pair[1].2
            );
        }
    }
    // The limit is per group, not global: the two platforms overlapped.
    let (a, b) = (span("a"), span("b"));
    assert!(a.0 < b.1 && b.0 < a.1, "the two groups were worked at once");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_database_restart_under_a_running_worker_loses_nothing() {
    let Some(pg) = PgCluster::start() else { return };
    let db = pg.new_database("restart");
    let dir = tempfile::tempdir().unwrap();
    let hosts: Vec<String> = (1..=4).map(|i| format!("r{i}.sfx-prov.gov.cn")).collect();
    let (portal, sites, _server) = serve_sites(dir.path(), &hosts, 15).await;
    queue(&db, &sites, "r1", &[]);
    let w = worker(&db, "w1", &["--parallel-sites", "1"]);
    until("the worker in its first site", || {
        let portal = portal.clone();
        async move { portal.hits().len() >= 6 }
    })
    .await;
    let open = query(
        &db,
        "SELECT COUNT(*) FROM jobs WHERE state IN ('pending', 'running')",
    )
    .await;
    assert_ne!(open, vec![vec![Some("0".to_string())]], "restarted mid-run");
    let cluster = &pg;
    tokio::task::block_in_place(|| cluster.restart());
    finish(w).await;
    let states = query(
        &db,
        "SELECT state, COUNT(*), MAX(attempts) FROM jobs GROUP BY state",
    )
    .await;
    assert_eq!(
        states,
        vec![vec![
            Some("done".into()),
            Some("4".into()),
            Some("1".into())
        ]]
    );
    // Every page the crawl read is in the database.
    let fetched = query(&db, "SELECT COUNT(*) FROM fetches WHERE url LIKE '%/art/%'").await;
    assert_eq!(fetched, vec![vec![Some("60".into())]]);
    compare_with_one_machine(&db, "r1", &sites, dir.path()).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_site_that_keeps_failing_is_reported_not_audited_with_the_reason() {
    let Some(pg) = PgCluster::start() else { return };
    let db = pg.new_database("failing");
    let dir = tempfile::tempdir().unwrap();
    let mut portal = Portal::new();
    add_site(
        &mut portal,
        "slow.sfx-prov.gov.cn",
        10,
        Duration::from_millis(400),
    );
    add_site(&mut portal, "fine.sfx-prov.gov.cn", 3, Duration::ZERO);
    let portal = Arc::new(portal);
    let (port, _server) = serve_on("127.0.0.1", portal.clone()).await;
    let sites = write_sites(
        dir.path(),
        &[
            ("slow.sfx-prov.gov.cn".to_string(), port, "127.0.0.1"),
            ("fine.sfx-prov.gov.cn".to_string(), port, "127.0.0.1"),
        ],
    );
    queue(
        &db,
        &sites,
        "f1",
        &["--max-attempts", "1", "--lease-seconds", "3"],
    );
    let mut first = worker(&db, "w1", &["--parallel-sites", "1"]);
    until("w1 on the slow site", || {
        let portal = portal.clone();
        async move { !crawler_paths(&portal, "slow.sfx-prov.gov.cn").is_empty() }
    })
    .await;
    first.kill().unwrap();
    first.wait().unwrap();
    finish(worker(&db, "w2", &[])).await;
    let states = query(
        &db,
        "SELECT s.name, j.state FROM jobs j JOIN sites s ON s.id = j.site_id ORDER BY j.position",
    )
    .await;
    assert_eq!(
        states,
        vec![
            vec![Some("slow.sfx-prov.gov.cn".into()), Some("failed".into())],
            vec![Some("fine.sfx-prov.gov.cn".into()), Some("done".into())]
        ]
    );
    let out = dir.path().join("report");
    let mut cmd = govscan();
    cmd.args(["report", "--db", &db, "--run", "f1", "--out"])
        .arg(&out);
    let o = run(cmd).await;
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let report = report_of(&out);
    let slow = report
        .sites
        .iter()
        .find(|s| s.name == "slow.sfx-prov.gov.cn")
        .unwrap();
    let verdict = slow.score.as_ref().unwrap();
    assert_eq!(verdict.verdict, govscan_checks::score::Verdict::NotAudited);
    assert!(
        verdict.audit.reason_zh.contains("多次尝试"),
        "{}",
        verdict.audit.reason_zh
    );
    let fine = report
        .sites
        .iter()
        .find(|s| s.name == "fine.sfx-prov.gov.cn")
        .unwrap();
    assert_ne!(
        fine.score.as_ref().unwrap().verdict,
        govscan_checks::score::Verdict::NotAudited
    );
    let sites_csv = std::fs::read_to_string(out.join("sites.csv")).unwrap();
    assert!(sites_csv.contains("未能检查"), "{sites_csv}");
    let status = govscan()
        .args(["status", "--db", &db, "--run", "f1"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&status.stdout);
    assert!(text.contains("失败 slow.sfx-prov.gov.cn"), "{text}");
}

#[test]
fn province_commands_need_a_postgres_database_and_say_so() {
    let dir = tempfile::tempdir().unwrap();
    let list = dir.path().join("sites.csv");
    std::fs::write(&list, "name,url\n甲,http://a.gov.cn/\n").unwrap();
    let out = govscan()
        .args(["queue", "--offline", "--db", "govscan.db", "--sites"])
        .arg(&list)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("postgres://"));
    let out = govscan()
        .args(["worker", "--db", "/tmp/x.db"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    // A database that is not there: a runtime failure (3), not "findings".
    let out = govscan()
        .args(["status", "--db", "postgres://govscan@127.0.0.1:1/none"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&out.stderr).contains("127.0.0.1:1"));
}

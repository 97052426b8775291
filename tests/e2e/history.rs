//! Nightly runs: what changed since the previous run, conditional re-scans,
//! resuming a killed run, availability probes, --fail-on, and the database
//! shared by two processes.

use crate::common::*;
use govscan::store::{HistoryStore, SqliteStore};
use govscan_demo::server::Route;
use std::process::{Command, Stdio};
use std::time::Duration;

const HOST: &str = "www.nightly.gov.cn";

#[tokio::test(flavor = "multi_thread")]
async fn a_second_run_marks_new_persisting_and_fixed_findings() {
    let fx = start(|_, p| {
        p.add_versioned(
            0,
            HOST,
            "/",
            Route::html(page(
                "首页",
                r#"<a href="/gone1.html">一</a><a href="/gone2.html">二</a>"#,
            )),
        );
        p.add_versioned(
            1,
            HOST,
            "/",
            Route::html(page(
                "首页",
                r#"<a href="/gone2.html">二</a><a href="/gone3.html">三</a>"#,
            )),
        );
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("history.db").display().to_string();
    let run = |now: &'static str, out: std::path::PathBuf| {
        let mut f = flags(&["--rate", "0", "--now", now, "--db", &db]);
        f.extend(fx.resolve(&[HOST]));
        (f, out)
    };
    let (f, out1) = run("2026-11-20", dir.path().join("night1"));
    scan(&[fx.base(HOST) + "/"], &f, &out1).await;
    fx.portal.set_version(1);
    let (f, out2) = run("2026-11-21", dir.path().join("night2"));
    let outcome = scan(&[fx.base(HOST) + "/"], &f, &out2).await;

    let site = &outcome.report.sites[0];
    let h = site.history.as_ref().expect("history");
    assert_eq!(h.previous_run.as_deref(), Some("2026-11-20"));
    let dead: Vec<(&str, bool, &str)> = site
        .findings
        .iter()
        .zip(&h.findings)
        .filter(|(f, _)| f.check.as_str() == "link.dead")
        .map(|(f, fh)| {
            (
                f.target.rsplit('/').next().unwrap(),
                fh.new,
                fh.first_seen.as_str(),
            )
        })
        .collect();
    assert!(
        dead.contains(&("gone2.html", false, "2026-11-20")),
        "{dead:?}"
    );
    assert!(
        dead.contains(&("gone3.html", true, "2026-11-21")),
        "{dead:?}"
    );
    let fixed: Vec<&str> = h
        .fixed
        .iter()
        .map(|f| f.target.rsplit('/').next().unwrap())
        .collect();
    assert_eq!(fixed, vec!["gone1.html"]);
    assert_eq!(h.trend.len(), 1);
    // The same problem has the same fingerprint night after night.
    let fp2 = h
        .findings
        .iter()
        .zip(&site.findings)
        .find(|(_, f)| f.target.ends_with("gone2.html"))
        .unwrap()
        .0;
    assert_eq!(
        fp2.fingerprint,
        govscan_checks::fingerprint(
            &site.url,
            govscan_checks::CheckId::LinkDead,
            &format!("{}/", fx.base(HOST)),
            &format!("{}/gone2.html", fx.base(HOST))
        )
    );

    // changes.csv: findings.csv's columns plus change and first_seen.
    let changes = std::fs::read_to_string(out2.join("changes.csv")).unwrap();
    let mut lines = changes.lines();
    assert_eq!(
        lines.next().unwrap(),
        "\u{feff}site,check,severity,page,target,status,detail,evidence,change,first_seen"
    );
    let rows: Vec<&str> = lines.collect();
    assert!(
        rows.iter()
            .any(|r| r.contains("gone3.html") && r.ends_with(",new,2026-11-21")),
        "{rows:?}"
    );
    assert!(
        rows.iter()
            .any(|r| r.contains("gone1.html") && r.ends_with(",fixed,2026-11-20")),
        "{rows:?}"
    );
    assert!(
        !rows.iter().any(|r| r.contains("gone2.html")),
        "persisting findings are not changes"
    );
    // findings.csv keeps its eight columns.
    let findings = std::fs::read_to_string(out2.join("findings.csv")).unwrap();
    assert!(
        findings.starts_with("\u{feff}site,check,severity,page,target,status,detail,evidence\n")
    );
    // The report says so too.
    let html = std::fs::read_to_string(out2.join("report.html")).unwrap();
    assert!(html.contains("与上次扫描（2026-11-20）相比") && html.contains("已修复的问题"));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_rescan_revalidates_unchanged_pages_and_reuses_outside_link_checks() {
    let fx = start(|port, p| {
        let home = page("首页", &format!(r#"<a href="/a.html">甲</a><a href="/b.html">乙</a><a href="/gone.html">旧</a><a href="http://www.outside.gov.cn:{port}/">外部</a>"#));
        p.add(HOST, "/", Route::html(home).header("etag", "\"home-1\""));
        // An unchanged page's links are read back from the store: a dead
        // link and a missing anchor the crawl knows by then, a URL the crawl
        // must normalise first (a session id), a private address.
        let a = page("甲", r#"<p>正文</p><a href="/gone.html">旧</a><a href="/b.html#nowhere">乙节</a><a href="/c.html;jsessionid=77">丙</a><a href="http://192.168.10.1/x">内网</a>"#);
        p.add(HOST, "/a.html", Route::html(a).header("etag", "\"a-1\""));
        p.add(HOST, "/b.html", Route::html(page("乙", "<p>正文</p>")).header("last-modified", "Mon, 02 Nov 2026 08:00:00 GMT"));
        p.add(HOST, "/c.html", Route::html(page("丙", "<p>正文</p>")));
        p.page("www.outside.gov.cn", "/", page("外部", ""));
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("history.db").display().to_string();
    let mut f = flags(&[
        "--rate",
        "0",
        "--db",
        &db,
        "--no-sitemap",
        "--ignore-robots",
    ]);
    f.extend(fx.resolve(&[HOST, "www.outside.gov.cn"]));
    let first = scan(&[fx.base(HOST) + "/"], &f, &dir.path().join("r1")).await;
    let hits_before = fx.portal.hits().len();
    let second = scan(&[fx.base(HOST) + "/"], &f, &dir.path().join("r2")).await;
    let hits: Vec<_> = fx.portal.hits()[hits_before..].to_vec();
    // The pages with validators (the fixture's own on /c.html) were asked
    // conditionally and answered 304.
    let saved = second.saved.as_ref().unwrap();
    assert_eq!(saved.not_modified, 4, "{hits:?}");
    assert!(saved.bytes_saved > 0);
    for path in ["/", "/a.html", "/b.html", "/c.html"] {
        assert!(
            hits.iter().any(|h| h.path == path && h.conditional),
            "{path} not conditional"
        );
    }
    // The outside link checked fine last night is not requested again; the dead link is.
    assert_eq!(saved.cached_links, 1);
    assert!(!hits.iter().any(|h| h.host == "www.outside.gov.cn"));
    assert!(hits.iter().any(|h| h.path == "/gone.html"));
    // Same findings either way.
    let set = |o: &govscan::run::ScanOutcome| keyed(&all_findings(o), &fx.base(HOST));
    let on_a: Vec<String> = set(&first)
        .into_iter()
        .filter(|(_, page, _, _)| page == "/a.html")
        .map(|(check, _, target, _)| format!("{check} {target}"))
        .collect();
    for expected in ["link.dead /gone.html", "link.fragment /b.html#nowhere"] {
        assert!(on_a.iter().any(|f| f == expected), "{expected}: {on_a:?}");
    }
    // The private address is reported from the page, never requested (the
    // scan runs --offline: only hosts mapped to 127.0.0.1 are reachable).
    assert!(on_a.iter().any(|f| f.contains("192.168.10.1")), "{on_a:?}");
    assert_eq!(set(&first), set(&second));
    // --full fetches everything again, unconditionally.
    let before = fx.portal.hits().len();
    let mut full = f.clone();
    full.push("--full".into());
    let third = scan(&[fx.base(HOST) + "/"], &full, &dir.path().join("r3")).await;
    let hits: Vec<_> = fx.portal.hits()[before..].to_vec();
    assert!(hits.iter().all(|h| !h.conditional));
    assert!(hits.iter().any(|h| h.host == "www.outside.gov.cn"));
    assert_eq!(third.saved.as_ref().unwrap().not_modified, 0);
    assert_eq!(set(&first), set(&third));
}

/// A page the server says is unchanged (304) whose stored analysis cannot
/// be read back (a damaged record, an older format) is fetched again in
/// full: never recorded as a failed fetch, never lost from the report.
#[tokio::test(flavor = "multi_thread")]
async fn an_unreadable_stored_page_is_fetched_again_after_a_304() {
    let fx = start(|_, p| {
        let home = page(
            "首页",
            r#"<a href="/a.html">甲</a><a href="/gone.html">旧</a>"#,
        );
        p.add(HOST, "/", Route::html(home).header("etag", "\"home-1\""));
        p.add(
            HOST,
            "/a.html",
            Route::html(page("甲", "<p>正文</p>")).header("etag", "\"a-1\""),
        );
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("history.db");
    let mut f = flags(&[
        "--rate",
        "0",
        "--db",
        &db.display().to_string(),
        "--no-sitemap",
        "--ignore-robots",
    ]);
    f.extend(fx.resolve(&[HOST]));
    let first = scan(&[fx.base(HOST) + "/"], &f, &dir.path().join("r1")).await;
    // Readable as stored data (deflate), not as an analysis.
    let mut blob = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::fast());
    std::io::Write::write_all(&mut blob, b"{\"facts\": 1}").unwrap();
    let blob = blob.finish().unwrap();
    let damaged = rusqlite::Connection::open(&db)
        .unwrap()
        .execute("UPDATE analyses SET data = ?1", [blob])
        .unwrap();
    assert!(damaged >= 2, "the two pages' analyses are stored");
    let before = fx.portal.hits().len();
    let second = scan(&[fx.base(HOST) + "/"], &f, &dir.path().join("r2")).await;
    let hits: Vec<(String, bool)> = fx.portal.hits()[before..]
        .iter()
        .filter(|h| !h.from_spider())
        .map(|h| (h.path.clone(), h.conditional))
        .collect();
    for path in ["/", "/a.html"] {
        assert!(
            hits.contains(&(path.to_string(), true)),
            "{path} revalidated: {hits:?}"
        );
        assert!(
            hits.contains(&(path.to_string(), false)),
            "{path} fetched again: {hits:?}"
        );
    }
    let crawled = |o: &govscan::run::ScanOutcome| {
        o.report.sites[0]
            .pages
            .iter()
            .filter(|p| p.crawled && &*p.status == "200")
            .count()
    };
    assert_eq!(crawled(&second), crawled(&first));
    let set = |o: &govscan::run::ScanOutcome| keyed(&all_findings(o), &fx.base(HOST));
    assert_eq!(set(&first), set(&second));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_killed_run_resumes_without_fetching_again_and_ends_the_same() {
    let fx = start(|_, p| {
        let links: String = (0..40)
            .map(|i| format!(r#"<a href="/p{i}.html">第{i}页</a>"#))
            .collect();
        p.page(HOST, "/", page("首页", &links));
        for i in 0..40 {
            let body = if i % 7 == 0 {
                format!(r#"<a href="/dead{i}.html">失效</a>"#)
            } else {
                "<p>正文</p>".into()
            };
            p.add(
                HOST,
                &format!("/p{i}.html"),
                Route::html(page("页", &body)).delayed(Duration::from_millis(150)),
            );
        }
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("history.db");
    let out = dir.path().join("out");
    let args = |cmd: &mut Command, db: &std::path::Path, out: &std::path::Path| {
        cmd.args([
            "scan",
            &format!("{}/", fx.base(HOST)),
            "--out",
            out.to_str().unwrap(),
            "--db",
            db.to_str().unwrap(),
        ])
        .args([
            "--offline",
            "--rate",
            "0",
            "--site-concurrency",
            "2",
            "-q",
            "--now",
            "2026-11-23",
            "--no-sitemap",
        ])
        .args(["--resolve", &format!("{HOST}:{}:127.0.0.1", fx.port)])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    };
    let mut cmd = govscan();
    args(&mut cmd, &db, &out);
    let mut child = cmd.spawn().unwrap();
    // Kill once the store has committed some pages (a condition, not a delay).
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    loop {
        let committed = rusqlite::Connection::open(&db)
            .ok()
            .and_then(|c| {
                c.query_row("SELECT COUNT(*) FROM fetches", [], |r| r.get::<_, i64>(0))
                    .ok()
            })
            .unwrap_or(0);
        if committed > 5 {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "nothing was committed"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    child.kill().unwrap(); // SIGKILL: no chance to clean up
    let _ = child.wait();
    let hits_at_kill = fx.portal.hits().len();
    // What the store had committed when the process died.
    let conn = rusqlite::Connection::open(&db).unwrap();
    let kept: Vec<String> = conn
        .prepare("SELECT url FROM fetches")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    drop(conn);
    assert!(
        kept.len() > 3 && hits_at_kill < 40,
        "killed too late or too early: {} kept, {hits_at_kill} hits",
        kept.len()
    );

    let mut cmd = govscan();
    args(&mut cmd, &db, &out);
    cmd.arg("--resume");
    let output = tokio::task::spawn_blocking(move || cmd.output().unwrap())
        .await
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    // Nothing the killed run had stored was fetched again.
    let base = fx.base(HOST);
    for url in &kept {
        let path = url.strip_prefix(&base).unwrap();
        let n = fx
            .portal
            .hits()
            .iter()
            .filter(|h| h.path == path && !h.from_spider())
            .count();
        assert_eq!(n, 1, "{path} fetched {n} times");
    }
    // The resumed report equals an uninterrupted run's.
    let fresh_out = dir.path().join("fresh");
    let mut cmd = govscan();
    args(&mut cmd, &dir.path().join("fresh.db"), &fresh_out);
    let output = tokio::task::spawn_blocking(move || cmd.output().unwrap())
        .await
        .unwrap();
    assert!(output.status.success());
    // Line for line, in the same order: pages finished in another order in
    // each run, and the report's order does not depend on it.
    let lines = |p: &std::path::Path| -> Vec<String> {
        std::fs::read_to_string(p.join("findings.csv"))
            .unwrap()
            .lines()
            .map(str::to_string)
            .collect()
    };
    assert_eq!(lines(&out), lines(&fresh_out));
    assert!(lines(&out).iter().any(|l| l.contains("/dead7.html")));
}

#[tokio::test(flavor = "multi_thread")]
async fn probes_give_availability_and_the_unreachable_veto() {
    let fx = start(|_, p| {
        p.page(HOST, "/", page("首页", "<p>正文</p>"));
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("history.db");
    let url = format!("{}/", fx.base(HOST));
    // A real probe, by the command cron would run.
    let output = govscan()
        .args([
            "probe",
            &url,
            "--db",
            db.to_str().unwrap(),
            "--offline",
            "--resolve",
            &format!("{HOST}:{}:127.0.0.1", fx.port),
        ])
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(String::from_utf8_lossy(&output.stdout).contains("正常"));
    // A week of half-hourly probes, 6% failed (12 of 200, two in a row).
    let store = SqliteStore::open(&db).unwrap();
    let site = store.site_id(&url, HOST).unwrap();
    let now = chrono::Local::now();
    for i in 0..199 {
        let at = now - chrono::Duration::minutes(30 * (i + 1));
        let failed = i % 17 == 0 || i == 1;
        store
            .record_probe(
                site,
                &at.to_rfc3339(),
                !failed,
                if failed { "timeout" } else { "200" },
                100,
            )
            .unwrap();
    }
    drop(store);
    let mut f = flags(&["--rate", "0", "--db", db.to_str().unwrap()]);
    f.extend(fx.resolve(&[HOST]));
    let outcome = scan(std::slice::from_ref(&url), &f, &dir.path().join("out")).await;
    let site = &outcome.report.sites[0];
    let a = site
        .history
        .as_ref()
        .unwrap()
        .availability
        .as_ref()
        .unwrap();
    assert_eq!(a.probes, 200);
    assert_eq!(a.failures, 13);
    assert!(a.longest_failure_streak >= 2);
    let veto = site
        .findings
        .iter()
        .find(|f| f.check.as_str() == "site.unreachable")
        .expect("site.unreachable");
    assert_eq!(veto.severity, govscan_checks::Severity::Veto);
    assert!(site
        .score
        .as_ref()
        .unwrap()
        .vetoes
        .contains(&"站点无法访问".to_string()));

    // Too few probes for the rule (it assumes ≥20 a day): a warning, not a veto.
    let db2 = dir.path().join("few.db");
    let store = SqliteStore::open(&db2).unwrap();
    let site2 = store.site_id(&url, HOST).unwrap();
    for i in 0..20 {
        let at = now - chrono::Duration::hours(i + 1);
        store
            .record_probe(site2, &at.to_rfc3339(), i != 3, "200", 100)
            .unwrap();
    }
    drop(store);
    let mut f = flags(&["--rate", "0", "--db", db2.to_str().unwrap()]);
    f.extend(fx.resolve(&[HOST]));
    let outcome = scan(std::slice::from_ref(&url), &f, &dir.path().join("out2")).await;
    let u = outcome.report.sites[0]
        .findings
        .iter()
        .find(|f| f.check.as_str() == "site.unreachable")
        .unwrap();
    assert_eq!(u.severity, govscan_checks::Severity::Warning);
}

#[tokio::test(flavor = "multi_thread")]
async fn fail_on_sets_the_exit_code_for_cron() {
    let fx = start(|_, p| {
        // Updated yesterday (no veto), with a dead link (an error).
        p.page(HOST, "/", page("首页", r#"<ul><li><a href="/n.html">县政府召开常务会议</a> 2026-11-22</li></ul><a href="/gone.html">旧</a>"#));
        p.page(HOST, "/n.html", page("新闻", "<p>正文</p>"));
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("h.db");
    let run = |extra: &[&str]| {
        let mut cmd = govscan();
        cmd.args([
            "scan",
            &format!("{}/", fx.base(HOST)),
            "--out",
            dir.path().join("o").to_str().unwrap(),
        ])
        .args([
            "--db",
            db.to_str().unwrap(),
            "--offline",
            "--rate",
            "0",
            "-q",
            "--now",
            "2026-11-23",
        ])
        .args(["--resolve", &format!("{HOST}:{}:127.0.0.1", fx.port)])
        .args(extra);
        cmd
    };
    let code = |mut cmd: Command| cmd.output().unwrap().status.code();
    // The fixture has errors (a dead link, footer gaps) but no veto.
    assert_eq!(code(run(&["--fail-on", "veto"])), Some(0));
    assert_eq!(code(run(&["--fail-on", "error"])), Some(1));
    // Nothing new since the previous run: --fail-on-new stays quiet.
    assert_eq!(code(run(&["--fail-on", "error", "--fail-on-new"])), Some(0));
    assert_eq!(
        code(run(&["--fail-on-new"])),
        Some(2),
        "--fail-on-new needs --fail-on"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_second_process_on_the_same_database_waits_its_turn() {
    let fx = start(|_, p| {
        p.page(HOST, "/", page("首页", "<p>正文</p>"));
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("shared.db");
    drop(SqliteStore::open(&db).unwrap());
    // Another process holds the write lock for a while.
    let (locked_tx, locked) = std::sync::mpsc::channel();
    let holder = {
        let db = db.clone();
        std::thread::spawn(move || {
            let conn = rusqlite::Connection::open(&db).unwrap();
            conn.execute_batch("BEGIN EXCLUSIVE; INSERT INTO sites(url, name) VALUES ('x', 'x');")
                .unwrap();
            locked_tx.send(()).unwrap();
            std::thread::sleep(Duration::from_millis(1500));
            conn.execute_batch("COMMIT;").unwrap();
        })
    };
    // The scan starts only once the other holder has the lock.
    locked.recv().unwrap();
    let output = govscan()
        .args([
            "scan",
            &format!("{}/", fx.base(HOST)),
            "--out",
            dir.path().join("o").to_str().unwrap(),
        ])
        .args([
            "--db",
            db.to_str().unwrap(),
            "--offline",
            "--rate",
            "0",
            "-q",
        ])
        .args(["--resolve", &format!("{HOST}:{}:127.0.0.1", fx.port)])
        .output()
        .unwrap();
    holder.join().unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let conn = rusqlite::Connection::open(&db).unwrap();
    let ok: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(ok, "ok");
    let runs: i64 = conn
        .query_row("SELECT COUNT(*) FROM runs WHERE status = 'done'", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(runs, 1);

    // prune keeps recent runs and drops old ones.
    conn.execute("UPDATE runs SET started = '2020-01-01T00:00:00+08:00'", [])
        .unwrap();
    drop(conn);
    let output = govscan()
        .args(["prune", "--keep-days", "30", "--db", db.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(output.status.success());
    let conn = rusqlite::Connection::open(&db).unwrap();
    let runs: i64 = conn
        .query_row("SELECT COUNT(*) FROM runs", [], |r| r.get(0))
        .unwrap();
    assert_eq!(runs, 0);
    // The pruned run's fetches go with it (through its index by run).
    let fetches: i64 = conn
        .query_row("SELECT COUNT(*) FROM fetches", [], |r| r.get(0))
        .unwrap();
    assert_eq!(fetches, 0);
}

//! The history store's contract, run against both backends: SQLite (a
//! file) and PostgreSQL (a real server started for the test).

use crate::pg::{blocking, PgCluster};
use govscan::store::{HistoryStore, PgStore, PreviousFetch, SiteOutcome, SqliteStore, Write_};
use govscan_checks::{CheckId, Finding, Severity};
use std::sync::Arc;

fn finding(check: CheckId, page: &str) -> Finding {
    Finding {
        check,
        severity: Severity::Error,
        site: "甲".into(),
        page: page.into(),
        target: String::new(),
        status: "404".into(),
        detail: "测试".into(),
        evidence: String::new(),
        home_page: false,
    }
}

/// Everything a scan relies on, in the order a scan uses it.
fn contract(store: &dyn HistoryStore) {
    let site = store.site_id("http://a.gov.cn/", "甲").unwrap();
    assert_eq!(
        store.site_id("http://a.gov.cn/", "甲县").unwrap(),
        site,
        "one id per URL"
    );
    let run1 = store
        .begin_run(
            "2026-12-01T02:00:00+08:00",
            "2026-12-01",
            "national",
            "{}",
            "key",
        )
        .unwrap();
    assert_eq!(store.resumable_run("key").unwrap().map(|r| r.0), Some(run1));
    store.start_writer().unwrap();
    let tx = store.writer().unwrap();
    tx.blocking_send(Write_::Fetch {
        run: run1,
        site,
        url: "http://a.gov.cn/x.html".into(),
        etag: Some("\"e1\"".into()),
        last_modified: None,
        content_hash: Some("h".into()),
        data: br#"{"page":1}"#.to_vec(),
        analysis_key: Some("k1".into()),
        analysis_bytes: Some(br#"{"analysis":1}"#.to_vec()),
    })
    .unwrap();
    // A page without validators: no conditional request can stand for it.
    tx.blocking_send(Write_::Fetch {
        run: run1,
        site,
        url: "http://a.gov.cn/z.html".into(),
        etag: None,
        last_modified: None,
        content_hash: Some("hz".into()),
        data: br#"{"page":2}"#.to_vec(),
        analysis_key: Some("kz".into()),
        analysis_bytes: Some(br#"{"analysis":2}"#.to_vec()),
    })
    .unwrap();
    tx.blocking_send(Write_::LinkCache {
        url: "http://b.gov.cn/".into(),
        at: chrono::Utc::now().to_rfc3339(),
        data: br#"{"ok":true}"#.to_vec(),
    })
    .unwrap();
    drop(tx);
    store.stop_writer();
    let (data, analysis) = store
        .fetched_in_run(run1, site, "http://a.gov.cn/x.html")
        .expect("stored while the run went");
    assert_eq!(data, br#"{"page":1}"#);
    assert_eq!(analysis.as_deref(), Some(&br#"{"analysis":1}"#[..]));
    assert!(store
        .fetched_in_run(run1, site, "http://a.gov.cn/y.html")
        .is_none());
    assert_eq!(
        store
            .cached_link("http://b.gov.cn/", chrono::Duration::days(7))
            .as_deref(),
        Some(&br#"{"ok":true}"#[..])
    );
    assert!(store
        .cached_link(
            "http://b.gov.cn/",
            chrono::Duration::zero() - chrono::Duration::seconds(1)
        )
        .is_none());
    // Not before the run is done: an unfinished run gives no validators.
    assert!(store
        .previous_fetch(run1 + 1, site, "http://a.gov.cn/x.html")
        .is_none());
    // What the store can answer for, read once per site: this run's
    // fetches when resuming, and (not yet) nothing from earlier runs.
    let known = store.stored_urls(run1, site, true).unwrap();
    assert!(known.has_this_run("http://a.gov.cn/x.html"));
    assert!(known.has_this_run("http://a.gov.cn/z.html"));
    assert!(!known.has_this_run("http://a.gov.cn/y.html"));
    assert!(!known.has_previous("http://a.gov.cn/x.html"));
    let known = store.stored_urls(run1 + 1, site, false).unwrap();
    assert!(
        !known.has_previous("http://a.gov.cn/x.html"),
        "run 1 is not done yet"
    );
    let first = vec![
        finding(CheckId::LinkDead, "http://a.gov.cn/x.html"),
        finding(CheckId::ColumnStale, "http://a.gov.cn/col/"),
    ];
    let h = store
        .site_history(run1, site, "http://a.gov.cn/", &first, "2026-12-01")
        .unwrap();
    assert!(h.previous_run.is_none() && h.findings.iter().all(|f| !f.new));
    store
        .finish_run(
            run1,
            &[SiteOutcome {
                id: site,
                url: "http://a.gov.cn/",
                findings: &first,
                score: None,
            }],
            "done",
        )
        .unwrap();
    assert!(store.resumable_run("key").unwrap().is_none());

    let run2 = store
        .begin_run(
            "2026-12-02T02:00:00+08:00",
            "2026-12-02",
            "national",
            "{}",
            "key",
        )
        .unwrap();
    let previous = store
        .previous_fetch(run2, site, "http://a.gov.cn/x.html")
        .expect("the done run's validators");
    assert_eq!(previous.etag.as_deref(), Some("\"e1\""));
    let known = store.stored_urls(run2, site, false).unwrap();
    assert!(known.has_previous("http://a.gov.cn/x.html"));
    // The run it names answers by key, the same as the search.
    assert_eq!(known.previous_run("http://a.gov.cn/x.html"), Some(run1));
    let direct = store
        .previous_fetch_in(run1, site, "http://a.gov.cn/x.html")
        .expect("held by run 1");
    let analysis = |p: &PreviousFetch| p.with_analysis(<[u8]>::to_vec);
    assert_eq!(
        (&direct.etag, &direct.data, analysis(&direct)),
        (&previous.etag, &previous.data, analysis(&previous))
    );
    assert!(direct.has_analysis() && analysis(&direct).is_some());
    assert!(store
        .previous_fetch_in(run1, site, "http://a.gov.cn/z.html")
        .is_none());
    assert!(store
        .previous_fetch_in(run2, site, "http://a.gov.cn/x.html")
        .is_none());
    assert!(
        !known.has_previous("http://a.gov.cn/z.html"),
        "no validators"
    );
    assert!(
        !known.has_this_run("http://a.gov.cn/x.html"),
        "not resuming"
    );
    assert!(store
        .previous_fetch(run2, site, "http://a.gov.cn/z.html")
        .is_none());
    assert_eq!(previous.data, br#"{"page":1}"#);
    let second = vec![
        finding(CheckId::LinkDead, "http://a.gov.cn/x.html"),
        finding(CheckId::FooterIcp, "http://a.gov.cn/"),
    ];
    let h = store
        .site_history(run2, site, "http://a.gov.cn/", &second, "2026-12-02")
        .unwrap();
    assert_eq!(h.previous_run.as_deref(), Some("2026-12-01"));
    assert_eq!(
        h.findings
            .iter()
            .map(|f| (f.new, f.first_seen.as_str()))
            .collect::<Vec<_>>(),
        vec![(false, "2026-12-01"), (true, "2026-12-02")]
    );
    assert_eq!(h.fixed.len(), 1);
    assert_eq!(h.fixed[0].check, CheckId::ColumnStale);
    assert_eq!(h.trend.len(), 1);

    // Probes: one failure in three, in UTC whatever offset they came with.
    for (at, ok) in [
        ("2026-12-01T10:00:00+08:00", true),
        ("2026-12-01T02:30:00Z", false),
        ("2026-12-01T11:00:00+08:00", true),
    ] {
        store.record_probe(site, at, ok, "200", 12).unwrap();
    }
    let until = chrono::DateTime::parse_from_rfc3339("2026-12-02T00:00:00+08:00").unwrap();
    let a = store.availability(site, until, 7).unwrap().unwrap();
    assert_eq!((a.probes, a.failures), (3, 1));
    assert_eq!(a.last_probe.as_deref(), Some("2026-12-01T11:00:00+08:00"));
}

#[test]
fn the_sqlite_store_keeps_the_contract() {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(&dir.path().join("h.db")).unwrap();
    contract(&store);
}

#[tokio::test(flavor = "multi_thread")]
async fn the_postgres_store_keeps_the_contract() {
    let Some(pg) = PgCluster::start() else { return };
    let url = pg.new_database("contract");
    blocking(move || {
        let store = PgStore::open(&url).unwrap();
        contract(&store);
        // Opening again finds the schema in place (no second migration).
        drop(PgStore::open(&url).unwrap());
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn workers_claiming_at_once_get_distinct_jobs_within_the_group_limit() {
    use govscan::store::pg_jobs::NewJob;
    let Some(pg) = PgCluster::start() else { return };
    let url = pg.new_database("claims");
    let store = Arc::new(
        blocking({
            let url = url.clone();
            move || PgStore::open_fenced(&url).unwrap()
        })
        .await,
    );
    let jobs: Vec<NewJob> = (0..6)
        .map(|i| NewJob {
            url: format!("http://s{i}.gov.cn/"),
            name: format!("站{i}"),
            spec: "{}".into(),
            // Two groups of three.
            group: if i < 3 {
                "10.0.0.1".into()
            } else {
                "10.0.0.2".into()
            },
        })
        .collect();
    let s = store.clone();
    let run = blocking(move || {
        s.queue_run(
            "r",
            "2026-12-02",
            "national",
            "",
            "{}",
            None,
            (2, 3, 60),
            &jobs,
        )
        .unwrap();
        s.run_named("r").unwrap().unwrap()
    })
    .await;
    // Eight claimers at once, each on its own connection and thread.
    let mut claimers = Vec::new();
    for w in 0..8 {
        let (url, run) = (url.clone(), run.clone());
        claimers.push(std::thread::spawn(move || {
            let store = PgStore::open_fenced(&url).unwrap();
            store.claim(&run, &format!("w{w}")).unwrap()
        }));
    }
    let claims: Vec<_> = claimers
        .into_iter()
        .filter_map(|t| t.join().unwrap())
        .collect();
    let mut jobs: Vec<i64> = claims.iter().map(|c| c.job).collect();
    jobs.sort_unstable();
    jobs.dedup();
    assert_eq!(jobs.len(), claims.len(), "no job claimed twice");
    assert_eq!(claims.len(), 4, "two per group, not more: {claims:?}");
    let rows = crate::pg::query(
        &url,
        "SELECT group_key, COUNT(*) FROM jobs WHERE state = 'running' GROUP BY group_key ORDER BY 1",
    )
    .await;
    assert_eq!(
        rows,
        vec![
            vec![Some("10.0.0.1".into()), Some("2".into())],
            vec![Some("10.0.0.2".into()), Some("2".into())]
        ]
    );
    // A stale token cannot finish a job: fencing.
    let (s, r, mut stale) = (store.clone(), run.clone(), claims[0].clone());
    stale.token += 1_000_000;
    let written = blocking(move || s.complete(&r, &stale, b"{}", 1).unwrap()).await;
    assert!(
        !written,
        "a write with a token that is not the lease's is refused"
    );
}

//! The `govscan` binary as users run it: exit codes, site lists, Ctrl-C.

use crate::common::*;
use govscan_demo::server::{closed_port, Route};
use std::process::{Command, Stdio};
use std::time::Duration;

#[tokio::test(flavor = "multi_thread")]
async fn usage_errors_exit_2_with_a_clear_message() {
    let out = tempfile::tempdir().unwrap();
    let o = out.path().to_str().unwrap();
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (vec!["scan", "--out", o], "nothing to scan"),
        (
            vec!["scan", "http://127.0.0.1:1/", "--out", o, "--exclude", "("],
            "--exclude",
        ),
        (
            vec![
                "scan",
                "http://127.0.0.1:1/",
                "--out",
                o,
                "--resolve",
                "nonsense",
            ],
            "HOST:PORT:ADDR",
        ),
        (
            vec![
                "scan",
                "http://127.0.0.1:1/",
                "--out",
                o,
                "--rules",
                "/nonexistent/p.toml",
            ],
            "rule profile",
        ),
        (vec!["scan", "ftp://x.gov.cn/", "--out", o], "http"),
        (
            vec![
                "scan",
                "http://127.0.0.1:1/",
                "--out",
                o,
                "--now",
                "2026-13-40",
            ],
            "--now",
        ),
        (
            vec![
                "scan",
                "http://127.0.0.1:1/",
                "--out",
                o,
                "--render-tabs",
                "0",
            ],
            "--render-tabs",
        ),
    ];
    for (args, needle) in cases {
        let mut cmd = govscan();
        cmd.args(&args);
        let output = run(cmd).await;
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(needle), "{args:?}: {stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_site_list_with_bad_lines_still_scans_the_rest() {
    let closed = closed_port().await.unwrap();
    let fx = start(|_, p| {
        p.page(
            "www.a.gov.cn",
            "/",
            page("甲", r#"<a href="/x.html">死链</a>"#),
        );
        p.page("www.b.gov.cn", "/", page("乙", "<p>ok</p>"));
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let list = dir.path().join("sites.csv");
    let port = fx.port;
    std::fs::write(
        &list,
        format!(
            "name,url,区县\n甲局,http://www.a.gov.cn:{port}/,东区\n坏行,ht!tp://,西区\n乙局,http://www.b.gov.cn:{port}/,南区\n重复,http://www.a.gov.cn:{port}/,北区\n无法访问,http://down.gov.cn:{closed}/,中区\n,,\n孤词\n名称,示例县,乡镇\n"
        ),
    )
    .unwrap();
    let mut cmd = govscan();
    cmd.args([
        "scan",
        "--sites",
        list.to_str().unwrap(),
        "--out",
        dir.path().to_str().unwrap(),
        "--offline",
        "--rate",
        "0",
        "-q",
        "--no-db",
    ]);
    for h in ["www.a.gov.cn", "www.b.gov.cn", "down.gov.cn"] {
        cmd.args(["--resolve", &format!("{h}:{port}:127.0.0.1")]);
    }
    cmd.args(["--fail-on", "warning"]);
    let output = run(cmd).await;
    let stderr = String::from_utf8_lossy(&output.stderr);
    // Skipped lines are warning-level problems for --fail-on.
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("第3行"), "{stderr}");
    assert!(stderr.contains("第8行：“孤词”不是网址"), "{stderr}");
    assert!(stderr.contains("第9行：“示例县”不是网址"), "{stderr}");
    assert!(!stderr.contains("relative URL"), "{stderr}");
    let summary = "列表共 7 行，检查 3 个站点，跳过 4 行";
    assert!(stderr.contains(summary), "{stderr}");
    for file in ["run.log", "report.html"] {
        let text = std::fs::read_to_string(dir.path().join(file)).unwrap();
        assert!(text.contains(summary), "{file}: {text}");
        assert!(text.contains("第9行"), "{file}");
    }
    let sites_csv = std::fs::read_to_string(dir.path().join("sites.csv")).unwrap();
    assert_eq!(sites_csv.lines().count(), 1 + 3 + 4, "{sites_csv}");
    assert!(sites_csv.contains("未检查（站点清单行无效"), "{sites_csv}");
    assert!(!sites_csv.contains("xn--"), "{sites_csv}");
    assert!(
        stderr.contains("第5行") && stderr.contains("重复"),
        "{stderr}"
    );
    let csv = std::fs::read_to_string(dir.path().join("findings.csv")).unwrap();
    assert!(csv.contains("甲局,link.dead,error"), "{csv}");
    let pages = std::fs::read_to_string(dir.path().join("pages.csv")).unwrap();
    assert!(pages.contains("乙局"), "{pages}");
    assert!(
        pages.contains(&format!("http://down.gov.cn:{closed}/,refused")),
        "{pages}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn ctrl_c_stops_politely_and_writes_what_was_found() {
    interrupted_by("INT").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn sigterm_stops_politely_like_ctrl_c() {
    interrupted_by("TERM").await;
}

/// Stops a scan with a signal once the server has answered a few pages
/// (a condition, not a delay), then checks what was written.
async fn interrupted_by(signal: &str) {
    let fx = start(|_, p| {
        let links: String = (0..40)
            .map(|i| format!(r#"<a href="/p{i}.html">{i}</a>"#))
            .collect();
        p.page(
            "www.slow.gov.cn",
            "/",
            page("首页", &format!(r#"<a href="/dead.html">死链</a>{links}"#)),
        );
        for i in 0..40 {
            p.add(
                "www.slow.gov.cn",
                &format!("/p{i}.html"),
                Route::html(page("页", "")).delayed(Duration::from_millis(300)),
            );
        }
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = govscan();
    cmd.args([
        "scan",
        &format!("http://www.slow.gov.cn:{}/", fx.port),
        "--out",
        dir.path().to_str().unwrap(),
    ])
    .args([
        "--offline",
        "--rate",
        "0",
        "--site-concurrency",
        "1",
        "-q",
        "--no-db",
        "--no-sitemap",
    ])
    .args([
        "--resolve",
        &format!("www.slow.gov.cn:{}:127.0.0.1", fx.port),
    ])
    .stdin(Stdio::null())
    .stdout(Stdio::piped())
    .stderr(Stdio::piped());
    let child = cmd.spawn().unwrap();
    let pid = child.id();
    // Wait until the dead link and a few slow pages were requested.
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    while fx
        .portal
        .hits()
        .iter()
        .filter(|h| h.path.starts_with("/p"))
        .count()
        < 4
    {
        assert!(
            std::time::Instant::now() < deadline,
            "the scan never got going"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let status = Command::new("kill")
        .args([format!("-{signal}"), pid.to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let output = tokio::task::spawn_blocking(move || child.wait_with_output().unwrap())
        .await
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(130), "{stderr}");
    let pages = std::fs::read_to_string(dir.path().join("pages.csv")).unwrap();
    let rows = pages.lines().count() - 1;
    assert!(rows > 2 && rows < 42, "{rows} rows");
    let csv = std::fs::read_to_string(dir.path().join("findings.csv")).unwrap();
    assert!(csv.contains("/dead.html"), "{csv}");
    // The unfinished site is partial (or not audited), never a plain 合格.
    let sites = std::fs::read_to_string(dir.path().join("sites.csv")).unwrap();
    let row = sites.lines().nth(1).unwrap();
    assert!(
        row.contains(",partial,") || row.contains(",not_audited,"),
        "{row}"
    );
    assert!(
        row.contains("部分检查") || row.contains("未能检查"),
        "{row}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_province_profile_changes_the_rules_and_a_bad_one_is_refused() {
    let mut cmd = govscan();
    cmd.arg("profile");
    let national = String::from_utf8(run(cmd).await.stdout).unwrap();
    assert!(national.contains("[veto]") && national.contains("国办秘函〔2019〕19号"));

    let fx = start(|_, p| {
        p.page("www.p.gov.cn", "/", page("首页", "<p>正文，没有页脚</p>"));
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let scan_with = |rules: Option<&std::path::Path>| {
        let mut cmd = govscan();
        cmd.args([
            "scan",
            &format!("http://www.p.gov.cn:{}/", fx.port),
            "--out",
            dir.path().to_str().unwrap(),
        ])
        .args([
            "--offline",
            "--rate",
            "0",
            "-q",
            "--no-db",
            "--resolve",
            &format!("www.p.gov.cn:{}:127.0.0.1", fx.port),
        ]);
        if let Some(r) = rules {
            cmd.args(["--rules", r.to_str().unwrap()]);
        }
        cmd
    };
    let output = run(scan_with(None)).await;
    assert_eq!(output.status.code(), Some(0));
    let csv = std::fs::read_to_string(dir.path().join("findings.csv")).unwrap();
    assert!(csv.contains(",footer.police,"));

    // A province that does not check the 公安 number, with a milder severity for ICP.
    let province = national
        .replace("name = \"national\"", "name = \"示范省\"")
        .replace("disabled = []", "disabled = [\"footer.police\"]")
        .replace("\"footer.icp\" = \"error\"", "\"footer.icp\" = \"warning\"");
    let path = dir.path().join("province.toml");
    std::fs::write(&path, province).unwrap();
    let output = run(scan_with(Some(&path))).await;
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let csv = std::fs::read_to_string(dir.path().join("findings.csv")).unwrap();
    assert!(!csv.contains(",footer.police,"), "{csv}");
    assert!(csv.contains(",footer.icp,warning,"), "{csv}");

    // A typo'd value: exit 2, naming the key and the line.
    let bad = national.replace("max_age_days = 14\n", "max_age_days = \"两周\"\n");
    std::fs::write(&path, bad).unwrap();
    let output = run(scan_with(Some(&path))).await;
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("max_age_days") && stderr.contains("line"),
        "{stderr}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_runtime_failure_exits_3_not_like_findings() {
    let fx = start(|_, p| {
        p.page("www.a.gov.cn", "/", page("甲", "<p>ok</p>"));
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let mut f = flags(&["--rate", "0", "--no-db"]);
    f.extend(fx.resolve(&["www.a.gov.cn"]));
    scan(&[fx.base("www.a.gov.cn") + "/"], &f, dir.path()).await;
    // report.html cannot be written (a folder stands in its place): an I/O
    // error while re-rendering.
    std::fs::remove_file(dir.path().join("report.html")).unwrap();
    std::fs::create_dir(dir.path().join("report.html")).unwrap();
    let mut cmd = govscan();
    cmd.args(["report", dir.path().to_str().unwrap()]);
    let output = run(cmd).await;
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(3), "{stderr}");
    assert!(stderr.contains("report.html"), "{stderr}");
}

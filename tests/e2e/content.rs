//! The content rules end to end on the demo portal: each planted case is
//! found, exactly, and the controls beside them are not.

use crate::common::*;
use govscan_demo::portal::{EDU_HOST, MAIN_HOST};

const CONTENT_CHECKS: &[&str] = &[
    "content.serious_error",
    "interaction.unanswered",
    "interaction.slow",
    "interaction.stale",
    "consultation.dates",
    "consultation.short",
    "consultation.status",
    "consultation.feedback",
    "report.annual_missing",
    "report.annual_incomplete",
    "column.missing",
];

#[tokio::test(flavor = "multi_thread")]
async fn content_plants_are_found_and_their_controls_are_not() {
    let out = tempfile::tempdir().unwrap();
    let (outcome, _, _) = scan_demo(60, out.path()).await;
    let port = url::Url::parse(&outcome.report.sites[0].url)
        .unwrap()
        .port()
        .unwrap();
    let content = |i: usize, host: &str| {
        let base = format!("http://{host}:{port}");
        let only: Vec<_> = outcome.report.sites[i]
            .findings
            .iter()
            .filter(|f| CONTENT_CHECKS.contains(&f.check.as_str()))
            .cloned()
            .collect();
        keyed(&only, &base)
    };
    // Exactly these: the archive article of 2017, the quick answer, the
    // 无效 message, the recent one, the 35-day consultation with its
    // feedback and last year's complete report are not reported.
    assert_eq!(
        content(0, MAIN_HOST),
        set(&[
            (
                "content.serious_error",
                "/xwzx/ywdt/wording.html",
                "中华人民共合国",
                "serious"
            ),
            (
                "content.serious_error",
                "/xwzx/ywdt/wording.html",
                "国家食品药品监督管理总局",
                "typo"
            ),
            (
                "interaction.unanswered",
                "/hdjl/xzxx/3.html",
                "/hdjl/xzxx/3.html",
                "unanswered"
            ),
            ("interaction.slow", "/hdjl/xzxx/2.html", "县长信箱", "slow"),
            ("interaction.stale", "/hdjl/zxts/", "咨询投诉", "stale"),
            (
                "consultation.short",
                "/hdjl/yjzj/1.html",
                "/hdjl/yjzj/1.html",
                "short"
            ),
            (
                "consultation.status",
                "/hdjl/yjzj/1.html",
                "/hdjl/yjzj/1.html",
                "status"
            ),
            (
                "consultation.feedback",
                "/hdjl/yjzj/1.html",
                "/hdjl/yjzj/1.html",
                "no_feedback"
            ),
            (
                "report.annual_incomplete",
                "/zwgk/ndbg/2024.html",
                "2024年度报告",
                "incomplete"
            ),
            ("column.missing", "/", "建议提案办理结果", "missing"),
        ])
    );
    // The education bureau is a department (the site list's level): its
    // deadline was 1月31日 and it need carry no 政策解读.
    assert_eq!(
        content(1, EDU_HOST),
        set(&[
            (
                "report.annual_missing",
                "/",
                "2025年政府信息公开工作年度报告",
                "missing"
            ),
            ("column.missing", "/", "政策文件", "missing"),
        ])
    );
    let main = &outcome.report.sites[0];
    let severity = |check: &str, target: &str| {
        main.findings
            .iter()
            .find(|f| f.check.as_str() == check && f.target.ends_with(target))
            .map(|f| f.severity.as_str())
    };
    assert_eq!(severity("content.serious_error", "共合国"), Some("veto"));
    assert_eq!(
        severity("content.serious_error", "管理总局"),
        Some("warning")
    );
    assert_eq!(severity("interaction.unanswered", "3.html"), Some("veto"));

    // The numbers the report shows: five messages on 县长信箱 and two on
    // 咨询投诉; the 无效 one is left out of the window's count.
    let interaction = main.summary.interaction.as_ref().expect("boards read");
    assert_eq!((interaction.boards, interaction.messages), (2, 7));
    assert_eq!(
        (
            interaction.in_window,
            interaction.answered,
            interaction.unanswered,
            interaction.overdue,
            interaction.slow
        ),
        (6, 4, 2, 1, 1)
    );
    assert_eq!(interaction.delay_buckets.iter().sum::<usize>(), 4);
    assert_eq!(main.summary.serious_errors, 1);
    assert_eq!(main.summary.consultations, 2);
    let html = std::fs::read_to_string(out.path().join("report.html")).unwrap();
    assert!(
        html.contains("留言答复用时"),
        "the report shows the answer delays"
    );
    let sites = std::fs::read_to_string(out.path().join("sites.csv")).unwrap();
    let header = sites.lines().next().unwrap();
    assert!(
        header.ends_with(
            ",level,messages,unanswered_overdue,median_reply_workdays,serious_errors,region"
        ),
        "{header}"
    );
}

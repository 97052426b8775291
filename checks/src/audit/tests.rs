//! Unit tests of block detection and audit statuses.

use super::block::{visible_chars, visible_chars_exceed};
use super::*;

#[test]
fn the_early_visible_text_count_agrees_with_the_full_one() {
    let pages = [
        "<html><head><SCRIPT>var a = '<b>很多字</b>';</SCRIPT><style>p{}</style></head><body><p>示范县 人民政府</p>text</body></html>",
        "<script>document.cookie='x';location.reload()</script>",
        "<p>一二三四五六七八九十</p><Style>x</STYLE>abc",
        "<script>never closed",
        "",
        // Long tags with CJK attributes, a `<` inside a tag, a `</scrip`
        // inside a script, text after an unclosed tag.
        "<ul><li><a href=\"/政务公开/2026/11/art_1.html\" title=\"关于印发 通知\">关于印发通知</a><span class=\"d\">2026-11-02</span></li></ul>",
        "<div data-x=\"a<b\">一二</div>三<p",
        "<SCRIPT>if (a </scrip b) {}</SCRIPT>四五<STYLE>x</style>六",
        "<a href=x>八</a  >九 十<br/>",
        // What follows a closing script or style tag's name is still the
        // tag's, up to its `>`.
        "<script>x</script foo=\"一二\">三</p>",
        "<style>a</stylex>b</style>c",
    ];
    for page in pages {
        for limit in 0..30 {
            assert_eq!(
                visible_chars_exceed(page.as_bytes(), limit),
                visible_chars(page) > limit,
                "{page} / {limit}"
            );
        }
    }
}

fn rules() -> AuditRules {
    Profile::national().audit
}

fn h(n: &str, v: &str) -> (String, String) {
    (n.to_string(), v.to_string())
}

#[test]
fn plain_403_is_not_a_block() {
    let r = rules();
    let body = b"<html><head><title>403 Forbidden</title></head><body><center><h1>403 Forbidden</h1></center><hr><center>nginx</center></body></html>";
    assert_eq!(detect_block(403, &[h("Server", "nginx")], body, &r), None);
    assert_eq!(detect_block(404, &[], b"not found", &r), None);
}

#[test]
fn firewall_pages_by_body_or_header() {
    let r = rules();
    let safedog = "<html><body><img src=\"http://404.safedog.cn/images/safedogsite/head.png\"><p>您的请求带有不合法参数，已被网站管理员设置拦截！</p></body></html>";
    let b = detect_block(403, &[], safedog.as_bytes(), &r).unwrap();
    assert_eq!(b.kind, BlockKind::Firewall);
    assert_eq!(b.vendor, "安全狗");
    let header = detect_block(
        405,
        &[h("Set-Cookie", "safedog-flow-item=ABC; path=/")],
        b"<html>blocked</html>",
        &r,
    )
    .unwrap();
    assert_eq!(header.vendor, "安全狗");
    // The same cookie on a normal page is not a block.
    assert_eq!(
        detect_block(
            200,
            &[h("Set-Cookie", "safedog-flow-item=ABC")],
            b"<html><body>news</body></html>",
            &r
        ),
        None
    );
    // A status outside the list is judged as usual even with a signature.
    assert_eq!(detect_block(404, &[], safedog.as_bytes(), &r), None);
    let gbk = encoding_rs::GBK
        .encode("<p>您的访问被阻断，网站防火墙</p>")
        .0;
    assert!(detect_block(403, &[], &gbk, &r).is_some());
}

#[test]
fn challenge_pages() {
    let r = rules();
    let page = "<html><body><script>document.cookie='__jsl_clearance_s=1717;max-age=3600;path=/';location.href=location.pathname+location.search</script></body></html>";
    let b = detect_block(521, &[], page.as_bytes(), &r).unwrap();
    assert_eq!(b.kind, BlockKind::Challenge);
    let b = detect_block(200, &[], page.as_bytes(), &r).unwrap();
    assert_eq!(b.kind, BlockKind::Challenge);
    // A real page that sets a cookie in a script is not a challenge.
    let real = format!(
        "<html><body><script>document.cookie='lang=zh';location.href='#top'</script>{}</body></html>",
        "<p>本网站信息公开目录，政务动态，通知公告。</p>".repeat(30)
    );
    assert_eq!(detect_block(200, &[], real.as_bytes(), &r), None);
    assert_eq!(
        detect_block(429, &[], b"", &r).unwrap().kind,
        BlockKind::RateLimited
    );
}

fn input(home: HomeState, read: usize, unread: usize, blocked: usize) -> AuditInput {
    AuditInput {
        home,
        pages_read: read,
        pages_unread: unread,
        pages_blocked: blocked,
        interrupted: false,
    }
}

#[test]
fn audit_statuses() {
    let r = rules();
    let a = judge_audit(&input(HomeState::Analysed, 10, 0, 0), &r);
    assert_eq!(a.status, AuditStatus::Audited);
    let a = judge_audit(&input(HomeState::Analysed, 83, 17, 17), &r);
    assert_eq!(a.status, AuditStatus::Partial);
    assert_eq!(a.coverage_percent(), 83);
    assert_eq!(a.reason, "blocked");
    let a = judge_audit(&input(HomeState::Analysed, 999, 1, 0), &r);
    assert_eq!(a.coverage_percent(), 99, "a partial audit never reads 100%");
    let a = judge_audit(&input(HomeState::Analysed, 10, 90, 90), &r);
    assert_eq!(a.status, AuditStatus::NotAudited);
    assert_eq!(a.reason, "coverage");
    let a = judge_audit(&input(HomeState::Failed(FailureKind::Dns), 0, 0, 0), &r);
    assert_eq!(a.status, AuditStatus::NotAudited);
    assert_eq!(a.reason, "dns");
    assert!(a.advice_zh.contains("域名"));
    let a = judge_audit(
        &input(
            HomeState::Blocked(Block {
                kind: BlockKind::Challenge,
                vendor: String::new(),
            }),
            0,
            0,
            0,
        ),
        &r,
    );
    assert_eq!(a.reason, "challenge");
    assert!(a.advice_zh.contains("白名单"));
}

#[test]
fn login_pages() {
    let r = rules();
    assert!(looks_like_login(true, "用户登录 用户名 密码", 3, &r));
    assert!(!looks_like_login(false, "用户登录", 3, &r));
    assert!(!looks_like_login(true, "用户登录", 200, &r));
}

//! The content plants of the county portal (dated relative to `--now`):
//!
//! - PLANTED `content.serious_error`: a recent article writes 中华人民共合国
//!   (veto) and an abolished body's name as current (易错, warning); an
//!   article of 2017 names the same body (control: archives are not judged).
//! - PLANTED `interaction.unanswered`: 县长信箱 holds a message left 120 days
//!   ago and still 办理中 (veto); one answered after 25 days
//!   (`interaction.slow`); controls: a quick answer, a 无效 message, one left
//!   20 days ago.
//! - PLANTED `interaction.stale`: 咨询投诉 has had no new message for 150 days.
//! - PLANTED `consultation.short`, `consultation.status`, `consultation.feedback`:
//!   a 20-day consultation still shown as 进行中 after its end, with no
//!   feedback; control: a 35-day one whose 采纳情况 is published.
//! - PLANTED `report.annual_incomplete`: the report of two years ago lacks two
//!   of the six parts; last year's is complete (control).
//! - PLANTED `column.missing`: the portal has no 建议提案办理结果 column.
//!
//! Returns the home page's block linking them.

use super::{cn_date, esc, ymd, FooterFlaws, Gen, SiteInfo};
use chrono::{Datelike, Duration, NaiveDate};
use std::fmt::Write;

pub(super) fn build(g: &mut Gen, site: &SiteInfo) -> String {
    let now = g.now;
    let day = |n: i64| now - Duration::days(n);
    let page = |g: &mut Gen,
                path: &str,
                title: &str,
                column: &str,
                date: Option<NaiveDate>,
                body: &str| {
        let meta = match date {
            Some(d) => format!(
                r#"<meta name="ColumnName" content="{column}"><meta name="ArticleTitle" content="{t}"><meta name="PubDate" content="{}">"#,
                ymd(d),
                t = esc(title)
            ),
            None => format!(r#"<meta name="ColumnName" content="{column}">"#),
        };
        let info = date
            .map(|d| format!(r#"<div class="info">发布时间：{}</div>"#, ymd(d)))
            .unwrap_or_default();
        let html = g.layout(
            site,
            &format!("{title}_{}", site.name),
            &meta,
            &format!(
                r#"<div class="position">当前位置：<a href="/">首页</a> &gt; {column}</div><h1>{}</h1>{info}<div class="content">{body}</div>"#,
                esc(title)
            ),
            FooterFlaws::default(),
        );
        g.portal.page(site.host.as_str(), path, html);
    };

    // Wording.
    page(
        g,
        "/xwzx/ywdt/wording.html",
        "示范县召开法治政府建设推进会",
        "要闻动态",
        Some(day(3)),
        "<p>会议强调，要深入学习中华人民共合国宪法和有关法律法规。</p><p>会议传达了国家食品药品监督管理总局关于食品安全的工作要求。</p>",
    );
    page(
        g,
        "/xwzx/ywdt/archive-2017.html",
        "示范县开展市场秩序整治",
        "要闻动态",
        NaiveDate::from_ymd_opt(2017, 5, 10),
        "<p>根据国家工商行政管理总局的部署，县工商局开展市场秩序专项整治。</p>",
    );

    // 县长信箱: a table, as mailbox platforms render one.
    let mailbox = [
        ("关于路灯维修的建议", 10, Some(8), "已回复"),
        ("咨询社保缴费基数", 60, Some(35), "已回复"),
        ("反映小区夜间施工噪音扰民", 120, None, "办理中"),
        ("广告推广信息", 100, None, "无效留言"),
        ("咨询学校招生政策", 20, None, "办理中"),
    ];
    let mut rows = String::new();
    for (i, (title, asked, answered, status)) in mailbox.iter().enumerate() {
        let path = format!("/hdjl/xzxx/{}.html", i + 1);
        let answered_date = answered.map(day);
        let _ = write!(
            rows,
            r#"<tr><td><a href="{path}">{title}</a></td><td>{}</td><td>{}</td><td>{status}</td></tr>"#,
            ymd(day(*asked)),
            answered_date.map(ymd).unwrap_or_default()
        );
        let reply = match answered_date {
            Some(d) => format!(
                "<p>回复时间：{}</p><p>回复内容：您好，您反映的问题已转相关部门办理，感谢您的关注。</p>",
                ymd(d)
            ),
            None => String::new(),
        };
        page(
            g,
            &path,
            title,
            "县长信箱",
            None,
            &format!(
                "<p>留言时间：{}</p><p>留言内容：{title}，请予答复。</p><p>办理状态：{status}</p>{reply}",
                ymd(day(*asked))
            ),
        );
    }
    page(
        g,
        "/hdjl/xzxx/",
        "县长信箱",
        "县长信箱",
        None,
        &format!(
            r#"<table class="mailbox"><tr><th>信件标题</th><th>留言时间</th><th>回复时间</th><th>办理状态</th></tr>{rows}</table>"#
        ),
    );

    // 咨询投诉: labelled items, nothing new for 150 days.
    let mut items = String::new();
    for (i, (title, asked, answered)) in [
        ("办理居住证需要哪些材料", 150, 147),
        ("公交线路调整咨询", 160, 158),
    ]
    .iter()
    .enumerate()
    {
        let _ = write!(
            items,
            r#"<li><a href="/hdjl/zxts/{n}.html">{title}</a> 留言时间：{} 回复时间：{}</li>"#,
            ymd(day(*asked)),
            ymd(day(*answered)),
            n = i + 1
        );
        page(
            g,
            &format!("/hdjl/zxts/{}.html", i + 1),
            title,
            "咨询投诉",
            None,
            &format!(
                "<p>留言时间：{}</p><p>回复时间：{}</p><p>回复内容：请携带身份证到政务服务中心办理。</p>",
                ymd(day(*asked)),
                ymd(day(*answered))
            ),
        );
    }
    page(
        g,
        "/hdjl/zxts/",
        "咨询投诉",
        "咨询投诉",
        None,
        &format!(r#"<ul class="msg">{items}</ul>"#),
    );

    // 意见征集.
    let short_start = day(60);
    let short_end = day(41);
    page(
        g,
        "/hdjl/yjzj/1.html",
        "关于《示范县农贸市场管理办法（征求意见稿）》公开征求意见的公告",
        "意见征集",
        Some(short_start),
        &format!(
            "<p>为规范农贸市场管理，现将《示范县农贸市场管理办法（征求意见稿）》全文公布，公开征求社会各界意见。征求意见时间为{}至{}。</p><p>征集状态：进行中</p>",
            cn_date(short_start),
            cn_date(short_end)
        ),
    );
    let long_start = day(90);
    let long_end = day(56);
    page(
        g,
        "/hdjl/yjzj/2.html",
        "关于《示范县养犬管理规定（征求意见稿）》公开征求意见的公告",
        "意见征集",
        Some(long_start),
        &format!(
            "<p>现将《示范县养犬管理规定（征求意见稿）》公开征求意见。征求意见时间：{}至{}。</p><p>征集状态：已结束</p>",
            cn_date(long_start),
            cn_date(long_end)
        ),
    );
    page(
        g,
        "/hdjl/yjzj/2-fk.html",
        "关于《示范县养犬管理规定》征求意见采纳情况的说明",
        "意见征集",
        Some(day(40)),
        "<p>征求意见期间共收到意见建议12条，采纳5条，未采纳的已说明理由。</p>",
    );
    page(
        g,
        "/hdjl/yjzj/",
        "意见征集",
        "意见征集",
        None,
        &format!(
            r#"<ul class="list"><li><a href="/hdjl/yjzj/1.html">关于《示范县农贸市场管理办法（征求意见稿）》公开征求意见的公告</a><span>{}</span></li><li><a href="/hdjl/yjzj/2-fk.html">关于《示范县养犬管理规定》征求意见采纳情况的说明</a><span>{}</span></li><li><a href="/hdjl/yjzj/2.html">关于《示范县养犬管理规定（征求意见稿）》公开征求意见的公告</a><span>{}</span></li></ul>"#,
            ymd(short_start),
            ymd(day(40)),
            ymd(long_start)
        ),
    );

    // 政府信息公开工作年度报告: last year's complete, the year before lacks two parts.
    const PARTS: [&str; 6] = [
        "一、总体情况",
        "二、主动公开政府信息情况",
        "三、收到和处理政府信息公开申请情况",
        "四、政府信息公开行政复议、行政诉讼情况",
        "五、存在的主要问题及改进情况",
        "六、其他需要报告的事项",
    ];
    let mut list = String::new();
    for (year, parts) in [(now.year() - 1, &PARTS[..]), (now.year() - 2, &PARTS[..4])] {
        let title = format!("示范县人民政府{year}年政府信息公开工作年度报告");
        let path = format!("/zwgk/ndbg/{year}.html");
        let published = NaiveDate::from_ymd_opt(year + 1, 3, 20).unwrap_or(now);
        let body: String = parts
            .iter()
            .map(|p| format!("<h3>{p}</h3><p>（内容略）</p>"))
            .collect();
        page(g, &path, &title, "政府信息公开年报", Some(published), &body);
        let _ = write!(
            list,
            r#"<li><a href="{path}">{title}</a><span>{}</span></li>"#,
            ymd(published)
        );
    }
    page(
        g,
        "/zwgk/ndbg/",
        "政府信息公开年报",
        "政府信息公开年报",
        None,
        &format!(r#"<ul class="list">{list}</ul>"#),
    );

    // Required columns: present but for 建议提案办理结果.
    for (path, title) in [
        ("/zwgk/jgzn/", "机构设置"),
        ("/zwgk/ldzc/", "领导之窗"),
        ("/hdjl/cjwt/", "常见问题"),
    ] {
        page(
            g,
            path,
            title,
            title,
            None,
            &format!("<p>{title}（内容略）</p>"),
        );
    }

    format!(
        r#"<div class="box"><h3>政务公开</h3><a href="/zwgk/jgzn/">机构设置</a> <a href="/zwgk/ldzc/">领导之窗</a> <a href="/zwgk/ndbg/">政府信息公开年报</a> <a href="/zwgk/czxx/">财政信息</a></div>
<div class="box"><h3>互动交流</h3><a href="/hdjl/xzxx/">县长信箱</a> <a href="/hdjl/zxts/">咨询投诉</a> <a href="/hdjl/yjzj/">意见征集</a> <a href="/hdjl/cjwt/">常见问题</a></div>
<div class="box"><h3>最新发布</h3><ul class="list"><li><a href="/xwzx/ywdt/wording.html">示范县召开法治政府建设推进会</a><span>{}</span></li><li><a href="/xwzx/ywdt/archive-2017.html">示范县开展市场秩序整治</a><span>2017-05-10</span></li></ul></div>"#,
        ymd(day(3))
    )
}

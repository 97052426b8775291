//! Page analysis alone, in MB/s: decode + parse + link extraction + every
//! page check (footer included), beside html5ever parsing alone (the floor
//! a full parse cannot beat). `cargo bench -p govscan-checks`.

// Tests, benchmarks and examples may panic on a broken fixture: that is
// their way to fail.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use chrono::NaiveDate;
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use govscan_checks::page::{analyse_page, finish_footer, PageInput};
use govscan_checks::Profile;
use std::hint::black_box;
use url::Url;

const FOOTER: &str = r#"<div class="footer"><div><a href="/wzdt/">网站地图</a> | <a href="/lxwm/">联系我们</a></div>
<p>主办单位：示范县人民政府办公室　承办单位：示范县大数据发展中心</p><p>地址：示范县人民路1号　联系电话：0571-87654321</p>
<p><a href="http://beian.miit.gov.cn/">浙ICP备12345678号-1</a>　<a href="http://beian.mps.gov.cn/#/query/webSearch?code=33999902000123"><img src="/images/gongan.png">浙公网安备 33999902000123号</a>　政府网站标识码：3399990001</p>
<a href="http://bszs.conac.cn/sitename?method=show&amp;id=0A1B2C3D4E5F60718293A4B5C6D7E8F9"><img id="imgConac" src="http://dcs.conac.cn/image/red.png"></a>
<script id="_jiucuo_" sitecode='3399990001' src='http://zfwzgl.www.gov.cn/exposure/jiucuo.js'></script></div>"#;

fn shell(title: &str, meta: &str, body: &str) -> String {
    let nav: String = [
        "新闻中心",
        "通知公告",
        "政策文件",
        "政策解读",
        "人事信息",
        "统计信息",
        "办事服务",
        "互动交流",
    ]
    .iter()
    .enumerate()
    .map(|(i, n)| format!(r#"<li><a href="/col{i}/">{n}</a></li>"#))
    .collect();
    format!(
        r#"<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>{title}</title><meta name="SiteName" content="示范县人民政府"><meta name="SiteDomain" content="www.sfx-demo.gov.cn"><meta name="SiteIDCode" content="3399990001">{meta}<link rel="stylesheet" href="/css/main.css"><script src="/js/common.js"></script></head><body><div class="header"><a href="/"><img src="/images/logo.png" alt="示范县人民政府"></a></div><ul class="nav"><li><a href="/">首页</a></li>{nav}</ul><div class="main">{body}</div>{FOOTER}</body></html>"#
    )
}

/// A column page: 20 dated items with pagination (about 6 KB).
fn list_page() -> String {
    let items: String = (0..20)
        .map(|i| format!(r#"<li><a href="/xwzx/ywdt/202611/t202611{:02}_{i}.html" title="示范县召开安全生产工作推进会">示范县召开安全生产工作推进会（第{i}期）</a><span class="date">2026-11-{:02}</span></li>"#, i % 28 + 1, i % 28 + 1))
        .collect();
    shell(
        "要闻动态_示范县人民政府",
        r#"<meta name="ColumnName" content="要闻动态">"#,
        &format!(
            r#"<div class="position">当前位置：<a href="/">首页</a> &gt; 要闻动态</div><ul class="list">{items}</ul><div class="page">共9页 <a href="index_1.html">下一页</a></div>"#
        ),
    )
}

/// An article page (about 4.4 KB).
fn article_page() -> String {
    let para = "<p>会议强调，要坚持以人民为中心的发展思想，压实工作责任，确保各项任务落到实处。各乡镇、各部门要加强协调配合，及时发现和解决问题。</p>".repeat(12);
    shell(
        "示范县召开安全生产工作推进会",
        r#"<meta name="ColumnName" content="要闻动态"><meta name="ArticleTitle" content="示范县召开安全生产工作推进会"><meta name="PubDate" content="2026-11-20 09:30">"#,
        &format!(
            r#"<div class="article"><h1>示范县召开安全生产工作推进会</h1><div class="info">发布时间：2026-11-20 09:30　来源：示范县人民政府办公室</div><div class="content">{para}</div></div>"#
        ),
    )
}

fn bench(c: &mut Criterion) {
    let profile = Profile::national();
    let today = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
    let url = Url::parse("http://www.sfx-demo.gov.cn/xwzx/ywdt/index.html").unwrap();
    for (name, html) in [("list page", list_page()), ("article page", article_page())] {
        let mut g = c.benchmark_group(name);
        g.throughput(Throughput::Bytes(html.len() as u64));
        g.bench_function("html5ever parse only", |b| {
            b.iter(|| black_box(scraper::Html::parse_document(black_box(&html))))
        });
        g.bench_function("govscan full analysis", |b| {
            b.iter(|| {
                let input = PageInput {
                    site: "示范县",
                    url: &url,
                    body: html.as_bytes(),
                    content_type: Some("text/html; charset=utf-8"),
                    is_home: false,
                    truncated: false,
                    today,
                };
                let mut a = analyse_page(&input, &profile);
                finish_footer(&mut a, "示范县", url.as_str(), false, &[], &profile);
                black_box(a)
            })
        });
        g.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);

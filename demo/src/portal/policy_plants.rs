//! The main portal's 政策文件 and 政策解读 columns: documents and their
//! interpretations, with the pairing and metadata defects planted (an
//! interpretation that links no document, a late one, a document needing
//! one that has none, nonstandard 文号 and missing 成文日期).

use super::*;

struct PolicyDoc {
    title: &'static str,
    wenhao: &'static str,
    written_age: i64,
    published_age: i64,
    validity: &'static str,
    /// Index of the interpretation it links to.
    links_interp: Option<usize>,
}

struct Interp {
    title: &'static str,
    age: i64,
    /// Index of the document it links back to (`usize::MAX`: a dead link).
    links_doc: Option<usize>,
}

/// 政策文件 and 政策解读 with planted pairing and metadata defects.
pub(super) fn build_policy(g: &mut Gen, site: &SiteInfo) -> (Vec<Item>, Vec<Item>) {
    let docs = [
        // Good pair with interpretation 0.
        PolicyDoc {
            title: "示范县人民政府办公室关于进一步优化营商环境的实施意见",
            wenhao: "示政办发〔2026〕12号",
            written_age: 33,
            published_age: 30,
            validity: "有效",
            links_interp: Some(0),
        },
        // No interpretation at all.
        PolicyDoc {
            title: "示范县人民政府关于印发示范县农村集体资产管理办法的通知",
            wenhao: "示政发〔2026〕8号",
            written_age: 50,
            published_age: 47,
            validity: "有效",
            links_interp: None,
        },
        // Interpretation 1 links here, but this page does not link back.
        PolicyDoc {
            title: "示范县人民政府办公室关于加快发展养老服务业的若干意见",
            wenhao: "示政办发〔2026〕9号",
            written_age: 70,
            published_age: 66,
            validity: "有效",
            links_interp: None,
        },
        // Links to interpretation 2, which does not link back; non-standard brackets.
        PolicyDoc {
            title: "示范县人民政府办公室关于印发示范县城乡居民医疗保险实施细则的通知",
            wenhao: "示政办发[2026]5号",
            written_age: 90,
            published_age: 88,
            validity: "有效",
            links_interp: Some(2),
        },
        // Late interpretation 3; validity missing.
        PolicyDoc {
            title: "示范县人民政府关于调整城乡最低生活保障标准的通知",
            wenhao: "示政发〔2026〕3号",
            written_age: 120,
            published_age: 118,
            validity: "",
            links_interp: Some(3),
        },
        // Published before written; leading zero in the sequence.
        PolicyDoc {
            title: "示范县人民政府办公室关于做好2026年春季农业生产工作的通知",
            wenhao: "示政办发〔2026〕01号",
            written_age: 150,
            published_age: 160,
            validity: "有效",
            links_interp: None,
        },
    ];
    let interps = [
        Interp {
            title: "《示范县人民政府办公室关于进一步优化营商环境的实施意见》政策解读",
            age: 30,
            links_doc: Some(0),
        },
        Interp {
            title: "一图读懂《关于加快发展养老服务业的若干意见》",
            age: 65,
            links_doc: Some(2),
        },
        Interp {
            title: "《示范县城乡居民医疗保险实施细则》解读",
            age: 87,
            links_doc: None,
        },
        Interp {
            title: "《关于调整城乡最低生活保障标准的通知》政策问答",
            age: 100,
            links_doc: Some(4),
        },
        Interp {
            title: "《示范县2025年惠企政策》解读",
            age: 200,
            links_doc: Some(usize::MAX),
        },
    ];
    let doc_items: Vec<Item> = docs
        .iter()
        .enumerate()
        .map(|(i, d)| {
            let date = g.now - Duration::days(d.published_age);
            Item {
                title: d.title.to_string(),
                path: format!(
                    "/zwgk/zcwj/{}/t{}_{}.html",
                    date.format("%Y%m"),
                    date.format("%Y%m%d"),
                    500 + i
                ),
                date,
            }
        })
        .collect();
    let interp_items: Vec<Item> = interps
        .iter()
        .enumerate()
        .map(|(i, d)| {
            let date = g.now - Duration::days(d.age);
            Item {
                title: d.title.to_string(),
                path: format!(
                    "/zwgk/zcjd/{}/t{}_{}.html",
                    date.format("%Y%m"),
                    date.format("%Y%m%d"),
                    600 + i
                ),
                date,
            }
        })
        .collect();
    for (i, d) in docs.iter().enumerate() {
        let written = g.now - Duration::days(d.written_age);
        let published = doc_items[i].date;
        let related = match d.links_interp {
            Some(j) => format!(
                r#"<div class="related">相关解读：<a href="{}">{}</a></div>"#,
                interp_items[j].path,
                esc(interps[j].title)
            ),
            None => String::new(),
        };
        let body = format!(
            r#"<table class="xxgk-meta">
<tr><td>索 引 号：</td><td>003399999/{y}-{idx:05}</td><td>主题分类：</td><td>综合政务</td></tr>
<tr><td>发文机关：</td><td>示范县人民政府办公室</td><td>成文日期：</td><td>{w}</td></tr>
<tr><td>标　　题：</td><td colspan="3">{t}</td></tr>
<tr><td>发文字号：</td><td>{wh}</td><td>发布日期：</td><td>{p}</td></tr>
<tr><td>有 效 性：</td><td>{v}</td></tr></table>
<div class="article"><h1>{t}</h1><div class="content"><p>各乡镇人民政府，县政府各部门：</p><p>现将有关事项通知如下。</p></div>{related}</div>"#,
            y = published.year(),
            idx = 10 + i,
            w = cn_date(written),
            t = esc(d.title),
            wh = d.wenhao,
            p = cn_date(published),
            v = d.validity
        );
        let meta = format!(
            r#"<meta name="ColumnName" content="政策文件"><meta name="ArticleTitle" content="{}"><meta name="PubDate" content="{} 16:00">"#,
            esc(d.title),
            ymd(published)
        );
        let html = g.layout(site, d.title, &meta, &body, FooterFlaws::default());
        g.portal.page(site.host.as_str(), &doc_items[i].path, html);
    }
    for (i, it) in interps.iter().enumerate() {
        let related = match it.links_doc {
            Some(usize::MAX) => r#"<div class="related">相关文件：<a href="/zwgk/zcwj/202501/t20250110_999.html">示范县2025年惠企政策</a></div>"#.to_string(),
            Some(j) => format!(r#"<div class="related">相关文件：<a href="{}">{}</a></div>"#, doc_items[j].path, esc(docs[j].title)),
            None => String::new(),
        };
        let meta = format!(
            r#"<meta name="ColumnName" content="政策解读"><meta name="ArticleTitle" content="{}"><meta name="PubDate" content="{} 17:00">"#,
            esc(it.title),
            ymd(interp_items[i].date)
        );
        let body = format!(
            r#"<div class="article"><h1>{t}</h1><div class="info">发布时间：{d} 17:00</div><div class="content"><p>一、出台背景</p><p>二、主要内容</p><p>三、政策亮点</p></div>{related}</div>"#,
            t = esc(it.title),
            d = ymd(interp_items[i].date)
        );
        let html = g.layout(site, it.title, &meta, &body, FooterFlaws::default());
        g.portal
            .page(site.host.as_str(), &interp_items[i].path, html);
    }
    g.column_lists(site, "政策文件", "/zwgk/zcwj/", &doc_items, "");
    g.column_lists(site, "政策解读", "/zwgk/zcjd/", &interp_items, "");
    (doc_items, interp_items)
}

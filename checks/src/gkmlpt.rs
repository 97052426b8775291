//! 广东 gkmlpt (政府信息公开目录管理平台), which every Guangdong county and
//! department site carries at `…/gkmlpt/index`: the page is a script shell.
//! Its inline `window._CONFIG = { SID: '755041', TREE: [...], … }` names the
//! site and the catalogue's columns (`{"id", "name", "children", "jump_url",
//! "post_count"}`); each column's documents come from
//! `…/gkmlpt/api/all/{id}?page=N&sid=SID` as JSON
//! (`{"classify": {"post_count"}, "articles": [{"title", "url",
//! "display_publish_time", "created_at"…}], "total"}`), about 100 a page.
//! Each leaf column is judged as a column of its own; its documents are
//! crawled like any other link.

use crate::columns::PlatformColumn;
use crate::data_requests::{DataReader, DataRequest, Folded};
use crate::dates::parse_date;
use crate::links::{Link, LinkKind, LinkTarget};
use crate::page::PageAnalysis;
use chrono::{DateTime, NaiveDate};
use regex::Regex;
use serde_json::Value;
use std::sync::OnceLock;
use url::Url;

/// The catalogue a gkmlpt page's `_CONFIG` states.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Catalogue {
    /// The site id (`SID`), which every API request carries.
    pub sid: String,
    /// Leaf columns (those with neither children nor a `jump_url`), in
    /// the tree's order.
    pub columns: Vec<PlatformColumn>,
    /// Columns that are links elsewhere (`jump_url`), as links to follow.
    pub jumps: Vec<(Url, String)>,
    /// Every node's name, parents too: the columns the site offers.
    pub names: Vec<String>,
}

/// Reads the catalogue from a page's inline scripts; `None` on a page that
/// is not a gkmlpt catalogue (no `SID` or no readable `TREE`).
pub fn catalogue(script_text: &str, page: &Url) -> Option<Catalogue> {
    static SID: OnceLock<Regex> = OnceLock::new();
    static TREE: OnceLock<Regex> = OnceLock::new();
    let config = script_text.find("_CONFIG")?;
    let config_text = &script_text[config..];
    let sid = crate::built_in_regex(&SID, r#"\bSID['"]?\s*:\s*['"]?(\d{1,12})"#)
        .captures(config_text)?[1]
        .to_string();
    let tree_at = crate::built_in_regex(&TREE, r#"\bTREE['"]?\s*:\s*\["#)
        .find(config_text)?
        .end()
        - 1;
    // The tree is JSON inside a script object: read one value, ignore the rest.
    let tree: Value = serde_json::Deserializer::from_str(&config_text[tree_at..])
        .into_iter::<Value>()
        .next()?
        .ok()?;
    let mut out = Catalogue {
        sid,
        columns: Vec::new(),
        jumps: Vec::new(),
        names: Vec::new(),
    };
    walk(tree.as_array()?, page, &mut out);
    Some(out)
}

fn text_of(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn count_of(v: Option<&Value>) -> Option<u32> {
    match v? {
        Value::Number(n) => n.as_u64().and_then(|n| u32::try_from(n).ok()),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

fn walk(nodes: &[Value], page: &Url, out: &mut Catalogue) {
    for node in nodes {
        let (Some(id), Some(name)) = (text_of(node.get("id")), text_of(node.get("name"))) else {
            continue;
        };
        out.names.push(name.clone());
        if let Some(jump) = text_of(node.get("jump_url")) {
            if let Ok(url) = page.join(&jump) {
                out.jumps.push((url, name));
            }
            continue;
        }
        match node.get("children").and_then(Value::as_array) {
            Some(children) if !children.is_empty() => walk(children, page, out),
            _ => {
                let mut url = page.clone();
                url.set_fragment(Some(&id));
                out.columns.push(PlatformColumn {
                    id,
                    name,
                    url: url.to_string(),
                    list: crate::columns::ListFacts {
                        // Unread until the API answers: 未能核实, not blank.
                        scripted: true,
                        ..Default::default()
                    },
                });
            }
        }
    }
}

/// The API endpoint of a catalogue page: `…/gkmlpt/api/all/`.
fn api_base(page: &Url) -> Option<Url> {
    let path = page.path();
    let at = path.find("/gkmlpt/")?;
    page.join(&format!("{}/gkmlpt/api/all/", &path[..at])).ok()
}

fn list_request(base: &Url, column: &str, sid: &str, page: u32) -> Option<DataRequest> {
    let mut url = base.join(column).ok()?;
    url.set_query(Some(&format!("page={page}&sid={sid}")));
    Some(DataRequest {
        method: "GET".into(),
        url: url.to_string(),
        body: String::new(),
        reader: DataReader::GkmlptApi,
        column: Some(column.to_string()),
    })
}

impl Catalogue {
    /// The first page of every column's list (the newest documents), at
    /// most `cap` requests.
    pub fn requests(&self, page: &Url, cap: usize) -> Vec<DataRequest> {
        let Some(base) = api_base(page) else {
            return Vec::new();
        };
        self.columns
            .iter()
            .filter_map(|c| list_request(&base, &c.id, &self.sid, 1))
            .take(cap)
            .collect()
    }
}

/// The date a document was published: `display_publish_time` (Unix
/// seconds or milliseconds, read in China's time), else a written date.
fn article_date(article: &Value) -> Option<NaiveDate> {
    let from_stamp = |v: &Value| {
        let n = v.as_i64().or_else(|| v.as_str()?.trim().parse().ok())?;
        let secs = if n > 100_000_000_000 { n / 1000 } else { n };
        (secs > 0)
            .then(|| DateTime::from_timestamp(secs + 8 * 3600, 0))
            .flatten()
            .map(|t| t.date_naive())
    };
    article
        .get("display_publish_time")
        .and_then(from_stamp)
        .or_else(|| {
            ["created_at", "publish_time", "first_publish_time"]
                .iter()
                .find_map(|k| article.get(*k)?.as_str().and_then(parse_date))
        })
}

/// Reads one API answer into its column: documents counted and dated,
/// their links crawled; on a column's first page, the requests for its
/// later pages (at most `more_cap`). `None` when the answer is not the
/// API's JSON.
pub fn add_articles(
    analysis: &mut PageAnalysis,
    request: &DataRequest,
    answer: &str,
    today: NaiveDate,
    more_cap: usize,
) -> Option<Folded> {
    let json: Value = serde_json::from_str(answer.trim_start_matches('\u{feff}')).ok()?;
    let articles = json.get("articles")?.as_array()?;
    let page = Url::parse(&request.url).ok()?;
    let column_id = request.column.as_deref()?;
    let column = analysis
        .facts
        .platform_columns
        .iter_mut()
        .find(|c| c.id == column_id)?;
    let list = &mut column.list;
    list.scripted = false;
    let stated = json
        .get("classify")
        .and_then(|c| count_of(c.get("post_count")))
        .or_else(|| count_of(json.get("total")));
    list.stated_total = list.stated_total.or(stated);
    let mut links = Vec::new();
    for article in articles {
        let title = text_of(article.get("title")).unwrap_or_default();
        match article_date(article) {
            Some(d) => {
                list.dated += 1;
                if d <= today {
                    list.newest = list.newest.max(Some(d));
                }
            }
            None => list.undated += 1,
        }
        let href = text_of(article.get("url")).or_else(|| text_of(article.get("post_url")));
        if let Some(url) = href.and_then(|h| page.join(&h).ok()) {
            links.push(Link {
                kind: LinkKind::Anchor,
                raw: url.to_string(),
                target: LinkTarget::Web(url),
                text: title.chars().take(80).collect(),
            });
        }
    }
    // The page's script-filled list has been read through its columns.
    analysis.facts.list.scripted = false;
    analysis.links.extend(links);
    let mut more = Vec::new();
    let first_page = page
        .query_pairs()
        .find(|(k, _)| k == "page")
        .is_none_or(|(_, v)| v == "1" || v == "0");
    let per_page = articles.len() as u32;
    if let (true, Some(total), Some(sid), Some(base)) = (
        first_page && per_page > 0,
        stated,
        page.query_pairs()
            .find(|(k, _)| k == "sid")
            .map(|(_, v)| v.into_owned()),
        page.join(".").ok(),
    ) {
        let pages = total.div_ceil(per_page);
        more.extend(
            (2..=pages)
                .take(more_cap)
                .filter_map(|n| list_request(&base, column_id, &sid, n)),
        );
    }
    Some(Folded {
        items: articles.len(),
        more,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const INDEX: &str = r#"window._CONFIG = {
        SID: '755041',
        TREE: [{"id": 20, "name": "政策文件", "children": [
                  {"id": 721, "name": "通知公告", "children": [], "post_count": 145},
                  {"id": 722, "name": "规范性文件", "children": []}]},
               {"id": 30, "name": "政务服务", "jump_url": "/zwfw/index.html", "children": []}],
        SERVICE_AREA_ID: 1
    };"#;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()
    }

    #[test]
    fn the_catalogue_names_its_leaf_columns_and_the_api() {
        let page = Url::parse("http://www.x.gov.cn/bm/gkmlpt/index").unwrap();
        let cat = catalogue(INDEX, &page).expect("a catalogue");
        assert_eq!(cat.sid, "755041");
        let names: Vec<_> = cat
            .columns
            .iter()
            .map(|c| (c.id.as_str(), c.name.as_str()))
            .collect();
        assert_eq!(names, vec![("721", "通知公告"), ("722", "规范性文件")]);
        assert_eq!(
            cat.columns[0].url,
            "http://www.x.gov.cn/bm/gkmlpt/index#721"
        );
        assert!(cat.columns.iter().all(|c| c.list.scripted));
        assert_eq!(
            cat.jumps[0].0.as_str(),
            "http://www.x.gov.cn/zwfw/index.html"
        );
        assert_eq!(
            cat.names,
            vec!["政策文件", "通知公告", "规范性文件", "政务服务"]
        );
        let r = cat.requests(&page, 200);
        assert_eq!(
            r[0].url,
            "http://www.x.gov.cn/bm/gkmlpt/api/all/721?page=1&sid=755041"
        );
        assert_eq!(
            (r[0].method.as_str(), r[0].column.as_deref()),
            ("GET", Some("721"))
        );
        assert_eq!(cat.requests(&page, 1).len(), 1);
        assert!(catalogue("window._CONFIG = {};", &page).is_none());
    }

    #[test]
    fn articles_are_dated_counted_linked_and_later_pages_asked() {
        let page = Url::parse("http://www.x.gov.cn/bm/gkmlpt/index").unwrap();
        let cat = catalogue(INDEX, &page).unwrap();
        let mut a = PageAnalysis {
            facts: Default::default(),
            links: Vec::new(),
            link_table: Default::default(),
            anchors: Vec::new(),
            findings: Vec::new(),
            not_found: None,
            footer_sources: Vec::new(),
            login: false,
            data_requests: Vec::new(),
        };
        a.facts.platform_columns = cat.columns.clone();
        let request = &cat.requests(&page, 200)[0];
        // 2026-11-20 10:00 in China is 02:00 UTC.
        let answer = r#"{"classify": {"post_count": 250}, "articles": [
            {"id": 1, "title": "关于冬季防火的通告", "url": "http://www.x.gov.cn/bm/gkmlpt/content/0/1/post_1.html", "display_publish_time": 1795140000},
            {"id": 2, "title": "旧通知", "post_url": "/bm/gkmlpt/content/0/2/post_2.html", "created_at": "2026-10-02 16:25:04"}
        ]}"#;
        let folded = add_articles(&mut a, request, answer, today(), 200).expect("read");
        assert_eq!(folded.items, 2);
        let list = &a.facts.platform_columns[0].list;
        assert_eq!((list.dated, list.stated_total), (2, Some(250)));
        assert_eq!(list.newest, NaiveDate::from_ymd_opt(2026, 11, 20));
        assert!(!list.scripted && a.facts.platform_columns[1].list.scripted);
        let links: Vec<&str> = a.links.iter().map(|l| l.raw.as_str()).collect();
        assert!(links.contains(&"http://www.x.gov.cn/bm/gkmlpt/content/0/2/post_2.html"));
        // 250 documents, 2 a page: pages 2..=125 are asked for.
        assert_eq!(folded.more.len(), 124);
        assert_eq!(
            folded.more[0].url,
            "http://www.x.gov.cn/bm/gkmlpt/api/all/721?page=2&sid=755041"
        );
        // The platform columns read back from the store as they were.
        let back = PageAnalysis::decode(&crate::page::StoredAnalysis::of(&a).encode().unwrap());
        assert_eq!(
            back.unwrap().facts.platform_columns,
            a.facts.platform_columns
        );
        // A later page asks for nothing more; an error page is not read.
        let later = add_articles(&mut a, &folded.more[0], answer, today(), 200).unwrap();
        assert!(later.more.is_empty());
        assert!(add_articles(&mut a, request, "<html>403</html>", today(), 200).is_none());
        // A stated total of millions asks for no more than the cap.
        let huge = answer.replace("\"post_count\": 250", "\"post_count\": 99999999");
        let capped = add_articles(&mut a, request, &huge, today(), 5).unwrap();
        assert_eq!(capped.more.len(), 5);
    }
}

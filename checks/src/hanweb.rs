//! Hanweb/jpaas (大汉) columns beyond their inline first page: the later
//! records come from `/module/web/jpage/dataproxy.jsp?startrecord=&endrecord=
//! &perpage=` by POST (`col=1&appid=1&webid=…&path=…&columnid=…&unitid=…
//! &webname=…&permissiontype=0`), answered in the same `<datastore>` XML as
//! the inline records. This module says which requests a column page needs
//! and folds what they returned into the page; the crawler makes them.

use crate::columns::{datastore_items, RawItem};
use crate::data_requests::DataReader;
use crate::data_requests::DataRequest;
use crate::dates::item_date;
use crate::links::{Link, LinkKind, LinkTarget};
use crate::page::PageAnalysis;
use chrono::NaiveDate;
use regex::Regex;
use std::collections::BTreeMap;
use std::sync::OnceLock;
use url::Url;

/// The dataproxy requests for the records a Hanweb column page does not
/// carry inline: from the record after the inline ones to the stated
/// `<totalrecord>`, a group of as many records as the page carried inline
/// per request, at most `cap` requests.
pub fn dataproxy_requests(
    script_text: &str,
    page: &Url,
    inline_records: u32,
    stated_total: Option<u32>,
    cap: usize,
) -> Vec<DataRequest> {
    static PROXY: OnceLock<Regex> = OnceLock::new();
    static PERPAGE: OnceLock<Regex> = OnceLock::new();
    let proxy = crate::built_in_regex(&PROXY, r#"dataproxy\.jsp\?([^"'<>\s\]]+)"#);
    let (Some(total), Some(c)) = (stated_total, proxy.captures(script_text)) else {
        return Vec::new();
    };
    if inline_records == 0 || total <= inline_records {
        return Vec::new();
    }
    let params: BTreeMap<String, String> =
        url::form_urlencoded::parse(c[1].replace("&amp;", "&").as_bytes())
            .into_owned()
            .collect();
    let Some(columnid) = params.get("columnid").filter(|c| !c.is_empty()) else {
        return Vec::new();
    };
    let perpage: u32 = crate::built_in_regex(&PERPAGE, r"perpage\s*[:=]\s*['\x22]?(\d{1,4})")
        .captures(script_text)
        .and_then(|c| c[1].parse().ok())
        .unwrap_or(inline_records)
        .max(1);
    let get = |k: &str, default: &str| params.get(k).cloned().unwrap_or_else(|| default.into());
    let body: String = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("col", "1")
        .append_pair("appid", "1")
        .append_pair("webid", &get("webid", ""))
        .append_pair("path", &get("path", "/"))
        .append_pair("columnid", columnid)
        .append_pair("sourceContentType", &get("sourceContentType", "1"))
        .append_pair("unitid", &get("unitid", ""))
        .append_pair("webname", &get("webname", ""))
        .append_pair("permissiontype", &get("permissiontype", "0"))
        .finish();
    let Ok(endpoint) = page.join("/module/web/jpage/dataproxy.jsp") else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut start = inline_records + 1;
    while start <= total && out.len() < cap {
        let end = (start + inline_records - 1).min(total);
        let mut url = endpoint.clone();
        url.set_query(Some(&format!(
            "startrecord={start}&endrecord={end}&perpage={perpage}"
        )));
        out.push(DataRequest {
            method: "POST".into(),
            url: url.to_string(),
            body: body.clone(),
            reader: DataReader::HanwebDataproxy,
            column: None,
        });
        start = end + 1;
    }
    out
}

/// Folds a dataproxy answer into the column page: its records are items of
/// the list (counted, dated) and their links are crawled like the page's own.
/// Returns the records read.
pub fn add_records(
    analysis: &mut PageAnalysis,
    answer: &str,
    page: &Url,
    today: NaiveDate,
) -> usize {
    let items: Vec<RawItem> = datastore_items(answer, page);
    let list = &mut analysis.facts.list;
    for item in &items {
        match item_date(&item.text, || None, today) {
            Some(d) => {
                list.dated += 1;
                if d <= today {
                    list.newest = list.newest.max(Some(d));
                }
            }
            None => list.undated += 1,
        }
        list.datastore_items += 1;
        if let Some(url) = item.link.as_deref().and_then(|l| Url::parse(l).ok()) {
            analysis.links.push(Link {
                kind: LinkKind::Anchor,
                raw: url.to_string(),
                target: LinkTarget::Web(url),
                text: item.text.chars().take(80).collect(),
            });
        }
    }
    items.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn later_records_are_asked_for_by_post_in_groups() {
        let script = r#"<datastore><totalrecord>57</totalrecord><nextgroup><![CDATA[<a href="/module/web/jpage/dataproxy.jsp?page=1&webid=5&path=/&columnid=4041779&unitid=6823589&webname=%E7%A4%BA&permissiontype=0"></a>]]></nextgroup><recordset></recordset></datastore>"#;
        let page = Url::parse("http://rsj.x.gov.cn/col/col4041779/index.html").unwrap();
        let r = dataproxy_requests(script, &page, 15, Some(57), 200);
        let urls: Vec<&str> = r.iter().map(|r| r.url.as_str()).collect();
        assert_eq!(
            urls,
            vec![
                "http://rsj.x.gov.cn/module/web/jpage/dataproxy.jsp?startrecord=16&endrecord=30&perpage=15",
                "http://rsj.x.gov.cn/module/web/jpage/dataproxy.jsp?startrecord=31&endrecord=45&perpage=15",
                "http://rsj.x.gov.cn/module/web/jpage/dataproxy.jsp?startrecord=46&endrecord=57&perpage=15",
            ]
        );
        assert!(r.iter().all(|r| r.method == "POST"
            && r.body.contains("columnid=4041779")
            && r.body.contains("webid=5")
            && r.body.contains("unitid=6823589")
            && r.body.starts_with("col=1&appid=1")));
        // The key tells two columns' requests apart although the URL is one.
        let other = DataRequest {
            body: r[0].body.replace("4041779", "4041780"),
            ..r[0].clone()
        };
        assert_ne!(other.key(), r[0].key());
        // Capped; nothing without a stated total or beyond it.
        assert_eq!(dataproxy_requests(script, &page, 15, Some(57), 1).len(), 1);
        assert!(dataproxy_requests(script, &page, 15, None, 200).is_empty());
        assert!(dataproxy_requests(script, &page, 15, Some(15), 200).is_empty());
    }
}

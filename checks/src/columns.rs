//! Columns (栏目): list pages, their newest dated item, blank columns; and
//! the site-wide freshness check over all of a site's columns.

use crate::dates::{find_dates, item_date};
use crate::profile::Profile;
use chrono::{Datelike, NaiveDate};
use regex::Regex;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::OnceLock;

/// One list item (`li`, `tr`, `dd`) as the parser saw it.
#[derive(Debug, Clone, Default)]
pub struct RawItem {
    /// Its text, whitespace collapsed.
    pub text: String,
    /// Whether it holds a link (or a clickable title).
    pub has_link: bool,
    /// Its first link, resolved (for telling a section's sub-column links).
    pub link: Option<String>,
}

/// A column a platform page lists apart from the page's own list: one
/// column of a gkmlpt catalogue, whose items come from the platform's API.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct PlatformColumn {
    /// The platform's column id.
    pub id: String,
    /// Its name in the platform's tree.
    pub name: String,
    /// Where a reader opens it (`…/gkmlpt/index#721`).
    pub url: String,
    /// Its items, as the API gave them.
    pub list: ListFacts,
}

/// What a page says about its list of items.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct ListFacts {
    /// Items with a date.
    pub dated: u32,
    /// Items with a link but no date.
    pub undated: u32,
    /// The newest item date.
    pub newest: Option<NaiveDate>,
    /// The page says it has no information (暂无信息, 正在建设中…).
    pub empty_phrase: bool,
    /// The page carries an explanatory note (备注说明).
    pub note: bool,
    /// The page says its list holds no records (`共 0 条`).
    #[serde(default)]
    pub zero_count: bool,
    /// No items were read, but a script fills the list (datastore, an API):
    /// the column cannot be verified from the static HTML.
    #[serde(default)]
    pub scripted: bool,
    /// Distinct pages its "more" links (更多>>) lead to.
    #[serde(default)]
    pub more_links: u32,
    /// Items read from a platform's inline records (Hanweb datastore).
    #[serde(default)]
    pub datastore_items: u32,
    /// The number of records the page says the list holds (`共595条`).
    #[serde(default)]
    pub stated_total: Option<u32>,
    /// When no item is dated: where the undated items link to (at most 50),
    /// so that a page listing only its sub-columns is known for a section.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub item_links: Vec<String>,
}

/// The most common year among the full dates of the page, for `MM-DD` items.
fn context_year(text: &str) -> Option<i32> {
    let mut counts: HashMap<i32, usize> = HashMap::new();
    for d in find_dates(text) {
        *counts.entry(d.year()).or_default() += 1;
    }
    counts
        .into_iter()
        .max_by_key(|(y, n)| (*n, *y))
        .map(|(y, _)| y)
}

/// Reads the list facts of a page. `script_text` is the text of its
/// inline scripts (to tell a list a script fills from an empty one).
pub fn list_facts(
    items: &[RawItem],
    main_text: &str,
    script_text: &str,
    today: NaiveDate,
    profile: &Profile,
) -> ListFacts {
    let year = std::cell::OnceCell::new();
    let mut facts = ListFacts::default();
    for item in items {
        let text = item.text.trim();
        if text.chars().count() < 4 {
            continue;
        }
        match item_date(
            text,
            || *year.get_or_init(|| context_year(main_text)),
            today,
        ) {
            Some(d) => {
                facts.dated += 1;
                if facts.newest.is_none_or(|n| d > n) {
                    facts.newest = Some(d);
                }
            }
            // Navigation entries (首页, 新闻中心) are not items; titles are longer.
            None if item.has_link && text.chars().count() >= 10 => facts.undated += 1,
            None => {}
        }
    }
    let rules = &profile.columns;
    if facts.dated + facts.undated > 0 {
        static TOTAL: OnceLock<Regex> = OnceLock::new();
        static RECORDS: OnceLock<Regex> = OnceLock::new();
        // The pager's "共595条", else Hanweb's datastore count.
        facts.stated_total = crate::built_in_regex(&TOTAL, r"共\s*(\d{1,7})\s*条")
            .captures(main_text)
            .or_else(|| {
                crate::built_in_regex(
                    &RECORDS,
                    r"(?i)<totalrecord>\s*(?:<!\[CDATA\[)?\s*(\d{1,7})",
                )
                .captures(script_text)
            })
            .and_then(|c| c[1].parse().ok());
    }
    if facts.dated == 0 {
        // Only what counts as an undated item (a linked title): navigation
        // entries would make every page look like a list of columns.
        facts.item_links = items
            .iter()
            .filter(|i| i.has_link && i.text.trim().chars().count() >= 10)
            .filter_map(|i| i.link.clone())
            .take(50)
            .collect();
    }
    // Only a page with no items can be an empty list (the patterns are
    // not cheap over a whole page's text).
    facts.zero_count =
        facts.dated == 0 && facts.undated == 0 && rules.zero_count_patterns.is_match(main_text);
    facts.scripted = facts.dated == 0
        && facts.undated == 0
        && rules
            .script_list_markers
            .iter()
            .any(|m| script_text.contains(m.as_str()));
    facts.empty_phrase = rules
        .empty_phrases
        .iter()
        .any(|p| main_text.contains(p.as_str()));
    facts.note = rules.note_patterns.is_match(main_text);
    facts
}

/// The records a Hanweb/jpaas column page carries inline, in
/// `<script type="text/xml"><datastore>…<recordset><record><![CDATA[<li>…
/// <a href=…>title</a><span>date</span></li>]]></record>…`: the first page
/// of the column's list, which a script shows. Each record is one item.
pub fn datastore_items(script_text: &str, base: &url::Url) -> Vec<RawItem> {
    static TAG: OnceLock<Regex> = OnceLock::new();
    static HREF: OnceLock<Regex> = OnceLock::new();
    let tag = crate::built_in_regex(&TAG, r"<[^>]*>");
    let href = crate::built_in_regex(&HREF, r#"(?i)<a\s[^>]*href\s*=\s*["']?([^"'\s>]+)"#);
    let mut items = Vec::new();
    let mut rest = script_text;
    while let Some(start) = rest.find("<record") {
        let after = &rest[start..];
        let Some(open_end) = after.find('>') else {
            break;
        };
        let body_start = open_end + 1;
        let Some(close) = after[body_start..].find("</record>") else {
            break;
        };
        let body = &after[body_start..body_start + close];
        let body = body
            .trim()
            .trim_start_matches("<![CDATA[")
            .trim_end_matches("]]>");
        let link = href
            .captures(body)
            .and_then(|c| base.join(c.get(1)?.as_str()).ok())
            .map(|mut u| {
                u.set_fragment(None);
                u.to_string()
            });
        let mut text = String::new();
        for piece in tag.split(body) {
            let piece = piece.trim();
            if !piece.is_empty() {
                if !text.is_empty() {
                    text.push(' ');
                }
                text.push_str(piece);
            }
        }
        if !text.is_empty() && items.len() < 2000 {
            items.push(RawItem {
                text,
                has_link: link.is_some(),
                link,
            });
        }
        rest = &after[body_start + close + "</record>".len()..];
    }
    items
}

/// The older pages of a TRS WCM column, which a script writes:
/// `createPageHTML(N, cur, "index", "html")` pages are `index.html`,
/// `index_1.html` … `index_{N-1}.html` (variants name the count `_pageCount`
/// or `countPage`). At most `cap` pages.
pub fn script_pager_urls(script_text: &str, base: &url::Url, cap: usize) -> Vec<url::Url> {
    static CREATE: OnceLock<Regex> = OnceLock::new();
    let create = crate::built_in_regex(
        &CREATE,
        r#"createPageHTML\(\s*([A-Za-z0-9_$]+)\s*,\s*[A-Za-z0-9_$]+\s*,\s*["']([A-Za-z0-9_-]+)["']\s*,\s*["']([A-Za-z0-9]+)["']"#,
    );
    let Some(c) = create.captures(script_text) else {
        return Vec::new();
    };
    // The count is a number, or a variable set earlier (`var countPage = 3`).
    let count: usize = c[1].parse().unwrap_or_else(|_| {
        Regex::new(&format!(r"\b{}\s*=\s*(\d+)", regex::escape(&c[1])))
            .ok()
            .and_then(|re| re.captures(script_text)?.get(1)?.as_str().parse().ok())
            .unwrap_or(0)
    });
    let (name, ext) = (&c[2], &c[3]);
    (1..count.min(cap))
        .filter_map(|i| base.join(&format!("{name}_{i}.{ext}")).ok())
        .collect()
}

/// The column name from a breadcrumb (`当前位置：首页 > 政务公开 > 通知公告`).
pub fn breadcrumb_column(text: &str) -> Option<String> {
    breadcrumb_trail(text).pop()
}

/// Every segment of a breadcrumb, outermost first.
pub fn breadcrumb_trail(text: &str) -> Vec<String> {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = crate::built_in_regex(
        &RE,
        r"(?:当前位置|您的位置|您现在的位置|所在位置|当前的位置)\s*[:：]?\s*([^\n]{2,120})",
    );
    let Some(line) = re.captures(text).and_then(|c| c.get(1)) else {
        return Vec::new();
    };
    line.as_str()
        .split(['>', '»', '›', '＞', '→', '/', '|'])
        .map(|s| s.trim())
        .filter(|s| !s.is_empty() && s.chars().count() <= 20)
        .map(str::to_string)
        .collect()
}

/// A column's own name: the `ColumnName` meta, unless the breadcrumb shows
/// that name as an ancestor of the page (some platforms put the channel's
/// name on every sub-column): then the breadcrumb's last segment.
pub fn own_column_name(meta: Option<&str>, trail: &[String]) -> Option<String> {
    let last = trail.last();
    match (meta.filter(|m| !m.is_empty()), last) {
        (Some(m), Some(l)) if m != l && trail[..trail.len() - 1].iter().any(|s| s == m) => {
            Some(l.clone())
        }
        (Some(m), _) => Some(m.to_string()),
        (None, l) => l.cloned(),
    }
}

/// One list page, as the site check sees it.
#[derive(Debug, Clone)]
pub struct ColumnPage<'a> {
    /// Page URL.
    pub url: &'a str,
    /// Column name.
    pub name: &'a str,
    /// `ColumnType` meta.
    pub column_type: Option<&'a str>,
    /// Its list facts.
    pub list: &'a ListFacts,
    /// Read from Chromium's rendering (`--render`).
    pub rendered: bool,
    /// A platform column whose items come from the platform's data API.
    pub from_api: bool,
}

/// A column's verdict.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct ColumnState {
    /// Column name.
    pub name: String,
    /// Its first list page.
    pub url: String,
    /// Class id (`dynamic`, `notice`, `should_update`).
    pub class: String,
    /// Class label.
    pub class_label: String,
    /// `timely` or `long`.
    pub group: String,
    /// Max age for the class.
    pub max_age_days: i64,
    /// Newest item date across its pages.
    pub newest: Option<NaiveDate>,
    /// Age of the newest item in days on `today`.
    pub age_days: Option<i64>,
    /// Whether it is stale.
    pub stale: bool,
    /// Whether it is blank (no items, no explanatory note).
    pub blank: bool,
    /// List pages seen.
    pub pages: usize,
    /// Its list is filled by a script nothing could read: 未能核实, neither
    /// blank nor stale.
    #[serde(default)]
    pub unverified: bool,
    /// The platform's own column type (`ColumnType` meta), if stated.
    #[serde(default)]
    pub column_type: Option<String>,
    /// Items: the total the platform states, else the items read.
    #[serde(default)]
    pub items: u32,
    /// Where the items were read: `static` (the HTML), `datastore`
    /// (Hanweb's inline records), `api` (a platform's data API, gkmlpt),
    /// `rendered` (Chromium) or `script` (a script nothing could read).
    #[serde(default)]
    pub source: String,
}

fn column_dir(url: &str) -> String {
    let no_query = url.split(['?', '#']).next().unwrap_or(url);
    match no_query.rfind('/') {
        Some(pos) => no_query[..=pos].to_string(),
        None => no_query.to_string(),
    }
}

/// Groups list pages into columns (same directory and name: the pages of
/// one pagination) and judges each against its class.
pub fn column_states(
    pages: &[ColumnPage<'_>],
    today: NaiveDate,
    profile: &Profile,
) -> Vec<ColumnState> {
    let mut groups: Vec<((String, String), Vec<&ColumnPage<'_>>)> = Vec::new();
    let mut group_of: std::collections::HashMap<(String, String), usize> =
        std::collections::HashMap::new();
    for p in pages {
        // A platform column (`index#721`) is a column of its own; pages of
        // one pagination share a directory and a name.
        let dir = if p.url.contains('#') {
            p.url.to_string()
        } else {
            column_dir(p.url)
        };
        let key = (dir, p.name.to_string());
        match group_of.get(&key) {
            Some(&i) => groups[i].1.push(p),
            None => {
                group_of.insert(key.clone(), groups.len());
                groups.push((key, vec![p]));
            }
        }
    }
    let mut out = Vec::new();
    for ((_, name), group) in groups {
        let Some(class) = profile
            .columns
            .classify(&name, group.iter().find_map(|p| p.column_type))
        else {
            continue;
        };
        let Some(first) = group.iter().min_by_key(|p| (p.url.len(), p.url)) else {
            continue;
        };
        let newest = group.iter().filter_map(|p| p.list.newest).max();
        let dated: u32 = group.iter().map(|p| p.list.dated).sum();
        let undated: u32 = group.iter().map(|p| p.list.undated).sum();
        let note = group.iter().any(|p| p.list.note);
        let unverified = dated == 0 && undated == 0 && group.iter().any(|p| p.list.scripted);
        let blank = dated == 0 && undated == 0 && !note && !unverified;
        let age = newest.map(|n| (today - n).num_days());
        // 未注明信息发布时间的视为不更新: a column of undated items is not updated.
        let stale = !blank
            && !unverified
            && match age {
                Some(a) => a > class.max_age_days,
                None => undated > 0 && !note,
            };
        out.push(ColumnState {
            name,
            url: first.url.to_string(),
            class: class.id.clone(),
            class_label: class.label.clone(),
            group: class.group.clone(),
            max_age_days: class.max_age_days,
            newest,
            age_days: age,
            stale,
            blank,
            pages: group.len(),
            unverified,
            column_type: group.iter().find_map(|p| p.column_type).map(str::to_string),
            items: group
                .iter()
                .find_map(|p| p.list.stated_total)
                .unwrap_or(dated + undated),
            source: if unverified {
                "script"
            } else if group.iter().any(|p| p.rendered) {
                "rendered"
            } else if group.iter().any(|p| p.from_api) {
                "api"
            } else if group.iter().any(|p| p.list.datastore_items > 0) {
                "datastore"
            } else {
                "static"
            }
            .to_string(),
        });
    }
    // Pages arrive in the order they were fetched, which varies from run to
    // run; the columns table and the findings made from it do not.
    out.sort_by(|a, b| (&a.url, &a.name).cmp(&(&b.url, &b.name)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn breadcrumbs() {
        assert_eq!(
            breadcrumb_column("当前位置：首页 > 政务公开 > 通知公告\n列表").as_deref(),
            Some("通知公告")
        );
        assert_eq!(
            breadcrumb_column("您现在的位置: 首页 » 要闻动态").as_deref(),
            Some("要闻动态")
        );
        assert_eq!(breadcrumb_column("没有位置"), None);
    }

    #[test]
    fn list_dates_and_blank() {
        let p = Profile::national();
        let today = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        let items = vec![
            RawItem {
                text: "县政府召开常务会议 2026-11-20".into(),
                has_link: true,
                link: None,
            },
            RawItem {
                text: "关于做好冬季防火的通知 [11-21]".into(),
                has_link: true,
                link: None,
            },
            RawItem {
                text: "首页".into(),
                has_link: true,
                link: None,
            },
            RawItem {
                text: "无日期的链接标题文字".into(),
                has_link: true,
                link: None,
            },
        ];
        let f = list_facts(&items, "2026-11-20 正文", "", today, &p);
        assert_eq!(f.dated, 2);
        assert_eq!(f.undated, 1);
        assert_eq!(f.newest, NaiveDate::from_ymd_opt(2026, 11, 21));
        let f = list_facts(&[], "本栏目暂无信息", "", today, &p);
        assert!(f.empty_phrase && !f.note);
        let f = list_facts(&[], "暂无信息。说明：本县无此类项目。", "", today, &p);
        assert!(f.note);
        let f = list_facts(&[], "通知公告 共 0 条记录 首页 上一页", "", today, &p);
        assert!(f.zero_count && !f.scripted);
        let f = list_facts(&[], "共 10 条记录", "", today, &p);
        assert!(!f.zero_count);
        let datastore = "<datastore><nextgroup></nextgroup><recordset><record><![CDATA[<li>…</li>]]></record></recordset></datastore>";
        let f = list_facts(&[], "暂无数据", datastore, today, &p);
        assert!(f.scripted, "a script-filled list is not an empty one");
    }

    #[test]
    fn hanweb_datastore_records_are_items() {
        let base = url::Url::parse("http://www.x.gov.cn/col/col5/index.html").unwrap();
        let script = r#"<datastore><nextgroup><![CDATA[<a href="/module/web/jpage/dataproxy.jsp?page=1&columnid=5"></a>]]></nextgroup><totalrecord>2</totalrecord><recordset>
<record><![CDATA[<li><a href="/art/2026/11/20/art_5_1.html" target="_blank">县政府召开常务会议</a><span>2026-11-20</span></li>]]></record>
<record><![CDATA[<li><a href='art_5_2.html'>关于做好冬季防火工作的通知</a><span>[11-18]</span></li>]]></record>
</recordset></datastore>"#;
        let items = datastore_items(script, &base);
        assert_eq!(items.len(), 2);
        assert_eq!(items[0].text, "县政府召开常务会议 2026-11-20");
        assert_eq!(
            items[0].link.as_deref(),
            Some("http://www.x.gov.cn/art/2026/11/20/art_5_1.html")
        );
        assert_eq!(
            items[1].link.as_deref(),
            Some("http://www.x.gov.cn/col/col5/art_5_2.html")
        );
        let today = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        let f = list_facts(&items, "", script, today, &Profile::national());
        assert_eq!(f.dated, 2);
        assert_eq!(f.newest, NaiveDate::from_ymd_opt(2026, 11, 20));
        assert!(
            !f.scripted,
            "records read are not an unreadable script list"
        );
    }

    #[test]
    fn trs_script_pager_names_the_older_pages() {
        let base = url::Url::parse("http://www.x.gov.cn/zwgk/tzgg/index.html").unwrap();
        let urls = script_pager_urls(r#"createPageHTML(4, 0, "index", "shtml");"#, &base, 200);
        let got: Vec<String> = urls.iter().map(|u| u.to_string()).collect();
        assert_eq!(
            got,
            vec![
                "http://www.x.gov.cn/zwgk/tzgg/index_1.shtml",
                "http://www.x.gov.cn/zwgk/tzgg/index_2.shtml",
                "http://www.x.gov.cn/zwgk/tzgg/index_3.shtml",
            ]
        );
        assert_eq!(
            script_pager_urls(r#"createPageHTML(900, 0, "index", "html")"#, &base, 200).len(),
            199
        );
        assert!(script_pager_urls(
            "createPageHTML(_nPageCount, 0, 'index', 'html')",
            &base,
            200
        )
        .is_empty());
    }

    #[test]
    fn columns_come_out_in_one_order_whatever_order_pages_were_fetched() {
        let p = Profile::national();
        let today = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        let dated = ListFacts {
            dated: 1,
            newest: NaiveDate::from_ymd_opt(2026, 1, 1),
            ..ListFacts::default()
        };
        let page = |url: &'static str, name: &'static str| ColumnPage {
            url,
            name,
            column_type: None,
            list: &dated,
            rendered: false,
            from_api: false,
        };
        let fetched = [
            page("http://x.gov.cn/tzgg/index_1.html", "通知公告"),
            page("http://x.gov.cn/gzdt/", "工作动态"),
            page("http://x.gov.cn/tzgg/index.html", "通知公告"),
            page("http://x.gov.cn/czyjs/", "财政预决算"),
        ];
        let names = |pages: &[ColumnPage<'_>]| -> Vec<(String, String, usize)> {
            column_states(pages, today, &p)
                .into_iter()
                .map(|c| (c.name, c.url, c.pages))
                .collect()
        };
        let mut reversed = fetched.to_vec();
        reversed.reverse();
        let expected = vec![
            (
                "财政预决算".to_string(),
                "http://x.gov.cn/czyjs/".to_string(),
                1,
            ),
            (
                "工作动态".to_string(),
                "http://x.gov.cn/gzdt/".to_string(),
                1,
            ),
            (
                "通知公告".to_string(),
                "http://x.gov.cn/tzgg/index.html".to_string(),
                2,
            ),
        ];
        assert_eq!(names(&fetched), expected);
        assert_eq!(names(&reversed), expected);
    }
}

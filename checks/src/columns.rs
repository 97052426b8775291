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

/// Reads the list facts of a page.
pub fn list_facts(
    items: &[RawItem],
    main_text: &str,
    today: NaiveDate,
    profile: &Profile,
) -> ListFacts {
    let year = context_year(main_text);
    let mut facts = ListFacts::default();
    for item in items {
        let text = item.text.trim();
        if text.chars().count() < 4 {
            continue;
        }
        match item_date(text, year, today) {
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
    facts.empty_phrase = rules
        .empty_phrases
        .iter()
        .any(|p| main_text.contains(p.as_str()));
    facts.note = rules.note_patterns.iter().any(|re| re.is_match(main_text));
    facts
}

/// The column name from a breadcrumb (`当前位置：首页 > 政务公开 > 通知公告`).
pub fn breadcrumb_column(text: &str) -> Option<String> {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = RE.get_or_init(|| {
        Regex::new(
            r"(?:当前位置|您的位置|您现在的位置|所在位置|当前的位置)\s*[:：]?\s*([^\n]{2,120})",
        )
        .expect("valid regex")
    });
    let line = re.captures(text)?.get(1)?.as_str();
    line.split(['>', '»', '›', '＞', '→', '/', '|'])
        .map(|s| s.trim())
        .rfind(|s| !s.is_empty() && s.chars().count() <= 20)
        .map(str::to_string)
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
    for p in pages {
        let key = (column_dir(p.url), p.name.to_string());
        match groups.iter_mut().find(|(k, _)| *k == key) {
            Some((_, v)) => v.push(p),
            None => groups.push((key, vec![p])),
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
        let first = group
            .iter()
            .min_by_key(|p| (p.url.len(), p.url))
            .expect("group is not empty");
        let newest = group.iter().filter_map(|p| p.list.newest).max();
        let dated: u32 = group.iter().map(|p| p.list.dated).sum();
        let undated: u32 = group.iter().map(|p| p.list.undated).sum();
        let note = group.iter().any(|p| p.list.note);
        let blank = dated == 0 && undated == 0 && !note;
        let age = newest.map(|n| (today - n).num_days());
        // 未注明信息发布时间的视为不更新: a column of undated items is not updated.
        let stale = !blank
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
        });
    }
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
            },
            RawItem {
                text: "关于做好冬季防火的通知 [11-21]".into(),
                has_link: true,
            },
            RawItem {
                text: "首页".into(),
                has_link: true,
            },
            RawItem {
                text: "无日期的链接标题文字".into(),
                has_link: true,
            },
        ];
        let f = list_facts(&items, "2026-11-20 正文", today, &p);
        assert_eq!(f.dated, 2);
        assert_eq!(f.undated, 1);
        assert_eq!(f.newest, NaiveDate::from_ymd_opt(2026, 11, 21));
        let f = list_facts(&[], "本栏目暂无信息", today, &p);
        assert!(f.empty_phrase && !f.note);
        let f = list_facts(&[], "暂无信息。说明：本县无此类项目。", today, &p);
        assert!(f.note);
    }
}

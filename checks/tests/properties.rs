//! Property tests: the parsers never panic, and normalisation, date
//! formatting, ICP display and the ID checksum round-trip.

// Tests, benchmarks and examples may panic on a broken fixture: that is
// their way to fail.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use chrono::{Datelike, NaiveDate};
use govscan_checks::dates::{find_dates, item_date, parse_date};
use govscan_checks::formats::{find_icp, find_police, find_site_code, judge_doc_no, DocNo};
use govscan_checks::page::{analyse_page, PageInput};
use govscan_checks::privacy::{id_check_char, is_valid_id};
use govscan_checks::urlnorm::normalise;
use govscan_checks::Profile;
use proptest::prelude::*;
use std::sync::OnceLock;
use url::Url;

fn profile() -> &'static Profile {
    static P: OnceLock<Profile> = OnceLock::new();
    P.get_or_init(Profile::national)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn url_normalisation_is_idempotent(path in "[a-zA-Z0-9/._%;=?&~-]{0,40}", frag in "[a-z]{0,5}") {
        if let Ok(u) = Url::parse(&format!("http://www.x.gov.cn/{path}#{frag}")) {
            let once = normalise(&u);
            let twice = normalise(&once);
            prop_assert_eq!(once.as_str(), twice.as_str());
            prop_assert!(once.fragment().is_none());
        }
    }

    /// The stored link table's key is the crawl's key: a link followed by
    /// the key the table names goes where normalising its URL would.
    #[test]
    fn a_stored_links_key_is_its_normal_form(
        path in "[a-zA-Z0-9/._%;=?&~-]{0,40}",
        query in prop::sample::select(vec![
            "", "?", "?id=1", "?sid=1", "?id=1&&p=2", "?q=%e4%b8%ad", "?PHPSESSID=x&page=2", "&a=",
        ]),
        frag in "[a-z#]{0,5}",
        text in "\\PC{0,12}",
    ) {
        if let Ok(u) = Url::parse(&format!("http://www.x.gov.cn/{path}{query}#{frag}")) {
            let whole = u.as_str().split_once('#').map_or(u.as_str(), |(w, _)| w).to_string();
            let normal = normalise(&u);
            prop_assert_eq!(govscan_checks::urlnorm::is_normal(&u), normal.as_str() == whole);
            let link = govscan_checks::links::Link {
                kind: govscan_checks::LinkKind::Anchor,
                raw: String::new(),
                target: govscan_checks::LinkTarget::Web(u.clone()),
                text: text.clone(),
            };
            let table = govscan_checks::links::LinkTable::of(&[link]);
            let back: govscan_checks::links::LinkTable = govscan_checks::stored_form::decode(
                &govscan_checks::stored_form::encode(&table).unwrap(),
            ).unwrap();
            let view = back.iter().next().unwrap();
            prop_assert_eq!(view.target, u.as_str());
            prop_assert_eq!(view.text, text.as_str());
            if let Some(key) = view.key() {
                prop_assert_eq!(key, normal.as_str());
            }
            prop_assert_eq!(view.url().map(|v| v.into_owned()), Some(u));
        }
    }

    #[test]
    fn link_targets_are_what_url_join_gives(
        lead in prop::sample::select(vec!["/", "http://", "HTTPS://", "", "./", "//"]),
        rest in "\\PC{0,40}",
        base in prop::sample::select(vec!["http://www.x.gov.cn/a/b.html", "https://u@y.cn:8443/?q#f"]),
    ) {
        let base = Url::parse(base).unwrap();
        let href = format!("{lead}{rest}");
        // Twice: the second time from the per-thread memory of parsed URLs.
        for _ in 0..2 {
            if let govscan_checks::LinkTarget::Web(u) =
                govscan_checks::links::classify_href(&href, &base, true, false, false)
            {
                let want = base.join(href.trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}'));
                prop_assert_eq!(Some(u.to_string()), want.ok().map(|w| w.to_string()));
            }
        }
    }

    #[test]
    fn platform_readers_never_panic(tree in "\\PC{0,80}", sid in "\\PC{0,8}", answer in "\\PC{0,120}") {
        let page = Url::parse("http://www.x.gov.cn/gkmlpt/index").unwrap();
        let script = format!("window._CONFIG = {{ SID: '{sid}', TREE: [{tree}] }};");
        if let Some(cat) = govscan_checks::gkmlpt::catalogue(&script, &page) {
            let _ = cat.requests(&page, 10);
        }
        let cat = govscan_checks::gkmlpt::catalogue(
            r#"window._CONFIG = { SID: '1', TREE: [{"id": 7, "name": "通知公告"}] };"#,
            &page,
        )
        .unwrap();
        let mut a = analyse_page(
            &PageInput {
                site: "x",
                url: &page,
                body: b"<html></html>",
                content_type: None,
                is_home: false,
                truncated: false,
                today: NaiveDate::from_ymd_opt(2026, 11, 23).unwrap(),
            },
            profile(),
        );
        a.facts.platform_columns = cat.columns.clone();
        let today = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        for request in cat.requests(&page, 10) {
            let json = format!(r#"{{"classify": {{"post_count": {}}}, "articles": [{answer}]}}"#, answer.len());
            let _ = govscan_checks::data_requests::fold_answer(&mut a, &request, &json, &page, today, 10);
            let _ = govscan_checks::data_requests::fold_answer(&mut a, &request, &answer, &page, today, 10);
        }
    }

    #[test]
    fn url_normalisation_never_panics(s in "\\PC{0,60}") {
        if let Ok(u) = Url::parse(&format!("http://x.gov.cn/{s}")) {
            let _ = normalise(&u);
        }
    }

    #[test]
    fn dates_round_trip(y in 1990i32..2040, m in 1u32..=12, d in 1u32..=28, style in 0usize..4) {
        let date = NaiveDate::from_ymd_opt(y, m, d).unwrap();
        let text = match style {
            0 => date.format("%Y-%m-%d").to_string(),
            1 => format!("{} 14:29:32", date.format("%Y/%m/%d")),
            2 => format!("{}年{}月{}日", date.year(), date.month(), date.day()),
            _ => format!("发布时间：{}.{:02}.{:02}", date.year(), date.month(), date.day()),
        };
        prop_assert_eq!(parse_date(&text), Some(date));
    }

    #[test]
    fn text_parsers_never_panic(s in "\\PC{0,200}") {
        let _ = find_dates(&s);
        let _ = find_icp(&s);
        let _ = find_police(&s);
        let _ = find_site_code(&s);
        let _ = judge_doc_no(&s);
    }

    #[test]
    fn icp_display_round_trips(p in prop::sample::select(vec!["京", "浙", "粤", "蜀", "赣"]), digits in "[0-9]{8}", site in proptest::option::of(1u32..20)) {
        let shown = match site {
            Some(n) => format!("{p}ICP备{digits}号-{n}"),
            None => format!("{p}ICP备{digits}号"),
        };
        let found = find_icp(&format!("版权所有 {shown} 技术支持")).unwrap();
        prop_assert!(found.valid);
        prop_assert_eq!(&found.display, &shown);
        prop_assert_eq!(find_icp(&found.display).unwrap().display, shown);
    }

    #[test]
    fn standard_doc_numbers_are_standard(org in "[\\p{Han}]{2,6}", y in 1990u32..2040, n in 1u32..500) {
        let no = format!("{org}〔{y}〕{n}号");
        prop_assert_eq!(judge_doc_no(&no), DocNo::Standard);
        let padded = format!("{org}〔{y}〕0{n}号");
        let nonstandard = matches!(judge_doc_no(&padded), DocNo::NonStandard(_));
        prop_assert!(nonstandard);
    }

    #[test]
    fn id_checksum_round_trips(area in 110000u32..659999, y in 1930i32..2005, doy in 0u32..365, seq in 0u32..1000) {
        let birth = NaiveDate::from_yo_opt(y, doy % 365 + 1).unwrap();
        let first17 = format!("{area:06}{}{seq:03}", birth.format("%Y%m%d"));
        let check = id_check_char(&first17).unwrap();
        let id = format!("{}{}", first17, check);
        let today = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        let valid = is_valid_id(&id, today);
        prop_assert!(valid);
        // Any other check character is rejected.
        for other in "0123456789X".chars().filter(|c| *c != check) {
            let wrong = format!("{}{}", first17, other);
            let valid = is_valid_id(&wrong, today);
            prop_assert!(!valid);
        }
    }

    #[test]
    fn page_analysis_never_panics(body in proptest::collection::vec(any::<u8>(), 0..2000), home in any::<bool>()) {
        let url = Url::parse("http://www.x.gov.cn/a/b.html").unwrap();
        let input = PageInput {
            site: "s",
            url: &url,
            body: &body,
            content_type: None,
            is_home: home,
            truncated: false,
            today: NaiveDate::from_ymd_opt(2026, 11, 23).unwrap(),
        };
        let _ = analyse_page(&input, profile());
    }

    #[test]
    fn html_like_input_never_panics(parts in proptest::collection::vec(prop::sample::select(vec![
        "<a href=", "\"", "'", ">", "</a>", "<td>", "<li>", "索引号：", "发文字号：", "2026-11-20", "ICP备", "12345678", "号",
        "<script>", "</script>", "document.write(unescape(\"%3C\"))", "公网安备", "11010202007633", "网站标识码", "#", "javascript:void(0)",
        "\u{0}", "\u{3000}", "<!--", "-->", "<base href=", "http://", "https://[::1", "%zz", "\n", "\t",
    ]), 0..60)) {
        let html = parts.concat();
        let url = Url::parse("http://www.x.gov.cn/").unwrap();
        let input = PageInput {
            site: "s",
            url: &url,
            body: html.as_bytes(),
            content_type: Some("text/html; charset=utf-8"),
            is_home: true,
            truncated: false,
            today: NaiveDate::from_ymd_opt(2026, 11, 23).unwrap(),
        };
        let mut a = analyse_page(&input, profile());
        govscan_checks::page::finish_footer(&mut a, "s", "http://www.x.gov.cn/", true, &[], profile());
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 20_000, ..ProptestConfig::default() })]

    /// The date scanner finds what the regular expression it replaced
    /// found, on text made of the pieces dates are made of.
    #[test]
    fn find_dates_agrees_with_the_expression_it_replaced(
        s in prop_oneof![
            prop::collection::vec(
                prop::sample::select(vec![
                    "19", "20", "2026", "1", "0", "3", "12", "31", "29", "02", "9",
                    "-", "/", ".", "年", "月", "日", " ", "\u{3000}", "\t", "发布", "a", "：",
                ]),
                0..24,
            )
            .prop_map(|p| p.concat()),
            "[0-9 ./年月日x-]{0,40}",
        ]
    ) {
        prop_assert_eq!(find_dates(&s), dates_by_regex(&s), "{:?}", s);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 20_000, ..ProptestConfig::default() })]

    /// A list item's date is what it was when its bare `MM-DD` was found by
    /// a regular expression, on text made of the pieces such items have.
    #[test]
    fn item_dates_agree_with_the_expression_they_replaced(
        s in prop_oneof![
            prop::collection::vec(
                prop::sample::select(vec![
                    "11", "-", "20", "02", "30", "13", "1", "2026", "[", "]", "［", "］",
                    "(", ")", "（", "）", " ", "\u{3000}", "\t", "会议", "第", "条", "x",
                ]),
                0..14,
            )
            .prop_map(|p| p.concat()),
            "[0-9 \\[\\]()（）x-]{0,24}",
        ],
        context in proptest::option::of(2020i32..2027),
    ) {
        let today = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        prop_assert_eq!(
            item_date(&s, || context, today),
            item_date_by_regex(&s, context, today),
            "{:?}", s
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 20_000, ..ProptestConfig::default() })]

    /// A 公安 filing number is found where the expression alone, asked
    /// from the start of the text, found it.
    #[test]
    fn police_numbers_agree_with_the_expression_alone(
        parts in prop::collection::vec(
            prop::sample::select(vec![
                "公", "网", "安", "备", "案", "京", "号", " ", "：", "\n", "12345", "11010202007633",
                "0", "x", "公开", "办公", "安全", "准备", "公网安备", "公安网安备", "公安网备",
                "公安安备", "公网备", "公安备", "京公网安备 11010202007633号",
            ]),
            0..16,
        )
    ) {
        let s = parts.concat();
        prop_assert_eq!(
            govscan_checks::formats::find_police(&s),
            police_by_regex(&s),
            "{:?}", s
        );
    }
}

/// `find_police` as it stood: the expression asked over the whole text.
fn police_by_regex(s: &str) -> Option<String> {
    static RE: OnceLock<regex::Regex> = OnceLock::new();
    if !s
        .as_bytes()
        .windows(14)
        .any(|w| w.iter().all(u8::is_ascii_digit))
    {
        return None;
    }
    let re = RE.get_or_init(|| {
        regex::Regex::new(r"公(?:网|安网?)安?备(?:案)?[^0-9]{0,12}?([0-9]{14})(?:[^0-9]|$)")
            .unwrap()
    });
    Some(re.captures(s)?.get(1)?.as_str().to_string())
}

/// `item_date` as it stood, its bare `MM-DD` found by a regular expression.
fn item_date_by_regex(s: &str, context: Option<i32>, today: NaiveDate) -> Option<NaiveDate> {
    use chrono::Datelike;
    static RE: OnceLock<regex::Regex> = OnceLock::new();
    if let Some(d) = find_dates(s).into_iter().last() {
        return Some(d);
    }
    let re = RE.get_or_init(|| {
        regex::Regex::new(
            r"(?:[\[［(（]\s*([01][0-9])-([0-3][0-9])\s*[\]］)）]|(?:^|\s)([01][0-9])-([0-3][0-9])\s*$)",
        )
        .unwrap()
    });
    let c = re.captures(s)?;
    let (m, d) = match (c.get(1), c.get(2)) {
        (Some(m), Some(d)) => (m.as_str(), d.as_str()),
        _ => (c.get(3)?.as_str(), c.get(4)?.as_str()),
    };
    let year = context.unwrap_or(today.year());
    let date = NaiveDate::from_ymd_opt(year, m.parse().ok()?, d.parse().ok()?)?;
    if context.is_none() && date > today {
        return NaiveDate::from_ymd_opt(year - 1, date.month(), date.day());
    }
    Some(date)
}

/// The expression `find_dates` was written from, as it stood.
fn dates_by_regex(s: &str) -> Vec<NaiveDate> {
    static RE: OnceLock<regex::Regex> = OnceLock::new();
    let re = RE.get_or_init(|| {
        regex::Regex::new(
            r"(?:^|[^0-9])((?:19|20)[0-9]{2})\s*[-/.年]\s*([01]?[0-9])\s*[-/.月]\s*([0-3]?[0-9])(?:\s*日)?(?:[^0-9]|$)",
        )
        .unwrap()
    });
    let mut out = Vec::new();
    let mut start = 0;
    while let Some(c) = re.captures_at(s, start) {
        if let (Ok(y), Ok(m), Ok(d)) = (c[1].parse(), c[2].parse(), c[3].parse()) {
            if let Some(date) = NaiveDate::from_ymd_opt(y, m, d) {
                out.push(date);
            }
        }
        start = c.get(1).unwrap().end();
    }
    out
}

//! Runs every parser over the real government pages in `shared/realpages/`
//! and compares with the hand-made key (`key.tsv`). The pages are not in the
//! repository: on a machine without them the test says so and passes.

// Tests, benchmarks and examples may panic on a broken fixture: that is
// their way to fail.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use chrono::NaiveDate;
use govscan_checks::footer::Presence;
use govscan_checks::page::{analyse_page, PageFacts, PageInput};
use govscan_checks::Profile;
use std::path::PathBuf;

fn realpages_dir() -> Option<PathBuf> {
    if let Ok(dir) = std::env::var("GOVSCAN_REALPAGES") {
        return Some(PathBuf::from(dir));
    }
    let here = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    here.ancestors()
        .map(|a| a.join("shared/realpages"))
        .find(|p| p.join("key.tsv").exists())
}

fn yes(p: Presence) -> &'static str {
    if p.seen() {
        "yes"
    } else {
        "no"
    }
}

fn compare(field: &str, key: &str, facts: &PageFacts) -> Option<(String, String)> {
    let key = key.trim();
    let got: String = match field {
        "icp" => facts.footer.icp.clone().unwrap_or_else(|| "-".into()),
        "police" => facts.footer.police.clone().unwrap_or_else(|| "-".into()),
        "site_code" => facts
            .footer
            .site_code
            .clone()
            .or(facts.footer.jiucuo_code.clone())
            .unwrap_or_else(|| "-".into()),
        "conac" => yes(facts.footer.conac).into(),
        "jiucuo" => yes(facts.footer.jiucuo).into(),
        "sitemap" => yes(facts.footer.sitemap).into(),
        "doc_no" => {
            let got = facts
                .policy
                .as_ref()
                .and_then(|m| m.doc_no.clone())
                .unwrap_or_default();
            let want = if key.starts_with('-') || key.starts_with("(empty") {
                String::new()
            } else {
                key.split_whitespace().next().unwrap_or("").to_string()
            };
            return (got != want).then_some((want, got));
        }
        "newest_date" => {
            if key.starts_with('-') {
                return None;
            }
            let want = key.split_whitespace().next().unwrap_or("").to_string();
            let got = facts
                .newest_date()
                .map(|d| d.to_string())
                .unwrap_or_else(|| "-".into());
            return (got != want).then_some((want, got));
        }
        _ => unreachable!(),
    };
    if key == "?" {
        return None;
    }
    (got != key).then(|| (key.to_string(), got))
}

#[test]
fn parsers_agree_with_the_key_on_real_pages() {
    let Some(dir) = realpages_dir() else {
        // CI has a copy of shared/ beside the clone: there, its absence is a failure.
        assert!(
            std::env::var("CI").is_err(),
            "CI=true but ../shared/realpages was not found (set GOVSCAN_REALPAGES)"
        );
        eprintln!(
            "SKIPPED: shared/realpages not found (set GOVSCAN_REALPAGES): the real-page comparison did not run"
        );
        return;
    };
    let key = std::fs::read_to_string(dir.join("key.tsv")).unwrap();
    let mut lines = key.lines();
    let header: Vec<&str> = lines.next().unwrap().split('\t').collect();
    let fields = [
        "icp",
        "police",
        "site_code",
        "conac",
        "jiucuo",
        "sitemap",
        "doc_no",
        "newest_date",
    ];
    let profile = Profile::national();
    let mut agree = 0;
    let mut total = 0;
    let mut disagreements = Vec::new();
    for line in lines.filter(|l| !l.trim().is_empty()) {
        let cells: Vec<&str> = line.split('\t').collect();
        let get = |name: &str| cells[header.iter().position(|h| *h == name).unwrap()];
        let body = std::fs::read(dir.join(get("file"))).unwrap();
        let url = url::Url::parse(&format!("http://{}/page.html", get("site"))).unwrap();
        let input = PageInput {
            site: get("site"),
            url: &url,
            body: &body,
            content_type: None,
            is_home: get("category") == "home",
            truncated: false,
            today: NaiveDate::from_ymd_opt(2026, 11, 23).unwrap(),
        };
        let facts = analyse_page(&input, &profile).facts;
        for field in fields {
            total += 1;
            match compare(field, get(field), &facts) {
                None => agree += 1,
                Some((want, got)) => disagreements.push(format!(
                    "{} {field}: key {want:?}, got {got:?}",
                    get("file")
                )),
            }
        }
    }
    eprintln!("real pages: {agree} of {total} field values agree with key.tsv");
    assert!(
        disagreements.is_empty(),
        "{agree}/{total} agree; disagreements:\n{}",
        disagreements.join("\n")
    );
}

/// No real page is taken for a firewall's challenge or reported for hidden
/// links, and the only login page among them (the Coremail login at a
/// province's domain root) is one.
#[test]
fn real_pages_are_not_barriers_and_the_login_root_is_a_login_page() {
    let Some(dir) = realpages_dir() else {
        assert!(
            std::env::var("CI").is_err(),
            "CI=true but ../shared/realpages was not found (set GOVSCAN_REALPAGES)"
        );
        eprintln!("SKIPPED: shared/realpages not found: the barrier check did not run");
        return;
    };
    let profile = Profile::national();
    // Each page at its own site's address (SOURCES.tsv): links to its own
    // site are not outside links.
    let sources = std::fs::read_to_string(dir.join("SOURCES.tsv")).unwrap();
    let site_of: std::collections::HashMap<String, String> = sources
        .lines()
        .skip(1)
        .filter_map(|l| {
            let cells: Vec<&str> = l.split('\t').collect();
            Some((cells.first()?.to_string(), cells.get(4)?.to_string()))
        })
        .collect();
    let mut pages = Vec::new();
    for sub in ["home", "list", "other", "policy"] {
        for entry in std::fs::read_dir(dir.join(sub)).unwrap() {
            pages.push(entry.unwrap().path());
        }
    }
    assert!(pages.len() > 20, "{} pages", pages.len());
    for path in pages {
        let body = std::fs::read(&path).unwrap();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        assert_eq!(
            govscan_checks::audit::detect_block(200, &[], &body, &profile.audit),
            None,
            "{name} taken for a barrier"
        );
        let relative = path
            .strip_prefix(&dir)
            .unwrap()
            .to_string_lossy()
            .to_string();
        let host = site_of
            .get(&relative)
            .filter(|h| !h.is_empty() && !h.contains(' '))
            .cloned()
            .unwrap_or_else(|| "www.example.gov.cn".to_string());
        let url = url::Url::parse(&format!("http://{host}/")).unwrap();
        let input = PageInput {
            site: "s",
            url: &url,
            body: &body,
            content_type: None,
            is_home: true,
            truncated: false,
            today: NaiveDate::from_ymd_opt(2026, 11, 23).unwrap(),
        };
        let analysis = analyse_page(&input, &profile);
        // Real government pages carry no 暗链: none may be reported.
        let hidden: Vec<_> = analysis
            .findings
            .iter()
            .filter(|f| f.check.as_str() == "security.hidden_link")
            .collect();
        assert!(hidden.is_empty(), "{name}: {hidden:?}");
        // Nor a serious wording error or a malicious script: real pages
        // (statistics snippets, tab scripts, packed menus) are the control.
        let wording: Vec<_> = analysis
            .findings
            .iter()
            .filter(|f| {
                matches!(
                    f.check.as_str(),
                    "content.serious_error" | "security.malicious_script"
                )
            })
            .collect();
        assert!(wording.is_empty(), "{name}: {wording:?}");
        let login = analysis.login;
        assert_eq!(
            login,
            name.contains("coremail-login"),
            "{name}: login = {login}"
        );
    }
}

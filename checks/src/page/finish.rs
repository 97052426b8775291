//! What the walk collected, turned into the page's facts and findings:
//! footer, kind, dates, lists, policy metadata, privacy, content rules and
//! the page's own security checks.

use super::*;
use crate::columns::{breadcrumb_trail, list_facts, own_column_name, RawItem};
use crate::dates::parse_date;
use crate::footer::{self, FooterInput, ScriptTag};
use crate::links::{Link, LinkKind, LinkTarget};
use crate::policy::{self};
use crate::privacy;
use crate::profile::Profile;
use crate::sink::FindingSink;
use std::sync::Arc;
use url::Url;

/// Everything the walk over the page collected.
pub(super) struct Walked {
    pub decoded: crate::decode::Decoded,
    pub doc: scraper::Html,
    pub base: Url,
    pub facts: PageFacts,
    pub links: Vec<Link>,
    pub anchors: Vec<u64>,
    pub text: String,
    pub title: String,
    pub scripts: Vec<ScriptTag>,
    pub script_text: String,
    pub script_starts: Vec<usize>,
    pub hidden_frames: Vec<crate::security::HiddenFrame>,
    pub markers: Vec<String>,
    pub items: Vec<RawItem>,
    pub h1: String,
    pub password_field: bool,
    pub hidden_blocks: Vec<super::hidden::HiddenBlock>,
    pub more_targets: std::collections::HashSet<String>,
}

/// Turns what the walk collected into the page's analysis.
pub(super) fn finish(w: Walked, input: &PageInput<'_>, profile: &Profile) -> PageAnalysis {
    let Walked {
        decoded,
        doc,
        base,
        mut facts,
        mut links,
        mut anchors,
        text,
        title,
        scripts,
        script_text,
        script_starts,
        hidden_frames,
        markers,
        mut items,
        h1,
        password_field,
        hidden_blocks,
        more_targets,
    } = w;
    anchors.sort_unstable();
    anchors.dedup();
    facts.title = title.trim().into();

    let not_found = detect_not_found(&facts.title, &text, profile);
    facts.error_page = not_found.is_some();
    let mut findings = page_findings(input, &links, profile);
    {
        let mut sink = FindingSink::new(input.site, input.url.as_str(), input.is_home, profile);
        let ends = script_starts
            .iter()
            .skip(1)
            .copied()
            .chain([script_text.len()]);
        let blocks: Vec<&str> = script_starts
            .iter()
            .zip(ends)
            .filter_map(|(a, b)| script_text.get(*a..b))
            .filter(|b| !b.trim().is_empty())
            .collect();
        crate::security::judge_scripts(
            &blocks,
            &hidden_frames,
            input.url,
            input.is_home,
            &mut sink,
            profile,
        );
        crate::security::mixed_content(input.url, &links, &mut sink);
        findings.extend(sink.into_vec());
    }
    if !hidden_blocks.is_empty() {
        let mut sink = FindingSink::new(input.site, input.url.as_str(), input.is_home, profile);
        for block in &hidden_blocks {
            super::hidden::judge_block(
                block,
                input.url.as_str(),
                input.is_home,
                &script_text,
                &mut sink,
                profile,
            );
        }
        findings.extend(sink.into_vec());
    }

    // Footer.
    let footer_start = footer::footer_start(&text);
    facts.footer = std::sync::Arc::new(footer::extract(
        &FooterInput {
            url: input.url,
            text: &text,
            footer_start,
            script_text: &script_text,
            links: &links,
            scripts: &scripts,
            markers: &markers,
        },
        profile,
    ));
    let marks = ScriptMarks::of(&script_text);
    facts.scripted = marks.writes_page;
    let footer_sources = footer::sources(input.url, &links, &facts.footer, profile);

    // Kind, headline, dates, column.
    // One string where they are the same text (`ArticleTitle` usually is
    // the headline, and often the title).
    facts.headline = match facts.meta.article_title.as_ref().filter(|t| !t.is_empty()) {
        Some(t) if **t == *facts.title => facts.title.clone(),
        Some(t) => t.clone(),
        None => match h1.trim() {
            "" => facts.title.clone(),
            h if h == &*facts.title => facts.title.clone(),
            h => Arc::from(h),
        },
    };
    if facts.meta.article_title.as_deref() == Some(&*facts.headline) {
        facts.meta.article_title = Some(facts.headline.clone());
    }
    let main_text = &text[..footer_start];
    // Lists a platform ships inside a script: Hanweb's inline datastore
    // records are items; TRS's script pager names the older list pages.
    let mut from_datastore = 0u32;
    if marks.datastore {
        for item in crate::columns::datastore_items(&script_text, &base) {
            from_datastore += 1;
            // A record's link is crawled and checked like any other.
            if let Some(url) = item.link.as_deref().and_then(|l| Url::parse(l).ok()) {
                links.push(Link {
                    kind: LinkKind::Anchor,
                    raw: url.to_string(),
                    target: LinkTarget::Web(url),
                    text: truncate_chars(&item.text, LINK_TEXT_MAX),
                });
            }
            items.push(item);
        }
    }
    if marks.script_pager {
        for url in
            crate::columns::script_pager_urls(&script_text, &base, profile.columns.max_script_pages)
        {
            links.push(Link {
                kind: LinkKind::Anchor,
                raw: url.to_string(),
                target: LinkTarget::Web(url),
                text: "脚本分页（createPageHTML）".to_string(),
            });
        }
    }
    facts.list = list_facts(&items, &text, &script_text, input.today, profile);
    facts.list.more_links = more_targets.len() as u32;
    facts.list.datastore_items = from_datastore;
    let mut data_requests = if from_datastore > 0 {
        crate::hanweb::dataproxy_requests(
            &script_text,
            &base,
            from_datastore,
            facts.list.stated_total,
            profile.columns.max_data_requests,
        )
    } else {
        Vec::new()
    };
    // A gkmlpt catalogue: its columns' documents come from the JSON API.
    let mut catalogue_names = Vec::new();
    if marks.gkmlpt_config {
        if let Some(catalogue) = crate::gkmlpt::catalogue(&script_text, &base) {
            data_requests.extend(catalogue.requests(&base, profile.columns.max_data_requests));
            for (url, name) in catalogue.jumps {
                links.push(Link {
                    kind: LinkKind::Anchor,
                    raw: url.to_string(),
                    target: LinkTarget::Web(url),
                    text: truncate_chars(&name, LINK_TEXT_MAX),
                });
            }
            facts.platform_columns = catalogue.columns;
            catalogue_names = catalogue.names;
        }
    }
    facts.policy = policy::extract_meta(&text).map(Box::new);
    facts.published = facts
        .meta
        .pub_date
        .as_deref()
        .and_then(parse_date)
        .or_else(|| facts.policy.as_ref().and_then(|m| m.published_date()))
        .or_else(|| labelled_date(main_text));
    let trail = breadcrumb_trail(&text);
    facts.kind = page_kind(input.is_home, &facts, !trail.is_empty(), profile);
    // Only a list page's undated item links are asked about (does it list
    // sub-columns?); on an article they are its related links, kept for
    // every page until the site checks: up to 50 URLs each.
    if facts.kind != PageKind::List {
        facts.list.item_links = Vec::new();
    }
    // The column's own name: its class comes from it, never from a parent's.
    let column_name = own_column_name(facts.meta.column_name.as_deref(), &trail)
        .map(|name| match &facts.meta.column_name {
            Some(meta) if **meta == *name => meta.clone(),
            _ => Arc::from(name.as_str()),
        })
        .or_else(|| {
            facts
                .title
                .split(['_', '-', '|', '—'])
                .next()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(Arc::from)
        });
    facts.column = column_name;

    if matches!(facts.kind, PageKind::Policy | PageKind::Interpretation) {
        let host = input.url.host_str();
        for link in links.iter().filter(|l| l.kind == LinkKind::Anchor) {
            if let LinkTarget::Web(u) = &link.target {
                if u.host_str() == host && facts.related.len() < 300 {
                    let mut u = u.clone();
                    u.set_fragment(None);
                    facts.related.push(Arc::new(RelatedLink {
                        url: Arc::from(u.as_str()),
                        text: Arc::from(link.text.as_str()),
                    }));
                }
            }
        }
    }
    if facts.kind == PageKind::Policy {
        if let Some(meta) = &facts.policy {
            let in_scope = policy::needs_interpretation(facts.column.as_deref(), meta, profile);
            findings.extend(policy::hygiene(
                input.site,
                input.url.as_str(),
                meta,
                facts.published,
                in_scope,
                input.today,
                profile,
            ));
        }
    }

    let (content, content_findings) = crate::content::read_page(
        &crate::content::ContentInput {
            site: input.site,
            url: input.url,
            base: &base,
            is_home: input.is_home,
            kind: facts.kind,
            title: &facts.title,
            headline: &facts.headline,
            column: facts.column.as_deref(),
            main_text,
            items: &items,
            links: &links,
            published: facts.published,
            today: input.today,
            doc: &doc,
            catalogue: &catalogue_names,
        },
        profile,
    );
    facts.content = content.map(Arc::from);
    findings.extend(content_findings);

    // Privacy, outside the footer.
    let personal_list = profile.privacy.list_page_keywords.iter().any(|k| {
        facts.headline.contains(k.as_str())
            || facts
                .column
                .as_deref()
                .is_some_and(|c| c.contains(k.as_str()))
    });
    findings.extend(privacy::scan(
        input.site,
        input.url.as_str(),
        input.is_home,
        main_text,
        personal_list,
        input.today,
        profile,
    ));

    let login = input.is_home && {
        let head: String = text.chars().take(2000).collect();
        crate::audit::looks_like_login(
            password_field,
            &format!("{} {head}", facts.title),
            links.iter().filter(|l| l.kind == LinkKind::Anchor).count(),
            &profile.audit,
        )
    };
    facts.cms = profile
        .cms_matcher
        .first_entry(&decoded.text)
        .and_then(|i| profile.cms.get(i))
        .map(|(id, _)| Arc::from(id.as_str()));
    facts.shrink();
    PageAnalysis {
        facts,
        links,
        link_table: Default::default(),
        anchors,
        findings,
        not_found,
        footer_sources,
        login,
        data_requests,
    }
}

/// What a page's inline scripts are read for, found in one pass over their
/// text rather than one search per marker (callgrind, realistic pages: the
/// six searches were 0.8% of a scan).
#[derive(Debug, Default, PartialEq)]
struct ScriptMarks {
    /// `document.write`, `innerHTML` or `.append(`: the page writes part of
    /// itself.
    writes_page: bool,
    /// `<record`: Hanweb's inline datastore.
    datastore: bool,
    /// `createPageHTML`: TRS's script pager.
    script_pager: bool,
    /// `_CONFIG`: a gkmlpt catalogue's configuration.
    gkmlpt_config: bool,
}

impl ScriptMarks {
    const MARKERS: [&'static str; 6] = [
        "document.write",
        "innerHTML",
        ".append(",
        "<record",
        "createPageHTML",
        "_CONFIG",
    ];

    fn of(script_text: &str) -> ScriptMarks {
        static SEARCH: std::sync::OnceLock<Option<aho_corasick::AhoCorasick>> =
            std::sync::OnceLock::new();
        let mut marks = ScriptMarks::default();
        let Some(search) = SEARCH
            .get_or_init(|| aho_corasick::AhoCorasick::new(Self::MARKERS).ok())
            .as_ref()
        else {
            return Self::one_search_each(script_text);
        };
        // Overlapping, so that no marker hides another.
        for m in search.find_overlapping_iter(script_text) {
            match m.pattern().as_usize() {
                0..=2 => marks.writes_page = true,
                3 => marks.datastore = true,
                4 => marks.script_pager = true,
                _ => marks.gkmlpt_config = true,
            }
            if marks.writes_page && marks.datastore && marks.script_pager && marks.gkmlpt_config {
                break;
            }
        }
        marks
    }

    /// The same, one search per marker: what the one pass must agree with
    /// (and the answer should its automaton ever fail to build).
    fn one_search_each(script_text: &str) -> ScriptMarks {
        let has = |i: usize| script_text.contains(Self::MARKERS[i]);
        ScriptMarks {
            writes_page: has(0) || has(1) || has(2),
            datastore: has(3),
            script_pager: has(4),
            gkmlpt_config: has(5),
        }
    }
}

#[cfg(test)]
mod script_marks_tests {
    use super::ScriptMarks;

    /// One pass finds what one search per marker finds.
    #[test]
    fn one_pass_finds_each_marker() {
        for text in [
            "",
            "var a = 1;",
            "document.write('<p>x</p>');",
            "el.innerHTML = s; $('#x').append(y);",
            "<datastore><recordset><record><![CDATA[<li>a</li>]]></record></recordset></datastore>",
            "createPageHTML(10, 0, 'index', 'html');",
            "window._CONFIG = {SITE_ID: 1};",
            "_CONFIGcreatePageHTML<recordinnerHTML",
            "document.writ innerHT .append <recor createPageHTM _CONFI",
        ] {
            assert_eq!(
                ScriptMarks::of(text),
                ScriptMarks::one_search_each(text),
                "{text}"
            );
        }
        let all =
            ScriptMarks::of("$(x).append(y); var _CONFIG = {}; createPageHTML(3); '<record>'");
        assert_eq!(
            all,
            ScriptMarks {
                writes_page: true,
                datastore: true,
                script_pager: true,
                gkmlpt_config: true,
            }
        );
        assert_eq!(ScriptMarks::of("append(x); CONFIG"), ScriptMarks::default());
    }
}

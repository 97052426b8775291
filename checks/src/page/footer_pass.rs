//! Footer facts from the footer scripts and frames the crawler fetched.

use super::*;
use crate::decode::decode_html;
use crate::footer::{self, FooterFacts, FooterInput};
use crate::profile::Profile;
use chrono::NaiveDate;
use url::Url;

/// Adds the footer findings of an analysed page, after merging the facts of
/// any footer sources the crawler fetched (see [`PageAnalysis::footer_sources`]).
pub fn finish_footer(
    analysis: &mut PageAnalysis,
    site: &str,
    url: &str,
    is_home: bool,
    sources: &[FooterFacts],
    profile: &Profile,
) {
    for source in sources {
        footer::merge(std::sync::Arc::make_mut(&mut analysis.facts.footer), source);
    }
    // An error page says nothing about the site's template.
    if analysis.not_found.is_some() {
        return;
    }
    let rendered = analysis.facts.rendered || analysis.facts.footer_rendered;
    let scripted = !rendered && (analysis.facts.scripted || !analysis.footer_sources.is_empty());
    let findings = footer::check(
        site,
        url,
        is_home,
        &analysis.facts.footer,
        analysis.facts.meta.site_id_code.as_deref(),
        scripted,
        profile,
    );
    analysis.findings.extend(findings);
}

/// Reads the footer facts of a footer source: a script (its text holds the
/// HTML it writes) or a framed page.
pub fn footer_source_facts(
    url: &Url,
    body: &[u8],
    content_type: Option<&str>,
    profile: &Profile,
) -> FooterFacts {
    let decoded = decode_html(body, content_type, None);
    let is_script =
        content_type.is_some_and(|c| c.contains("javascript")) || url.path().ends_with(".js");
    if is_script {
        let input = FooterInput {
            url,
            text: "",
            footer_start: 0,
            script_text: &decoded.text,
            links: &[],
            scripts: &[],
            markers: &[],
        };
        return footer::extract(&input, profile);
    }
    let input = PageInput {
        site: "",
        url,
        body,
        content_type,
        is_home: false,
        truncated: false,
        today: NaiveDate::MIN,
    };
    (*analyse_page(&input, profile).facts.footer).clone()
}

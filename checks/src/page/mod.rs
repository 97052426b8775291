//! Page analysis: one parse of one page into facts, links and page-level findings.
//!
//! This is the only place HTML is parsed. The crawler calls [`analyse_page`]
//! once per fetched HTML page and keeps the small [`PageFacts`]; the body is
//! dropped afterwards, so memory never grows with page bodies.

use crate::columns::ListFacts;
use crate::finding::Finding;
use crate::footer::FooterFacts;
use crate::links::Link;
use crate::policy::PolicyMeta;
use chrono::NaiveDate;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use url::Url;

mod attrs;
mod finish;
mod footer_pass;
mod hidden;
mod kind;
mod light;
mod platform;
#[cfg(test)]
mod tests;
mod text;
mod verdicts;
mod walk;

pub(crate) use crate::text::push_collapsed;
use attrs::*;
pub use footer_pass::{finish_footer, footer_source_facts};
use kind::*;
pub use light::{link_target_facts, LinkTargetFacts};
pub use platform::CmsMatcher;
pub(crate) use text::truncate_chars as truncate;
use text::*;
pub use verdicts::detect_not_found;
use verdicts::*;
pub use walk::analyse_page;

/// What the crawler hands to the analysis for one page.
#[derive(Debug, Clone, Copy)]
pub struct PageInput<'a> {
    /// The site's name, copied into findings.
    pub site: &'a str,
    /// The page's final URL (after redirects).
    pub url: &'a Url,
    /// The body as received (possibly capped).
    pub body: &'a [u8],
    /// The `Content-Type` header.
    pub content_type: Option<&'a str>,
    /// Whether this is the site's home page.
    pub is_home: bool,
    /// Whether the body was cut at the size cap.
    pub truncated: bool,
    /// The date the scan pretends it is (`--now`).
    pub today: NaiveDate,
}

/// The `<meta name=…>` tags of the 网页设计规范 (网页标签) that govscan reads.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct PageMeta {
    /// `SiteName`.
    pub site_name: Option<Arc<str>>,
    /// `SiteDomain`.
    pub site_domain: Option<Arc<str>>,
    /// `SiteIDCode`.
    pub site_id_code: Option<Arc<str>>,
    /// `ColumnName`.
    pub column_name: Option<Arc<str>>,
    /// `ColumnType`.
    pub column_type: Option<Arc<str>>,
    /// `ArticleTitle`.
    // Shared with the headline, which it usually is.
    pub article_title: Option<Arc<str>>,
    /// `PubDate`.
    pub pub_date: Option<String>,
}

/// What kind of page it is.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum PageKind {
    /// The site's home page.
    Home,
    /// A column (list) page.
    List,
    /// An article.
    Article,
    /// A policy document with a 信息公开 metadata block.
    Policy,
    /// A policy interpretation.
    Interpretation,
    /// A section home (新闻中心, a township's page) showing blocks of its
    /// sub-columns: not a column itself.
    Section,
    /// Anything else.
    #[default]
    Other,
}

impl PageKind {
    /// The `kind` value in `pages.csv`.
    pub fn as_str(self) -> &'static str {
        match self {
            PageKind::Home => "home",
            PageKind::List => "list",
            PageKind::Article => "article",
            PageKind::Policy => "policy",
            PageKind::Interpretation => "interpretation",
            PageKind::Section => "section",
            PageKind::Other => "other",
        }
    }
}

/// A same-site link kept for the policy pairing.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
pub struct RelatedLink {
    /// Normalised target (no fragment).
    pub url: Arc<str>,
    /// Link text.
    pub text: Arc<str>,
}

/// The facts read from one page, kept for site-wide checks and `pages.csv`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct PageFacts {
    /// `<title>`, whitespace collapsed.
    // Shared: the page's record holds the same title, and the headline is
    // often the same text; a site keeps all three per page until its end.
    pub title: Arc<str>,
    /// The charset used to decode it.
    // Shared across a site's pages, which name a few.
    pub charset: Arc<str>,
    /// Page meta tags.
    pub meta: PageMeta,
    /// What kind of page it is.
    #[serde(default)]
    pub kind: PageKind,
    /// The headline (`ArticleTitle`, else `<h1>`, else the title).
    #[serde(default)]
    pub headline: Arc<str>,
    /// Footer facts.
    #[serde(default)]
    pub footer: std::sync::Arc<FooterFacts>,
    /// Column name (list pages).
    #[serde(default)]
    pub column: Option<Arc<str>>,
    /// Dated list items (list and home pages).
    #[serde(default)]
    pub list: ListFacts,
    /// The page's own publication date (articles, documents).
    #[serde(default)]
    pub published: Option<NaiveDate>,
    /// The 信息公开 metadata block.
    #[serde(default)]
    pub policy: Option<Box<PolicyMeta>>,
    /// Same-site links of policy and interpretation pages.
    // Each link shared: a template's links repeat on every policy page
    // (about 80 a page on the benchmark's county portal), and the crawler
    // keeps one copy per site; a page then holds a pointer per link.
    #[serde(default)]
    pub related: Vec<Arc<RelatedLink>>,
    /// Whether inline scripts write page content (`document.write`), so a
    /// missing footer element may be invisible to a static reader.
    #[serde(default)]
    pub scripted: bool,
    /// The page says it does not exist (an error page served with 200).
    #[serde(default)]
    pub error_page: bool,
    /// The page links to an accessibility or elderly-friendly mode
    /// (无障碍, 长者模式, 关怀版 …, from the profile). Read on the home
    /// page only, where the rule applies.
    #[serde(default)]
    pub accessibility_entry: bool,
    /// The content-management platform the page comes from (`hanweb`,
    /// `trs`, `gkmlpt` …, from the profile's `[[cms]]` signatures).
    #[serde(default)]
    pub cms: Option<Arc<str>>,
    /// What the content rules read (messages, consultations, yearly
    /// reports, required columns, wording errors); most pages have none.
    #[serde(default)]
    // Shared: most pages that have any hold only the site's column classes,
    // read from the template's navigation, and the crawler keeps one copy
    // per site.
    pub content: Option<Arc<crate::content::ContentFacts>>,
    /// Columns the page lists apart from its own list (a gkmlpt
    /// catalogue's columns), each judged as a column.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub platform_columns: Vec<crate::columns::PlatformColumn>,
    /// The footer was also read from the DOM Chromium rendered (a footer a
    /// script writes): what is still missing is missing for certain.
    #[serde(default)]
    pub footer_rendered: bool,
    /// The facts were read from the DOM Chromium rendered (`--render`),
    /// not from the static HTML.
    #[serde(default)]
    pub rendered: bool,
}

impl PageFacts {
    /// Gives back the slack of strings built piece by piece: the crawler
    /// keeps these facts for every page until the site checks run.
    pub fn shrink(&mut self) {
        if let Some(date) = &mut self.meta.pub_date {
            date.shrink_to_fit();
        }
        self.related.shrink_to_fit();
    }

    /// The newest item date, for list and home pages only.
    pub fn newest_date(&self) -> Option<NaiveDate> {
        matches!(self.kind, PageKind::List | PageKind::Home)
            .then_some(self.list.newest)
            .flatten()
    }

    /// The 网站标识码 shown: footer, else widget, else meta.
    pub fn site_code(&self) -> Option<&str> {
        self.footer
            .site_code
            .as_deref()
            .or(self.footer.jiucuo_code.as_deref())
            .or(self.meta.site_id_code.as_deref().filter(|c| !c.is_empty()))
    }
}

/// Everything [`analyse_page`] learns about a page (stored by the history
/// store, so an unchanged page is not parsed again).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PageAnalysis {
    /// Facts to keep.
    pub facts: PageFacts,
    /// Every link, in document order, as the analysis found them. Once the
    /// page's own checks are made, the crawler keeps only the web links, as
    /// `link_table` ([`PageAnalysis::tabulate_links`]); read back from the
    /// store, this holds only what list data added since.
    #[serde(default)]
    pub links: Vec<Link>,
    /// The web links in the form the history store keeps them (see
    /// [`crate::links::LinkTable`]): empty as [`analyse_page`] returns the
    /// analysis, filled by [`PageAnalysis::tabulate_links`] or when read
    /// back from the store. Read both with [`PageAnalysis::web_links`].
    #[serde(default)]
    pub link_table: crate::links::LinkTable,
    /// Hashes of the page's `id`s and `<a name>`s (see [`anchor_hash`]), sorted.
    pub anchors: Vec<u64>,
    /// Findings that need only this page.
    pub findings: Vec<Finding>,
    /// Why the page looks like a not-found page, if it does.
    pub not_found: Option<String>,
    /// Same-site scripts or frames that may hold the footer; the crawler
    /// fetches them and calls [`finish_footer`].
    pub footer_sources: Vec<Url>,
    /// The page is a login form with hardly anything else (see
    /// [`crate::audit::looks_like_login`]): as a home page, not auditable.
    #[serde(default)]
    pub login: bool,
    /// Requests for the rest of the page's list (Hanweb's dataproxy): the
    /// crawler makes them and folds the answers in with
    /// [`crate::data_requests::fold_answer`].
    #[serde(default)]
    pub data_requests: Vec<crate::data_requests::DataRequest>,
}

/// A page analysis as the history store keeps it: what a later run needs to
/// stand in for the page (facts, findings, anchors, the links to follow),
/// without the links that are not web links and without the hrefs as
/// written, which only the page's own findings quoted. It reads back as a
/// [`PageAnalysis`].
#[derive(Serialize)]
pub struct StoredAnalysis<'a> {
    facts: &'a PageFacts,
    link_table: std::borrow::Cow<'a, crate::links::LinkTable>,
    anchors: &'a [u64],
    findings: &'a [Finding],
    not_found: &'a Option<String>,
    footer_sources: &'a [Url],
    login: bool,
    data_requests: &'a [crate::data_requests::DataRequest],
}

impl<'a> StoredAnalysis<'a> {
    /// The bytes the history store keeps (see [`crate::stored_form`]).
    pub fn encode(&self) -> Option<Vec<u8>> {
        // About what the realistic county's pages take (their link table is
        // most of it): one growth at most on a page with more links.
        crate::stored_form::encode_sized(self, 8 * 1024)
    }

    /// The stored form of an analysis.
    pub fn of(a: &'a PageAnalysis) -> StoredAnalysis<'a> {
        StoredAnalysis {
            facts: &a.facts,
            // The table, then what list data added (most pages: nothing,
            // and the table is stored as it is).
            link_table: if a.links.is_empty() {
                std::borrow::Cow::Borrowed(&a.link_table)
            } else {
                let mut table = a.link_table.clone();
                table.append(crate::links::LinkTable::of(&a.links));
                std::borrow::Cow::Owned(table)
            },
            anchors: &a.anchors,
            findings: &a.findings,
            not_found: &a.not_found,
            footer_sources: &a.footer_sources,
            login: a.login,
            data_requests: &a.data_requests,
        }
    }
}

impl PageAnalysis {
    /// Reads back what [`StoredAnalysis::encode`] stored; `None` for bytes
    /// that are not a stored analysis (damaged, or another format).
    pub fn decode(bytes: &[u8]) -> Option<PageAnalysis> {
        crate::stored_form::decode(bytes)
    }

    /// The page's web links, in document order: a fresh analysis' own, or
    /// those read back from the store followed by what list data added.
    pub fn web_links(&self) -> impl Iterator<Item = crate::links::LinkView<'_>> + '_ {
        self.link_table
            .iter()
            .chain(self.links.iter().filter_map(crate::links::LinkView::of))
    }

    /// Moves the web links into `link_table` (each link's key and flags
    /// worked out once, here, rather than by the crawl and the store each)
    /// and drops the others, which nothing after the page's own checks reads.
    pub fn tabulate_links(&mut self) {
        let links = std::mem::take(&mut self.links);
        self.link_table.append(crate::links::LinkTable::of(&links));
    }

    /// Turns the links of `link_table` back into [`Link`]s, for the
    /// checks that read a page's links one by one (the home page's
    /// cloaking comparison).
    pub fn expand_link_table(&mut self) {
        let stored = std::mem::take(&mut self.link_table);
        let mut links = stored.to_links();
        links.append(&mut self.links);
        self.links = links;
    }

    /// Whether the page has an anchor for `fragment` (see [`crate::links::fragment_exists`]).
    pub fn has_anchor(anchors: &[u64], fragment: &str) -> bool {
        crate::links::fragment_exists(anchors, fragment)
    }
}

/// Version of what [`analyse_page`] stores. Part of the key under which the
/// history store keeps analyses, so that analyses made by an older govscan
/// (another anchor hash, fewer facts) are never reused: they are made again
/// on the next fetch. 6: an SVG anchor's `xlink:href` is a link (version 5
/// lost it).
pub const ANALYSIS_VERSION: u32 = 6;

pub use crate::links::anchor_hash;

/// Decodes a page's bytes (the host's top-level domain helps guess a
/// charset) and parses it: the one parse every pass over a page starts from.
pub(crate) fn parse(input: &PageInput<'_>) -> (crate::decode::Decoded, scraper::Html) {
    let tld = input.url.host_str().and_then(|h| h.rsplit('.').next());
    let decoded = crate::decode::decode_html(input.body, input.content_type, tld);
    let doc = parse_document(&decoded.text);
    (decoded, doc)
}

/// `scraper::Html::parse_document`, with the tree's node list sized for the
/// page first: grown from empty, it was copied over half a dozen times a
/// page as it doubled (callgrind: 1.3% of a realistic scan's instructions).
/// About one node for every 24 bytes of these pages' HTML; at most 65,536
/// nodes (8 MB) reserved, so a huge page of text reserves no more than a
/// large one.
fn parse_document(text: &str) -> scraper::Html {
    use html5ever::tendril::TendrilSink;
    let nodes = (text.len() / 24 + 16).min(1 << 16);
    let mut html = scraper::Html::new_document();
    html.tree = ego_tree::Tree::with_capacity(scraper::Node::Document, nodes);
    html5ever::driver::parse_document(scraper::HtmlTreeSink::new(html), Default::default())
        .one(text)
}

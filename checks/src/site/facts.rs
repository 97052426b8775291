//! What the site-wide checks read of a page: a small part of its facts.
//!
//! A site's pages wait for the site-wide checks until its crawl ends. Held
//! as whole [`PageFacts`] (about 900 bytes an article page with its
//! strings) they made a large site's memory grow by that much per page;
//! most of it (title, meta, the page's dates as written, a policy page's
//! links) is only for the reports, which get the whole record when the
//! page is done. What stays is this: for an article page, a few shared
//! pointers and flags; the parts only lists, the home page, policy
//! documents and interpretations are read for come with those pages alone.

use crate::columns::{ListFacts, PlatformColumn};
use crate::content::ContentFacts;
use crate::footer::FooterFacts;
use crate::page::{PageFacts, PageKind, RelatedLink};
use crate::policy::PolicyMeta;
use chrono::NaiveDate;
use std::sync::{Arc, LazyLock};

/// The facts of one page that the site-wide checks read.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SiteFacts {
    /// What kind of page it is.
    pub kind: PageKind,
    /// The platform it comes from.
    pub cms: Option<Arc<str>>,
    /// A page that says "not found" or shows an error.
    pub error_page: bool,
    /// The home page offers an accessibility entry.
    pub accessibility_entry: bool,
    /// The list was read from Chromium's rendering.
    pub rendered: bool,
    /// Its footer (shared by the site's pages).
    pub footer: Arc<FooterFacts>,
    /// Its column (breadcrumb or meta).
    pub column: Option<Arc<str>>,
    /// The content rules' facts (shared when they repeat).
    pub content: Option<Arc<ContentFacts>>,
    /// What only some kinds of page are read for (see [`SiteFacts::from`]).
    detail: Option<Box<Detail>>,
}

/// The parts of a list page, the home page, a section, a policy document
/// or an interpretation (or a page listing a platform's columns) that the
/// site-wide checks read.
#[derive(Debug, Clone, Default, PartialEq)]
struct Detail {
    headline: Arc<str>,
    published: Option<NaiveDate>,
    policy: Option<Box<PolicyMeta>>,
    related: Vec<Arc<RelatedLink>>,
    list: ListFacts,
    column_type: Option<Arc<str>>,
    platform_columns: Vec<PlatformColumn>,
}

static NO_DETAIL: LazyLock<Detail> = LazyLock::new(Detail::default);

impl From<PageFacts> for SiteFacts {
    /// Keeps what the site-wide checks read. The headline, dates, metadata
    /// block, related links and list are read only on the kinds of page
    /// that carry them for a site-wide rule (lists, sections and the home
    /// page for columns; policy documents and interpretations for the
    /// pairing); a platform's catalogue columns on any page that lists them.
    fn from(f: PageFacts) -> SiteFacts {
        let detailed = matches!(
            f.kind,
            PageKind::Home
                | PageKind::List
                | PageKind::Section
                | PageKind::Policy
                | PageKind::Interpretation
        ) || !f.platform_columns.is_empty();
        let detail = detailed.then(|| {
            Box::new(Detail {
                headline: f.headline,
                published: f.published,
                policy: f.policy,
                related: f.related,
                list: f.list,
                column_type: f.meta.column_type,
                platform_columns: f.platform_columns,
            })
        });
        SiteFacts {
            kind: f.kind,
            cms: f.cms,
            error_page: f.error_page,
            accessibility_entry: f.accessibility_entry,
            rendered: f.rendered,
            footer: f.footer,
            column: f.column,
            content: f.content,
            detail,
        }
    }
}

impl SiteFacts {
    fn detail(&self) -> &Detail {
        self.detail.as_deref().unwrap_or(&NO_DETAIL)
    }

    /// The page's headline (policy documents and interpretations; else empty).
    pub fn headline(&self) -> &str {
        &self.detail().headline
    }

    /// The date the page says it was published (policy documents and interpretations).
    pub fn published(&self) -> Option<NaiveDate> {
        self.detail().published
    }

    /// A policy document's metadata block.
    pub fn policy(&self) -> Option<&PolicyMeta> {
        self.detail().policy.as_deref()
    }

    /// Links near a policy document's or an interpretation's text.
    pub fn related(&self) -> &[Arc<RelatedLink>] {
        &self.detail().related
    }

    /// The list on a list page, a section or the home page.
    pub fn list(&self) -> &ListFacts {
        &self.detail().list
    }

    /// The column type a list page's meta names.
    pub fn column_type(&self) -> Option<&str> {
        self.detail().column_type.as_deref()
    }

    /// A platform's catalogue columns listed on the page.
    pub fn platform_columns(&self) -> &[PlatformColumn] {
        &self.detail().platform_columns
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(kind: PageKind) -> PageFacts {
        PageFacts {
            kind,
            headline: "关于印发《某某办法》的通知".into(),
            published: NaiveDate::from_ymd_opt(2026, 11, 2),
            policy: Some(Box::new(PolicyMeta {
                doc_no: Some("某政发〔2026〕1号".into()),
                ..PolicyMeta::default()
            })),
            related: vec![Arc::new(RelatedLink {
                url: "http://a.gov.cn/jd/1.html".into(),
                text: "政策解读".into(),
            })],
            list: ListFacts {
                dated: 3,
                ..ListFacts::default()
            },
            cms: Some("hanweb".into()),
            column: Some("通知公告".into()),
            ..PageFacts::default()
        }
    }

    #[test]
    fn the_kinds_read_for_a_site_rule_keep_their_detail() {
        for kind in [
            PageKind::Home,
            PageKind::List,
            PageKind::Section,
            PageKind::Policy,
            PageKind::Interpretation,
        ] {
            let kept = SiteFacts::from(facts(kind));
            assert_eq!(kept.headline(), "关于印发《某某办法》的通知", "{kind:?}");
            assert_eq!(kept.related().len(), 1, "{kind:?}");
            assert_eq!(kept.list().dated, 3, "{kind:?}");
            assert!(kept.policy().is_some() && kept.published().is_some());
        }
    }

    #[test]
    fn an_article_keeps_only_what_every_page_is_read_for() {
        let kept = SiteFacts::from(facts(PageKind::Article));
        assert!(kept.detail.is_none());
        assert_eq!(kept.headline(), "");
        assert_eq!(kept.list().dated, 0);
        assert_eq!(kept.cms.as_deref(), Some("hanweb"));
        assert_eq!(kept.column.as_deref(), Some("通知公告"));
        // A page listing a platform's catalogue keeps it, whatever its kind.
        let mut catalogue = facts(PageKind::Article);
        catalogue.platform_columns = vec![PlatformColumn {
            name: "政策文件".into(),
            ..PlatformColumn::default()
        }];
        assert_eq!(
            SiteFacts::from(catalogue).platform_columns()[0].name,
            "政策文件"
        );
    }
}

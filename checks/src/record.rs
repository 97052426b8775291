//! What was fetched: the plain record the crawler keeps for each URL and the
//! reports print as `pages.csv`.

use crate::page::PageFacts;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// One fetched URL.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct PageRecord {
    /// The URL requested (normalised, no fragment).
    pub url: String,
    /// HTTP status or failure class.
    pub status: Arc<str>,
    /// `Content-Type`.
    pub content_type: Arc<str>,
    /// Charset used to decode it (HTML only).
    pub charset: Arc<str>,
    /// Body bytes received.
    pub bytes: u64,
    /// Link depth from the home page.
    pub depth: u32,
    /// Page title (HTML only).
    // The same string as its facts' title.
    pub title: Arc<str>,
    /// Response time in milliseconds.
    pub response_ms: u64,
    /// Whether this is the home page.
    pub is_home: bool,
    /// Whether it was crawled as a page of the site (not just checked as a link).
    pub crawled: bool,
    /// Hash of the body (hex), for spotting unchanged pages and twins.
    #[serde(default)]
    pub content_hash: String,
    /// Facts read from it (crawled pages only).
    // Boxed: a site's page list is long, and many entries are checked links only.
    pub facts: Option<Box<PageFacts>>,
}

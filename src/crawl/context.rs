//! What every site's crawl of a run shares: the fetcher, the profile, the
//! outside-link cache, the history store, the analysis slots; and the live
//! counters the progress display reads.

use super::client::Fetcher;
use super::ledger::Landing;
use super::site::CrawlOptions;
use crate::store::HistoryStore;
use govscan_checks::Profile;
use std::collections::HashMap;
use std::sync::atomic::AtomicU64;
use std::sync::{Arc, Mutex};
use tokio::sync::{watch, OnceCell};

/// A checked outside target, shared by all sites of the run.
#[derive(Debug)]
pub struct Checked {
    pub(crate) landing: Arc<Landing>,
    pub(crate) bytes: u64,
    pub(crate) elapsed_ms: u64,
}

/// Outside targets checked once per run, whichever site links to them.
#[derive(Default)]
pub struct CheckCache {
    pub(crate) cells: Mutex<HashMap<String, Arc<OnceCell<Arc<Checked>>>>>,
}

impl CheckCache {
    pub(crate) fn cell(&self, key: &str) -> Arc<OnceCell<Arc<Checked>>> {
        let mut cells = self.cells.lock().unwrap_or_else(|e| e.into_inner());
        cells.entry(key.to_string()).or_default().clone()
    }
}

/// Live counters of a site, read by the progress display.
#[derive(Debug, Default)]
pub struct SiteProgress {
    /// Pages crawled.
    pub pages: AtomicU64,
    /// URLs fetched (pages and link checks).
    pub fetched: AtomicU64,
    /// URLs waiting.
    pub queued: AtomicU64,
    /// Dead and wrong links found.
    pub bad_links: AtomicU64,
    /// 1 when finished.
    pub done: AtomicU64,
}

/// What every site's crawl shares.
pub struct RunContext {
    /// The HTTP client.
    pub fetcher: Arc<Fetcher>,
    /// An IPv6-only client for the IPv6 checks (`--ipv6 check`).
    pub fetcher_v6: Option<Arc<Fetcher>>,
    /// Chromium, for pages only a browser can read (`--render`).
    pub renderer: Option<Arc<crate::render::Renderer>>,
    /// The rule profile.
    pub profile: Arc<Profile>,
    /// Crawl limits.
    pub options: CrawlOptions,
    /// Outside targets checked once per run.
    pub cache: CheckCache,
    /// Flips to true on Ctrl-C.
    pub cancel: watch::Receiver<bool>,
    /// The date ages are computed against (`--now`).
    pub today: chrono::NaiveDate,
    /// The history store, when the run keeps one.
    pub history: Option<HistoryContext>,
    /// Where the sites' page records go as they are crawled (a scan's
    /// output folder); `None` keeps them in memory (a province worker,
    /// which sends each site's whole report to the database).
    pub page_spill: Option<Arc<govscan_reports::PageSpill>>,
    /// The threads that parse and analyse pages (one per core): never the
    /// async workers; a full pool holds fetching back.
    pub analysis: Arc<super::pool::AnalysisPool>,
}

/// How a run uses the history store.
pub struct HistoryContext {
    /// The store.
    pub store: Arc<dyn HistoryStore>,
    /// This run's id.
    pub run: i64,
    /// Reuse what this run already fetched (`--resume`).
    pub resume: bool,
    /// Send conditional requests for pages seen before (off with `--full`).
    pub revalidate: bool,
    /// Reuse successful outside-link checks younger than this.
    pub link_cache_max_age: Option<chrono::Duration>,
    /// Identifies the rule profile, so stored analyses are reused only under the same rules.
    pub profile_key: String,
    /// What the store saved.
    pub stats: HistoryStats,
    /// Site start URL → site id.
    pub site_ids: HashMap<String, i64>,
}

/// Requests and bytes the history store saved.
#[derive(Debug, Default)]
pub struct HistoryStats {
    /// URLs answered 304 Not Modified.
    pub not_modified: AtomicU64,
    /// Body bytes of those pages, not downloaded again.
    pub bytes_saved: AtomicU64,
    /// Outside links taken from the link cache (no request).
    pub cached_links: AtomicU64,
    /// URLs taken from the interrupted run (`--resume`, no request).
    pub replayed: AtomicU64,
}

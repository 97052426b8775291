//! The history store: every run, every fetched URL with what was read from
//! it, every finding with its stable fingerprint, cached outside-link checks
//! and the availability probes.
//!
//! [`HistoryStore`] is what a scan needs of its history, whichever database
//! keeps it; [`SqliteStore`] (one file, the default) and [`PgStore`]
//! (PostgreSQL, shared by a province's workers) implement it. Its
//! calls block, so the crawl makes them through [`read`] and [`send`]: on
//! blocking threads and a bounded queue, never on the async workers.

pub mod pg_jobs;
mod pg_schema;
mod pg_writer;
pub mod postgres;
mod shared;
pub mod sqlite;
mod sqlite_schema;

pub use self::postgres::{is_postgres_url, PgStore};
pub use sqlite::SqliteStore;
pub use sqlite_schema::SCHEMA_VERSION;

use govscan_checks::history::SiteHistory;
use govscan_checks::site::Availability;
use govscan_checks::Finding;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use tokio::sync::mpsc::Sender;

/// One write for the writer thread.
pub enum Write_ {
    /// A fetched URL of a run.
    Fetch {
        /// Run.
        run: i64,
        /// Site.
        site: i64,
        /// URL key.
        url: String,
        /// `ETag`.
        etag: Option<String>,
        /// `Last-Modified`.
        last_modified: Option<String>,
        /// Body hash.
        content_hash: Option<String>,
        /// The serialised fetch result (JSON).
        data: Vec<u8>,
        /// The content-addressed key of the page's analysis.
        analysis_key: Option<String>,
        /// The analysis (see `StoredAnalysis::encode`), unless the store has it already.
        analysis_bytes: Option<Vec<u8>>,
    },
    /// Answered once every write queued before it is committed (true) or
    /// given up on (false): a province worker waits for it before it marks
    /// a site done, so that no fetch of the site arrives after its lease.
    Barrier(tokio::sync::oneshot::Sender<bool>),
    /// A successful outside-link check to cache.
    LinkCache {
        /// URL.
        url: String,
        /// When.
        at: String,
        /// Serialised outcome (JSON).
        data: Vec<u8>,
    },
}

/// Which of a site's URLs the store holds something for, read once when
/// the site starts: the crawl then asks the store per URL only where there
/// is something to read (on a first scan, never). Kept as hashes, so a
/// 200,000-page site costs a few MB.
#[derive(Debug, Default)]
pub struct StoredUrls {
    /// Each URL's latest fetch in an earlier completed run.
    previous: HashMap<u128, LatestFetch>,
    /// URLs this run already fetched (read only when resuming).
    this_run: HashSet<u128>,
}

impl StoredUrls {
    fn key(url: &str) -> u128 {
        govscan_checks::urlnorm::url_hash(url)
    }
    /// Notes what the store holds of a URL from an earlier completed run
    /// `run`; `usable` when that fetch had validators and an analysis. Of a
    /// URL's runs, the latest counts (as [`HistoryStore::previous_fetch`]
    /// answers), whatever the order they are noted in.
    pub fn add_previous(&mut self, url: &str, run: i64, usable: bool) {
        let noted = LatestFetch { run, usable };
        self.previous
            .entry(Self::key(url))
            .and_modify(|latest| {
                if run > latest.run {
                    *latest = noted;
                }
            })
            .or_insert(noted);
    }
    /// Notes a URL this run already fetched.
    pub fn add_this_run(&mut self, url: &str) {
        self.this_run.insert(Self::key(url));
    }
    /// Whether an earlier run may hold `url`'s validators and analysis.
    pub fn has_previous(&self, url: &str) -> bool {
        self.previous_run(url).is_some()
    }
    /// The earlier completed run whose fetch of `url` has validators and an
    /// analysis, for [`HistoryStore::previous_fetch_in`].
    pub fn previous_run(&self, url: &str) -> Option<i64> {
        self.previous
            .get(&Self::key(url))
            .filter(|latest| latest.usable)
            .map(|latest| latest.run)
    }
    /// Whether this run may already have fetched `url` (`--resume`).
    pub fn has_this_run(&self, url: &str) -> bool {
        self.this_run.contains(&Self::key(url))
    }
}

impl PreviousFetch {
    /// From a stored fetch row: its validators, its packed fetch data and
    /// packed analysis. `None` without validators (nothing to ask the server
    /// about) or when the fetch data cannot be read back.
    fn from_row(
        etag: Option<String>,
        last_modified: Option<String>,
        data: &[u8],
        analysis: Option<&[u8]>,
    ) -> Option<PreviousFetch> {
        if etag.is_none() && last_modified.is_none() {
            return None;
        }
        Some(PreviousFetch {
            etag,
            last_modified,
            data: shared::unpack(data)?,
            analysis: analysis.map(<[u8]>::to_vec),
        })
    }

    /// Whether the fetch has an analysis stored (a page's).
    pub fn has_analysis(&self) -> bool {
        self.analysis.is_some()
    }

    /// Runs `read` on the analysis, unpacked into a buffer the thread keeps
    /// ([`shared::with_unpacked`]); `None` without one or when it cannot be
    /// unpacked.
    pub fn with_analysis<T>(&self, read: impl FnOnce(&[u8]) -> T) -> Option<T> {
        shared::with_unpacked(self.analysis.as_deref()?, read)
    }
}

/// The columns every read of a previous fetch selects, for
/// [`PreviousFetch::from_row`]: `f` the fetch, `a` its analysis (LEFT JOIN).
const PREVIOUS_COLUMNS: &str = "f.etag, f.last_modified, f.data, a.data";

/// A URL's latest fetch in an earlier completed run: which run, and whether
/// it can stand for a 304 (it has validators and an analysis).
#[derive(Debug, Clone, Copy)]
struct LatestFetch {
    run: i64,
    usable: bool,
}

/// What a previous run saw at a URL.
pub struct PreviousFetch {
    /// `ETag` to send as `If-None-Match`.
    pub etag: Option<String>,
    /// `Last-Modified` to send as `If-Modified-Since`.
    pub last_modified: Option<String>,
    /// The fetch data (JSON).
    pub data: Vec<u8>,
    /// The analysis as the store keeps it (packed), for pages: read with
    /// [`PreviousFetch::with_analysis`].
    analysis: Option<Vec<u8>>,
}

/// What a run concluded about one site, as the store keeps it for the
/// next run's new/fixed comparison.
pub struct SiteOutcome<'a> {
    /// The site's id in the store.
    pub id: i64,
    /// The URL the site was scanned from (part of each finding's fingerprint).
    pub url: &'a str,
    /// Its findings.
    pub findings: &'a [Finding],
    /// Its score and verdict, when scored.
    pub score: Option<&'a govscan_checks::score::SiteScore>,
}

/// What a scan needs of its history store. Every method may block (a
/// database round trip); async code goes through [`read`] and [`send`].
pub trait HistoryStore: Send + Sync {
    /// Where the history is kept, for messages (a file path, a database URL).
    fn location(&self) -> String;
    /// The id of a site, created on first use.
    fn site_id(&self, url: &str, name: &str) -> anyhow::Result<i64>;
    /// Starts a run: its start time (RFC 3339), the date it judges against,
    /// the profile's name, the options (JSON) and the key of its site list.
    fn begin_run(
        &self,
        started: &str,
        now: &str,
        profile: &str,
        options: &str,
        site_key: &str,
    ) -> anyhow::Result<i64>;
    /// The latest unfinished run of the same sites and its date, to resume.
    fn resumable_run(&self, site_key: &str) -> anyhow::Result<Option<(i64, String)>>;
    /// Marks an interrupted run as running again.
    fn reopen_run(&self, run: i64) -> anyhow::Result<()>;
    /// Starts the writer that [`send`] queues to.
    fn start_writer(&self) -> anyhow::Result<()>;
    /// The writer's queue, while it runs.
    fn writer(&self) -> Option<Sender<Write_>>;
    /// Flushes the queue and stops the writer.
    fn stop_writer(&self);
    /// The thread [`read`] runs this store's calls on, if it has one (a
    /// store with one connection); without, each read gets a blocking
    /// thread (PostgreSQL: reads over the network overlap).
    fn read_thread(&self) -> Option<&ReadThread> {
        None
    }
    /// A URL this run already fetched (for `--resume`): the fetch data and
    /// its analysis (JSON), if any.
    fn fetched_in_run(&self, run: i64, site: i64, url: &str) -> Option<(Vec<u8>, Option<Vec<u8>>)>;
    /// Which of a site's URLs [`previous_fetch`](Self::previous_fetch) and
    /// (with `resume`) [`fetched_in_run`](Self::fetched_in_run) can answer:
    /// one query per site instead of one per URL.
    fn stored_urls(&self, run: i64, site: i64, resume: bool) -> anyhow::Result<StoredUrls>;
    /// What the latest completed earlier run saw at a URL.
    fn previous_fetch(&self, run: i64, site: i64, url: &str) -> Option<PreviousFetch>;
    /// What run `held_by` saw at a URL, when [`stored_urls`](Self::stored_urls)
    /// named that run ([`StoredUrls::previous_run`]): one look-up by key
    /// instead of a search of the URL's runs.
    fn previous_fetch_in(&self, held_by: i64, site: i64, url: &str) -> Option<PreviousFetch>;
    /// A successful outside-link check younger than `max_age`.
    fn cached_link(&self, url: &str, max_age: chrono::Duration) -> Option<Vec<u8>>;
    /// Writes the final findings and scores of a finished (or interrupted) run.
    fn finish_run(&self, run: i64, sites: &[SiteOutcome<'_>], status: &str) -> anyhow::Result<()>;
    /// What changed for a site since its previous completed run.
    fn site_history(
        &self,
        run: i64,
        site: i64,
        site_url: &str,
        findings: &[Finding],
        now: &str,
    ) -> anyhow::Result<SiteHistory>;
    /// Records one availability probe.
    fn record_probe(
        &self,
        site: i64,
        at: &str,
        ok: bool,
        status: &str,
        ms: i64,
    ) -> anyhow::Result<()>;
    /// The availability of a site's home page over the `days` before `until`.
    fn availability(
        &self,
        site: i64,
        until: chrono::DateTime<chrono::FixedOffset>,
        days: u32,
    ) -> anyhow::Result<Option<Availability>>;
    /// Deletes runs and probes older than `keep_days`; returns how many of each.
    fn prune(&self, keep_days: u32) -> anyhow::Result<(usize, usize)>;
}

/// A batch smaller than this waits [`LINGER`] once for more writes.
const LINGER_BELOW: usize = 64;
/// How long a small batch waits for more.
const LINGER: std::time::Duration = std::time::Duration::from_millis(10);

/// The writer threads' next batch: waits for a write, takes whatever else
/// is queued (up to 500) and sets the barriers apart, to be answered once
/// the batch is written. Under load the batches fill; a small batch waits
/// [`LINGER`] once for more, unless a barrier is in it. `None` when the
/// queue is closed.
#[allow(clippy::type_complexity)]
fn next_batch(
    rx: &mut tokio::sync::mpsc::Receiver<Write_>,
) -> Option<(Vec<Write_>, Vec<tokio::sync::oneshot::Sender<bool>>)> {
    const BATCH: usize = 500;
    let first = rx.blocking_recv()?;
    let mut writes = Vec::new();
    let mut barriers = Vec::new();
    let mut next = Some(first);
    let mut lingered = false;
    loop {
        while let Some(w) = next.take() {
            match w {
                Write_::Barrier(b) => barriers.push(b),
                other => writes.push(other),
            }
            if writes.len() + barriers.len() < BATCH {
                next = rx.try_recv().ok();
            }
        }
        // A small batch waits a moment for more: every commit writes the
        // pages it touched to the log again, and a re-scan's 304s arrive a
        // few at a time. Not when someone waits on a barrier.
        if lingered || !barriers.is_empty() || writes.len() >= LINGER_BELOW {
            break;
        }
        lingered = true;
        std::thread::sleep(LINGER);
        next = rx.try_recv().ok();
        if next.is_none() {
            break;
        }
    }
    Some((writes, barriers))
}

/// Waits until every write queued so far is committed; false if the
/// writer gave up on some (or none runs).
pub async fn flushed(store: &dyn HistoryStore) -> bool {
    let Some(tx) = store.writer() else {
        return false;
    };
    let (done, answer) = tokio::sync::oneshot::channel();
    if tx.send(Write_::Barrier(done)).await.is_err() {
        return false;
    }
    answer.await.unwrap_or(false)
}

/// Opens the store `--db` names: a `postgres://` URL or a SQLite file.
/// Blocks (connecting, migrating): call it off the async workers.
pub fn open_store(db: &str) -> anyhow::Result<Arc<dyn HistoryStore>> {
    Ok(if is_postgres_url(db) {
        Arc::new(PgStore::open(db)?)
    } else {
        Arc::new(SqliteStore::open(std::path::Path::new(db))?)
    })
}

/// Runs a store call off the async workers, so that the database never
/// blocks them: on the store's own read thread when it has one, else on a
/// blocking thread.
pub async fn read<T, F>(store: &Arc<dyn HistoryStore>, call: F) -> T
where
    T: Send + 'static,
    F: FnOnce(&dyn HistoryStore) -> T + Send + 'static,
{
    let owned = store.clone();
    let call = move || call(&*owned);
    match store.read_thread() {
        Some(thread) => thread.run(call).await,
        None => match tokio::task::spawn_blocking(call).await {
            Ok(v) => v,
            Err(e) => std::panic::resume_unwind(e.into_panic()),
        },
    }
}

/// A store read waiting for the read thread.
type ReadJob = Box<dyn FnOnce() + Send>;

/// One thread that runs a store's reads in turn, fed by a bounded queue.
/// For a store with one connection (SQLite) the reads are one at a time
/// anyway: handed to the blocking pool, each woke a thread that then
/// queued on the connection's lock (a fifth of a re-scan's CPU was that
/// traffic and the reads themselves).
pub struct ReadThread {
    queue: tokio::sync::mpsc::Sender<ReadJob>,
}

impl ReadThread {
    /// Starts the thread; it ends when the `ReadThread` is dropped.
    pub fn start() -> anyhow::Result<ReadThread> {
        let (queue, mut jobs) = tokio::sync::mpsc::channel::<ReadJob>(256);
        std::thread::Builder::new()
            .name("govscan-store-read".into())
            .spawn(move || {
                while let Some(job) = jobs.blocking_recv() {
                    job();
                }
            })?;
        Ok(ReadThread { queue })
    }

    /// Runs `call` on the thread and waits for its result; a panic in it
    /// is the caller's, as with `spawn_blocking`.
    async fn run<T: Send + 'static>(&self, call: impl FnOnce() -> T + Send + 'static) -> T {
        let (done, result) = tokio::sync::oneshot::channel();
        let job: ReadJob = Box::new(move || {
            let _ = done.send(std::panic::catch_unwind(std::panic::AssertUnwindSafe(call)));
        });
        if let Err(refused) = self.queue.send(job).await {
            // The thread is gone (it cannot be while `self` lives, but a
            // read must not be lost): run it on the blocking pool.
            let job = refused.0;
            if let Err(e) = tokio::task::spawn_blocking(job).await {
                std::panic::resume_unwind(e.into_panic());
            }
        }
        match result.await {
            Ok(Ok(v)) => v,
            Ok(Err(panic)) => std::panic::resume_unwind(panic),
            // The job was dropped unrun: only when the thread died, which
            // a caught panic cannot make it do.
            Err(_) => std::panic::resume_unwind(Box::new("the store's read thread stopped")),
        }
    }
}

/// Queues a write. The queue is bounded: when the writer falls behind, the
/// crawl waits here (back-pressure on the async side, no lock held).
pub async fn send(store: &dyn HistoryStore, write: Write_) {
    if let Some(tx) = store.writer() {
        let _ = tx.send(write).await;
    }
}

#[cfg(test)]
mod tests {
    use super::{ReadThread, StoredUrls};

    #[tokio::test]
    async fn a_read_that_panics_is_the_callers_and_the_thread_goes_on() {
        let thread = std::sync::Arc::new(ReadThread::start().unwrap());
        assert_eq!(thread.run(|| 6 * 7).await, 42);
        let t = thread.clone();
        let failed = tokio::spawn(async move { t.run(|| -> u32 { panic!("a broken row") }).await })
            .await
            .unwrap_err();
        assert!(failed.is_panic());
        // The thread caught it and still answers, in order.
        let name = thread
            .run(|| std::thread::current().name().map(str::to_string))
            .await;
        assert_eq!(name.as_deref(), Some("govscan-store-read"));
    }

    #[test]
    fn a_urls_latest_run_counts_whatever_the_order_rows_come_in() {
        let mut urls = StoredUrls::default();
        // Its latest fetch had no validators: an older one does not stand in.
        urls.add_previous("http://a.gov.cn/x", 3, false);
        urls.add_previous("http://a.gov.cn/x", 1, true);
        urls.add_previous("http://a.gov.cn/y", 1, true);
        urls.add_previous("http://a.gov.cn/y", 2, true);
        urls.add_previous("http://a.gov.cn/z", 2, true);
        urls.add_previous("http://a.gov.cn/z", 1, false);
        assert_eq!(urls.previous_run("http://a.gov.cn/x"), None);
        assert!(!urls.has_previous("http://a.gov.cn/x"));
        assert_eq!(urls.previous_run("http://a.gov.cn/y"), Some(2));
        assert_eq!(urls.previous_run("http://a.gov.cn/z"), Some(2));
        assert_eq!(urls.previous_run("http://a.gov.cn/w"), None);
    }
}

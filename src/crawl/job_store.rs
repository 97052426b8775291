//! A job's round trip through the history store: what a finished job
//! leaves there (its fetch record, its page analysis stored by content) and
//! a job rebuilt from it (a 304, or a URL the interrupted run had fetched).

use super::context::{HistoryContext, RunContext};
use super::jobs::{Job, JobDone, JobResult};
use super::ledger::Landing;
use crate::store::Write_;
use govscan_checks::page::PageAnalysis;
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use url::Url;

/// A fetched URL as the store keeps it: everything [`JobDone`] holds but
/// the page analysis (stored apart, by content).
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct StoredFetch {
    pub(crate) depth: u32,
    pub(crate) crawl: bool,
    pub(crate) is_home: bool,
    pub(crate) landing: Landing,
    pub(crate) bytes: u64,
    pub(crate) elapsed_ms: u64,
    pub(crate) location: Option<String>,
    pub(crate) body_hash: Option<String>,
    pub(crate) final_url: Option<String>,
    pub(crate) etag: Option<String>,
    pub(crate) last_modified: Option<String>,
}

/// Queues a fetched URL (and its page analysis, stored by content) for the store.
pub(crate) async fn record(h: &HistoryContext, site: i64, result: &JobResult, crawl: bool) {
    let done = &result.done;
    let stored = StoredFetch {
        depth: done.depth,
        crawl,
        is_home: done.is_home,
        landing: Landing {
            outcome: done.landing.outcome.clone(),
            not_found: done.landing.not_found.clone(),
            anchors: done.landing.anchors.clone(),
        },
        bytes: done.bytes,
        elapsed_ms: done.elapsed_ms,
        location: done.location.as_ref().map(|u| u.to_string()),
        body_hash: done.body_hash.clone(),
        final_url: done.page.as_ref().map(|(u, _)| u.to_string()),
        etag: result.etag.clone(),
        last_modified: result.last_modified.clone(),
    };
    let Some(data) = govscan_checks::stored_form::encode(&stored) else {
        return;
    };
    let analysis_key = done.page.as_ref().map(|_| {
        let id = format!(
            "{}\n{}\n{}\nv{}",
            done.key,
            stored.body_hash.as_deref().unwrap_or(""),
            h.profile_key,
            govscan_checks::page::ANALYSIS_VERSION
        );
        govscan_checks::content_hash(id.as_bytes())
    });
    let analysis_bytes = if result.analysis_stored {
        None
    } else {
        let page = done.page.as_ref().map(|(_, a)| a);
        result
            .unfolded
            .as_deref()
            .or(page)
            .and_then(|a| govscan_checks::page::StoredAnalysis::of(a).encode())
    };
    crate::store::send(
        &*h.store,
        Write_::Fetch {
            run: h.run,
            site,
            url: done.key.clone(),
            etag: stored.etag.clone(),
            last_modified: stored.last_modified.clone(),
            content_hash: stored.body_hash.clone(),
            data,
            analysis_key,
            analysis_bytes,
        },
    )
    .await;
}

/// Rebuilds a job's result from the store on the analysis pool: reading a
/// page's stored analysis back is CPU work of its own.
pub(crate) async fn replay_off_runtime(
    ctx: &Arc<RunContext>,
    job: &Job,
    data: Vec<u8>,
    analysis: Option<Vec<u8>>,
) -> Option<JobDone> {
    let job = job.clone();
    ctx.analysis
        .run(move || replay(&job, &data, analysis.as_deref()))
        .await
        .flatten()
}

/// Rebuilds a job's result from the store.
pub(crate) fn replay(job: &Job, data: &[u8], analysis: Option<&[u8]>) -> Option<JobDone> {
    let stored: StoredFetch = govscan_checks::stored_form::decode(data)?;
    let page = match (stored.final_url.as_deref(), analysis) {
        (Some(url), Some(bytes)) => {
            let mut analysis = PageAnalysis::decode(bytes)?;
            if job.is_home {
                // The home page's links are compared one by one with what a
                // search engine's spider is shown.
                analysis.expand_link_table();
            }
            Some((Url::parse(url).ok()?, analysis))
        }
        // A page whose analysis was dropped (a newer analysis version) is fetched again.
        (Some(_), None) => return None,
        _ => None,
    };
    Some(JobDone {
        key: job.url.to_string(),
        depth: job.depth,
        kind: job.kind,
        is_home: job.is_home,
        landing: Arc::new(stored.landing),
        bytes: stored.bytes,
        elapsed_ms: stored.elapsed_ms,
        location: stored.location.as_deref().and_then(|u| Url::parse(u).ok()),
        body_hash: stored.body_hash,
        page,
        side: Default::default(),
    })
}

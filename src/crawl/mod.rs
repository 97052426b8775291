//! The crawl engine: many sites at once, each polite, none holding up the others.
//!
//! fetch → analyse page → (site checks, reports elsewhere). This module knows
//! how to fetch and where links go; what a page or a link *means* is decided
//! by `govscan-checks`.

pub mod client;
pub mod context;
pub mod coverage;
mod forward;
pub(crate) mod home_probes;
pub(crate) mod ipv6_probe;
mod job_store;
pub mod jobs;
pub mod ledger;
mod list_data;
mod pace;
pub mod pool;
pub mod progress;
mod rendering;
mod request;
pub mod resolver;
mod response;
pub mod robots;
pub mod site;
mod site_end;
mod site_pages;
mod site_state;
pub mod twins;
pub mod urlnorm;

use context::RunContext;
use progress::Progress;
use site::{crawl_site, SiteResult, SiteSpec};
use std::sync::Arc;
use tokio::task::JoinSet;

/// Crawls every site concurrently and returns what `finish` made of each
/// site's result, in input order. Sites run at most `max_sites` at a time;
/// each site's own requests are limited per host, so a slow site only
/// slows itself. `finish` runs on a blocking thread as each site ends (the
/// run spills the site's pages to disk there), so a finished site's pages
/// do not wait in memory for the last site.
pub async fn crawl_all<T, F>(
    specs: Vec<SiteSpec>,
    ctx: Arc<RunContext>,
    max_sites: usize,
    progress: Arc<Progress>,
    finish: F,
) -> Vec<T>
where
    T: Send + 'static,
    F: Fn(SiteResult) -> T + Send + Sync + 'static,
{
    let finish = Arc::new(finish);
    let slots = Arc::new(tokio::sync::Semaphore::new(max_sites.max(1)));
    let mut set = JoinSet::new();
    let mut task_site = std::collections::HashMap::new();
    let mut specs_by_index = Vec::with_capacity(specs.len());
    for (i, spec) in specs.into_iter().enumerate() {
        specs_by_index.push(spec.clone());
        let ctx = ctx.clone();
        let slots = slots.clone();
        let progress = progress.clone();
        let finish = finish.clone();
        let handle = set.spawn(async move {
            let _slot = slots.acquire_owned().await.ok();
            let site_progress = progress.start_site(&spec.name, spec.seed.as_str());
            let result = crawl_site(spec, ctx, site_progress.counters.clone()).await;
            progress.finish_site(&site_progress, &result);
            match tokio::task::spawn_blocking(move || finish(result)).await {
                Ok(done) => (i, done),
                // Reported as this site's failure by the loop below.
                Err(e) => std::panic::panic_any(format!("finishing the site failed: {e}")),
            }
        });
        task_site.insert(handle.id(), i);
    }
    let mut results: Vec<(usize, T)> = Vec::new();
    while let Some(joined) = set.join_next_with_id().await {
        match joined {
            Ok((_, r)) => results.push(r),
            // A site whose task failed is that site's failure, never dropped.
            Err(e) => {
                progress.log(&format!("内部错误：站点任务异常结束：{e}"));
                if let Some(&i) = task_site.get(&e.id()) {
                    let reason = if e.is_panic() {
                        "检查该站点时程序出错（panic）".to_string()
                    } else {
                        "检查该站点的任务被取消".to_string()
                    };
                    let failed = failed_site(specs_by_index[i].clone(), &reason, &ctx.profile);
                    results.push((i, finish(failed)));
                }
            }
        }
    }
    results.sort_by_key(|(i, _)| *i);
    results.into_iter().map(|(_, r)| r).collect()
}

/// The result of a site whose crawl failed: not audited, with the reason.
pub(crate) fn failed_site(
    spec: SiteSpec,
    reason: &str,
    profile: &govscan_checks::Profile,
) -> SiteResult {
    use govscan_checks::audit::{judge_audit, not_audited_finding, AuditInput, HomeState};
    let audit = judge_audit(
        &AuditInput {
            home: HomeState::InternalError(reason.to_string()),
            pages_read: 0,
            pages_unread: 0,
            pages_blocked: 0,
            interrupted: false,
        },
        &profile.audit,
    );
    let home = spec.seed.to_string();
    let findings = not_audited_finding(&spec.name, &home, &audit, profile);
    SiteResult {
        spec,
        home,
        pages: Vec::new(),
        spilled: None,
        pages_read: 0,
        urls_fetched: 0,
        findings,
        notes: vec![format!("内部错误：{reason}")],
        interrupted: false,
        summary: govscan_checks::site::SiteSummary {
            audit,
            ..Default::default()
        },
    }
}

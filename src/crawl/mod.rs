//! The crawl engine: many sites at once, each polite, none holding up the others.
//!
//! fetch → analyse page → (site checks, reports elsewhere). This module knows
//! how to fetch and where links go; what a page or a link *means* is decided
//! by `govscan-checks`.

pub mod client;
pub mod progress;
pub mod resolver;
pub mod robots;
pub mod site;
pub mod urlnorm;

use progress::Progress;
use site::{crawl_site, RunContext, SiteResult, SiteSpec};
use std::sync::Arc;
use tokio::task::JoinSet;

/// Crawls every site concurrently and returns their results in input order.
/// Sites run at most `max_sites` at a time; each site's own requests are
/// limited per host, so a slow site only slows itself.
pub async fn crawl_all(
    specs: Vec<SiteSpec>,
    ctx: Arc<RunContext>,
    max_sites: usize,
    progress: Arc<Progress>,
) -> Vec<SiteResult> {
    let slots = Arc::new(tokio::sync::Semaphore::new(max_sites.max(1)));
    let mut set = JoinSet::new();
    for (i, spec) in specs.into_iter().enumerate() {
        let ctx = ctx.clone();
        let slots = slots.clone();
        let progress = progress.clone();
        set.spawn(async move {
            let _slot = slots.acquire_owned().await.ok();
            let site_progress = progress.start_site(&spec.name, spec.seed.as_str());
            let result = crawl_site(spec, ctx, site_progress.counters.clone()).await;
            progress.finish_site(&site_progress, &result);
            (i, result)
        });
    }
    let mut results: Vec<(usize, SiteResult)> = Vec::new();
    while let Some(joined) = set.join_next().await {
        match joined {
            Ok(r) => results.push(r),
            Err(e) => progress.log(&format!("内部错误：站点任务异常结束：{e}")),
        }
    }
    results.sort_by_key(|(i, _)| *i);
    results.into_iter().map(|(_, r)| r).collect()
}

//! One fetch job of a site's crawl: from the interrupted run (`--resume`),
//! from the previous run (304, the outside-link cache) or from the network;
//! page analysis on blocking threads. What a job leaves in the store and
//! how it is rebuilt from there is `job_store.rs`.

use super::client::{Fetched, Validators, Want};
use super::context::{Checked, RunContext};
use super::home_probes::home_probes;
use super::job_store::{record, replay, replay_off_runtime};
use super::ledger::Landing;
use super::list_data::{fetch_list_data, refold};
use super::rendering::{pass_challenge, render_page};
use super::urlnorm::Scope;
use crate::store::Write_;
use govscan_checks::footer::FooterFacts;
use govscan_checks::page::{
    analyse_page, finish_footer, footer_source_facts, link_target_facts, LinkTargetFacts,
    PageAnalysis, PageInput,
};
use govscan_checks::FetchResult;
use std::collections::{HashMap, HashSet};
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};
use tokio::sync::OnceCell;
use url::Url;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum JobKind {
    Crawl,
    Check { head: bool },
}

#[derive(Clone)]
pub(crate) struct Job {
    pub(crate) url: Url,
    pub(crate) depth: u32,
    pub(crate) kind: JobKind,
    pub(crate) is_home: bool,
}

pub(crate) struct JobDone {
    pub(crate) key: String,
    pub(crate) depth: u32,
    pub(crate) kind: JobKind,
    pub(crate) is_home: bool,
    pub(crate) landing: Arc<Landing>,
    pub(crate) bytes: u64,
    pub(crate) elapsed_ms: u64,
    /// A redirect not followed by the fetcher (site pages only).
    pub(crate) location: Option<Url>,
    /// Hash of the HTML body, to learn which URLs the server treats as one.
    pub(crate) body_hash: Option<String>,
    /// For crawled site pages: the analysis and the final URL.
    pub(crate) page: Option<(Url, PageAnalysis)>,
    /// For the home page: its extra checks (spider copy, certificate,
    /// previous run), never stored with the page's analysis.
    pub(crate) side: super::home_probes::HomeSide,
}

pub(crate) type FooterCell = Arc<OnceCell<Option<Arc<FooterFacts>>>>;

pub(crate) struct SiteShared {
    pub(crate) ctx: Arc<RunContext>,
    pub(crate) scope: Scope,
    pub(crate) site_private: bool,
    pub(crate) name: Arc<str>,
    /// Footer scripts and frames, fetched once per site.
    pub(crate) footer_sources: Mutex<HashMap<String, FooterCell>>,
    /// Footers written by scripts, as Chromium rendered them: once per
    /// footer script (the page's footer sources) per site.
    pub(crate) rendered_footers: Mutex<HashMap<String, FooterCell>>,
    /// The site's id in the history store.
    pub(crate) site_id: Option<i64>,
    /// Which URLs the store can answer for (read when the site starts);
    /// `None` when that read failed: then every URL is asked for.
    pub(crate) stored: Option<crate::store::StoredUrls>,
    /// Data requests made for the site's pages this run, by their key
    /// (method, URL and body): each is made once a site, and at most
    /// `--max-pages` of them.
    pub(crate) data_asked: Mutex<HashSet<String>>,
}

impl SiteShared {
    /// The footer facts of a footer source, fetched on first use.
    pub(crate) async fn footer_source(&self, url: &Url) -> Option<Arc<FooterFacts>> {
        let cell = {
            let mut map = self
                .footer_sources
                .lock()
                .unwrap_or_else(|e| e.into_inner());
            map.entry(url.to_string()).or_default().clone()
        };
        cell.get_or_init(|| async {
            let fetched = self
                .ctx
                .fetcher
                .fetch(url, Want::Text { cap: 512 * 1024 }, self.site_private)
                .await;
            match (&fetched.outcome.result, &fetched.body) {
                (FetchResult::Status(200..=299), Some(body)) => {
                    Some(Arc::new(footer_source_facts(
                        url,
                        body,
                        fetched.outcome.content_type.as_deref(),
                        &self.ctx.profile,
                    )))
                }
                _ => None,
            }
        })
        .await
        .clone()
    }
}

/// A job's result and whether (and with which validators) to store it.
pub(crate) struct JobResult {
    pub(crate) done: JobDone,
    pub(crate) etag: Option<String>,
    pub(crate) last_modified: Option<String>,
    /// The page's analysis came from the store (a 304): it is there already
    /// and is not serialised again.
    pub(crate) analysis_stored: bool,
    /// The page's analysis before its data answers were folded in: what
    /// the store keeps, so that a later run asks for the data again.
    pub(crate) unfolded: Option<Box<PageAnalysis>>,
}

/// Runs one job: from the interrupted run when resuming, from the previous
/// run when the server says a page is unchanged (304) or an outside link
/// was checked recently, otherwise from the network. What was fetched is
/// queued for the store.
pub(crate) async fn run_job(job: Job, shared: Arc<SiteShared>) -> JobDone {
    let history = shared.ctx.history.as_ref().zip(shared.site_id);
    if let Some((h, site)) = history {
        let asked = shared
            .stored
            .as_ref()
            .is_none_or(|s| s.has_this_run(job.url.as_str()));
        if h.resume && asked {
            let (run, url) = (h.run, job.url.to_string());
            let stored =
                crate::store::read(&h.store, move |s| s.fetched_in_run(run, site, &url)).await;
            let replayed = match stored {
                Some((data, analysis)) => {
                    replay_off_runtime(&shared.ctx, &job, data, analysis).await
                }
                None => None,
            };
            if let Some(mut done) = replayed {
                refold(&shared, &mut done).await;
                h.stats.replayed.fetch_add(1, Ordering::Relaxed);
                return done;
            }
        }
    }
    // Boxed: a spawned job's future is as large as its largest state from
    // the moment it is queued, and thousands wait for a permit at once.
    let result = match job.kind {
        JobKind::Crawl => Box::pin(crawl_job(&job, &shared)).await,
        JobKind::Check { head } => Box::pin(check_job(&job, &shared, head)).await,
    };
    if let Some((h, site)) = history {
        record(h, site, &result, job.kind == JobKind::Crawl).await;
    }
    result.done
}

/// A page's previous fetch, read before it is asked for again: the
/// validators to send and the page rebuilt from it, for a 304.
struct Previous {
    validators: Validators,
    replayed: Option<JobDone>,
}

pub(crate) async fn crawl_job(job: &Job, shared: &SiteShared) -> JobResult {
    let ctx = &shared.ctx;
    let key = job.url.to_string();
    // Only a previous fetch with its analysis can stand for a 304; the home
    // page's is read in any case, for the defacement check. The store named
    // the run that holds it when the site started (else it is searched for).
    let held_by = shared.stored.as_ref().map(|s| s.previous_run(&key));
    let mut previous = match (&ctx.history, shared.site_id, held_by) {
        (_, _, Some(None)) => None,
        (Some(h), Some(site), held_by) if h.revalidate || job.is_home => {
            let (run, url, for_job) = (h.run, key.clone(), job.clone());
            crate::store::read(&h.store, move |s| {
                let prev = match held_by.flatten() {
                    Some(held_by) => s.previous_fetch_in(held_by, site, &url),
                    None => s.previous_fetch(run, site, &url),
                }
                .filter(|p| p.has_analysis())?;
                // Rebuilt here, off the runtime, before the server answers:
                // on an unchanged site nearly every answer is a 304, and
                // handing each page to the analysis pool afterwards cost a
                // thread wake-up per page, more than the rebuild wasted on
                // a page that did change.
                let replayed = prev.with_analysis(|a| replay(&for_job, &prev.data, Some(a)))?;
                Some(Previous {
                    validators: Validators {
                        etag: prev.etag,
                        last_modified: prev.last_modified,
                    },
                    replayed,
                })
            })
            .await
            .map(|p| (h, p))
        }
        _ => None,
    };
    let revalidate = ctx.history.as_ref().is_some_and(|h| h.revalidate);
    let validators = previous
        .as_ref()
        .filter(|_| revalidate)
        .map(|(_, p)| p.validators.clone());
    let want = Want::Page {
        cap: ctx.options.html_cap,
    };
    let mut fetched = ctx
        .fetcher
        .fetch_with(
            &job.url,
            want,
            shared.site_private,
            false,
            validators.as_ref(),
        )
        .await;
    if matches!(fetched.outcome.result, FetchResult::Status(304)) {
        if let Some((h, prev)) = previous.take() {
            let Validators {
                etag,
                last_modified,
            } = prev.validators;
            if let Some(mut done) = prev.replayed {
                refold(shared, &mut done).await;
                h.stats.not_modified.fetch_add(1, Ordering::Relaxed);
                h.stats.bytes_saved.fetch_add(done.bytes, Ordering::Relaxed);
                done.elapsed_ms = fetched.elapsed_ms;
                if let Some((_, a)) = done.page.as_ref().filter(|_| job.is_home) {
                    done.side = Box::pin(home_probes(shared, &job.url, a, None)).await;
                }
                return JobResult {
                    done,
                    etag,
                    last_modified,
                    analysis_stored: true,
                    unfolded: None,
                };
            }
        }
        // Unchanged, but what the store kept of it cannot be read back (a
        // damaged record, an older format): fetched again in full, never
        // recorded as a failed 304.
        fetched = ctx
            .fetcher
            .fetch_with(&job.url, want, shared.site_private, false, None)
            .await;
    }
    if job.is_home {
        if let Some(passed) = pass_challenge(shared, &job.url, &fetched, want).await {
            fetched = passed;
        }
    }
    let final_url = Url::parse(&fetched.outcome.final_url).unwrap_or_else(|_| job.url.clone());
    let in_scope = shared.scope.contains(&final_url);
    let (fetched, mut analysis, body_hash) =
        analyse_page_off_runtime(ctx, fetched, final_url.clone(), &shared.name, job.is_home).await;
    let ok = matches!(fetched.outcome.result, FetchResult::Status(200..=299));
    let blocked = fetched.outcome.blocked.is_some();
    let mut sources = Vec::new();
    if let Some(a) = analysis.as_mut().filter(|_| in_scope) {
        for url in a.footer_sources.clone() {
            if let Some(facts) = shared.footer_source(&url).await {
                sources.push((*facts).clone());
            }
        }
        if ok && !blocked {
            let rendered = shared
                .rendered_footer(a, &sources, &final_url, job.is_home)
                .await;
            if let Some(footer) = rendered {
                sources.push((*footer).clone());
                a.facts.footer_rendered = true;
            }
        }
        finish_footer(
            a,
            &shared.name,
            final_url.as_str(),
            job.is_home,
            &sources,
            &ctx.profile,
        );
    }
    let mut unfolded = None;
    if let Some(a) = analysis
        .as_mut()
        .filter(|a| in_scope && ok && !blocked && !a.data_requests.is_empty())
    {
        unfolded = Some(Box::new(a.clone()));
        Box::pin(fetch_list_data(shared, a, &final_url)).await;
    }
    if let (Some(renderer), Some(a)) = (&ctx.renderer, analysis.as_mut()) {
        if in_scope && ok && !blocked && renderer.wants(&a.facts) {
            if let Some(mut rendered) =
                render_page(ctx, renderer, &final_url, &shared.name, job.is_home).await
            {
                // Its footer findings too, from the rendered DOM.
                finish_footer(
                    &mut rendered,
                    &shared.name,
                    final_url.as_str(),
                    job.is_home,
                    &sources,
                    &ctx.profile,
                );
                *a = rendered;
            }
        }
    }
    let landing = Arc::new(Landing {
        not_found: analysis.as_ref().and_then(|a| a.not_found.clone()),
        anchors: analysis
            .as_ref()
            .map(|a| a.anchors.clone().into_boxed_slice()),
        outcome: fetched.outcome,
    });
    let page = analysis
        .filter(|_| in_scope && ok && !blocked)
        .map(|a| (final_url, a));
    let side = match page.as_ref().filter(|_| job.is_home) {
        Some((url, a)) => {
            // The previous run's copy (the check needs new signs, so an
            // unchanged page is never reported).
            let before = previous
                .and_then(|(_, p)| p.replayed)
                .and_then(|done| done.page)
                .map(|(_, p)| p.facts);
            Box::pin(home_probes(shared, url, a, before.as_ref())).await
        }
        None => Default::default(),
    };
    let done = JobDone {
        key,
        depth: job.depth,
        kind: job.kind,
        is_home: job.is_home,
        landing,
        bytes: fetched.bytes,
        elapsed_ms: fetched.elapsed_ms,
        location: fetched.location,
        body_hash,
        page,
        side,
    };
    JobResult {
        done,
        etag: fetched.etag,
        last_modified: fetched.last_modified,
        analysis_stored: false,
        unfolded,
    }
}

pub(crate) async fn check_job(job: &Job, shared: &SiteShared, head: bool) -> JobResult {
    let ctx = &shared.ctx;
    let key = job.url.to_string();
    let outside = !shared.scope.contains(&job.url);
    let done_with = |landing: Arc<Landing>, bytes: u64, elapsed_ms: u64| JobDone {
        key: key.clone(),
        depth: job.depth,
        kind: job.kind,
        is_home: job.is_home,
        landing,
        bytes,
        elapsed_ms,
        location: None,
        body_hash: None,
        page: None,
        side: Default::default(),
    };
    // A recent successful check of an outside link is reused (successes only).
    if let (Some(h), true) = (&ctx.history, outside) {
        if let Some(max_age) = h.link_cache_max_age {
            let url = key.clone();
            let cached = crate::store::read(&h.store, move |s| s.cached_link(&url, max_age))
                .await
                .and_then(|d: Vec<u8>| govscan_checks::stored_form::decode::<Landing>(&d));
            if let Some(landing) = cached {
                h.stats.cached_links.fetch_add(1, Ordering::Relaxed);
                return JobResult {
                    done: done_with(Arc::new(landing), 0, 0),
                    etag: None,
                    last_modified: None,
                    analysis_stored: false,
                    unfolded: None,
                };
            }
        }
    }
    let cell = ctx.cache.cell(&key);
    let checked = cell
        .get_or_init(|| async {
            let want = if head {
                Want::Head
            } else {
                Want::Page {
                    cap: ctx.options.check_cap,
                }
            };
            let fetched = ctx.fetcher.fetch(&job.url, want, shared.site_private).await;
            let final_url =
                Url::parse(&fetched.outcome.final_url).unwrap_or_else(|_| job.url.clone());
            let (fetched, facts) = link_target_off_runtime(ctx, fetched, final_url).await;
            Arc::new(Checked {
                landing: Arc::new(Landing {
                    not_found: facts.as_ref().and_then(|f| f.not_found.clone()),
                    anchors: facts.map(|f| f.anchors.into_boxed_slice()),
                    outcome: fetched.outcome,
                }),
                bytes: fetched.bytes,
                elapsed_ms: fetched.elapsed_ms,
            })
        })
        .await
        .clone();
    if let (Some(h), true) = (&ctx.history, outside) {
        let good = matches!(checked.landing.outcome.result, FetchResult::Status(c) if c < 400)
            && checked.landing.not_found.is_none();
        if good && h.link_cache_max_age.is_some() {
            if let Some(data) = govscan_checks::stored_form::encode(&*checked.landing) {
                crate::store::send(
                    &*h.store,
                    Write_::LinkCache {
                        url: key.clone(),
                        at: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
                        data,
                    },
                )
                .await;
            }
        }
    }
    JobResult {
        done: done_with(checked.landing.clone(), checked.bytes, checked.elapsed_ms),
        etag: None,
        last_modified: None,
        analysis_stored: false,
        unfolded: None,
    }
}

/// Analyses a fetched page on the analysis pool and hashes its body there
/// too. Returns the fetch, the analysis (when there was a body) and the
/// body's hash.
pub(crate) async fn analyse_page_off_runtime(
    ctx: &Arc<RunContext>,
    fetched: Fetched,
    url: Url,
    site: &Arc<str>,
    is_home: bool,
) -> (Fetched, Option<PageAnalysis>, Option<String>) {
    if fetched.body.is_none() {
        return (fetched, None, None);
    }
    let ctx2 = ctx.clone();
    let site = site.clone();
    let shared = Arc::new(fetched);
    let job_fetched = shared.clone();
    let result = ctx
        .analysis
        .run(move || {
            let fetched = &*job_fetched;
            let body = fetched.body.as_deref().unwrap_or_default();
            let input = PageInput {
                site: &site,
                url: &url,
                body,
                content_type: fetched.outcome.content_type.as_deref(),
                is_home,
                truncated: fetched.truncated,
                today: ctx2.today,
            };
            let mut analysis = analyse_page(&input, &ctx2.profile);
            if !is_home {
                // The home page's links are compared one by one with what a
                // search engine's spider is shown; every other page's are
                // only followed.
                analysis.tabulate_links();
            }
            (analysis, govscan_checks::content_hash(body))
        })
        .await;
    let fetched = Arc::try_unwrap(shared).unwrap_or_else(|arc| (*arc).clone());
    match result {
        Some((analysis, hash)) => (fetched, Some(analysis), Some(hash)),
        None => (fetched, None, None),
    }
}

/// The light pass over an outside link target, on the analysis pool.
pub(crate) async fn link_target_off_runtime(
    ctx: &Arc<RunContext>,
    fetched: Fetched,
    url: Url,
) -> (Fetched, Option<LinkTargetFacts>) {
    if fetched.body.is_none() {
        return (fetched, None);
    }
    let ctx2 = ctx.clone();
    let shared = Arc::new(fetched);
    let job_fetched = shared.clone();
    let facts = ctx
        .analysis
        .run(move || {
            let fetched = &*job_fetched;
            let input = PageInput {
                site: "",
                url: &url,
                body: fetched.body.as_deref().unwrap_or_default(),
                content_type: fetched.outcome.content_type.as_deref(),
                is_home: false,
                truncated: fetched.truncated,
                today: ctx2.today,
            };
            link_target_facts(&input, &ctx2.profile)
        })
        .await;
    let fetched = Arc::try_unwrap(shared).unwrap_or_else(|arc| (*arc).clone());
    (fetched, facts)
}

//! The end of one site's crawl: twins merged, the audit judged (could the
//! site be read at all?), the site-wide checks over every page's facts and
//! the IPv6 checks; the site's result.

use super::context::{RunContext, SiteProgress};
use super::coverage::Coverage;
use super::ipv6_probe::Ipv6Sample;
use super::jobs::SiteShared;
use super::ledger::Ledger;
use super::site::{normalise_str, SiteResult, SiteSpec};
use super::site_pages::{FinishedPages, SitePages};
use super::twins::merge_index_twins;
use foldhash::HashSet;
use govscan_checks::audit::{judge_audit, not_audited_finding, AuditStatus, HomeState};
use govscan_checks::site::{site_checks, SiteInput, SitePage, SiteSummary};
use govscan_checks::{CheckId, Finding};
use std::sync::atomic::Ordering;
use std::sync::Arc;
use url::Url;

/// What the crawl loop hands over when the site's frontier is empty (or
/// the run was stopped).
pub(super) struct CrawlEnd {
    pub(super) spec: SiteSpec,
    /// The home page after redirects.
    pub(super) home: String,
    pub(super) pages: SitePages,
    pub(super) findings: Vec<Finding>,
    pub(super) notes: Vec<String>,
    pub(super) ledger: Ledger,
    pub(super) coverage: Coverage,
    pub(super) ipv6_sample: Ipv6Sample,
    pub(super) interrupted: bool,
    /// Pages still queued when the crawl stopped.
    pub(super) pending_crawls: usize,
    /// In-site pages not crawled because of the limits.
    pub(super) beyond_limits: usize,
}

/// Concludes a site: its findings, summary and audit status.
pub(super) async fn conclude(
    ctx: &Arc<RunContext>,
    shared: &SiteShared,
    progress: &SiteProgress,
    end: CrawlEnd,
) -> SiteResult {
    let CrawlEnd {
        spec,
        home,
        mut pages,
        mut findings,
        notes,
        ledger,
        mut coverage,
        mut ipv6_sample,
        interrupted,
        pending_crawls,
        beyond_limits,
    } = end;
    pages.close();
    let dropped = merge_index_twins(&mut pages.views, &mut findings);
    // Pages finish in a different order each run; the site-wide checks and
    // the reports see them in one, so the same site gives the same report.
    let mut order: Vec<usize> = (0..pages.views.len()).collect();
    order.sort_by(|&a, &b| pages.views[a].url.cmp(&pages.views[b].url));
    let views = &pages.views;

    let pages_read = views.iter().filter(|p| p.crawled).count();
    let urls_fetched = views.len();
    // The home page may have been crawled under its final URL before the
    // redirect that leads there was seen (a sitemap naming /index.html):
    // it was read all the same.
    let home_key = normalise_str(&home);
    let home_view = views.iter().position(|p| p.crawled && p.url == home_key);
    if home_view.is_some() {
        coverage.home_read_elsewhere();
    }
    let scope = &shared.scope;
    let audit_input = coverage.audit_input(pages_read, pending_crawls, interrupted, &|u| {
        Url::parse(u).is_ok_and(|u| scope.contains(&u))
    });
    let audit = judge_audit(&audit_input, &ctx.profile.audit);
    let dead = ledger.bad_targets();
    // The sampled links that loaded over IPv4: the only ones the IPv6
    // checks try again (asked of the sample, not of every link the ledger
    // holds: on a 200,000-page site that copy was the end's memory peak).
    let ok_over_v4: HashSet<String> = ipv6_sample
        .keys()
        .filter(|k| {
            ledger
                .done(k)
                .is_some_and(|r| r.verdict == govscan_checks::LinkVerdict::Ok)
        })
        .collect();
    // The crawl's per-URL state is done with: freed before the site-wide
    // checks and the IPv6 fetches, which run at the site's memory peak.
    drop(ledger);
    let mut summary = if audit.status == AuditStatus::NotAudited {
        // One site-level finding says why; the blocked links it would
        // otherwise list one by one are its symptoms. When the home page
        // itself is not the portal (a login page), what was read of it is
        // not the site's either. Site-wide rules are not applied to a site
        // that could not be read.
        let home_read = audit_input.home == HomeState::Analysed;
        findings.retain(|f| home_read && f.check != CheckId::LinkBlocked);
        findings.extend(not_audited_finding(
            &spec.name,
            &home_key,
            &audit,
            &ctx.profile,
        ));
        SiteSummary {
            pages: pages_read,
            ..SiteSummary::default()
        }
    } else {
        // Site-wide checks over every crawled page's facts.
        let site_pages: Vec<SitePage<'_>> = order
            .iter()
            .filter_map(|&i| {
                let p = &views[i];
                p.facts.as_deref().map(|facts| SitePage {
                    url: p.url.as_str(),
                    facts,
                })
            })
            .collect();
        let (site_findings, summary) = site_checks(
            &SiteInput {
                site: &spec.name,
                home: &home_key,
                pages: site_pages,
                dead: &dead,
                today: ctx.today,
                level: spec.level,
                uncrawled: beyond_limits,
            },
            &ctx.profile,
        );
        findings.extend(site_findings);
        summary
    };
    // The records in report order, written away off the async workers;
    // the per-page views are done with.
    let wants_home = ctx.fetcher_v6.is_some() && audit.status != AuditStatus::NotAudited;
    let finished = tokio::task::spawn_blocking(move || {
        pages.finish(
            &order,
            &dropped,
            home_view.filter(|_| wants_home),
            pages_read,
        )
    })
    .await;
    let mut notes = notes;
    let finished = match finished {
        Ok(f) => f,
        Err(e) => {
            notes.push(format!("内部错误：页面记录未能整理：{e}"));
            FinishedPages::default()
        }
    };
    notes.extend(finished.notes);
    if wants_home {
        let home_url = Url::parse(&home_key).unwrap_or_else(|_| spec.seed.clone());
        let home_v4 = finished.home.as_ref().and_then(|p| p.facts.as_deref());
        let (v6_findings, v6_summary) = super::ipv6_probe::ipv6_probe(
            ctx,
            std::mem::take(&mut ipv6_sample),
            &spec.name,
            &home_url,
            home_v4,
            shared.site_private,
            &ok_over_v4,
        )
        .await;
        findings.extend(v6_findings);
        summary.ipv6 = Some(v6_summary);
    }
    // Worst first, in one order whatever order the pages finished in.
    findings.sort_by(|a, b| {
        (a.severity, a.check, &a.page, &a.target).cmp(&(b.severity, b.check, &b.page, &b.target))
    });
    summary.audit = audit;
    progress.done.store(1, Ordering::Relaxed);
    SiteResult {
        spec,
        home,
        pages: finished.kept,
        spilled: finished.spilled,
        pages_read,
        urls_fetched,
        findings,
        notes,
        interrupted,
        summary,
    }
}

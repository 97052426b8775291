//! Pages rendered in Chromium (`--render`): a list a script fills that no
//! native reader could read, a footer a script writes, and a home page
//! behind a JavaScript challenge a browser passes.

use super::client::{Fetched, Want};
use super::context::RunContext;
use super::jobs::SiteShared;
use super::response::host_key;
use govscan_checks::footer::{self, FooterFacts};
use govscan_checks::page::{analyse_page, PageAnalysis, PageInput};
use std::sync::Arc;
use url::Url;

/// Renders a page in Chromium and analyses what it built; None when the
/// rendering failed or showed no more of the list than the static HTML.
pub(crate) async fn render_page(
    ctx: &Arc<RunContext>,
    renderer: &crate::render::Renderer,
    url: &Url,
    site: &Arc<str>,
    is_home: bool,
) -> Option<PageAnalysis> {
    let html = renderer.render(url).await.ok()?;
    let mut analysis = analyse_rendered(ctx, html, url, site, is_home).await?;
    let list = &analysis.facts.list;
    if list.dated + list.undated == 0 {
        return None;
    }
    analysis.facts.rendered = true;
    Some(analysis)
}

/// Analyses the DOM Chromium built, on the analysis pool.
async fn analyse_rendered(
    ctx: &Arc<RunContext>,
    html: String,
    url: &Url,
    site: &Arc<str>,
    is_home: bool,
) -> Option<PageAnalysis> {
    let (ctx2, url2, site2) = (ctx.clone(), url.clone(), site.clone());
    ctx.analysis
        .run(move || {
            analyse_page(
                &PageInput {
                    site: &site2,
                    url: &url2,
                    body: html.as_bytes(),
                    content_type: Some("text/html; charset=utf-8"),
                    is_home,
                    truncated: false,
                    today: ctx2.today,
                },
                &ctx2.profile,
            )
        })
        .await
}

impl SiteShared {
    /// The footer of a page whose footer a script writes, as Chromium
    /// renders it, when the static reading (the page and its footer
    /// scripts, `sources`) still lacks an element. Rendered once per footer
    /// script per site (pages of one template share it); `None` without a
    /// renderer, for a footer read in full, or when rendering failed.
    pub(crate) async fn rendered_footer(
        &self,
        a: &PageAnalysis,
        sources: &[FooterFacts],
        url: &Url,
        is_home: bool,
    ) -> Option<Arc<FooterFacts>> {
        let renderer = self.ctx.renderer.as_ref()?;
        let scripted = a.facts.scripted || !a.footer_sources.is_empty();
        if !scripted || a.not_found.is_some() || a.facts.rendered {
            return None;
        }
        let mut merged = (*a.facts.footer).clone();
        for source in sources {
            footer::merge(&mut merged, source);
        }
        if !merged.lacks_any() {
            return None;
        }
        let key: Vec<&str> = a.footer_sources.iter().map(Url::as_str).collect();
        let cell = {
            let mut map = self
                .rendered_footers
                .lock()
                .unwrap_or_else(|e| e.into_inner());
            map.entry(key.join(" ")).or_default().clone()
        };
        cell.get_or_init(|| async {
            let html = renderer.render(url).await.ok()?;
            let analysis = analyse_rendered(&self.ctx, html, url, &self.name, is_home).await?;
            Some(analysis.facts.footer.clone())
        })
        .await
        .clone()
    }
}

/// A home page answered by a JavaScript challenge (a script that sets a
/// cookie and reloads, as 加速乐 and 创宇盾 serve) is opened in Chromium,
/// which runs the script as a visitor's browser does; the cookies it then
/// sends through govscan's proxy go with the crawl's own requests to the
/// host, and the home page is fetched again. The new answer when the site
/// let it through; `None` (the site stays 未能检查) without a renderer, for
/// any other answer, or when the challenge still stands.
pub(crate) async fn pass_challenge(
    shared: &SiteShared,
    url: &Url,
    fetched: &Fetched,
    want: Want,
) -> Option<Fetched> {
    use govscan_checks::audit::BlockKind;
    let challenged = fetched
        .outcome
        .blocked
        .as_ref()
        .is_some_and(|b| b.kind == BlockKind::Challenge);
    let renderer = shared.ctx.renderer.as_ref().filter(|_| challenged)?;
    // A passable challenge reloads once or twice; one that loops is given up.
    renderer
        .render_within(url, std::time::Duration::from_secs(8))
        .await
        .ok()?;
    let fetcher = &shared.ctx.fetcher;
    fetcher.browser_cookie(&host_key(url))?;
    let again = fetcher
        .fetch_with(url, want, shared.site_private, false, None)
        .await;
    again.outcome.blocked.is_none().then_some(again)
}

//! Pages rendered in Chromium (`--render`): a list a script fills that no
//! native reader could read, and a footer a script writes.

use super::context::RunContext;
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
    let (ctx2, url2, site2) = (ctx.clone(), url.clone(), site.clone());
    let mut analysis = ctx
        .analysis
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
        .await?;
    let list = &analysis.facts.list;
    if list.dated + list.undated == 0 {
        return None;
    }
    analysis.facts.rendered = true;
    Some(analysis)
}

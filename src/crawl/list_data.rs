//! A page's data requests: the requests a platform's scripts make for a
//! list (Hanweb's dataproxy POSTs, gkmlpt's JSON pages), made by the crawler
//! under the same politeness and folded into the page's analysis.

use super::jobs::{JobDone, SiteShared};
use govscan_checks::page::PageAnalysis;
use url::Url;

impl SiteShared {
    /// Whether a data request may be made: not made yet for this site and
    /// within the site's `--max-pages`. Claims it if so.
    pub(crate) fn claim_data_request(&self, key: String) -> bool {
        let mut asked = self.data_asked.lock().unwrap_or_else(|e| e.into_inner());
        asked.len() < self.ctx.options.max_pages && asked.insert(key)
    }
}

/// Makes a page's data requests (Hanweb's dataproxy POSTs, gkmlpt's JSON
/// pages, under the host's rate limit) and folds what they return into the
/// page, asking for what each answer calls for next (a list's later pages),
/// at most the profile's `max_data_requests` a page and `--max-pages` a
/// site, each request (method, URL, body) once a site. A failed request
/// ends its column's requests (the page's own list: all of them). Not
/// conditional: the store keeps the page without its answers, so a later
/// run, on a 304 too, asks again.
pub(crate) async fn fetch_list_data(shared: &SiteShared, analysis: &mut PageAnalysis, page: &Url) {
    use govscan_checks::data_requests::fold_answer;
    let ctx = &shared.ctx;
    let mut queue: std::collections::VecDeque<_> = analysis.data_requests.clone().into();
    let mut asked = 0usize;
    while let Some(request) = queue.pop_front() {
        if asked >= ctx.profile.columns.max_data_requests {
            break;
        }
        // Another page of the site asked already (a twin URL of a column
        // page): its answer is folded there.
        if !shared.claim_data_request(request.key()) {
            continue;
        }
        asked += 1;
        let folded = match (
            Url::parse(&request.url),
            reqwest::Method::from_bytes(request.method.as_bytes()),
        ) {
            (Ok(url), Ok(method)) => {
                let answer = ctx
                    .fetcher
                    .forward(
                        method,
                        &url,
                        &request.headers(page),
                        request.body.clone().into_bytes(),
                        ctx.options.html_cap,
                    )
                    .await;
                match answer {
                    Ok((200..=299, headers, body)) => {
                        // A GBK site's dataproxy answers in GBK, as its pages.
                        let content_type = headers
                            .iter()
                            .find(|(k, _)| k.eq_ignore_ascii_case("content-type"))
                            .map(|(_, v)| v.as_str());
                        let tld = url.host_str().and_then(|h| h.rsplit('.').next());
                        let text =
                            govscan_checks::decode::decode_html(&body, content_type, tld).text;
                        let left = ctx.profile.columns.max_data_requests.saturating_sub(asked);
                        fold_answer(analysis, &request, &text, page, ctx.today, left)
                    }
                    _ => None,
                }
            }
            _ => None,
        };
        match folded {
            Some(f) if f.items > 0 || request.column.is_some() => queue.extend(f.more),
            _ => queue.retain(|r| r.column != request.column),
        }
    }
}

/// A page replayed from the store (a 304, a resumed run) asks for its
/// list's data again: the store keeps pages without their answers.
pub(crate) async fn refold(shared: &SiteShared, done: &mut JobDone) {
    if let Some((url, a)) = done
        .page
        .as_mut()
        .filter(|(_, a)| !a.data_requests.is_empty())
    {
        let url = url.clone();
        Box::pin(fetch_list_data(shared, a, &url)).await;
    }
}

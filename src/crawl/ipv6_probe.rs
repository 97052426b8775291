//! What the IPv6 checks need, gathered during the crawl and fetched after
//! it: the level-2 links (on the home page) and level-3 links (on level-2
//! pages), the hosts of embedded resources, the A/AAAA records, and the
//! home page and the sampled links fetched over IPv6 only. The checks
//! themselves are `govscan_checks::ipv6`. Never the whole crawl twice.

use super::client::Want;
use super::context::RunContext;
use super::urlnorm::{normalise, Scope};
use foldhash::HashSet;
use futures_util::StreamExt;
use govscan_checks::fetch::{FetchOutcome, FetchResult};
use govscan_checks::ipv6::{ipv6_findings, HomeOverIpv6, Ipv6Failure, Ipv6Input, Ipv6Summary};
use govscan_checks::links::LinkKind;
use govscan_checks::page::{analyse_page, PageFacts, PageInput};
use govscan_checks::{Finding, PageAnalysis, Profile};
use std::collections::BTreeMap;
use std::sync::Arc;
use url::Url;

/// Links and hosts sampled from the crawl, as pages come in.
#[derive(Debug, Default)]
pub(crate) struct Ipv6Sample {
    level2: Vec<(Url, String)>,
    level3: Vec<(Url, String)>,
    seen: HashSet<String>,
    level2_keys: HashSet<String>,
    embedded: BTreeMap<String, String>,
}

impl Ipv6Sample {
    /// The normalised keys of the sampled links: the only links the IPv6
    /// checks may ask the IPv4 verdict of.
    pub(crate) fn keys(&self) -> impl Iterator<Item = String> + '_ {
        self.level2
            .iter()
            .chain(&self.level3)
            .map(|(url, _)| normalise(url).to_string())
    }

    /// Reads one crawled page's links.
    pub(crate) fn page(
        &mut self,
        url: &Url,
        is_home: bool,
        analysis: &PageAnalysis,
        scope: &Scope,
        profile: &Profile,
    ) {
        let cap = profile.ipv6.sample_cap;
        let key = normalise(url).to_string();
        let level = if is_home {
            Some(2)
        } else if self.level2_keys.contains(&key) {
            Some(3)
        } else {
            None
        };
        if is_home {
            self.seen.insert(key);
        }
        for link in analysis.web_links() {
            let embedded = matches!(
                link.kind,
                LinkKind::Image | LinkKind::Script | LinkKind::Frame | LinkKind::Media
            ) || (link.kind == LinkKind::LinkTag
                && link.text.contains("stylesheet"));
            // The cheap tests first: this runs over every link of every page.
            if embedded {
                if self.embedded.len() < profile.ipv6.max_embedded_hosts {
                    if let Some(host) = link
                        .host()
                        .filter(|h| !self.embedded.contains_key(*h) && !scope.contains_host(h))
                    {
                        self.embedded.insert(host.to_string(), url.to_string());
                    }
                }
                continue;
            }
            let Some(level) = level else { continue };
            if link.kind != LinkKind::Anchor || !link.host().is_some_and(|h| scope.contains_host(h))
            {
                continue;
            }
            let Some(target) = link.url() else { continue };
            let mut target = target.into_owned();
            target.set_fragment(None);
            let target_key = normalise(&target).to_string();
            if !self.seen.insert(target_key.clone()) {
                continue;
            }
            let list = if level == 2 {
                self.level2_keys.insert(target_key);
                &mut self.level2
            } else {
                &mut self.level3
            };
            if list.len() < cap {
                list.push((target, url.to_string()));
            }
        }
    }
}

/// Whether a failure means this machine cannot reach IPv6 at all (no
/// route, no address): then nothing over IPv6 is judged.
fn no_route(outcome: &FetchOutcome) -> bool {
    let FetchResult::Failed(_, why) = &outcome.result else {
        return false;
    };
    let why = why.to_ascii_lowercase();
    [
        "unreachable",
        "os error 101",
        "os error 99",
        "cannot assign requested address",
    ]
    .iter()
    .any(|m| why.contains(m))
}

fn loaded(outcome: &FetchOutcome) -> bool {
    matches!(outcome.result, FetchResult::Status(200..=399))
}

/// Looks up, fetches over IPv6 and judges; the findings and the figures.
pub(crate) async fn ipv6_probe(
    ctx: &Arc<RunContext>,
    sample: Ipv6Sample,
    site: &str,
    home: &Url,
    home_v4: Option<&PageFacts>,
    site_private: bool,
    ok_over_v4: &HashSet<String>,
) -> (Vec<Finding>, Ipv6Summary) {
    let profile = &ctx.profile;
    let Some(v6) = &ctx.fetcher_v6 else {
        return (Vec::new(), Ipv6Summary::default());
    };
    let host = home.host_str().unwrap_or_default().to_string();
    let resolver = v6.resolver();
    let aaaa = resolver
        .lookup(&host)
        .await
        .ok()
        .map(|addrs| addrs.iter().any(|a| a.is_ipv6()));
    let mut levels = Vec::new();
    let home_v6 = if aaaa != Some(true) {
        HomeOverIpv6::NotChecked("首页域名没有 AAAA 记录".into())
    } else {
        let fetched = v6
            .fetch(
                home,
                Want::Page {
                    cap: ctx.options.html_cap,
                },
                site_private,
            )
            .await;
        if no_route(&fetched.outcome) {
            HomeOverIpv6::NotChecked(
                "检查程序所在机器没有 IPv6 网络，未能通过 IPv6 访问（不作判定）".into(),
            )
        } else if !matches!(fetched.outcome.result, FetchResult::Status(200..=299)) {
            HomeOverIpv6::Failed(fetched.outcome.status_label())
        } else {
            let facts = match fetched.body {
                Some(body) => {
                    let (ctx2, url, site) = (ctx.clone(), home.clone(), site.to_string());
                    let content_type = fetched.outcome.content_type.clone();
                    // On the analysis threads, as every page.
                    ctx.analysis
                        .run(move || {
                            analyse_page(
                                &PageInput {
                                    site: &site,
                                    url: &url,
                                    body: &body,
                                    content_type: content_type.as_deref(),
                                    is_home: true,
                                    truncated: false,
                                    today: ctx2.today,
                                },
                                &ctx2.profile,
                            )
                            .facts
                        })
                        .await
                }
                None => None,
            };
            for (level, mut links) in [(2u8, sample.level2), (3u8, sample.level3)] {
                // Only links that loaded over IPv4: a link dead there is a
                // 死链, not an IPv6 matter, and one robots.txt keeps the
                // crawler from is not requested here either.
                links.retain(|(url, _)| ok_over_v4.contains(&normalise(url).to_string()));
                let tried = links.len();
                let mut failed: Vec<Ipv6Failure> = futures_util::stream::iter(links)
                    .map(|(url, parent)| async move {
                        let f = v6.fetch(&url, Want::Head, site_private).await;
                        (!loaded(&f.outcome)).then(|| Ipv6Failure {
                            link: url.to_string(),
                            level,
                            error: f.outcome.status_label(),
                            parent,
                        })
                    })
                    .buffer_unordered(8)
                    .filter_map(|f| async move { f })
                    .collect()
                    .await;
                // In the order of the links, not of the answers.
                failed.sort_by(|a, b| a.link.cmp(&b.link));
                levels.push((level, tried, failed));
            }
            HomeOverIpv6::Loaded(Box::new(facts.unwrap_or_default()))
        }
    };
    let mut embedded_without_aaaa = Vec::new();
    let embedded_checked = sample.embedded.len();
    for (host, page) in sample.embedded {
        if let Ok(addrs) = resolver.lookup(&host).await {
            if !addrs.iter().any(|a| a.is_ipv6()) {
                embedded_without_aaaa.push((host, page));
            }
        }
    }
    ipv6_findings(
        &Ipv6Input {
            site,
            home: home.as_str(),
            home_host: &host,
            aaaa,
            home_v6,
            home_v4,
            levels,
            embedded_checked,
            embedded_without_aaaa,
        },
        profile,
    )
}

//! The state one site's crawl loop owns: the frontier and the link ledger,
//! the trap guard, the site's shared strings and footers, and what it has
//! learnt about the server (its directory index file). No locks: only the
//! loop touches it.

use super::jobs::{Job, JobKind, SiteShared};
use super::ledger::{Emit, Ledger};
use super::robots::Robots;
use super::site::CrawlOptions;
use super::urlnorm::{index_variant, index_variant_str, is_attachment, Trap, TrapGuard};
use foldhash::{HashMap, HashSet};
use govscan_checks::footer::FooterFacts;
use std::collections::VecDeque;
use std::sync::Arc;
use url::Url;

/// The per-site state the loop owns.
pub(super) struct SiteCrawl<'a> {
    pub(super) opts: &'a CrawlOptions,
    pub(super) shared: Arc<SiteShared>,
    pub(super) robots: Robots,
    pub(super) ledger: Ledger,
    pub(super) frontier: VecDeque<Job>,
    pub(super) traps: TrapGuard,
    pub(super) trap_notes: HashSet<String>,
    pub(super) notes: Vec<String>,
    pub(super) crawl_scheduled: usize,
    /// In-site pages found but not crawled because of `--max-pages` or
    /// `--max-depth` (checked as links only).
    pub(super) beyond_limits: usize,
    /// The pages read so far, by a 128-bit hash of their normalised final
    /// URL: a redirect landing on one of them is not read twice. Hashes,
    /// not strings: on a 200,000-page site the strings were 20 MB.
    pub(super) crawled_keys: HashSet<u128>,
    pub(super) robots_skipped: u64,
    pub(super) home_key: String,
    /// Redirects walked to reach a URL (for the redirect limit).
    pub(super) redirect_hops: HashMap<String, usize>,
    /// The distinct footers of the site's pages, shared by the pages' facts.
    pub(super) footers: HashSet<Arc<FooterFacts>>,
    /// The distinct site and column tags, shared likewise.
    pub(super) tags: HashSet<Arc<str>>,
    /// The distinct content-rule facts (mostly the site's column classes
    /// alone), shared likewise.
    pub(super) contents: HashSet<Arc<govscan_checks::content::ContentFacts>>,
    /// The distinct same-site links of policy pages, shared likewise.
    pub(super) related: HashSet<Arc<govscan_checks::page::RelatedLink>>,
    /// Body hashes of directory-index URLs seen (`/a/` or `/a/index.html`).
    pub(super) index_pages: HashMap<String, (String, String)>,
    /// The index file name the server serves for `dir/`, once learned.
    pub(super) index_alias: Option<String>,
}

impl SiteCrawl<'_> {
    /// The site's one copy of a string that repeats from record to record.
    pub(super) fn share(&mut self, s: &str) -> Arc<str> {
        match self.tags.get(s) {
            Some(shared) => shared.clone(),
            None => {
                let shared: Arc<str> = Arc::from(s);
                self.tags.insert(shared.clone());
                shared
            }
        }
    }

    /// Pages of one template have the same footer and the same site and
    /// column tags: the site keeps one copy of each, so memory grows with
    /// the pages' own facts only.
    pub(super) fn share_repeated(&mut self, facts: &mut govscan_checks::PageFacts) {
        match self.footers.get(&facts.footer) {
            Some(shared) => facts.footer = shared.clone(),
            None => {
                self.footers.insert(facts.footer.clone());
            }
        }
        facts.charset = self.share(&facts.charset);
        if let Some(content) = &mut facts.content {
            match self.contents.get(content) {
                Some(shared) => *content = shared.clone(),
                None => {
                    self.contents.insert(content.clone());
                }
            }
        }
        let meta = &mut facts.meta;
        for tag in [
            &mut meta.site_name,
            &mut meta.site_domain,
            &mut meta.site_id_code,
            &mut meta.column_name,
            &mut meta.column_type,
            &mut facts.column,
            &mut facts.cms,
        ]
        .into_iter()
        .flatten()
        {
            match self.tags.get(tag) {
                Some(shared) => *tag = shared.clone(),
                None => {
                    self.tags.insert(tag.clone());
                }
            }
        }
        // A policy page's same-site links: the template's repeat on every
        // such page.
        for link in &mut facts.related {
            match self.related.get(link) {
                Some(shared) => *link = shared.clone(),
                None => {
                    self.related.insert(link.clone());
                }
            }
        }
    }

    /// Learns from two identical bodies that `dir/` and `dir/NAME` are one page.
    pub(super) fn learn_index_alias(&mut self, key: &str, hash: String) {
        if self.index_alias.is_some() {
            return;
        }
        let Some((dir, name)) = index_variant_str(key) else {
            return;
        };
        match self.index_pages.get(&dir) {
            Some((other, h)) if *h == hash && *other != name => {
                let file = if name.is_empty() { other.clone() } else { name };
                self.notes.push(format!(
                    "服务器对“目录/”与“目录/{file}”返回相同内容，已合并为同一页面"
                ));
                self.index_alias = Some(file);
            }
            Some(_) => {}
            None => {
                if self.index_pages.len() < 1000 {
                    self.index_pages.insert(dir, (name, hash));
                }
            }
        }
    }

    /// The key a link should use: the known twin of a directory-index URL
    /// when the server serves both as one page.
    pub(super) fn canonical_key(&self, target: &Url, key: String) -> String {
        let (Some(alias), false) = (&self.index_alias, self.ledger.contains(&key)) else {
            return key;
        };
        let Some((dir, name)) = index_variant(target) else {
            return key;
        };
        let twin = if name.is_empty() {
            format!("{dir}{alias}")
        } else if name == *alias {
            dir
        } else {
            return key;
        };
        if self.ledger.contains(&twin) {
            twin
        } else {
            key
        }
    }

    /// Decides how to fetch a new target, or skips it. Returns false if skipped.
    pub(super) fn schedule(
        &mut self,
        target: Url,
        depth: u32,
        navigation: bool,
        parent_depth: u32,
        emit: &mut Emit<'_>,
    ) {
        let key = target.to_string();
        let opts = self.opts;
        if opts.exclude.iter().any(|re| re.is_match(target.as_str())) {
            self.ledger.skip(&key);
            return;
        }
        let in_scope = self.shared.scope.contains(&target);
        let kind = if in_scope && navigation && !is_attachment(&target) {
            if !self.robots.allowed(&target) {
                self.robots_skipped += 1;
                self.ledger.skip(&key);
                return;
            }
            let within = parent_depth < opts.max_depth && self.crawl_scheduled < opts.max_pages;
            if !within {
                self.beyond_limits += 1;
                JobKind::Check { head: false }
            } else {
                match self.traps.admit(&target) {
                    Ok(()) => {
                        self.crawl_scheduled += 1;
                        JobKind::Crawl
                    }
                    Err(trap) => {
                        let note = match trap {
                            Trap::PatternCap(p) => {
                                format!(
                                    "疑似爬虫陷阱：同一模式的地址超过{}个，其余未抓取：{p}",
                                    opts.trap_cap
                                )
                            }
                            Trap::DeepPath => {
                                format!("疑似爬虫陷阱：路径过深或重复，未抓取：{key}")
                            }
                        };
                        if self.trap_notes.len() < 100 && self.trap_notes.insert(note.clone()) {
                            self.notes.push(note);
                        }
                        self.ledger.skip(&key);
                        return;
                    }
                }
            }
        } else {
            JobKind::Check {
                head: is_attachment(&target) || !navigation,
            }
        };
        let _ = emit;
        self.ledger.insert_pending(&key);
        self.frontier.push_back(Job {
            url: target,
            depth,
            kind,
            is_home: key == self.home_key,
        });
    }
}

//! Progress: bars on a terminal (indicatif), plain log lines otherwise.

use super::context::SiteProgress;
use super::site::SiteResult;
use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

/// A site being crawled, as the display sees it.
pub struct SiteHandle {
    /// Counters the crawl updates.
    pub counters: Arc<SiteProgress>,
    bar: Option<ProgressBar>,
    ticker: Option<tokio::task::JoinHandle<()>>,
}

/// The run's progress display.
pub struct Progress {
    multi: Option<MultiProgress>,
    quiet: bool,
}

impl Progress {
    /// Bars when stderr is a terminal and `quiet` is off; log lines otherwise.
    pub fn new(quiet: bool) -> Progress {
        let multi = (!quiet && std::io::stderr().is_terminal())
            .then(|| MultiProgress::with_draw_target(ProgressDrawTarget::stderr_with_hz(4)));
        Progress { multi, quiet }
    }

    /// Prints a log line without breaking the bars.
    pub fn log(&self, line: &str) {
        if self.quiet {
            return;
        }
        match &self.multi {
            Some(m) => {
                let _ = m.println(line);
            }
            None => eprintln!("{} {line}", chrono::Local::now().format("%H:%M:%S")),
        }
    }

    /// Registers a site whose crawl starts now.
    pub fn start_site(&self, name: &str, url: &str) -> SiteHandle {
        let counters = Arc::new(SiteProgress::default());
        let bar = self.multi.as_ref().map(|m| {
            let bar = m.add(ProgressBar::new_spinner());
            bar.set_style(
                ProgressStyle::with_template("{spinner} {prefix:.bold} {msg}")
                    .unwrap_or_else(|_| ProgressStyle::default_spinner()),
            );
            bar.set_prefix(name.to_string());
            bar
        });
        let ticker = bar.as_ref().map(|bar| {
            let bar = bar.clone();
            let c = counters.clone();
            tokio::spawn(async move {
                loop {
                    bar.set_message(format!(
                        "页面 {}  已请求 {}  队列 {}  死链/错链 {}",
                        c.pages.load(Ordering::Relaxed),
                        c.fetched.load(Ordering::Relaxed),
                        c.queued.load(Ordering::Relaxed),
                        c.bad_links.load(Ordering::Relaxed)
                    ));
                    bar.tick();
                    tokio::time::sleep(Duration::from_millis(250)).await;
                }
            })
        });
        if self.multi.is_none() {
            self.log(&format!("开始扫描 {name} {url}"));
        }
        SiteHandle {
            counters,
            bar,
            ticker,
        }
    }

    /// Marks a site as finished.
    pub fn finish_site(&self, handle: &SiteHandle, result: &SiteResult) {
        if let Some(t) = &handle.ticker {
            t.abort();
        }
        let line = format!(
            "完成 {}：页面 {}，请求 {}，问题 {}{}",
            result.spec.name,
            result.pages_read,
            result.urls_fetched,
            result.findings.len(),
            if result.interrupted {
                "（已中断）"
            } else {
                ""
            }
        );
        match &handle.bar {
            Some(bar) => bar.finish_with_message(line),
            None => self.log(&line),
        }
    }
}

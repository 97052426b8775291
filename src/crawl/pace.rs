//! Each host's pace: its own rate limiter, halved by every 429 and raised
//! again after a run of successes, and the note run.log gets for a host
//! that was slowed down or backed off.

use super::client::Fetcher;
use governor::{DefaultDirectRateLimiter, Quota, RateLimiter};
use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::Duration;

/// One host's pace: its own rate limiter, slowed down by 429s and backed
/// off entirely when it keeps blocking.
pub(super) struct HostPace {
    pub(super) limiter: Option<Arc<DefaultDirectRateLimiter>>,
    /// Current requests per second (0 = no limit).
    pub(super) rate: f64,
    /// Lowest rate it was slowed to this run (0 = never slowed).
    pub(super) lowest: f64,
    /// Successful answers since the last slow-down.
    pub(super) successes: u32,
    pub(super) throttled: bool,
    /// 429s received (every attempt).
    pub(super) too_many: u32,
    /// Blocked final answers (firewall, challenge, 429 after the retries).
    pub(super) blocked: u32,
    /// The vendor of the last block seen.
    pub(super) vendor: String,
    /// No more requests to this host this run.
    pub(super) backed_off: bool,
}

pub(super) fn limiter_for(rate: f64) -> Option<Arc<DefaultDirectRateLimiter>> {
    if rate <= 0.0 {
        return None;
    }
    let quota =
        Quota::with_period(Duration::from_secs_f64(1.0 / rate))?.allow_burst(NonZeroU32::MIN);
    Some(Arc::new(RateLimiter::direct(quota)))
}

impl Fetcher {
    pub(super) fn new_pace(&self) -> HostPace {
        HostPace {
            limiter: limiter_for(self.cfg.rate),
            rate: self.cfg.rate,
            lowest: 0.0,
            successes: 0,
            throttled: false,
            too_many: 0,
            blocked: 0,
            vendor: String::new(),
            backed_off: false,
        }
    }

    /// The host's limiter (created on first use), cloned out of the lock.
    pub(super) fn limiter(&self, key: &str) -> Option<Arc<DefaultDirectRateLimiter>> {
        let mut hosts = self.hosts.lock().unwrap_or_else(|e| e.into_inner());
        hosts
            .entry(key.to_string())
            .or_insert_with(|| self.new_pace())
            .limiter
            .clone()
    }

    /// Adapts a host's pace to an answer: every 429 halves its rate (down to
    /// the floor); a run of successes raises it again by a quarter, up to
    /// `--rate` (or the starting rate under `--rate 0`).
    pub(super) fn pace_answer(&self, key: &str, status: u16) {
        let rules = &self.cfg.audit;
        let mut hosts = self.hosts.lock().unwrap_or_else(|e| e.into_inner());
        let Some(pace) = hosts.get_mut(key) else {
            return;
        };
        if status == 429 {
            let from = if pace.rate > 0.0 {
                pace.rate
            } else {
                rules.start_rate
            };
            let rate = (from / 2.0).max(rules.rate_floor);
            pace.rate = rate;
            pace.lowest = if pace.lowest > 0.0 {
                pace.lowest.min(rate)
            } else {
                rate
            };
            pace.limiter = limiter_for(rate);
            pace.throttled = true;
            pace.successes = 0;
            pace.too_many += 1;
        } else if pace.throttled && status < 400 {
            pace.successes += 1;
            let ceiling = if self.cfg.rate > 0.0 {
                self.cfg.rate
            } else {
                rules.start_rate
            };
            if pace.successes >= rules.recover_after && pace.rate < ceiling {
                pace.rate = (pace.rate * 1.25).min(ceiling);
                pace.limiter = limiter_for(pace.rate);
                pace.successes = 0;
            }
        }
    }

    /// One line per host that was slowed down or backed off this run, for run.log.
    pub fn pace_notes(&self) -> Vec<String> {
        let hosts = self.hosts.lock().unwrap_or_else(|e| e.into_inner());
        let mut notes: Vec<String> = hosts
            .iter()
            .filter(|(_, p)| p.throttled || p.backed_off)
            .map(|(host, p)| {
                let mut line = String::new();
                if p.throttled {
                    line.push_str(&format!(
                        "限流：主机 {host} 返回429共{}次，抓取速度降至每秒{:.2}次，结束时为每秒{:.2}次",
                        p.too_many, p.lowest, p.rate
                    ));
                }
                if p.backed_off {
                    if !line.is_empty() {
                        line.push('；');
                    }
                    let vendor = if p.vendor.is_empty() {
                        String::new()
                    } else {
                        format!("（{}）", p.vendor)
                    };
                    line.push_str(&format!(
                        "拦截：主机 {host} 共{}次拦截本程序的请求{vendor}，本次扫描已停止访问该主机",
                        p.blocked
                    ));
                }
                line
            })
            .collect();
        notes.sort();
        notes
    }
}

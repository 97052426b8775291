//! `govscan probe`: availability probes of each site's home page, for cron
//! every 30–60 minutes (or `--every 30m` in a loop). Each probe is one GET
//! with the inspection's 15-second limit and no retries; the result goes to
//! the history store, where scans read the last 7 days.

use crate::crawl::client::{FetchConfig, Fetcher, Want};
use crate::crawl::site::SiteSpec;
use crate::store::HistoryStore;
use govscan_checks::{FetchResult, Profile};
use std::time::Duration;

/// Parses `90s`, `30m`, `1h` (a bare number is minutes).
pub fn parse_every(s: &str) -> Result<Duration, String> {
    let s = s.trim();
    let (num, unit) = match s.find(|c: char| !c.is_ascii_digit()) {
        Some(i) => (&s[..i], &s[i..]),
        None => (s, "m"),
    };
    let n: u64 = num
        .parse()
        .map_err(|_| format!("`{s}` is not a duration like 30m, 90s or 1h"))?;
    let secs = match unit {
        "s" => n,
        "m" | "min" => n * 60,
        "h" => n * 3600,
        _ => return Err(format!("`{s}`: use s, m or h (30m, 90s, 1h)")),
    };
    if secs == 0 {
        return Err("the interval must be longer than 0".into());
    }
    Ok(Duration::from_secs(secs))
}

/// One round of probes: every site once, concurrently. Returns (site, ok, status, ms).
pub async fn probe_round(
    fetcher: &Fetcher,
    store: &std::sync::Arc<dyn HistoryStore>,
    sites: &[(SiteSpec, i64)],
) -> anyhow::Result<Vec<(String, bool, String, u64)>> {
    let mut out = Vec::new();
    let at = chrono::Local::now().to_rfc3339();
    let futures = sites.iter().map(|(spec, _)| {
        let private = spec
            .seed
            .host()
            .is_some_and(|h| govscan_checks::links::is_private_host(&h));
        fetcher.fetch(&spec.seed, Want::Page { cap: 1024 * 1024 }, private)
    });
    let results = futures_util::future::join_all(futures).await;
    for ((spec, id), fetched) in sites.iter().zip(results) {
        let ok = matches!(fetched.outcome.result, FetchResult::Status(c) if c < 400);
        let status = fetched.outcome.status_label();
        let (id, at, label, ms) = (*id, at.clone(), status.clone(), fetched.elapsed_ms as i64);
        crate::store::read(store, move |s| s.record_probe(id, &at, ok, &label, ms)).await?;
        out.push((spec.name.clone(), ok, status, fetched.elapsed_ms));
    }
    Ok(out)
}

/// The fetcher settings of a probe: one try, the profile's time limit.
pub fn probe_config(base: &FetchConfig, profile: &Profile) -> FetchConfig {
    FetchConfig {
        rate: 0.0,
        retries: 0,
        timeout: Duration::from_secs(profile.availability.timeout_secs),
        ..base.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn intervals() {
        assert_eq!(parse_every("30m"), Ok(Duration::from_secs(1800)));
        assert_eq!(parse_every("90s"), Ok(Duration::from_secs(90)));
        assert_eq!(parse_every("1h"), Ok(Duration::from_secs(3600)));
        assert_eq!(parse_every("45"), Ok(Duration::from_secs(2700)));
        assert!(parse_every("0m").is_err());
        assert!(parse_every("x").is_err());
        assert!(parse_every("5d").is_err());
    }
}

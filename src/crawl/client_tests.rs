//! Unit tests of the fetcher's pacing.

use super::*;
use govscan_checks::Profile;

fn fetcher(rate: f64) -> Arc<Fetcher> {
    Fetcher::new(FetchConfig {
        rate,
        concurrency: 4,
        timeout: Duration::from_secs(1),
        retries: 0,
        user_agent: "govscan-test".into(),
        spider_user_agent: "Baiduspider-test".into(),
        family: crate::crawl::resolver::Family::Any,
        max_redirects: 10,
        max_retry_after: Duration::from_secs(1),
        backoff: Duration::from_millis(10),
        resolve: Vec::new(),
        offline: true,
        proxy: None,
        audit: Arc::new(Profile::national().audit),
    })
    .unwrap()
}

fn rate_of(f: &Fetcher, key: &str) -> f64 {
    f.hosts.lock().unwrap().get(key).unwrap().rate
}

#[test]
fn a_host_is_slowed_by_429s_to_the_floor_and_recovers_after_successes() {
    let f = fetcher(4.0);
    let key = "www.a.gov.cn:80";
    f.limiter(key); // the host's pace starts at --rate
    f.pace_answer(key, 429);
    assert_eq!(rate_of(&f, key), 2.0);
    for _ in 0..10 {
        f.pace_answer(key, 429);
    }
    assert_eq!(rate_of(&f, key), 0.5, "never below the floor");
    // 50 successes in a row raise it by a quarter, up to --rate.
    for _ in 0..50 {
        f.pace_answer(key, 200);
    }
    assert_eq!(rate_of(&f, key), 0.625);
    for _ in 0..5000 {
        f.pace_answer(key, 200);
    }
    assert_eq!(rate_of(&f, key), 4.0, "back to --rate, not above");
    assert!(
        f.pace_notes()[0].contains("返回429共11次"),
        "{:?}",
        f.pace_notes()
    );
    // Another host keeps its own pace.
    f.limiter("www.b.gov.cn:80");
    assert_eq!(rate_of(&f, "www.b.gov.cn:80"), 4.0);
}

#[test]
fn under_rate_0_a_throttled_host_starts_from_the_measured_rate() {
    let f = fetcher(0.0);
    let key = "www.a.gov.cn:80";
    assert!(f.limiter(key).is_none(), "no limit until a 429");
    f.pace_answer(key, 429);
    assert_eq!(rate_of(&f, key), 5.0, "half of the starting 10/s");
    assert!(f.limiter(key).is_some());
}

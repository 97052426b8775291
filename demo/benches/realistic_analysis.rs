//! Page analysis alone on the realistic county's pages (5–10 KB, 80–150
//! links, 10% GBK; the pages `benches/crawl.sh --realistic` serves): 400
//! pages taken evenly from a generated county of 20,000, analysed one after
//! another on one thread. `cargo bench -p govscan-demo`.
//!
//! The crawl benchmark's CPU is this plus HTTP, the crawl loop and the
//! store; this isolates the part that is page analysis.

// Tests, benchmarks and examples may panic on a broken fixture: that is
// their way to fail.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use chrono::NaiveDate;
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use govscan_checks::page::{analyse_page, PageInput};
use govscan_checks::Profile;
use govscan_demo::county::{self, COUNTY_HOST};
use govscan_demo::server::Portal;
use std::hint::black_box;
use url::Url;

const SAMPLE: usize = 400;

fn realistic_pages(c: &mut Criterion) {
    let today = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
    let mut portal = Portal::new();
    county::build(&mut portal, 8080, today, 20_000, false);
    let routes = portal.html_routes(COUNTY_HOST);
    let step = (routes.len() / SAMPLE).max(1);
    let pages: Vec<(Url, String, Vec<u8>)> = routes
        .iter()
        .step_by(step)
        .take(SAMPLE)
        .map(|(path, content_type, body)| {
            (
                Url::parse(&format!("http://{COUNTY_HOST}:8080{path}")).unwrap(),
                content_type.to_string(),
                body.to_vec(),
            )
        })
        .collect();
    assert_eq!(
        pages.len(),
        SAMPLE,
        "the county has fewer pages than the sample"
    );
    let bytes: usize = pages.iter().map(|(_, _, b)| b.len()).sum();
    let profile = Profile::national();
    let mut group = c.benchmark_group("realistic county");
    group.throughput(Throughput::Bytes(bytes as u64));
    group.sample_size(20);
    group.bench_function("400 pages, full analysis", |b| {
        b.iter(|| {
            for (url, content_type, body) in &pages {
                black_box(analyse_page(
                    &PageInput {
                        site: "示范县人民政府",
                        url,
                        body,
                        content_type: Some(content_type),
                        is_home: false,
                        truncated: false,
                        today,
                    },
                    &profile,
                ));
            }
        })
    });
    group.finish();
}

criterion_group!(benches, realistic_pages);
criterion_main!(benches);

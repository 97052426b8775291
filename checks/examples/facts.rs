//! Prints the facts govscan reads from one HTML file: `cargo run -p govscan-checks --example facts -- FILE [URL]`.

// Tests, benchmarks and examples may panic on a broken fixture: that is
// their way to fail.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use govscan_checks::page::{analyse_page, PageInput};
use govscan_checks::Profile;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let Some(path) = args.get(1) else {
        eprintln!("usage: facts FILE [URL]");
        std::process::exit(2);
    };
    let body = std::fs::read(path).unwrap_or_else(|e| {
        eprintln!("cannot read {path}: {e}");
        std::process::exit(2);
    });
    let url = url::Url::parse(
        args.get(2)
            .map_or("http://www.example.gov.cn/page.html", String::as_str),
    )
    .unwrap_or_else(|e| {
        eprintln!("bad URL: {e}");
        std::process::exit(2);
    });
    let input = PageInput {
        site: "example",
        url: &url,
        body: &body,
        content_type: None,
        is_home: url.path() == "/",
        truncated: false,
        today: chrono::Utc::now().date_naive(),
    };
    let analysis = analyse_page(&input, &Profile::national());
    println!(
        "{}",
        serde_json::to_string_pretty(&analysis.facts).unwrap_or_default()
    );
    for f in &analysis.findings {
        println!("{}\t{}\t{}\t{}", f.check, f.status, f.target, f.detail);
    }
}

//! End-to-end tests: fixture portals served on 127.0.0.1, outside-looking
//! hosts mapped to loopback with `--resolve`, and `--offline` so that
//! nothing else is ever requested.

// Tests, benchmarks and examples may panic on a broken fixture: that is
// their way to fail.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

mod common;

mod charsets;
mod cli;
mod content;
mod crawl;
mod demo;
mod history;
mod hostile;
mod ipv6;
mod links;
mod pg;
mod platforms;
mod province;
mod render;
mod report;
mod security;
mod store;
mod verdicts;

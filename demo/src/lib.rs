//! govscan-demo: the built-in demo county portal and the fixture server
//! that `govscan demo`, the end-to-end tests and the benchmark use.
//!
//! It generates government-looking sites in memory, dated relative to a
//! given day, with a planted example of every defect govscan detects
//! ([`portal`]), or a realistic county of many pages for benchmarks
//! ([`county`]), and serves them on 127.0.0.1 from memory ([`server`]),
//! recording every request so that tests can assert what was fetched.
//! It is a fixture generator, not part of the product.

pub mod county;
pub mod portal;
pub mod server;

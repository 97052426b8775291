//! govscan-reports: writers over a run's findings and pages.
//!
//! Reports only render: every number they print was computed by the checks.

pub mod csv_out;
pub mod model;

pub use model::{RunReport, SiteReport};

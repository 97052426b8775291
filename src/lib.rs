//! govscan: the crawler and command line around `govscan-checks` and
//! `govscan-reports`. The binary (`main.rs`) is a thin shell over this.

pub mod cli;
pub mod crawl;
pub mod demo;
pub mod probe;
pub mod province;
pub mod render;
pub mod run;
pub mod sitelist;
pub mod store;

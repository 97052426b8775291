//! Province runs.

//! stevedore-sim: a deterministic model of AWS ECS task placement and scheduling.
//!
//! Pure Rust, no I/O, no clock, no unseeded randomness: the same scenario and seed give the
//! same run natively and in wasm. The web app and the CLI are two drivers of this crate.

pub mod catalog;
pub mod checkpoints;
pub mod compare;
pub mod cost;
pub mod ecr;
pub mod eks;
pub mod engine;
pub mod error;
pub mod iam;
pub mod json;
pub mod limits;
pub mod model;
pub mod patch;
pub mod placement;
pub mod query;
pub mod regex;
pub mod report;
pub mod scenario;
pub mod sort;
pub mod schedule;
pub mod shared;
pub mod substrate;
pub mod time;
pub mod wildcard;

pub use engine::Sim;
pub use error::ValidationError;
pub use scenario::{load, Scenario};

//! Social CRM analytics core: customer graphs, influence, communities and customer value.
//!
//! The core works on integer node codes `0..n` and `f64` weights only; customer ids, tables and
//! Python live in the `socialcrm` Python package, which drives this crate through `bindings`.

pub mod community;
pub mod config;
pub mod control;
pub mod error;
pub mod graph;
pub mod ids;
pub mod influence;
pub mod parallel;
mod prefetch;
pub mod rng;
mod scale;
pub mod value;

#[cfg(feature = "python")]
mod bindings;

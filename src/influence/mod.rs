//! Influence measures: who shapes what others in the network know and buy.

mod degree;

pub use degree::{Degrees, degree};

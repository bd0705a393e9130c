//! Influence measures: who shapes what others in the network know and buy.

mod degree;

pub use degree::{Degrees, degree};

// -- centrality: pagerank, katz, eigenvector, hits, kcore, structural holes --

// -- paths: betweenness (exact and sampled), harmonic closeness --

// -- diffusion: spread (IC, LT), maximize (IMM) --
pub mod diffusion;

//! Influence measures: who shapes what others in the network know and buy.

mod degree;

pub use degree::{Degrees, degree};

// -- centrality: pagerank, katz, eigenvector, hits, kcore, structural holes --

// -- paths: betweenness (exact and sampled), harmonic closeness --
mod betweenness;
mod harmonic;
mod sampled_betweenness;
pub mod shortest_paths;
pub use betweenness::{BetweennessConfig, betweenness, rescale as rescale_betweenness};
pub use harmonic::{HarmonicConfig, harmonic};
pub use sampled_betweenness::{
    SAMPLE_CONSTANT, SampledBetweenness, SampledConfig, sample_size, sampled_betweenness,
};

// -- diffusion: spread (IC, LT), maximize (IMM) --

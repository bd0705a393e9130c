//! Influence measures: who shapes what others in the network know and buy.

mod degree;

pub use degree::{Degrees, degree};

// -- centrality: pagerank, katz, eigenvector, hits, kcore, structural holes --
mod eigenvector;
mod hits;
mod katz;
mod kcore;
mod lanczos;
mod pagerank;
mod pull;
mod structural_holes;

pub use eigenvector::{Eigenvector, EigenvectorConfig, eigenvector};
pub use hits::{Hits, HitsConfig, hits};
pub use katz::{Katz, KatzConfig, SPECTRAL_RADIUS_TOL, SpectralRadius, katz, spectral_radius};
pub use kcore::kcore;
pub use pagerank::{PageRank, PageRankConfig, pagerank};
pub use structural_holes::{
    HoleMeasures, MutualAdjacency, StructuralHoles, structural_holes, structural_holes_of,
};

// -- paths: betweenness (exact and sampled), harmonic closeness --
mod betweenness;
mod harmonic;
mod sampled_betweenness;
pub mod shortest_paths;
pub use betweenness::{BetweennessConfig, betweenness, rescale as rescale_betweenness};
pub use harmonic::{HarmonicConfig, harmonic};
pub use sampled_betweenness::{
    PILOT_SAMPLES, SAMPLE_CONSTANT, SampledBetweenness, SampledConfig, sample_size,
    sampled_betweenness,
};

// -- diffusion: spread (IC, LT), maximize (IMM) --
pub mod diffusion;

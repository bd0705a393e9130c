//! Communities: segments customers form themselves, detected from who talks with whom.

// -- detection: leiden, louvain, label propagation --
mod aggregate;
mod label_propagation;
mod leiden;
mod louvain;
mod moving;
mod moving_parallel;
mod refine;
pub use label_propagation::{LabelPropagationConfig, label_propagation};
pub use leiden::{
    Clustering, DEFAULT_THETA, INCREMENTAL_MIN_EDGES, LeidenConfig, MAX_ITERATIONS, leiden,
};
pub use louvain::louvain;

// -- evaluation: modularity, conductance, coverage, partition comparison --
mod quality;
pub use quality::{CommunityStats, Objective, QualityConfig, community_stats, quality};

// -- roles inside communities and community profiles --
mod profile;
mod roles;
pub use profile::{Profile, profile};
pub use roles::{Direction, HUB_P, HUB_Z, NON_HUB_P, Role, Roles, RolesConfig, classify, roles};

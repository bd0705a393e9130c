//! Communities: segments customers form themselves, detected from who talks with whom.

// -- detection: leiden, louvain, label propagation --

// -- evaluation: modularity, conductance, coverage, partition comparison --

// -- roles inside communities and community profiles --
mod profile;
mod roles;
pub use profile::{Profile, profile};
pub use roles::{Direction, HUB_P, HUB_Z, NON_HUB_P, Role, Roles, RolesConfig, classify, roles};

//! Customer value: purchase value (CLV) and value co-created with other customers.

// -- purchase value: BG/NBD, Gamma-Gamma, Pareto/NBD fitted by maximum likelihood --
pub mod bgnbd;
pub mod gamma_gamma;
mod grouped;
pub mod optimize;
pub mod rfm;
pub mod special;

// -- co-creation: peer support, ideas, referrals, influence value --
mod attribution;
mod closed_walks;
mod group_quantiles;
pub use attribution::{
    Attribution, AttributionConfig, DEFAULT_DECAY, DEFAULT_MAX_HOPS, MAX_HOPS_LIMIT,
    influence_attribution,
};
pub use group_quantiles::{group_item_counts, group_quantiles};

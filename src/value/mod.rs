//! Customer value: purchase value (CLV) and value co-created with other customers.

// -- purchase value: BG/NBD, Gamma-Gamma, Pareto/NBD fitted by maximum likelihood --

// -- co-creation: peer support, ideas, referrals, influence value --
mod attribution;
pub use attribution::{
    Attribution, AttributionConfig, DEFAULT_DECAY, DEFAULT_MAX_HOPS, MAX_HOPS_LIMIT,
    influence_attribution,
};

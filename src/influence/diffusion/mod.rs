//! Diffusion: how far word of mouth travels from a seed set, and which seeds travel furthest.
//!
//! Two stochastic models of Kempe, Kleinberg & Tardos (2003), "Maximizing the spread of influence
//! through a social network", KDD:
//!
//! * Independent Cascade (IC): a node activated at step `t` gets one chance to activate each
//!   inactive out-neighbour `v`, succeeding with probability `p_uv`.
//! * Linear Threshold (LT): node `v` draws a threshold `theta_v ~ U[0, 1]` and becomes active
//!   once the normalised weights `b_uv = w_uv / sum_u w_uv` of its active in-neighbours reach it.
//!
//! [`spread`] estimates the expected reach of a seed set by Monte Carlo simulation;
//! [`maximize`] picks `k` seeds of near-maximal expected reach with IMM (Tang, Shi & Xiao 2015)
//! on reverse-reachable sets.
//!
//! # Numerical representation
//! Edge probabilities (IC) and normalised weights (LT) are stored per adjacency slot as integers
//! in `0..=2^31` ([`ONE`]) and compared with 31-bit uniform random integers, so a probability is
//! rounded to the nearest multiple of `2^-31` (IC) or down to one (LT); `0` and `1` are exact.
//! Long IC adjacency rows of mostly unlikely edges are sampled by geometric skips (a
//! floating-point logarithm per candidate edge) instead of one draw per edge; the law is the
//! same. Self-loops never activate anyone and do not count in any normalisation.
//!
//! # Determinism
//! Simulation `i` and reverse-reachable set `j` draw from [`crate::rng::stream`]`(seed, i)`; all
//! aggregates are integer counts or sums in index order, so results are bit-identical on any
//! number of threads.

mod cascade;
mod imm;
mod pool;
mod probabilities;
mod rr_sets;
mod simulate;
mod threshold;

pub use imm::{DEFAULT_ELL, DEFAULT_EPSILON, ImmConfig, ImmResult, maximize};
pub use probabilities::{EdgeProbability, Model, ONE, edge_slots};
pub use rr_sets::{Coverage, RrSets, max_coverage};
pub use simulate::{DEFAULT_SIMULATIONS, SpreadConfig, SpreadStats, spread};

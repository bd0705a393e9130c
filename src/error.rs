//! The one error type of the core. Every variant carries the numbers a user needs to find the
//! problem in their own data.

/// Result alias used throughout the core.
pub type CoreResult<T> = Result<T, CoreError>;

/// Everything that can go wrong in the core.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CoreError {
    /// An edge endpoint is not a valid node code.
    #[error("edge {row}: node code {code} is outside 0..{n_nodes}")]
    NodeOutOfRange {
        /// Row of the offending edge in the input arrays.
        row: usize,
        /// The code found there.
        code: u32,
        /// Number of nodes of the graph.
        n_nodes: usize,
    },
    /// Two input arrays that must be parallel have different lengths.
    #[error("`{name}` has {got} entries, expected {expected}")]
    LengthMismatch {
        /// Name of the shorter or longer array.
        name: &'static str,
        /// Length it must have.
        expected: usize,
        /// Length it has.
        got: usize,
    },
    /// A per-row value is not acceptable (NaN, infinite, negative, ...).
    #[error("`{name}` at row {row} must be {expected}, got {got}")]
    BadValue {
        /// Name of the array.
        name: &'static str,
        /// Row of the first offending value.
        row: usize,
        /// What the value must be.
        expected: &'static str,
        /// The value found, as `f64`.
        got: f64,
    },
    /// A scalar parameter is out of its domain.
    #[error("`{name}` must be {expected}, got {got}")]
    BadParameter {
        /// Parameter name, as in the public API.
        name: &'static str,
        /// Its domain, in words.
        expected: &'static str,
        /// The value given.
        got: f64,
    },
    /// The input is larger than the core's index types can address.
    #[error("{what}: {got} exceeds the limit of {limit}")]
    TooLarge {
        /// What overflowed (nodes, rows, edges).
        what: &'static str,
        /// How many there are.
        got: u64,
        /// The limit.
        limit: u64,
    },
    /// An iterative method did not reach its tolerance.
    #[error("no convergence after {iterations} iterations (residual {residual:.2e})")]
    NotConverged {
        /// Iterations run.
        iterations: usize,
        /// Residual at the last iteration.
        residual: f64,
    },
    /// A textual setting is not one of the accepted values.
    #[error("`{field}` must be {expected}, got {got:?}")]
    BadConfig {
        /// The setting, as `section.name`.
        field: &'static str,
        /// What it must be, in words.
        expected: &'static str,
        /// The value given.
        got: String,
    },
    /// The caller asked the computation to stop.
    #[error("cancelled")]
    Cancelled,
}

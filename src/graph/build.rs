//! Building a graph from interaction events.

use super::Graph;
use super::aggregate::aggregate;
use super::records::EventRecords;
use super::transform::Merge;
use crate::control::Control;
use crate::error::{CoreError, CoreResult};
use rayon::prelude::*;

/// Interaction events as parallel arrays, one entry per event.
#[derive(Debug, Clone, Copy)]
pub struct Events<'a> {
    /// Node code of who reached out.
    pub source: &'a [u32],
    /// Node code of who was reached.
    pub target: &'a [u32],
    /// Event weight (finite, `>= 0`); 1 for every event when absent.
    pub weight: Option<&'a [f64]>,
    /// Event time in ns since the Unix epoch.
    pub time: Option<&'a [i64]>,
    /// Event kind code (`< 64`).
    pub kind: Option<&'a [u8]>,
}

/// What to do with events whose source is their target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SelfLoops {
    /// Leave them out of the graph (counted in [`BuildReport::self_loops_dropped`]).
    #[default]
    Drop,
    /// Keep them as edges `u -> u`.
    Keep,
}

/// Exponential time decay: an event at time `t` weighs `w * 0.5^((as_of - t) / half_life)`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Decay {
    /// Reference time (ns since the Unix epoch); no event may be later.
    pub as_of: i64,
    /// Half-life in ns (`> 0`).
    pub half_life: f64,
}

impl Decay {
    /// Decay factor `0.5^((as_of - t) / half_life)` of an event at time `t`.
    pub fn factor(&self, t: i64) -> f64 {
        // i128 keeps the difference exact for any pair of i64 times.
        let age = (i128::from(self.as_of) - i128::from(t)) as f64;
        (-age / self.half_life).exp2()
    }
}

/// Options of [`build`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BuildConfig {
    /// Number of nodes; every code must be below it (isolated nodes are allowed).
    pub n_nodes: usize,
    /// Whether `a -> b` and `b -> a` are different edges.
    pub directed: bool,
    /// Keep or drop self-loops.
    pub self_loops: SelfLoops,
    /// Time decay of event weights; requires event times.
    pub decay: Option<Decay>,
}

impl Default for BuildConfig {
    fn default() -> Self {
        Self {
            n_nodes: 0,
            directed: true,
            self_loops: SelfLoops::Drop,
            decay: None,
        }
    }
}

/// What [`build`] did with the input besides building the graph.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct BuildReport {
    /// Events left out because their source equals their target.
    pub self_loops_dropped: usize,
}

fn check_len(name: &'static str, got: usize, expected: usize) -> CoreResult<()> {
    if got == expected {
        Ok(())
    } else {
        Err(CoreError::LengthMismatch {
            name,
            expected,
            got,
        })
    }
}

fn validate(ev: &Events<'_>, cfg: &BuildConfig) -> CoreResult<()> {
    let rows = ev.source.len();
    check_len("target", ev.target.len(), rows)?;
    if cfg.n_nodes > u32::MAX as usize {
        let (got, limit) = (cfg.n_nodes as u64, u64::from(u32::MAX));
        return Err(CoreError::TooLarge {
            what: "customers",
            got,
            limit,
        });
    }
    for codes in [ev.source, ev.target] {
        if let Some(row) = codes
            .par_iter()
            .position_first(|&c| c as usize >= cfg.n_nodes)
        {
            return Err(CoreError::NodeOutOfRange {
                row,
                code: codes[row],
                n_nodes: cfg.n_nodes,
            });
        }
    }
    if let Some(w) = ev.weight {
        check_len("weight", w.len(), rows)?;
        if let Some(row) = w
            .par_iter()
            .position_first(|x| !(x.is_finite() && *x >= 0.0))
        {
            let expected = "finite and >= 0";
            return Err(CoreError::BadValue {
                name: "weight",
                row,
                expected,
                got: w[row],
            });
        }
    }
    if let Some(k) = ev.kind {
        check_len("kind", k.len(), rows)?;
        if let Some(row) = k.par_iter().position_first(|&x| x >= 64) {
            let expected = "a kind code below 64";
            return Err(CoreError::BadValue {
                name: "kind",
                row,
                expected,
                got: f64::from(k[row]),
            });
        }
    }
    if let Some(t) = ev.time {
        check_len("time", t.len(), rows)?;
    }
    if let Some(d) = cfg.decay {
        if !(d.half_life.is_finite() && d.half_life > 0.0) {
            let expected = "a positive, finite duration";
            return Err(CoreError::BadParameter {
                name: "half_life",
                expected,
                got: d.half_life,
            });
        }
        let Some(t) = ev.time else {
            let expected = "used with event times";
            return Err(CoreError::BadParameter {
                name: "half_life",
                expected,
                got: d.half_life,
            });
        };
        if let Some(row) = t.par_iter().position_first(|&x| x > d.as_of) {
            let expected = "no later than as_of";
            return Err(CoreError::BadValue {
                name: "time",
                row,
                expected,
                got: t[row] as f64,
            });
        }
    }
    Ok(())
}

/// Builds the customer graph from interaction events: all events between the same ordered pair
/// (unordered for an undirected graph) become one edge carrying the event count, the summed
/// weight, the summed decayed weight `sum_i w_i 0.5^((as_of - t_i) / half_life)`, the first and
/// last event times and the set of event kinds.
///
/// # Arguments
/// * `events` - the events, with node codes below `cfg.n_nodes`.
/// * `cfg` - number of nodes, direction, self-loop policy and time decay.
/// * `ctl` - cancellation and progress.
///
/// # Returns
/// The graph and a [`BuildReport`] of the self-loops dropped.
///
/// # Errors
/// [`CoreError::LengthMismatch`] if the arrays differ in length, [`CoreError::NodeOutOfRange`]
/// for a code `>= n_nodes`, [`CoreError::BadValue`] for a NaN, infinite or negative weight, a kind
/// code `>= 64` or an event after `as_of`, [`CoreError::BadParameter`] for a bad half-life or a
/// half-life without times, [`CoreError::TooLarge`] past `u32::MAX` nodes or rows, and
/// [`CoreError::Cancelled`].
///
/// # Complexity
/// `O(R log d + |V|)` time for `R` events and largest per-node event count `d`, in parallel over
/// nodes; `O(R + |V| + |E|)` extra space.
///
/// # Examples
/// ```
/// use socialcrm::control::Control;
/// use socialcrm::graph::{BuildConfig, Events, build};
///
/// let (source, target) = ([0u32, 0, 1, 2], [1u32, 1, 0, 2]);
/// let events = Events { source: &source, target: &target, weight: None, time: None, kind: None };
/// let cfg = BuildConfig { n_nodes: 4, ..BuildConfig::default() };
/// let (g, report) = build(&events, &cfg, &Control::new()).unwrap();
/// assert_eq!((g.n_nodes(), g.n_edges()), (4, 2));
/// assert_eq!(g.attrs().count, vec![2, 1]);
/// assert_eq!(report.self_loops_dropped, 1);
/// ```
pub fn build(
    events: &Events<'_>,
    cfg: &BuildConfig,
    ctl: &Control,
) -> CoreResult<(Graph, BuildReport)> {
    validate(events, cfg)?;
    let self_loops_dropped = match cfg.self_loops {
        SelfLoops::Keep => 0,
        SelfLoops::Drop => events
            .source
            .par_iter()
            .zip(events.target)
            .filter(|(s, t)| s == t)
            .count(),
    };
    let records = EventRecords {
        events,
        self_loops: cfg.self_loops,
        decay: cfg.decay,
    };
    let graph = aggregate(&records, cfg.n_nodes, cfg.directed, Merge::Sum, ctl)?;
    Ok((graph, BuildReport { self_loops_dropped }))
}

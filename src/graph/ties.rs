//! Customer pairs and the traffic between them, the raw material of tie strength.

use super::{EdgeAttrs, Graph};
use crate::control::Control;
use crate::error::{CoreError, CoreResult};
use crate::parallel::{WORK_CHUNKS, balanced_bounds};
use rayon::prelude::*;

const NONE: u32 = u32::MAX;

/// `(u, v, slot of u -> v, slot of v -> u)`.
type PairRow = (u32, u32, u32, u32);

/// One row per unordered pair `{u, v}` (`u < v`) with at least one edge between them, in
/// increasing `(u, v)` order. Self-loops are not ties and are left out.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TiePairs {
    /// Smaller node code of the pair.
    pub u: Vec<u32>,
    /// Larger node code of the pair.
    pub v: Vec<u32>,
    /// Events `u -> v` (all events of the pair for an undirected graph).
    pub count_uv: Vec<u32>,
    /// Events `v -> u` (zero for an undirected graph).
    pub count_vu: Vec<u32>,
    /// Weight `u -> v` (all weight of the pair for an undirected graph).
    pub weight_uv: Vec<f64>,
    /// Weight `v -> u` (zero for an undirected graph).
    pub weight_vu: Vec<f64>,
    /// Decayed weight of both directions, when the graph has it.
    pub decayed: Option<Vec<f64>>,
    /// Earliest event of either direction, when the graph has times.
    pub first_seen: Option<Vec<i64>>,
    /// Latest event of either direction, when the graph has times.
    pub last_seen: Option<Vec<i64>>,
    /// Union of the kinds of both directions, when the graph has kinds.
    pub kinds: Option<Vec<u64>>,
}

/// Calls `f(v, slot_uv, slot_vu)` for every neighbour `v > u` of `u`, in increasing `v`, with the
/// out-slots of the edges `u -> v` and `v -> u` ([`NONE`] where absent).
fn for_each_pair(g: &Graph, u: usize, mut f: impl FnMut(u32, u32, u32)) {
    let out = g.out_neighbors(u);
    let base = g.out_range(u).start;
    if !g.is_directed() {
        let start = out.partition_point(|&v| v as usize <= u);
        for (i, &v) in out.iter().enumerate().skip(start) {
            f(v, (base + i) as u32, NONE);
        }
        return;
    }
    let (inn, in_slots) = g.in_neighbors(u);
    let (mut i, mut j) = (
        out.partition_point(|&v| v as usize <= u),
        inn.partition_point(|&v| v as usize <= u),
    );
    while i < out.len() || j < inn.len() {
        let a = out.get(i).copied().unwrap_or(NONE);
        let b = inn.get(j).copied().unwrap_or(NONE);
        let v = a.min(b);
        let uv = if a == v { (base + i) as u32 } else { NONE };
        let vu = if b == v { in_slots.get(j) as u32 } else { NONE };
        f(v, uv, vu);
        i += usize::from(a == v);
        j += usize::from(b == v);
    }
}

fn pick<T: Copy>(xs: &[T], slot: u32, absent: T) -> T {
    if slot == NONE {
        absent
    } else {
        xs[slot as usize]
    }
}

/// Lists every pair of customers linked in either direction, with the traffic each way.
///
/// # Arguments
/// * `g` - the graph.
/// * `ctl` - cancellation and progress.
///
/// # Returns
/// A [`TiePairs`] table in increasing `(u, v)` order.
///
/// # Errors
/// [`CoreError::TooLarge`] past `u32::MAX` adjacency slots, [`CoreError::Cancelled`].
///
/// # Complexity
/// `O(|V| + |E|)` time and extra space, in parallel over nodes.
///
/// # Examples
/// ```
/// use socialcrm::control::Control;
/// use socialcrm::graph::{BuildConfig, Events, build, tie_pairs};
///
/// let (s, t) = ([0u32, 1, 1, 2], [1u32, 0, 0, 0]);
/// let ev = Events { source: &s, target: &t, weight: None, time: None, kind: None };
/// let (g, _) = build(&ev, &BuildConfig { n_nodes: 3, ..Default::default() }, &Control::new())
///     .unwrap();
/// let p = tie_pairs(&g, &Control::new()).unwrap();
/// assert_eq!((p.u, p.v), (vec![0, 0], vec![1, 2]));
/// assert_eq!((p.count_uv, p.count_vu), (vec![1, 0], vec![2, 1]));
/// ```
pub fn tie_pairs(g: &Graph, ctl: &Control) -> CoreResult<TiePairs> {
    if g.n_slots() >= NONE as usize {
        let (got, limit) = (g.n_slots() as u64, u64::from(NONE) - 1);
        return Err(CoreError::TooLarge {
            what: "adjacency slots",
            got,
            limit,
        });
    }
    let bounds = balanced_bounds(g.offsets(), WORK_CHUNKS);
    let chunks: Vec<Vec<PairRow>> = bounds
        .par_windows(2)
        .map(|w| {
            ctl.checkpoint()?;
            let mut rows = Vec::new();
            for u in w[0]..w[1] {
                for_each_pair(g, u, |v, uv, vu| rows.push((u as u32, v, uv, vu)));
            }
            Ok(rows)
        })
        .collect::<CoreResult<_>>()?;
    let rows: Vec<PairRow> = chunks.into_iter().flatten().collect();
    Ok(columns(&rows, g.attrs()))
}

fn columns(rows: &[PairRow], a: &EdgeAttrs) -> TiePairs {
    let col = |f: &(dyn Fn(&PairRow) -> u32 + Sync)| rows.par_iter().map(f).collect();
    TiePairs {
        u: col(&|r| r.0),
        v: col(&|r| r.1),
        count_uv: col(&|r| pick(&a.count, r.2, 0)),
        count_vu: col(&|r| pick(&a.count, r.3, 0)),
        weight_uv: rows.par_iter().map(|r| pick(&a.weight, r.2, 0.0)).collect(),
        weight_vu: rows.par_iter().map(|r| pick(&a.weight, r.3, 0.0)).collect(),
        decayed: a.decayed.as_deref().map(|d| {
            rows.par_iter()
                .map(|r| pick(d, r.2, 0.0) + pick(d, r.3, 0.0))
                .collect()
        }),
        first_seen: a.first_seen.as_deref().map(|t| {
            rows.par_iter()
                .map(|r| pick(t, r.2, i64::MAX).min(pick(t, r.3, i64::MAX)))
                .collect()
        }),
        last_seen: a.last_seen.as_deref().map(|t| {
            rows.par_iter()
                .map(|r| pick(t, r.2, i64::MIN).max(pick(t, r.3, i64::MIN)))
                .collect()
        }),
        kinds: a.kinds.as_deref().map(|k| {
            rows.par_iter()
                .map(|r| pick(k, r.2, 0) | pick(k, r.3, 0))
                .collect()
        }),
    }
}

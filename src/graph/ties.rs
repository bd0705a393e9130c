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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::build::{BuildConfig, Decay, Events, build};

    fn graph(s: &[u32], t: &[u32], w: &[f64], n_nodes: usize, directed: bool) -> Graph {
        crate::graph::test_graph(s, t, Some(w), n_nodes, directed)
    }

    fn pairs(g: &Graph) -> TiePairs {
        tie_pairs(g, &Control::new()).unwrap()
    }

    #[test]
    fn directed_pairs_carry_traffic_each_way() {
        // 0->1 x2, 1->0, 2->0, 1->3, 3->1 x3, 2->2 (loop), node 4 isolated.
        let s = [0u32, 1, 0, 2, 1, 3, 3, 3, 2];
        let t = [1u32, 0, 1, 0, 3, 1, 1, 1, 2];
        let w = [1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 64.0, 128.0, 256.0];
        let p = pairs(&graph(&s, &t, &w, 5, true));
        assert_eq!(p.u, vec![0, 0, 1]);
        assert_eq!(p.v, vec![1, 2, 3]);
        assert_eq!(p.count_uv, vec![2, 0, 1]);
        assert_eq!(p.count_vu, vec![1, 1, 3]);
        assert_eq!(p.weight_uv, vec![5.0, 0.0, 16.0]);
        assert_eq!(p.weight_vu, vec![2.0, 8.0, 224.0]);
        assert!(p.decayed.is_none() && p.first_seen.is_none());
        assert!(p.last_seen.is_none() && p.kinds.is_none());
    }

    #[test]
    fn undirected_pairs_put_all_traffic_on_u_to_v() {
        let (s, t, w) = ([1u32, 0, 2, 1], [0u32, 1, 1, 1], [1.0, 2.0, 4.0, 8.0]);
        let p = pairs(&graph(&s, &t, &w, 3, false));
        assert_eq!((p.u, p.v), (vec![0, 1], vec![1, 2]));
        assert_eq!((p.count_uv, p.count_vu), (vec![2, 1], vec![0, 0]));
        assert_eq!((p.weight_uv, p.weight_vu), (vec![3.0, 4.0], vec![0.0, 0.0]));
    }

    #[test]
    fn self_loops_are_not_ties() {
        let (s, t, w) = ([0u32, 1], [0u32, 1], [1.0, 1.0]);
        for directed in [true, false] {
            let p = pairs(&graph(&s, &t, &w, 2, directed));
            assert_eq!(p, TiePairs::default());
        }
    }

    #[test]
    fn pair_attributes_combine_both_directions() {
        let (s, t, w) = ([0u32, 1, 1, 2], [1u32, 0, 2, 1], [1.0, 2.0, 4.0, 8.0]);
        let time = [-10i64, -30, -20, -20];
        let kind = [0u8, 4, 1, 1];
        let ev = Events {
            source: &s,
            target: &t,
            weight: Some(&w),
            time: Some(&time),
            kind: Some(&kind),
        };
        let cfg = BuildConfig {
            n_nodes: 3,
            decay: Some(Decay {
                as_of: 0,
                half_life: 10.0,
            }),
            ..BuildConfig::default()
        };
        let g = build(&ev, &cfg, &Control::new()).unwrap().0;
        let p = pairs(&g);
        assert_eq!((p.u.clone(), p.v.clone()), (vec![0, 1], vec![1, 2]));
        // {0,1}: 1 * 0.5 + 2 * 0.125; {1,2}: 4 * 0.25 + 8 * 0.25.
        assert_eq!(p.decayed, Some(vec![0.75, 3.0]));
        assert_eq!(p.first_seen, Some(vec![-30, -20]));
        assert_eq!(p.last_seen, Some(vec![-10, -20]));
        assert_eq!(p.kinds, Some(vec![0b10001, 0b10]));
    }

    #[test]
    fn one_way_pair_takes_the_attributes_of_its_only_edge() {
        let (s, t, w) = ([2u32], [0u32], [3.0]);
        let time = [-7i64];
        let ev = Events {
            source: &s,
            target: &t,
            weight: Some(&w),
            time: Some(&time),
            kind: None,
        };
        let cfg = BuildConfig {
            n_nodes: 3,
            ..BuildConfig::default()
        };
        let p = pairs(&build(&ev, &cfg, &Control::new()).unwrap().0);
        assert_eq!(
            (p.u, p.v, p.count_uv, p.count_vu),
            (vec![0], vec![2], vec![0], vec![1])
        );
        assert_eq!(
            (p.first_seen, p.last_seen),
            (Some(vec![-7]), Some(vec![-7]))
        );
    }

    #[test]
    fn pairs_come_in_increasing_order_when_lists_interleave() {
        // Node 1 reaches 4 and 2, and is reached by 3 and 5: merge of out- and in-lists.
        let (s, t) = ([1u32, 1, 3, 5, 0], [4u32, 2, 1, 1, 1]);
        let p = pairs(&graph(&s, &t, &[1.0; 5], 6, true));
        assert_eq!(p.u, vec![0, 1, 1, 1, 1]);
        assert_eq!(p.v, vec![1, 2, 3, 4, 5]);
        assert_eq!(p.count_uv, vec![1, 1, 0, 1, 0]);
        assert_eq!(p.count_vu, vec![0, 0, 1, 0, 1]);
    }

    #[test]
    fn for_each_pair_reports_slots_of_both_directions() {
        // Slots: 0:0->1 1:0->2 2:1->0 3:2->1
        let (s, t) = ([0u32, 0, 1, 2], [1u32, 2, 0, 1]);
        let g = graph(&s, &t, &[1.0; 4], 3, true);
        let mut seen = Vec::new();
        for_each_pair(&g, 0, |v, uv, vu| seen.push((v, uv, vu)));
        assert_eq!(seen, vec![(1, 0, 2), (2, 1, NONE)]);
        seen.clear();
        for_each_pair(&g, 1, |v, uv, vu| seen.push((v, uv, vu)));
        assert_eq!(seen, vec![(2, NONE, 3)]);
        seen.clear();
        for_each_pair(&g, 2, |v, uv, vu| seen.push((v, uv, vu)));
        assert!(seen.is_empty());
    }

    #[test]
    fn edgeless_graph_has_no_pairs() {
        for n in [0, 3] {
            let p = pairs(&graph(&[], &[], &[], n, true));
            assert_eq!(p, TiePairs::default());
        }
    }

    #[test]
    fn cancelled_control_stops_tie_pairs() {
        let ctl = Control::new();
        ctl.cancel();
        for n in [0, 2] {
            let g = graph(&[], &[], &[], n, true);
            assert_eq!(tie_pairs(&g, &ctl), Err(CoreError::Cancelled));
        }
        let g = graph(&[0], &[1], &[1.0], 2, false);
        assert_eq!(tie_pairs(&g, &ctl), Err(CoreError::Cancelled));
    }
}

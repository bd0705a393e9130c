//! Per-edge activation probabilities (IC) and normalised weights (LT) as fixed-point integers.

use crate::error::{CoreError, CoreResult};
use crate::graph::{EdgeWeight, Graph, InSlots};
use crate::parallel::{WORK_CHUNKS, balanced_bounds};
use rayon::prelude::*;

/// Fixed-point one: probabilities and weights are stored as integers in `0..=ONE` and compared
/// with 31-bit uniform random integers (`r < t` happens with probability `t / ONE`).
pub const ONE: u32 = 1 << 31;

/// Diffusion model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Model {
    /// Independent Cascade: each edge fires once, independently, with its probability.
    #[default]
    IndependentCascade,
    /// Linear Threshold: in-weights normalised to sum to 1, thresholds uniform on `[0, 1]`.
    LinearThreshold,
}

/// Where the IC edge probabilities come from. The LT model only accepts
/// [`EdgeProbability::WeightedCascade`], its normalised in-weights.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub enum EdgeProbability<'a> {
    /// Weighted cascade: `p_uv = w_uv / sum_{x != v} w_xv` (1 / in-degree for unit weights).
    #[default]
    WeightedCascade,
    /// The same probability on every edge.
    Constant(f64),
    /// One probability per out-slot of the graph (slot `e` of [`Graph::targets`]).
    PerSlot(&'a [f64]),
}

/// Out-slot of every `(src[i], dst[i])` pair, or `-1` when the graph has no such edge (on an
/// undirected graph, the slot of `src -> dst` in `src`'s list).
///
/// # Errors
/// [`CoreError::LengthMismatch`] if `dst` and `src` differ in length,
/// [`CoreError::NodeOutOfRange`] for a code outside `0..n_nodes`.
///
/// # Complexity
/// `O(r log d)` time for `r` pairs and maximum degree `d`.
///
/// # Examples
/// ```
/// use socialcrm::control::Control;
/// use socialcrm::graph::{BuildConfig, Events, build};
/// use socialcrm::influence::diffusion::edge_slots;
///
/// let (s, t) = ([0u32, 0, 2], [1u32, 2, 1]);
/// let ev = Events { source: &s, target: &t, weight: None, time: None, kind: None };
/// let (g, _) = build(&ev, &BuildConfig { n_nodes: 3, ..Default::default() }, &Control::new())
///     .unwrap();
/// assert_eq!(edge_slots(&g, &[0, 1], &[2, 0]).unwrap(), vec![1, -1]);
/// ```
pub fn edge_slots(g: &Graph, src: &[u32], dst: &[u32]) -> CoreResult<Vec<i64>> {
    if src.len() != dst.len() {
        return Err(CoreError::LengthMismatch {
            name: "target",
            expected: src.len(),
            got: dst.len(),
        });
    }
    let n = g.n_nodes();
    for (row, &code) in src.iter().chain(dst).enumerate() {
        if code as usize >= n {
            let row = row % src.len().max(1);
            return Err(CoreError::NodeOutOfRange {
                row,
                code,
                n_nodes: n,
            });
        }
    }
    Ok(src
        .par_iter()
        .zip(dst.par_iter())
        .map(|(&u, &v)| slot_of(g, u as usize, v).map_or(-1, |s| s as i64))
        .collect())
}

fn slot_of(g: &Graph, u: usize, v: u32) -> Option<usize> {
    g.out_neighbors(u)
        .binary_search(&v)
        .ok()
        .map(|i| g.out_range(u).start + i)
}

/// How each out-slot's fixed-point value is computed (see [`SlotRule::value`]).
enum SlotRule<'a> {
    /// `w_s / inw(v)` from the weights and `1 / inw(v)` per node (0 without in-weight),
    /// rounded to nearest (IC) or down (LT, so a node's weights sum to at most `ONE` up to
    /// floating-point rounding; the LT sums saturate).
    Ratio {
        w: Option<&'a [f64]>,
        inverse: Vec<f64>,
        round_down: bool,
    },
    /// Unit weights: the value depends on the target alone, `1 / inw(v)` in fixed point
    /// (rounded as in `Ratio`).
    PerTarget(Vec<u32>),
    /// The same value on every edge.
    Constant(u32),
    /// Given probabilities per out-slot.
    PerSlot(&'a [f64]),
}

/// Casts, not round()/floor(), which are library calls without SSE4.1; `p` is in [0, 1].
#[inline]
fn fix_round(p: f64) -> u32 {
    (p * f64::from(ONE) + 0.5).min(f64::from(ONE)) as u32
}

impl SlotRule<'_> {
    /// Checks the probability setting and prepares the rule.
    fn new<'a>(
        g: &'a Graph,
        model: Model,
        prob: EdgeProbability<'a>,
        weight: EdgeWeight,
    ) -> CoreResult<SlotRule<'a>> {
        let w = g.edge_weights(weight)?;
        match (model, prob) {
            (_, EdgeProbability::WeightedCascade) if w.is_none() => {
                let round_down = model == Model::LinearThreshold;
                let per_target = in_weight_sums(g, None)
                    .into_par_iter()
                    .map(|x| match (x > 0.0, round_down) {
                        (false, _) => 0,
                        (true, true) => (f64::from(ONE) / x) as u32,
                        (true, false) => fix_round(1.0 / x),
                    })
                    .collect();
                Ok(SlotRule::PerTarget(per_target))
            }
            (_, EdgeProbability::WeightedCascade) => {
                let inverse = in_weight_sums(g, w)
                    .into_par_iter()
                    .map(|x| if x > 0.0 { 1.0 / x } else { 0.0 })
                    .collect();
                Ok(SlotRule::Ratio {
                    w,
                    inverse,
                    round_down: model == Model::LinearThreshold,
                })
            }
            (Model::LinearThreshold, _) => Err(CoreError::BadParameter {
                name: "p",
                expected: "None for the linear threshold model (it uses normalised in-weights)",
                got: f64::NAN,
            }),
            (Model::IndependentCascade, EdgeProbability::Constant(p)) => {
                if !(0.0..=1.0).contains(&p) {
                    return Err(CoreError::BadParameter {
                        name: "p",
                        expected: "a probability in [0, 1]",
                        got: p,
                    });
                }
                Ok(SlotRule::Constant(fix_round(p)))
            }
            (Model::IndependentCascade, EdgeProbability::PerSlot(ps)) => {
                if ps.len() != g.n_slots() {
                    return Err(CoreError::LengthMismatch {
                        name: "p",
                        expected: g.n_slots(),
                        got: ps.len(),
                    });
                }
                if let Some(row) = ps.iter().position(|p| !(0.0..=1.0).contains(p)) {
                    return Err(CoreError::BadValue {
                        name: "p",
                        row,
                        expected: "a probability in [0, 1]",
                        got: ps[row],
                    });
                }
                Ok(SlotRule::PerSlot(ps))
            }
        }
    }

    /// Value of out-slot `s` from `u` to `v` (0 for a self-loop).
    #[inline]
    fn value(&self, u: u32, s: usize, v: u32) -> u32 {
        if u == v {
            return 0;
        }
        match self {
            SlotRule::Ratio {
                w,
                inverse,
                round_down,
            } => {
                let p = (w.map_or(1.0, |w| w[s]) * inverse[v as usize]).min(1.0);
                if *round_down {
                    (p * f64::from(ONE)) as u32
                } else {
                    fix_round(p)
                }
            }
            SlotRule::PerTarget(p) => p[v as usize],
            SlotRule::Constant(t) => *t,
            SlotRule::PerSlot(ps) => fix_round(ps[s]),
        }
    }
}

/// Fixed-point value of every out-slot: the IC probability `p_uv` or the LT weight `b_uv`.
pub(crate) fn forward_values(
    g: &Graph,
    model: Model,
    prob: EdgeProbability<'_>,
    weight: EdgeWeight,
) -> CoreResult<Vec<u32>> {
    let rule = SlotRule::new(g, model, prob, weight)?;
    let targets = g.targets();
    let mut out = vec![0u32; targets.len()];
    fill_rows(
        g.offsets(),
        &mut out,
        &mut vec![(); g.n_nodes()],
        |u, range, row, _| {
            for (x, s) in row.iter_mut().zip(range) {
                *x = rule.value(u as u32, s, targets[s]);
            }
        },
    );
    Ok(out)
}

/// Sum of the weights into each node, self-loops left out. Each node's sum runs over its
/// in-neighbours in increasing order whichever way it is computed, so it does not depend on
/// the thread count.
fn in_weight_sums(g: &Graph, w: Option<&[f64]>) -> Vec<f64> {
    let n = g.n_nodes();
    if w.is_none() {
        // Unit weights: the in-degree without self-loops, from the in-lists alone.
        return (0..n)
            .into_par_iter()
            .map(|v| {
                g.in_neighbors(v)
                    .0
                    .iter()
                    .filter(|&&u| u as usize != v)
                    .count() as f64
            })
            .collect();
    }
    if g.is_directed() {
        // Scatter along the out-slots, sources in increasing order: one sequential pass
        // instead of a random read of the weight of every in-edge.
        let mut inw = vec![0.0; n];
        let targets = g.targets();
        for u in 0..n {
            for s in g.out_range(u) {
                let v = targets[s] as usize;
                if v != u {
                    inw[v] += w.map_or(1.0, |w| w[s]);
                }
            }
        }
        return inw;
    }
    (0..n)
        .into_par_iter()
        .map(|v| {
            let r = g.out_range(v);
            g.out_neighbors(v)
                .iter()
                .zip(r)
                .filter(|&(&u, _)| u as usize != v)
                .fold(0.0, |acc, (_, s)| acc + w.map_or(1.0, |w| w[s]))
        })
        .collect()
}

/// Calls `f(node, slot range, values of the range, the node's entry of per_node)` for every
/// node, in parallel over fixed node ranges of `offsets` (a CSR offset array over `values`;
/// `per_node` has one entry per node, `()` when unused).
fn fill_rows<T: Send, P: Send>(
    offsets: &[usize],
    values: &mut [T],
    per_node: &mut [P],
    f: impl Fn(usize, std::ops::Range<usize>, &mut [T], &mut P) + Sync,
) {
    let bounds = balanced_bounds(offsets, WORK_CHUNKS);
    let mut parts = Vec::with_capacity(bounds.len());
    let (mut rest, mut rest_nodes) = (values, per_node);
    for w in bounds.windows(2) {
        let (head, tail) = rest.split_at_mut(offsets[w[1]] - offsets[w[0]]);
        let (head_nodes, tail_nodes) = rest_nodes.split_at_mut(w[1] - w[0]);
        parts.push((w[0]..w[1], head, head_nodes));
        (rest, rest_nodes) = (tail, tail_nodes);
    }
    parts.into_par_iter().for_each(|(nodes, part, part_nodes)| {
        let (base, first) = (offsets[nodes.start], nodes.start);
        for u in nodes {
            let r = offsets[u]..offsets[u + 1];
            let row = &mut part[r.start - base..r.end - base];
            f(u, r, row, &mut part_nodes[u - first]);
        }
    });
}

/// One edge of an [`Adjacency`] row: the neighbour and the edge's fixed-point value.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Arc {
    pub(crate) node: u32,
    pub(crate) value: u32,
}

/// A CSR adjacency carrying one fixed-point value per edge, laid out for the random walks of
/// the diffusion models (neighbour and value side by side):
/// * [`Adjacency::cascade_forward`], [`Adjacency::cascade_reverse`]: IC probabilities. A row
///   longer than `cascade::SHORT` whose mean probability is below 1/8 is sorted by decreasing
///   probability (ties by neighbour) and flagged, so that its low-probability tail can be
///   sampled by geometric skips; other rows are drawn edge by edge in the graph's order;
/// * [`Adjacency::threshold_in`]: LT in-edges, in the graph's order, with the running sum of
///   `b_uv` (one threshold then picks one in-edge by binary search).
#[derive(Debug, Clone, Default)]
pub(crate) struct Adjacency {
    off: Vec<usize>,
    arcs: Vec<Arc>,
    /// Per node, whether its row is long and sorted by decreasing value (cascade only).
    sorted: Vec<bool>,
}

impl Adjacency {
    /// IC out-edges with their probabilities, for forward cascades, built in one pass.
    pub(crate) fn cascade_forward(
        g: &Graph,
        prob: EdgeProbability<'_>,
        weight: EdgeWeight,
    ) -> CoreResult<Self> {
        let targets = g.targets();
        let off = g.offsets().to_vec();
        let mut arcs = vec![Arc::default(); targets.len()];
        let mut sorted = vec![false; g.n_nodes()];
        let rule = SlotRule::new(g, Model::IndependentCascade, prob, weight)?;
        fill_rows(&off, &mut arcs, &mut sorted, |u, range, row, flag| {
            for (a, s) in row.iter_mut().zip(range) {
                let v = targets[s];
                *a = Arc {
                    node: v,
                    value: rule.value(u as u32, s, v),
                };
            }
            *flag = sort_if_sparse(row);
        });
        Ok(Adjacency { off, arcs, sorted })
    }

    /// IC in-edges with probabilities from `out` (per out-slot), for reverse-reachable sets.
    pub(crate) fn cascade_reverse(g: &Graph, out: &[u32]) -> Self {
        let mut adj = Self::in_edges(g, out);
        let mut sorted = vec![false; g.n_nodes()];
        fill_rows(&adj.off, &mut adj.arcs, &mut sorted, |_, _, row, flag| {
            *flag = sort_if_sparse(row);
        });
        adj.sorted = sorted;
        adj
    }

    /// LT in-edges with the running sum of the weights `b` (per out-slot) along each row.
    pub(crate) fn threshold_in(g: &Graph, b: &[u32]) -> Self {
        let mut adj = Self::in_edges(g, b);
        fill_rows(
            &adj.off,
            &mut adj.arcs,
            &mut vec![(); g.n_nodes()],
            |_, _, row, _| {
                let mut running = 0u32;
                for a in row.iter_mut() {
                    running = running.saturating_add(a.value);
                    a.value = running;
                }
            },
        );
        adj
    }

    fn in_edges(g: &Graph, out: &[u32]) -> Self {
        let n = g.n_nodes();
        let mut off = Vec::with_capacity(n + 1);
        off.push(0);
        for v in 0..n {
            let d = g.in_neighbors(v).0.len();
            off.push(off[v] + d);
        }
        let mut arcs = vec![Arc::default(); off[n]];
        fill_rows(&off, &mut arcs, &mut vec![(); n], |v, _, row, _| {
            let (src, slots) = g.in_neighbors(v);
            for (i, (a, &u)) in row.iter_mut().zip(src).enumerate() {
                let slot = match slots {
                    InSlots::Listed(_) => slots.get(i),
                    // Undirected: the in-edge u -> v is u's slot of v, not v's slot of u.
                    InSlots::Range(_) => slot_of(g, u as usize, v as u32).unwrap_or(slots.get(i)),
                };
                *a = Arc {
                    node: u,
                    value: out[slot],
                };
            }
        });
        Adjacency {
            off,
            arcs,
            sorted: Vec::new(),
        }
    }

    /// Whether the row of `v` is long and sorted by decreasing value (cascade only).
    #[inline]
    pub(crate) fn is_sorted(&self, v: usize) -> bool {
        self.sorted.get(v).copied().unwrap_or(false)
    }

    /// The edges of node `v`.
    #[inline]
    pub(crate) fn row(&self, v: usize) -> &[Arc] {
        &self.arcs[self.off[v]..self.off[v + 1]]
    }

    pub(crate) fn memory_bytes(&self) -> usize {
        self.off.len() * std::mem::size_of::<usize>() + self.arcs.len() * 8 + self.sorted.len()
    }
}

/// Sorts a long row (more than `cascade::SHORT` edges) of mostly unlikely edges (mean
/// probability below 1/8) by decreasing probability, ties by neighbour; returns whether the row
/// is long and sorted, i.e. may be sampled by geometric skips. Other rows keep their order and
/// are drawn edge by edge: sorting pays only where skips replace many draws.
fn sort_if_sparse(row: &mut [Arc]) -> bool {
    if row.len() <= super::cascade::SHORT {
        return false;
    }
    if row.is_sorted_by(|a, b| a.value >= b.value) {
        return true;
    }
    let total: u64 = row.iter().map(|a| u64::from(a.value)).sum();
    if total >= row.len() as u64 * u64::from(ONE / 8) {
        return false;
    }
    row.sort_unstable_by(|a, b| b.value.cmp(&a.value).then(a.node.cmp(&b.node)));
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::test_graph;

    const HALF: u32 = ONE / 2;

    #[test]
    fn weighted_cascade_divides_by_the_in_weight_without_self_loops() {
        // 0->2 (w 1), 1->2 (w 3), 2->2 loop (w 5), 2->0 (w 2).
        let g = test_graph(
            &[0, 1, 2, 2],
            &[2, 2, 2, 0],
            Some(&[1.0, 3.0, 5.0, 2.0]),
            3,
            true,
        );
        let ic = EdgeProbability::WeightedCascade;
        let out = forward_values(&g, Model::IndependentCascade, ic, EdgeWeight::Summed).unwrap();
        // Slots: 0:[2], 1:[2], 2:[0, 2].
        assert_eq!(out, vec![ONE / 4, 3 * (ONE / 4), ONE, 0]);
        let unit = forward_values(&g, Model::IndependentCascade, ic, EdgeWeight::Unit).unwrap();
        assert_eq!(unit, vec![HALF, HALF, ONE, 0]);
        let lt = forward_values(&g, Model::LinearThreshold, ic, EdgeWeight::Summed).unwrap();
        assert_eq!(lt, out);
    }

    #[test]
    fn undirected_in_edges_use_the_edge_into_the_node() {
        // Path 0 - 1 - 2, unit weights: p(1->0) = 1, p(0->1) = p(2->1) = 1/2, p(1->2) = 1.
        let g = test_graph(&[0, 1], &[1, 2], None, 3, false);
        let ic = EdgeProbability::WeightedCascade;
        let out = forward_values(&g, Model::IndependentCascade, ic, EdgeWeight::Unit).unwrap();
        assert_eq!(out, vec![HALF, ONE, ONE, HALF]);
        let arc = |node, value| Arc { node, value };
        let inv = Adjacency::cascade_reverse(&g, &out);
        assert_eq!(inv.off, vec![0, 1, 3, 4]);
        assert_eq!(
            inv.arcs,
            vec![arc(1, ONE), arc(0, HALF), arc(2, HALF), arc(1, ONE)]
        );
        let lt = Adjacency::threshold_in(&g, &out);
        let cum: Vec<u32> = lt.arcs.iter().map(|a| a.value).collect();
        assert_eq!(cum, vec![ONE, HALF, ONE, ONE]);
    }

    #[test]
    fn cascade_rows_are_sorted_by_decreasing_probability() {
        // A star 0 -> 1..=20 (long row: sorted) and 21 -> 22, 23 (short row: kept in order).
        let mut s = vec![0u32; 20];
        let mut t: Vec<u32> = (1..=20).collect();
        s.extend([21, 21]);
        t.extend([22, 23]);
        let g = test_graph(&s, &t, None, 24, true);
        let mut out: Vec<u32> = (0..20).map(|i| (i * 7) % 5).collect();
        out.extend([1, 2]);
        let as_p = |xs: &[u32]| -> Vec<f64> {
            xs.iter().map(|&x| f64::from(x) / f64::from(ONE)).collect()
        };
        let ps = as_p(&out);
        let fwd = Adjacency::cascade_forward(&g, EdgeProbability::PerSlot(&ps), EdgeWeight::Unit)
            .unwrap();
        assert!(fwd.is_sorted(0) && !fwd.is_sorted(21) && !fwd.is_sorted(1));
        let row: Vec<(u32, u32)> = fwd.row(0).iter().map(|a| (a.node, a.value)).collect();
        assert!(
            row.windows(2)
                .all(|w| w[0].1 > w[1].1 || (w[0].1 == w[1].1 && w[0].0 < w[1].0))
        );
        assert_eq!(row[..2], [(3, 4), (8, 4)]);
        let short: Vec<u32> = fwd.row(21).iter().map(|a| a.node).collect();
        assert_eq!(short, vec![22, 23]);
        assert!(fwd.row(1).is_empty());
        assert_eq!(fwd.memory_bytes(), 25 * 8 + 22 * 8 + 24);
        // Likely edges are not worth sorting: the row stays in the graph's order, unflagged.
        let likely: Vec<u32> = (0..22).map(|i| ONE / 2 + i).collect();
        let ps = as_p(&likely);
        let dense = Adjacency::cascade_forward(&g, EdgeProbability::PerSlot(&ps), EdgeWeight::Unit)
            .unwrap();
        assert!(!dense.is_sorted(0));
        assert_eq!(dense.row(0)[0].node, 1);
    }

    #[test]
    fn constant_and_per_slot_probabilities_are_checked() {
        let g = test_graph(&[0, 1], &[1, 1], None, 2, true);
        let m = Model::IndependentCascade;
        let c = forward_values(&g, m, EdgeProbability::Constant(0.5), EdgeWeight::Unit).unwrap();
        assert_eq!(c, vec![HALF, 0]);
        let bad = forward_values(&g, m, EdgeProbability::Constant(1.5), EdgeWeight::Unit);
        assert!(matches!(
            bad,
            Err(CoreError::BadParameter { name: "p", .. })
        ));
        let ps = [0.25, 1.0];
        let s = forward_values(&g, m, EdgeProbability::PerSlot(&ps), EdgeWeight::Unit).unwrap();
        assert_eq!(s, vec![ONE / 4, 0]);
        let nan = [f64::NAN, 0.0];
        let e = forward_values(&g, m, EdgeProbability::PerSlot(&nan), EdgeWeight::Unit);
        assert!(matches!(e, Err(CoreError::BadValue { row: 0, .. })));
        let short = forward_values(&g, m, EdgeProbability::PerSlot(&ps[..1]), EdgeWeight::Unit);
        assert!(matches!(short, Err(CoreError::LengthMismatch { .. })));
        let lt = forward_values(
            &g,
            Model::LinearThreshold,
            EdgeProbability::Constant(0.5),
            EdgeWeight::Unit,
        );
        assert!(matches!(lt, Err(CoreError::BadParameter { name: "p", .. })));
        let decayed = forward_values(&g, m, EdgeProbability::WeightedCascade, EdgeWeight::Decayed);
        assert!(decayed.is_err());
    }

    #[test]
    fn edge_slots_find_pairs_and_flag_missing_ones() {
        let g = test_graph(&[0, 0, 2], &[1, 2, 1], None, 3, true);
        assert_eq!(
            edge_slots(&g, &[0, 2, 1], &[2, 1, 0]).unwrap(),
            vec![1, 2, -1]
        );
        assert!(matches!(
            edge_slots(&g, &[0], &[3]),
            Err(CoreError::NodeOutOfRange { code: 3, .. })
        ));
        assert!(edge_slots(&g, &[0], &[]).is_err());
    }
}

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

/// Fixed-point value of every out-slot: the IC probability `p_uv` or the LT weight `b_uv`.
pub(crate) fn forward_values(
    g: &Graph,
    model: Model,
    prob: EdgeProbability<'_>,
    weight: EdgeWeight,
) -> CoreResult<Vec<u32>> {
    let w = g.edge_weights(weight)?;
    let normalised = || -> Vec<f64> { in_weight_sums(g, w) };
    let fix_round = |p: f64| (p * f64::from(ONE)).round().clamp(0.0, f64::from(ONE)) as u32;
    match (model, prob) {
        (Model::LinearThreshold, EdgeProbability::WeightedCascade) => {
            let inw = normalised();
            // Rounded down, so the weights into a node never sum past ONE.
            Ok(per_slot(g, |u, s, v| {
                ratio(w, s, inw[v as usize], u, v)
                    .map_or(0, |b| (b * f64::from(ONE)).floor() as u32)
            }))
        }
        (Model::LinearThreshold, _) => Err(CoreError::BadParameter {
            name: "p",
            expected: "None for the linear threshold model (it uses normalised in-weights)",
            got: f64::NAN,
        }),
        (Model::IndependentCascade, EdgeProbability::WeightedCascade) => {
            let inw = normalised();
            Ok(per_slot(g, |u, s, v| {
                ratio(w, s, inw[v as usize], u, v).map_or(0, fix_round)
            }))
        }
        (Model::IndependentCascade, EdgeProbability::Constant(p)) => {
            if !(0.0..=1.0).contains(&p) {
                return Err(CoreError::BadParameter {
                    name: "p",
                    expected: "a probability in [0, 1]",
                    got: p,
                });
            }
            let t = fix_round(p);
            Ok(per_slot(g, |u, _, v| if u == v { 0 } else { t }))
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
            Ok(per_slot(
                g,
                |u, s, v| if u == v { 0 } else { fix_round(ps[s]) },
            ))
        }
    }
}

/// `w_s / inw`, or `None` for a self-loop or a node without in-weight.
fn ratio(w: Option<&[f64]>, s: usize, inw: f64, u: u32, v: u32) -> Option<f64> {
    let ws = w.map_or(1.0, |w| w[s]);
    (u != v && inw > 0.0).then(|| (ws / inw).min(1.0))
}

/// Sum of the weights into each node, self-loops left out (pull, so thread-count independent).
fn in_weight_sums(g: &Graph, w: Option<&[f64]>) -> Vec<f64> {
    (0..g.n_nodes())
        .into_par_iter()
        .map(|v| {
            let (src, slots) = g.in_neighbors(v);
            src.iter()
                .enumerate()
                .filter(|&(_, &u)| u as usize != v)
                .fold(0.0, |acc, (i, _)| acc + w.map_or(1.0, |w| w[slots.get(i)]))
        })
        .collect()
}

/// One value per out-slot from `f(source, slot, target)`, filled in parallel by node ranges.
fn per_slot(g: &Graph, f: impl Fn(u32, usize, u32) -> u32 + Sync) -> Vec<u32> {
    let targets = g.targets();
    let mut out = vec![0u32; targets.len()];
    fill_rows(g.offsets(), &mut out, |u, range, row| {
        for (x, s) in row.iter_mut().zip(range) {
            *x = f(u as u32, s, targets[s]);
        }
    });
    out
}

/// Calls `f(node, slot range, values of the range)` for every node, in parallel over fixed
/// node ranges of `offsets` (a CSR offset array over `values`).
fn fill_rows<T: Send>(
    offsets: &[usize],
    values: &mut [T],
    f: impl Fn(usize, std::ops::Range<usize>, &mut [T]) + Sync,
) {
    let bounds = balanced_bounds(offsets, WORK_CHUNKS);
    let mut parts = Vec::with_capacity(bounds.len());
    let mut rest = values;
    for w in bounds.windows(2) {
        let (head, tail) = rest.split_at_mut(offsets[w[1]] - offsets[w[0]]);
        parts.push((w[0]..w[1], head));
        rest = tail;
    }
    parts.into_par_iter().for_each(|(nodes, part)| {
        let base = offsets[nodes.start];
        for u in nodes {
            let r = offsets[u]..offsets[u + 1];
            f(u, r.clone(), &mut part[r.start - base..r.end - base]);
        }
    });
}

/// Values aligned with the in-adjacency, for sampling reverse-reachable sets: position
/// `in_off[v] + i` belongs to the edge from the `i`-th in-neighbour of `v`
/// ([`Graph::in_neighbors`]). IC stores `p_uv`; LT stores the running sum of `b_uv` over the
/// in-list (so one threshold picks one in-edge by binary search).
#[derive(Debug, Clone, Default)]
pub(crate) struct InValues {
    pub(crate) in_off: Vec<usize>,
    pub(crate) vals: Vec<u32>,
}

impl InValues {
    pub(crate) fn new(g: &Graph, model: Model, out: &[u32]) -> Self {
        let n = g.n_nodes();
        let mut in_off = Vec::with_capacity(n + 1);
        in_off.push(0);
        for v in 0..n {
            let d = g.in_neighbors(v).0.len();
            in_off.push(in_off[v] + d);
        }
        let mut vals = vec![0u32; in_off[n]];
        fill_rows(&in_off, &mut vals, |v, _, row| {
            let (src, slots) = g.in_neighbors(v);
            let mut running = 0u32;
            for (i, (x, &u)) in row.iter_mut().zip(src).enumerate() {
                let slot = match slots {
                    InSlots::Listed(_) => slots.get(i),
                    // Undirected: the in-edge u -> v is u's slot of v, not v's slot of u.
                    InSlots::Range(_) => slot_of(g, u as usize, v as u32).unwrap_or(slots.get(i)),
                };
                *x = match model {
                    Model::IndependentCascade => out[slot],
                    Model::LinearThreshold => {
                        running = running.saturating_add(out[slot]);
                        running
                    }
                };
            }
        });
        InValues { in_off, vals }
    }

    pub(crate) fn memory_bytes(&self) -> usize {
        self.in_off.len() * std::mem::size_of::<usize>() + self.vals.len() * 4
    }
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
    fn undirected_in_values_use_the_edge_into_the_node() {
        // Path 0 - 1 - 2, unit weights: p(1->0) = 1, p(0->1) = p(2->1) = 1/2, p(1->2) = 1.
        let g = test_graph(&[0, 1], &[1, 2], None, 3, false);
        let ic = EdgeProbability::WeightedCascade;
        let out = forward_values(&g, Model::IndependentCascade, ic, EdgeWeight::Unit).unwrap();
        assert_eq!(out, vec![HALF, ONE, ONE, HALF]);
        let inv = InValues::new(&g, Model::IndependentCascade, &out);
        assert_eq!(inv.in_off, vec![0, 1, 3, 4]);
        assert_eq!(inv.vals, vec![ONE, HALF, HALF, ONE]);
        let lt = InValues::new(&g, Model::LinearThreshold, &out);
        assert_eq!(lt.vals, vec![ONE, HALF, ONE, ONE]);
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

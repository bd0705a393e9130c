//! Burt's structural holes: constraint, effective size, hierarchy and efficiency.

use rayon::prelude::*;

use super::pull::map_items;
use crate::control::Control;
use crate::error::{CoreError, CoreResult};
use crate::graph::{EdgeWeight, Graph, InSlots};
use crate::parallel::{WORK_CHUNKS, balanced_bounds};

/// Nodes per parallel task when the mutual adjacency is built.
const NODE_CHUNK: usize = 1024;

/// A contact `q` whose list is more than this many times longer than node `i`'s is searched
/// for `i`'s contacts (binary search per contact) instead of being walked in full.
const SEARCH_RATIO: usize = 16;

/// Which of Burt's measures to compute; the others come back empty.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HoleMeasures {
    /// Constraint.
    pub constraint: bool,
    /// Effective size and efficiency.
    pub effective_size: bool,
    /// Hierarchy (needs the dyadic constraints, but not the constraint column).
    pub hierarchy: bool,
}

impl HoleMeasures {
    /// Every measure.
    pub const ALL: Self = Self {
        constraint: true,
        effective_size: true,
        hierarchy: true,
    };

    /// `"all"`, or the one measure named `"constraint"`, `"effective_size"`, `"efficiency"`
    /// (computed with the effective size) or `"hierarchy"`; `None` for any other name.
    pub fn named(name: &str) -> Option<Self> {
        let none = Self {
            constraint: false,
            effective_size: false,
            hierarchy: false,
        };
        match name {
            "all" => Some(Self::ALL),
            "constraint" => Some(Self {
                constraint: true,
                ..none
            }),
            "effective_size" | "efficiency" => Some(Self {
                effective_size: true,
                ..none
            }),
            "hierarchy" => Some(Self {
                hierarchy: true,
                ..none
            }),
            _ => None,
        }
    }
}

/// Burt's measures of every node; `NaN` for nodes without contacts. A measure that was not
/// asked for (see [`HoleMeasures`]) is empty.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct StructuralHoles {
    /// Constraint `C_i = sum_j (p_ij + sum_q p_iq p_qj)^2`.
    pub constraint: Vec<f64>,
    /// Effective size `sum_j (1 - sum_q p_iq m_jq)`.
    pub effective_size: Vec<f64>,
    /// Hierarchy: how unevenly the constraint is spread over the contacts (0 with one contact).
    pub hierarchy: Vec<f64>,
    /// Effective size per contact.
    pub efficiency: Vec<f64>,
    /// Number of contacts `N_i`.
    pub n_contacts: Vec<u32>,
}

/// The symmetric "mutual" adjacency of Burt's measures: `j` is a contact of `i` when
/// `m_ij = a_ij + a_ji > 0` and `j != i`; rows sorted by node code.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MutualAdjacency {
    /// Row offsets (length `n + 1`).
    pub offsets: Vec<usize>,
    /// Contacts of each node, sorted.
    pub contacts: Vec<u32>,
    /// Mutual weight `m_ij` of each contact.
    pub weights: Vec<f64>,
}

impl MutualAdjacency {
    /// Builds the mutual adjacency of `g` for the chosen edge weight. Self-loops and pairs whose
    /// mutual weight is 0 are left out.
    ///
    /// # Errors
    /// [`CoreError::BadParameter`] for a decayed weight on a graph built without a half-life.
    pub fn new(g: &Graph, which: EdgeWeight) -> CoreResult<Self> {
        let w = g.edge_weights(which)?;
        let weight = |slot: usize| w.map_or(1.0, |w| w[slot]);
        let n = g.n_nodes();
        let starts: Vec<usize> = (0..n).step_by(NODE_CHUNK).collect();
        let parts: Vec<(Vec<usize>, Vec<u32>, Vec<f64>)> = map_items(starts, |_, start| {
            let (mut lens, mut nb, mut mw) = (Vec::new(), Vec::new(), Vec::new());
            for i in start..(start + NODE_CHUNK).min(n) {
                let before = nb.len();
                let out_r = g.out_range(i);
                let out = g.out_neighbors(i).iter().zip(out_r.map(weight));
                if g.is_directed() {
                    let (src, slots) = g.in_neighbors(i);
                    let inn = src
                        .iter()
                        .enumerate()
                        .map(|(k, u)| (u, weight(slot_of(&slots, k))));
                    merge_rows(i, out, inn, &mut nb, &mut mw);
                } else {
                    // a_ij = a_ji = w: m_ij = 2 w.
                    for (&j, wij) in out {
                        if j as usize != i && wij > 0.0 {
                            nb.push(j);
                            mw.push(2.0 * wij);
                        }
                    }
                }
                lens.push(nb.len() - before);
            }
            (lens, nb, mw)
        });
        let mut adj = Self {
            offsets: Vec::with_capacity(n + 1),
            contacts: Vec::with_capacity(g.n_slots()),
            weights: Vec::with_capacity(g.n_slots()),
        };
        adj.offsets.push(0);
        for (lens, nb, mw) in parts {
            for len in lens {
                let last = adj.offsets.last().copied().unwrap_or(0);
                adj.offsets.push(last + len);
            }
            adj.contacts.extend_from_slice(&nb);
            adj.weights.extend_from_slice(&mw);
        }
        Ok(adj)
    }

    /// Contacts of `i` and their mutual weights.
    pub fn row(&self, i: usize) -> (&[u32], &[f64]) {
        let r = self.offsets[i]..self.offsets[i + 1];
        (&self.contacts[r.clone()], &self.weights[r])
    }
}

fn slot_of(slots: &InSlots<'_>, k: usize) -> usize {
    slots.get(k)
}

/// Merges two rows sorted by node code into `(j, a_ij + a_ji)`, dropping `i` and zero sums.
fn merge_rows<'a>(
    i: usize,
    out: impl Iterator<Item = (&'a u32, f64)>,
    inn: impl Iterator<Item = (&'a u32, f64)>,
    nb: &mut Vec<u32>,
    mw: &mut Vec<f64>,
) {
    let (mut out, mut inn) = (out.peekable(), inn.peekable());
    loop {
        let (j, m) = match (out.peek(), inn.peek()) {
            (None, None) => break,
            (Some(&(&a, wa)), Some(&(&b, wb))) if a == b => {
                out.next();
                inn.next();
                (a, wa + wb)
            }
            (Some(&(&a, wa)), Some(&(&b, _))) if a < b => {
                out.next();
                (a, wa)
            }
            (Some(&(&a, wa)), None) => {
                out.next();
                (a, wa)
            }
            (_, Some(&(&b, wb))) => {
                inn.next();
                (b, wb)
            }
        };
        if j as usize != i && m > 0.0 {
            nb.push(j);
            mw.push(m);
        }
    }
}

/// Burt's structural-hole measures, with the semantics of networkx's `constraint` and
/// `effective_size` (directed graphs use mutual weights `m_ij = a_ij + a_ji`, contacts are in-
/// or out-neighbours).
///
/// With `p_ij = m_ij / sum_k m_ik` and `\hat m_jq = m_jq / max_k m_jk` (Burt 1992):
/// * constraint `C_i = sum_{j in N(i)} c_ij`, `c_ij = (p_ij + sum_{q in N(i)} p_iq p_qj)^2`;
/// * effective size `E_i = sum_{j in N(i)} (1 - sum_{q in N(i)} p_iq \hat m_jq)`, which on
///   an unweighted undirected graph equals Borgatti's `N_i - 2 t_i / N_i` (`t_i` ties among
///   the contacts);
/// * hierarchy `H_i = sum_j r_ij ln r_ij / (N_i ln N_i)` with `r_ij = c_ij / (C_i / N_i)`,
///   0 for a node with a single contact;
/// * efficiency `E_i / N_i`.
///
/// `N(i)` is the set of contacts: nodes `j != i` with `m_ij > 0`, `N_i` their number. Nodes
/// without contacts get `NaN` in every measure. Self-loops are ignored (they are not contacts).
///
/// # Arguments
/// * `g` - the graph.
/// * `weight` - edge weight (`a_ij`).
/// * `ctl` - cancellation, progress (one unit per node).
///
/// # Returns
/// A [`StructuralHoles`] with one entry per node in each measure.
///
/// # Errors
/// [`CoreError::BadParameter`] for a decayed weight on a graph built without a half-life;
/// [`CoreError::Cancelled`].
///
/// # Complexity
/// `O(sum_i sum_{q in N(i)} min(N_q, N_i log N_q))` time, `O(|V| + |E|)` extra space, in
/// parallel over nodes. For node `i`, the positions of its contacts are written into a dense
/// per-thread array; each contact `q`'s list is then walked and looked up there, or, when it is
/// far longer than `i`'s, searched for `i`'s contacts. Every node's values are computed by one
/// task, each contact's terms added in increasing order of `q` and the per-contact sums in
/// order of the contacts, so they do not depend on the thread count.
///
/// # Examples
/// ```
/// use socialcrm::control::Control;
/// use socialcrm::graph::{BuildConfig, EdgeWeight, Events, build};
/// use socialcrm::influence::structural_holes;
///
/// // Star with centre 0 and leaves 1, 2, 3: the centre brokers between unconnected contacts.
/// let (s, t) = ([0u32, 0, 0], [1u32, 2, 3]);
/// let ev = Events { source: &s, target: &t, weight: None, time: None, kind: None };
/// let cfg = BuildConfig { n_nodes: 4, directed: false, ..Default::default() };
/// let (g, _) = build(&ev, &cfg, &Control::new()).unwrap();
/// let sh = structural_holes(&g, EdgeWeight::Unit, &Control::new()).unwrap();
/// assert_eq!(sh.effective_size[0], 3.0);
/// assert!((sh.constraint[0] - 1.0 / 3.0).abs() < 1e-15);
/// assert_eq!(sh.constraint[1], 1.0);
/// ```
pub fn structural_holes(
    g: &Graph,
    weight: EdgeWeight,
    ctl: &Control,
) -> CoreResult<StructuralHoles> {
    structural_holes_of(g, weight, HoleMeasures::ALL, ctl)
}

/// [`structural_holes`] computing only the measures in `wanted`; the others are left empty
/// (`n_contacts` is always filled). Values are bit-identical to those of [`structural_holes`].
///
/// # Errors
/// As [`structural_holes`].
pub fn structural_holes_of(
    g: &Graph,
    weight: EdgeWeight,
    wanted: HoleMeasures,
    ctl: &Control,
) -> CoreResult<StructuralHoles> {
    let n = g.n_nodes();
    ctl.start(n as u64);
    let adj = MutualAdjacency::new(g, weight)?;
    let off = &adj.offsets;
    // Per node: strength s_i, strongest tie; per slot: p_ij = m_ij / s_i.
    let (strength, top): (Vec<f64>, Vec<f64>) = (0..n)
        .into_par_iter()
        .with_min_len(NODE_CHUNK)
        .map(|i| {
            let w = adj.row(i).1;
            let s = w.iter().fold(0.0, |a, x| a + x);
            (s, w.iter().copied().fold(0.0, f64::max))
        })
        .unzip();
    // Per slot (i, j): p_ij and, for the effective size, \hat m_ij = m_ij / max_k m_jk.
    let slots = adj.weights.len();
    let mut p = vec![0.0; slots];
    let mut hat = vec![0.0; if wanted.effective_size { slots } else { 0 }];
    let mut pieces = Vec::with_capacity(n.div_ceil(NODE_CHUNK));
    let (mut rest_p, mut rest_h) = (p.as_mut_slice(), hat.as_mut_slice());
    for start in (0..n).step_by(NODE_CHUNK) {
        let end = (start + NODE_CHUNK).min(n);
        let len = off[end] - off[start];
        let (piece_p, tail_p) = std::mem::take(&mut rest_p).split_at_mut(len);
        let len_h = len.min(rest_h.len());
        let (piece_h, tail_h) = std::mem::take(&mut rest_h).split_at_mut(len_h);
        pieces.push((start, end, piece_p, piece_h));
        (rest_p, rest_h) = (tail_p, tail_h);
    }
    pieces
        .into_par_iter()
        .for_each(|(start, end, piece_p, piece_h)| {
            for i in start..end {
                let r = off[i] - off[start]..off[i + 1] - off[start];
                let (ci, mi) = adj.row(i);
                for (x, &m) in piece_p[r.clone()].iter_mut().zip(mi) {
                    *x = m / strength[i];
                }
                if !piece_h.is_empty() {
                    for ((x, &m), &j) in piece_h[r].iter_mut().zip(mi).zip(ci) {
                        *x = m / top[j as usize];
                    }
                }
            }
        });
    // Work per node: its own list plus, per contact, the shorter of the walk and the search.
    let mut cost = vec![0usize; n + 1];
    let per_node: Vec<usize> = (0..n)
        .into_par_iter()
        .with_min_len(NODE_CHUNK)
        .map(|i| {
            let (ci, d) = (adj.row(i).0, off[i + 1] - off[i]);
            d + ci
                .iter()
                .map(|&q| (off[q as usize + 1] - off[q as usize]).min(SEARCH_RATIO * d))
                .sum::<usize>()
        })
        .collect();
    for i in 0..n {
        cost[i + 1] = cost[i] + per_node[i];
    }
    let bounds = balanced_bounds(&cost, WORK_CHUNKS);
    let ctx = Context {
        adj: &adj,
        p: &p,
        hat: &hat,
    };
    let kernel = match (wanted.constraint || wanted.hierarchy, wanted.effective_size) {
        (true, true) => node_measures::<true, true>,
        (true, false) => node_measures::<true, false>,
        (false, true) => node_measures::<false, true>,
        (false, false) => node_measures::<false, false>,
    };
    let chunks: Vec<Vec<[f64; 4]>> = bounds
        .windows(2)
        .map(|w| (w[0], w[1]))
        .collect::<Vec<_>>()
        .into_par_iter()
        .map_init(
            || Scratch {
                slot: vec![0; n],
                acc: Vec::new(),
                red: Vec::new(),
            },
            |sc, (start, end)| {
                ctl.checkpoint()?;
                let vals = (start..end)
                    .map(|i| kernel(&ctx, i, wanted.hierarchy, sc))
                    .collect();
                ctl.advance((end - start) as u64);
                Ok::<_, CoreError>(vals)
            },
        )
        .collect::<CoreResult<_>>()?;
    let mut out = StructuralHoles {
        n_contacts: (0..n).map(|i| (off[i + 1] - off[i]) as u32).collect(),
        ..Default::default()
    };
    let keep = |on: bool| if on { n } else { 0 };
    out.constraint.reserve(keep(wanted.constraint));
    out.effective_size.reserve(keep(wanted.effective_size));
    out.efficiency.reserve(keep(wanted.effective_size));
    out.hierarchy.reserve(keep(wanted.hierarchy));
    for [c, e, h, f] in chunks.into_iter().flatten() {
        if wanted.constraint {
            out.constraint.push(c);
        }
        if wanted.effective_size {
            out.effective_size.push(e);
            out.efficiency.push(f);
        }
        if wanted.hierarchy {
            out.hierarchy.push(h);
        }
    }
    Ok(out)
}

/// Read-only inputs of [`node_measures`].
struct Context<'a> {
    adj: &'a MutualAdjacency,
    /// `p_ij` per slot of the mutual adjacency.
    p: &'a [f64],
    /// `\hat m_ij = m_ij / max_k m_jk` per slot (empty when the effective size is not wanted).
    hat: &'a [f64],
}

/// Accumulators in front of the contacts' ones in [`Scratch`], where terms of non-contacts go.
const SINKS: usize = 8;

/// Per-thread scratch space of [`node_measures`].
struct Scratch {
    /// `SINKS + position` in the current node's list of each of its contacts, 0 elsewhere (and
    /// between two nodes).
    slot: Vec<u32>,
    /// `SINKS` sinks, then per contact `j` the indirect tie `sum_q p_iq p_qj`, then the dyadic
    /// constraint `c_ij`.
    acc: Vec<f64>,
    /// `SINKS` sinks, then per contact `j` the redundancy `sum_q p_iq \hat m_jq`.
    red: Vec<f64>,
}

/// `[constraint, effective size, hierarchy, efficiency]` of node `i`: the dyadic constraints
/// when `C`, the redundancy when `E` (the other entries are then meaningless), the hierarchy
/// when `hierarchy` (which needs `C`).
///
/// Every term `p_iq p_qj` of a walked list is added without a branch: a non-contact `j` adds
/// it to one of the sinks, chosen by position so that consecutive misses do not wait on each
/// other. A contact's accumulator thus receives exactly its own terms, in increasing `q`.
fn node_measures<const C: bool, const E: bool>(
    ctx: &Context<'_>,
    i: usize,
    hierarchy: bool,
    sc: &mut Scratch,
) -> [f64; 4] {
    let adj = ctx.adj;
    let (lo, hi) = (adj.offsets[i], adj.offsets[i + 1]);
    let d = hi - lo;
    if d == 0 {
        return [f64::NAN; 4];
    }
    let (ci, pi) = (&adj.contacts[lo..hi], &ctx.p[lo..hi]);
    let Scratch { slot, acc, red } = sc;
    if C {
        acc.clear();
        acc.resize(SINKS + d, 0.0);
    }
    if E {
        red.clear();
        red.resize(SINKS + d, 0.0);
    }
    // A node has fewer than u32::MAX - SINKS contacts (node codes are u32).
    for (k, &j) in ci.iter().enumerate() {
        slot[j as usize] = (SINKS + k) as u32;
    }
    for (&q, &p_iq) in ci.iter().zip(pi) {
        let (qlo, qhi) = (adj.offsets[q as usize], adj.offsets[q as usize + 1]);
        let cq = &adj.contacts[qlo..qhi];
        let pq = if C { &ctx.p[qlo..qhi] } else { &[][..] };
        let hq = if E { &ctx.hat[qlo..qhi] } else { &[][..] };
        // Common contacts j of i and q: the paths i -> q -> j, in increasing j.
        if cq.len() > SEARCH_RATIO * d {
            gallop(ci, cq, |k, b| {
                if C {
                    acc[SINKS + k] += p_iq * pq[b];
                }
                if E {
                    red[SINKS + k] += p_iq * hq[b];
                }
            });
        } else {
            for (b, &j) in cq.iter().enumerate() {
                let s = slot[j as usize] as usize;
                let at = s + usize::from(s == 0) * (b % SINKS);
                if C {
                    acc[at] += p_iq * pq[b];
                }
                if E {
                    red[at] += p_iq * hq[b];
                }
            }
        }
    }
    for &j in ci {
        slot[j as usize] = 0;
    }
    let mut constraint = 0.0;
    if C {
        for (a, &p_ij) in acc[SINKS..].iter_mut().zip(pi) {
            let c = p_ij + *a;
            *a = c * c;
            constraint += *a;
        }
    }
    let n_i = d as f64;
    let effective = if E {
        n_i - red[SINKS..].iter().fold(0.0, |s, r| s + r)
    } else {
        f64::NAN
    };
    let h = if !hierarchy {
        f64::NAN
    } else if d == 1 {
        0.0
    } else {
        let mean = constraint / n_i;
        let h = acc[SINKS..].iter().fold(0.0, |s, &c| {
            let r = c / mean;
            s + r * r.ln()
        });
        h / (n_i * n_i.ln())
    };
    [constraint, effective, h, effective / n_i]
}

/// Calls `f(is, il)` for every common element `short[is] == long[il]` of two sorted,
/// duplicate-free lists, in increasing order, by binary search of each element of `short` in
/// the part of `long` not passed yet.
fn gallop(short: &[u32], long: &[u32], mut f: impl FnMut(usize, usize)) {
    let mut lo = 0;
    for (is, x) in short.iter().enumerate() {
        lo += long[lo..].partition_point(|y| y < x);
        if lo == long.len() {
            return;
        }
        if long[lo] == *x {
            f(is, lo);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::test_graph;

    fn holes(s: &[u32], t: &[u32], w: Option<&[f64]>, n: usize, directed: bool) -> StructuralHoles {
        let g = test_graph(s, t, w, n, directed);
        let which = if w.is_some() {
            EdgeWeight::Summed
        } else {
            EdgeWeight::Unit
        };
        structural_holes(&g, which, &Control::new()).unwrap()
    }

    #[test]
    fn triangle_with_pendant_by_hand() {
        // Triangle 0-1-2, pendant 3 on 0; node 4 isolated.
        let sh = holes(&[0, 1, 2, 0], &[1, 2, 0, 3], None, 5, false);
        // Node 0: contacts 1, 2, 3 (p = 1/3 each); 1 and 2 are tied.
        // c_01 = (1/3 + p_02 p_21)^2 = (1/3 + 1/3 * 1/2)^2 = 1/4, c_02 = 1/4, c_03 = 1/9.
        let c0 = 0.25 + 0.25 + 1.0 / 9.0;
        assert!((sh.constraint[0] - c0).abs() < 1e-14);
        // Borgatti: 3 - 2 * 1 / 3.
        assert!((sh.effective_size[0] - 7.0 / 3.0).abs() < 1e-15);
        assert!((sh.efficiency[0] - 7.0 / 9.0).abs() < 1e-15);
        let mean = c0 / 3.0;
        let r = [0.25 / mean, 0.25 / mean, 1.0 / 9.0 / mean];
        let h0 = r.iter().map(|r| r * r.ln()).sum::<f64>() / (3.0 * 3f64.ln());
        assert!((sh.hierarchy[0] - h0).abs() < 1e-15);
        // Node 3: one contact, fully constrained, hierarchy 0.
        assert_eq!(
            (sh.constraint[3], sh.effective_size[3], sh.hierarchy[3]),
            (1.0, 1.0, 0.0)
        );
        assert!(sh.constraint[4].is_nan() && sh.hierarchy[4].is_nan());
        assert_eq!(sh.n_contacts, vec![3, 2, 2, 1, 0]);
    }

    #[test]
    fn directed_mutual_weights_add_both_directions() {
        // 0 -> 1 (1), 1 -> 0 (2), 0 -> 2 (3), 2 -> 1 (1), self-loop 0 -> 0 ignored.
        let (s, t) = ([0u32, 1, 0, 2, 0], [1u32, 0, 2, 1, 0]);
        let w = [1.0, 2.0, 3.0, 1.0, 5.0];
        let sh = holes(&s, &t, Some(&w), 3, true);
        // m_01 = 3, m_02 = 3, m_12 = 1: p_01 = p_02 = 1/2, p_21 = 1/4, p_12 = 1/4.
        let c01 = (0.5f64 + 0.5 * 0.25).powi(2);
        assert!((sh.constraint[0] - 2.0 * c01).abs() < 1e-15);
        // Effective size of 0: 2 - sum_j sum_q p_0q m_jq / max_j = 2 - (0.5 * 1/3 + 0.5 * 1/3).
        assert!((sh.effective_size[0] - (2.0 - 1.0 / 3.0)).abs() < 1e-15);
        assert_eq!(sh.hierarchy[0], 0.0);
    }

    #[test]
    fn zero_weight_pairs_are_not_contacts() {
        let sh = holes(&[0, 1], &[1, 2], Some(&[0.0, 1.0]), 3, false);
        assert!(sh.constraint[0].is_nan());
        assert_eq!(sh.n_contacts, vec![0, 1, 1]);
    }

    #[test]
    fn gallop_finds_common_elements_in_order() {
        let long: Vec<u32> = (0..100).map(|x| x * 3).collect();
        let mut hits = Vec::new();
        gallop(&[3, 4, 99, 297, 300], &long, |i, j| hits.push((i, j)));
        assert_eq!(hits, vec![(0, 1), (2, 33), (3, 99)]);
        let mut none = Vec::new();
        gallop(&[1, 2], &[], |i, j| none.push((i, j)));
        assert!(none.is_empty());
    }
}

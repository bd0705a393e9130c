//! Burt's structural holes: constraint, effective size, hierarchy and efficiency.

use super::pull::map_items;
use crate::control::Control;
use crate::error::{CoreError, CoreResult};
use crate::graph::{EdgeWeight, Graph, InSlots};

/// Nodes per parallel task (and per cancellation check).
const NODE_CHUNK: usize = 1024;

/// Burt's measures of every node; `NaN` for nodes without contacts.
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
/// `O(sum_i sum_{q in N(i)} min(N_i, N_q) log max(N_i, N_q))` time, `O(|V| + |E|)` extra
/// space, in parallel over nodes. Every node's values are computed by one task in a fixed order,
/// so they do not depend on the thread count.
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
    let n = g.n_nodes();
    ctl.start(n as u64);
    let adj = MutualAdjacency::new(g, weight)?;
    let starts: Vec<usize> = (0..n).step_by(NODE_CHUNK).collect();
    let (strength, top): (Vec<f64>, Vec<f64>) = map_items(starts.clone(), |_, start| {
        (start..(start + NODE_CHUNK).min(n))
            .map(|i| {
                let w = adj.row(i).1;
                let s = w.iter().fold(0.0, |a, x| a + x);
                (s, w.iter().copied().fold(0.0, f64::max))
            })
            .collect::<Vec<_>>()
    })
    .into_iter()
    .flatten()
    .unzip();
    let chunks: Vec<Vec<[f64; 4]>> = map_items(starts, |_, start| {
        ctl.checkpoint()?;
        let end = (start + NODE_CHUNK).min(n);
        let mut buf = Vec::new();
        let vals = (start..end)
            .map(|i| node_measures(&adj, &strength, &top, i, &mut buf))
            .collect();
        ctl.advance((end - start) as u64);
        Ok::<_, CoreError>(vals)
    })
    .into_iter()
    .collect::<CoreResult<_>>()?;
    let mut out = StructuralHoles {
        n_contacts: (0..n)
            .map(|i| (adj.offsets[i + 1] - adj.offsets[i]) as u32)
            .collect(),
        ..Default::default()
    };
    for [c, e, h, f] in chunks.into_iter().flatten() {
        out.constraint.push(c);
        out.effective_size.push(e);
        out.hierarchy.push(h);
        out.efficiency.push(f);
    }
    Ok(out)
}

/// `[constraint, effective size, hierarchy, efficiency]` of node `i`. `indirect` is scratch
/// space; its content on entry does not matter.
fn node_measures(
    adj: &MutualAdjacency,
    strength: &[f64],
    top: &[f64],
    i: usize,
    indirect: &mut Vec<f64>,
) -> [f64; 4] {
    let (ci, mi) = adj.row(i);
    let d = ci.len();
    if d == 0 {
        return [f64::NAN; 4];
    }
    indirect.clear();
    indirect.resize(d, 0.0);
    let si = strength[i];
    let mut redundancy = 0.0;
    for (&q, &m_iq) in ci.iter().zip(mi) {
        let q = q as usize;
        let p_iq = m_iq / si;
        let (cq, mq) = adj.row(q);
        let sq = strength[q];
        // Common contacts j of i and q: the paths i -> q -> j.
        intersect(ci, cq, |k, b| {
            let j = ci[k] as usize;
            indirect[k] += p_iq * (mq[b] / sq);
            redundancy += p_iq * (mq[b] / top[j]);
        });
    }
    let mut constraint = 0.0;
    for (k, &m_ij) in mi.iter().enumerate() {
        let c = m_ij / si + indirect[k];
        indirect[k] = c * c;
        constraint += indirect[k];
    }
    let n_i = d as f64;
    let effective = n_i - redundancy;
    let hierarchy = if d == 1 {
        0.0
    } else {
        let mean = constraint / n_i;
        let h = indirect.iter().fold(0.0, |acc, &c| {
            let r = c / mean;
            acc + r * r.ln()
        });
        h / (n_i * n_i.ln())
    };
    [constraint, effective, hierarchy, effective / n_i]
}

/// Calls `f(ia, ib)` for every common element `a[ia] == b[ib]` of two sorted, duplicate-free
/// lists, in increasing order. Gallops through the longer list when the sizes are far apart.
fn intersect(a: &[u32], b: &[u32], mut f: impl FnMut(usize, usize)) {
    if a.len() * 16 < b.len() {
        gallop(a, b, f);
    } else if b.len() * 16 < a.len() {
        gallop(b, a, |ib, ia| f(ia, ib));
    } else {
        let (mut ia, mut ib) = (0, 0);
        while ia < a.len() && ib < b.len() {
            match a[ia].cmp(&b[ib]) {
                std::cmp::Ordering::Less => ia += 1,
                std::cmp::Ordering::Greater => ib += 1,
                std::cmp::Ordering::Equal => {
                    f(ia, ib);
                    ia += 1;
                    ib += 1;
                }
            }
        }
    }
}

/// [`intersect`] for a `short` list far smaller than `long`: binary search of each element.
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
    fn intersect_finds_common_elements_in_both_modes() {
        let a: Vec<u32> = (0..100).map(|x| x * 3).collect();
        let b = [3u32, 4, 99, 297, 300];
        let mut hits = Vec::new();
        intersect(&a, &b, |i, j| hits.push((i, j)));
        assert_eq!(hits, vec![(1, 0), (33, 2), (99, 3)]);
        let mut back = Vec::new();
        intersect(&b, &a, |i, j| back.push((j, i)));
        assert_eq!(back, hits);
        let mut even = Vec::new();
        intersect(&[1, 2, 3], &[2, 3, 4], |i, j| even.push((i, j)));
        assert_eq!(even, vec![(1, 0), (2, 1)]);
    }
}

//! The graph as the shortest-path searches see it: CSR adjacency in both directions with edge
//! lengths, nodes renumbered in breadth-first order for memory locality.

use crate::error::CoreResult;
use crate::graph::{EdgeWeight, Graph};
use crate::parallel::{WORK_CHUNKS, balanced_bounds};
use rayon::prelude::*;
use std::ops::Range;

/// One direction of adjacency: CSR offsets and targets, with per-slot lengths when weighted.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Adj<'a> {
    pub offsets: &'a [usize],
    pub targets: &'a [u32],
    /// Per-slot length `1 / w` (`INFINITY` for weight 0); `None` when every edge has length 1.
    pub len: Option<&'a [f64]>,
}

impl<'a> Adj<'a> {
    /// Slot range of `u`'s neighbours.
    #[inline]
    pub fn range(&self, u: usize) -> Range<usize> {
        self.offsets[u]..self.offsets[u + 1]
    }

    /// Neighbours of `u`.
    #[inline]
    pub fn nbrs(&self, u: usize) -> &'a [u32] {
        &self.targets[self.offsets[u]..self.offsets[u + 1]]
    }

    /// Number of neighbours of `u`.
    #[inline]
    pub fn degree(&self, u: usize) -> usize {
        self.offsets[u + 1] - self.offsets[u]
    }

    /// Neighbours of `u` with their lengths (1 when unweighted).
    #[inline]
    pub fn edges(&self, u: usize) -> impl Iterator<Item = (u32, f64)> + 'a {
        let r = self.range(u);
        let t = &self.targets[r.clone()];
        let len = self.len.map(|l| &l[r]);
        t.iter()
            .enumerate()
            .map(move |(i, &x)| (x, len.map_or(1.0, |l| l[i])))
    }
}

/// Owned CSR arrays.
#[derive(Debug, Clone, Default)]
struct Csr {
    offsets: Vec<usize>,
    targets: Vec<u32>,
    len: Option<Vec<f64>>,
}

impl Csr {
    fn adj(&self) -> Adj<'_> {
        Adj {
            offsets: &self.offsets,
            targets: &self.targets,
            len: self.len.as_deref(),
        }
    }
}

/// A graph prepared for shortest paths: out-adjacency, in-adjacency (the same for an undirected
/// graph) and edge lengths, over renumbered nodes.
///
/// Searches touch a node's neighbours in random order, so on large graphs most of their time
/// goes to cache misses. Renumbering the nodes in breadth-first order (from the node of highest
/// degree, then from each node not reached yet) puts neighbours close together in memory, which
/// roughly halves the time of a search on graphs that exceed the cache. Results are mapped back
/// with [`Network::to_original`].
#[derive(Debug)]
pub(crate) struct Network {
    pub n: usize,
    pub directed: bool,
    out: Csr,
    /// Directed graphs only: the in-adjacency.
    rev: Option<Csr>,
    /// The common length of every edge when the lengths were dropped as uniform (else 1).
    pub unit_length: f64,
    /// Original code of each node; `None` when not renumbered.
    old_of: Option<Vec<u32>>,
}

impl Network {
    /// [`Network::build`] with renumbering.
    ///
    /// # Errors
    /// As [`Network::build`].
    pub fn new(g: &Graph, weight: EdgeWeight, need_in: bool) -> CoreResult<Self> {
        Self::build(g, weight, need_in, true)
    }

    /// Prepares `g` with the lengths `1 / w` of the chosen weight (none for [`EdgeWeight::Unit`]).
    /// When every edge has the same finite length the lengths are dropped (hop counts give the
    /// same shortest paths) and that length is kept in `unit_length`. The in-adjacency of a
    /// directed graph is built only when `need_in` is set (see also [`Network::add_in`]).
    /// With `renumber`, nodes are renumbered in breadth-first order.
    ///
    /// # Errors
    /// [`crate::error::CoreError::BadParameter`] for [`EdgeWeight::Decayed`] on a graph without
    /// decay.
    pub fn build(g: &Graph, weight: EdgeWeight, need_in: bool, renumber: bool) -> CoreResult<Self> {
        let mut len = g
            .edge_weights(weight)?
            .map(|w| w.iter().map(|&w| 1.0 / w).collect::<Vec<f64>>());
        let mut unit_length = 1.0;
        if let Some(l) = &len {
            if let Some(&first) = l.first() {
                if first.is_finite() && l.iter().all(|&x| x == first) {
                    unit_length = first;
                    len = None;
                }
            }
        }
        let n = g.n_nodes();
        let (out, old_of) = if renumber {
            let old_of = breadth_first_order(g);
            (renumbered(g, len.as_deref(), &old_of), Some(old_of))
        } else {
            let out = Csr {
                offsets: g.offsets().to_vec(),
                targets: g.targets().to_vec(),
                len,
            };
            (out, None)
        };
        let mut net = Self {
            n,
            directed: g.is_directed(),
            out,
            rev: None,
            unit_length,
            old_of,
        };
        if need_in {
            net.add_in();
        }
        Ok(net)
    }

    /// Builds the in-adjacency of a directed graph if it is not there yet.
    pub fn add_in(&mut self) {
        if self.directed && self.rev.is_none() {
            self.rev = Some(transpose(&self.out, self.n));
        }
    }

    /// Whether edges have lengths other than 1.
    pub fn weighted(&self) -> bool {
        self.out.len.is_some()
    }

    /// Out-adjacency.
    pub fn out(&self) -> Adj<'_> {
        self.out.adj()
    }

    /// In-adjacency (the out-adjacency of an undirected graph, or of a directed network built
    /// without it, which callers never ask for).
    pub fn inn(&self) -> Adj<'_> {
        self.rev.as_ref().unwrap_or(&self.out).adj()
    }

    /// Per-node values indexed by the graph's own codes.
    pub fn to_original<T: Copy + Default>(&self, values: &[T]) -> Vec<T> {
        match &self.old_of {
            None => values.to_vec(),
            Some(old_of) => {
                let mut out = vec![T::default(); values.len()];
                for (&old, &x) in old_of.iter().zip(values) {
                    out[old as usize] = x;
                }
                out
            }
        }
    }
}

/// Nodes in breadth-first order over both edge directions, from the node of highest degree
/// (smallest code among ties), then from every node not reached yet, in code order.
fn breadth_first_order(g: &Graph) -> Vec<u32> {
    let n = g.n_nodes();
    let degree = |u: usize| {
        g.out_range(u).len()
            + if g.is_directed() {
                g.in_neighbors(u).0.len()
            } else {
                0
            }
    };
    let hub = (0..n).max_by_key(|&u| (degree(u), std::cmp::Reverse(u)));
    let mut seen = vec![false; n];
    let mut order: Vec<u32> = Vec::with_capacity(n);
    for root in hub.into_iter().chain(0..n) {
        if seen[root] {
            continue;
        }
        seen[root] = true;
        let mut head = order.len();
        order.push(root as u32);
        while head < order.len() {
            let u = order[head] as usize;
            head += 1;
            let ins: &[u32] = if g.is_directed() {
                g.in_neighbors(u).0
            } else {
                &[]
            };
            for &x in g.out_neighbors(u).iter().chain(ins) {
                if !seen[x as usize] {
                    seen[x as usize] = true;
                    order.push(x);
                }
            }
        }
    }
    order
}

/// The out-adjacency of `g` with node `old_of[i]` renamed `i`, each list sorted by new code.
fn renumbered(g: &Graph, len: Option<&[f64]>, old_of: &[u32]) -> Csr {
    let n = old_of.len();
    let mut new_of = vec![0u32; n];
    for (i, &old) in old_of.iter().enumerate() {
        new_of[old as usize] = i as u32;
    }
    let mut offsets = Vec::with_capacity(n + 1);
    offsets.push(0);
    for &old in old_of {
        offsets.push(offsets[offsets.len() - 1] + g.out_range(old as usize).len());
    }
    // Rows are independent: fill balanced blocks of them in parallel, then concatenate.
    let bounds = balanced_bounds(&offsets, WORK_CHUNKS);
    let blocks: Vec<(Vec<u32>, Vec<f64>)> = bounds
        .par_windows(2)
        .map(|b| {
            let mut targets = Vec::with_capacity(offsets[b[1]] - offsets[b[0]]);
            let mut lengths =
                Vec::with_capacity(if len.is_some() { targets.capacity() } else { 0 });
            let mut row: Vec<(u32, f64)> = Vec::new();
            for &old in &old_of[b[0]..b[1]] {
                let r = g.out_range(old as usize);
                row.clear();
                row.extend(r.clone().map(|e| {
                    let t = new_of[g.targets()[e] as usize];
                    (t, len.map_or(1.0, |l| l[e]))
                }));
                row.sort_unstable_by_key(|&(t, _)| t);
                targets.extend(row.iter().map(|&(t, _)| t));
                if len.is_some() {
                    lengths.extend(row.iter().map(|&(_, l)| l));
                }
            }
            (targets, lengths)
        })
        .collect();
    let mut targets = Vec::with_capacity(g.n_slots());
    let mut lengths = len.map(|_| Vec::with_capacity(g.n_slots()));
    for (t, l) in blocks {
        targets.extend_from_slice(&t);
        if let Some(lengths) = lengths.as_mut() {
            lengths.extend_from_slice(&l);
        }
    }
    Csr {
        offsets,
        targets,
        len: lengths,
    }
}

/// The reverse adjacency, each list sorted by source.
fn transpose(out: &Csr, n: usize) -> Csr {
    let mut offsets = vec![0usize; n + 1];
    for &x in &out.targets {
        offsets[x as usize + 1] += 1;
    }
    for v in 0..n {
        offsets[v + 1] += offsets[v];
    }
    let mut fill = offsets.clone();
    let mut sources = vec![0u32; out.targets.len()];
    let mut len = out.len.as_ref().map(|_| vec![0.0; out.targets.len()]);
    for u in 0..n {
        for e in out.offsets[u]..out.offsets[u + 1] {
            let x = out.targets[e] as usize;
            sources[fill[x]] = u as u32;
            if let (Some(len), Some(ol)) = (len.as_mut(), out.len.as_ref()) {
                len[fill[x]] = ol[e];
            }
            fill[x] += 1;
        }
    }
    Csr {
        offsets,
        targets: sources,
        len,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::test_graph;

    fn net(g: &Graph, weight: EdgeWeight) -> Network {
        Network::build(g, weight, true, false).unwrap()
    }

    #[test]
    fn uniform_lengths_are_dropped() {
        let g = test_graph(&[0, 1], &[1, 2], Some(&[3.0, 3.0]), 3, true);
        assert!(!net(&g, EdgeWeight::Summed).weighted());
        assert_eq!(net(&g, EdgeWeight::Summed).unit_length, 1.0 / 3.0);
        let g = test_graph(&[0, 1], &[1, 2], Some(&[3.0, 0.0]), 3, true);
        assert!(net(&g, EdgeWeight::Summed).weighted());
    }

    #[test]
    fn renumbering_keeps_the_edges_and_maps_back() {
        // Directed: 3 -> 0 (w 1), 0 -> 2 (w 2), 2 -> 0 (w 4), 1 isolated, 4 -> 4 loop (w 8).
        let (s, t, w) = ([3u32, 0, 2, 4], [0u32, 2, 0, 4], [1.0, 2.0, 4.0, 8.0]);
        let g = test_graph(&s, &t, Some(&w), 5, true);
        let nw = Network::new(&g, EdgeWeight::Summed, true).unwrap();
        let old_of = nw.old_of.clone().unwrap();
        // Hub: node 0 (degree 3), then its neighbours, then the rest in code order.
        assert_eq!(old_of, vec![0, 2, 3, 1, 4]);
        let (out, inn) = (nw.out(), nw.inn());
        let mut edges = Vec::new();
        let mut back = Vec::new();
        for u in 0..5 {
            for (x, l) in out.edges(u) {
                edges.push((old_of[u], old_of[x as usize], l));
            }
            for (x, l) in inn.edges(u) {
                back.push((old_of[x as usize], old_of[u], l));
            }
        }
        edges.sort_by(|a, b| a.partial_cmp(b).unwrap());
        back.sort_by(|a, b| a.partial_cmp(b).unwrap());
        let want = vec![(0, 2, 0.5), (2, 0, 0.25), (3, 0, 1.0), (4, 4, 0.125)];
        assert_eq!(edges, want);
        assert_eq!(back, want);
        let values: Vec<u32> = (0..5).collect();
        assert_eq!(nw.to_original(&values), vec![0, 3, 1, 2, 4]);
    }

    #[test]
    fn undirected_network_uses_one_adjacency() {
        let g = test_graph(&[0, 1], &[1, 2], None, 3, false);
        let nw = Network::new(&g, EdgeWeight::Unit, true).unwrap();
        assert!(nw.rev.is_none());
        assert_eq!(nw.out().targets, nw.inn().targets);
        assert_eq!(nw.out().targets.len(), 4);
    }
}

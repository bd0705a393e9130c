//! Breadth-first search and Dijkstra workspaces reused across sources.

use super::network::Adj;
use super::{UNSEEN, tie};
use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// A node's state in a breadth-first search: hop distance and one float (path count, then the
/// dependency coefficient), kept side by side so a neighbour check touches one cache line.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Slot {
    pub val: f64,
    pub dist: u32,
}

/// Breadth-first search workspace for Brandes' algorithm, reused across sources. Distances
/// are kept apart from the path counts so the test "seen at which level?" made for every edge
/// touches a small array (4 bytes per node) that stays in cache.
#[derive(Debug)]
pub(crate) struct Bfs {
    /// Hop distance from the source (`UNSEEN` when not reached).
    pub dist: Vec<u32>,
    /// Number of shortest paths during the forward pass; the backward pass overwrites it.
    pub val: Vec<f64>,
    /// Visited nodes in visit order (the queue): non-decreasing distance.
    pub order: Vec<u32>,
    /// Shortest-path successors of the visited nodes, grouped by node in visit order.
    pub succ: Vec<u32>,
    /// `succ_end[i]`: end of the successors of `order[i]` in `succ`.
    pub succ_end: Vec<usize>,
}

impl Bfs {
    /// A workspace for `n` nodes, all unseen.
    pub fn new(n: usize) -> Self {
        Self {
            dist: vec![UNSEEN; n],
            val: vec![0.0; n],
            order: Vec::with_capacity(n),
            succ: Vec::new(),
            succ_end: Vec::with_capacity(n),
        }
    }

    /// Brandes' forward pass from `s`: visits every node reachable over `adj`, setting its hop
    /// distance and its number of shortest paths from `s` (in `val`), and records each node's
    /// successors on shortest paths (neighbours one hop further).
    pub fn count_paths(&mut self, adj: &Adj<'_>, s: u32) {
        let (dist, val) = (&mut self.dist[..], &mut self.val[..]);
        dist[s as usize] = 0;
        val[s as usize] = 1.0;
        self.order.push(s);
        let mut head = 0;
        while head < self.order.len() {
            let w = self.order[head] as usize;
            head += 1;
            let (next, sw) = (dist[w] + 1, val[w]);
            for &x in adj.nbrs(w) {
                let xi = x as usize;
                let dx = dist[xi];
                if dx == UNSEEN {
                    dist[xi] = next;
                    val[xi] = sw;
                    self.order.push(x);
                    self.succ.push(x);
                } else if dx == next {
                    val[xi] += sw;
                    self.succ.push(x);
                }
            }
            self.succ_end.push(self.succ.len());
        }
    }

    /// Successors of the `i`-th visited node.
    #[inline]
    pub fn successors(&self, i: usize) -> &[u32] {
        let start = if i == 0 { 0 } else { self.succ_end[i - 1] };
        &self.succ[start..self.succ_end[i]]
    }

    /// Marks every visited node unseen again and empties the lists.
    pub fn reset(&mut self) {
        for &w in &self.order {
            self.dist[w as usize] = UNSEEN;
        }
        self.order.clear();
        self.succ.clear();
        self.succ_end.clear();
    }
}

/// Dijkstra workspace reused across sources (binary heap with lazy deletion).
#[derive(Debug)]
pub(crate) struct Dijkstra {
    pub dist: Vec<f64>,
    /// Path count during the forward pass; callers may overwrite it afterwards.
    pub val: Vec<f64>,
    /// Settle position of each node (`UNSEEN` until settled).
    pub pos: Vec<u32>,
    /// Settled nodes in settle order (non-decreasing distance).
    pub order: Vec<u32>,
    /// Shortest-path predecessors of the settled nodes, grouped by node in settle order
    /// (recorded when path counts are pulled).
    preds: Vec<u32>,
    pred_end: Vec<usize>,
    touched: Vec<u32>,
    heap: BinaryHeap<Reverse<(u64, u32)>>,
}

impl Dijkstra {
    /// A workspace for `n` nodes, all unseen.
    pub fn new(n: usize) -> Self {
        Self {
            dist: vec![f64::INFINITY; n],
            val: vec![0.0; n],
            pos: vec![UNSEEN; n],
            order: Vec::new(),
            preds: Vec::new(),
            pred_end: Vec::new(),
            touched: Vec::new(),
            heap: BinaryHeap::new(),
        }
    }

    /// Settles nodes from `s` in order of distance over `out`, stopping after `target` when
    /// given. With `inn`, also counts shortest paths (see [`Dijkstra::settle_next`]).
    pub fn run(&mut self, out: &Adj<'_>, inn: Option<&Adj<'_>>, s: u32, target: Option<u32>) {
        self.start(s);
        while let Some(w) = self.settle_next(out, inn) {
            if Some(w) == target {
                return;
            }
        }
    }

    /// Starts a search from `s` (on a reset workspace).
    pub fn start(&mut self, s: u32) {
        self.dist[s as usize] = 0.0;
        self.touched.push(s);
        self.heap.push(Reverse((0, s)));
    }

    /// Distance of the nearest unsettled node reached so far, if any.
    pub fn peek(&mut self) -> Option<f64> {
        while let Some(&Reverse((key, w))) = self.heap.peek() {
            if self.pos[w as usize] == UNSEEN {
                return Some(f64::from_bits(key));
            }
            self.heap.pop();
        }
        None
    }

    /// Settles the nearest unsettled node `w` and relaxes its edges in `relax`. With `pull`,
    /// `val[w]` becomes its number of shortest paths: 1 for the source, else the sum of
    /// `val[v]` over the neighbours `v` in `pull` settled before `w` with `dist[v] + len(v, w)`
    /// tied with `dist[w]`, and those `v` are recorded as its predecessors
    /// ([`Dijkstra::predecessors`]). Distances of settled nodes are final, so the path counts
    /// and the predecessor lists agree exactly.
    pub fn settle_next(&mut self, relax: &Adj<'_>, pull: Option<&Adj<'_>>) -> Option<u32> {
        let (d, w) = loop {
            let Reverse((key, w)) = self.heap.pop()?;
            if self.pos[w as usize] == UNSEEN {
                break (f64::from_bits(key), w);
            }
        };
        let wi = w as usize;
        if let Some(pull) = pull {
            self.val[wi] = if self.order.is_empty() {
                1.0
            } else {
                let mut sigma = 0.0;
                for (v, l) in pull.edges(wi) {
                    if self.pos[v as usize] != UNSEEN && self.is_tie(v, l, d) {
                        sigma += self.val[v as usize];
                        self.preds.push(v);
                    }
                }
                sigma
            };
            self.pred_end.push(self.preds.len());
        }
        self.pos[wi] = self.order.len() as u32;
        self.order.push(w);
        for (x, l) in relax.edges(wi) {
            let xi = x as usize;
            let nd = d + l;
            if nd < self.dist[xi] && self.pos[xi] == UNSEEN {
                if self.dist[xi] == f64::INFINITY {
                    self.touched.push(x);
                }
                self.dist[xi] = nd;
                self.heap.push(Reverse((nd.to_bits(), x)));
            }
        }
        Some(w)
    }

    #[inline]
    fn is_tie(&self, v: u32, l: f64, d: f64) -> bool {
        l.is_finite() && tie(self.dist[v as usize] + l, d)
    }

    /// Shortest-path predecessors of the `i`-th settled node: the neighbours in `pull` settled
    /// before it with `dist[v] + len(v, w)` tied with its distance (only after a search that
    /// pulled path counts).
    #[inline]
    pub fn predecessors(&self, i: usize) -> &[u32] {
        let start = if i == 0 { 0 } else { self.pred_end[i - 1] };
        &self.preds[start..self.pred_end[i]]
    }

    /// Marks every touched node unseen again.
    pub fn reset(&mut self) {
        for &w in &self.touched {
            self.dist[w as usize] = f64::INFINITY;
            self.pos[w as usize] = UNSEEN;
        }
        self.touched.clear();
        self.order.clear();
        self.preds.clear();
        self.pred_end.clear();
        self.heap.clear();
    }
}

impl Dijkstra {
    /// Plain Dijkstra from `s` over the nodes of component `c` only.
    pub fn run_within(&mut self, out: &Adj<'_>, s: u32, comp: &[u32], c: u32) {
        self.dist[s as usize] = 0.0;
        self.touched.push(s);
        self.heap.push(Reverse((0, s)));
        while let Some(Reverse((key, w))) = self.heap.pop() {
            let wi = w as usize;
            if self.pos[wi] != UNSEEN {
                continue;
            }
            let d = f64::from_bits(key);
            self.pos[wi] = self.order.len() as u32;
            self.order.push(w);
            for (x, l) in out.edges(wi) {
                let xi = x as usize;
                let nd = d + l;
                if comp[xi] == c && nd < self.dist[xi] && self.pos[xi] == UNSEEN {
                    if self.dist[xi] == f64::INFINITY {
                        self.touched.push(x);
                    }
                    self.dist[xi] = nd;
                    self.heap.push(Reverse((nd.to_bits(), x)));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::{EdgeWeight, Graph, test_graph};
    use crate::influence::shortest_paths::Network;

    fn net(g: &Graph, weight: EdgeWeight) -> Network {
        Network::build(g, weight, true, false).unwrap()
    }

    #[test]
    fn bfs_counts_paths_in_a_diamond() {
        // 0 -> {1, 2} -> 3 -> 4
        let g = test_graph(&[0, 0, 1, 2, 3], &[1, 2, 3, 3, 4], None, 5, true);
        let nw = net(&g, EdgeWeight::Unit);
        let mut b = Bfs::new(5);
        b.count_paths(&nw.out(), 0);
        assert_eq!(b.dist, vec![0, 1, 1, 2, 3]);
        assert_eq!(b.val, vec![1.0, 1.0, 1.0, 2.0, 2.0]);
        assert_eq!(b.order, vec![0, 1, 2, 3, 4]);
        assert_eq!(b.successors(0), &[1, 2]);
        assert_eq!(b.successors(2), &[3]);
        assert!(b.successors(4).is_empty());
        b.reset();
        assert!(b.dist.iter().all(|&d| d == UNSEEN) && b.order.is_empty());
    }

    #[test]
    fn dijkstra_counts_tied_paths_and_ignores_zero_weight_edges() {
        // Weights 1 and 2 give lengths 1 and 0.5: 0 -(2)- 1 -(2)- 3 has length 1, as does
        // 0 -(1)- 3; 0 -(0)- 2 is unusable.
        let (s, t, w) = ([0u32, 1, 0, 0], [1u32, 3, 3, 2], [2.0, 2.0, 1.0, 0.0]);
        let g = test_graph(&s, &t, Some(&w), 4, false);
        let nw = net(&g, EdgeWeight::Summed);
        assert!(nw.weighted());
        let mut d = Dijkstra::new(4);
        d.run(&nw.out(), Some(&nw.inn()), 0, None);
        assert_eq!(d.dist, vec![0.0, 0.5, f64::INFINITY, 1.0]);
        assert_eq!(d.val[3], 2.0);
        assert_eq!(d.order, vec![0, 1, 3]);
        assert_eq!(d.predecessors(2), &[0, 1]);
        assert_eq!(d.predecessors(1), &[0]);
        d.reset();
        assert!(d.pos.iter().all(|&p| p == UNSEEN));
        assert!(d.dist.iter().all(|&x| x == f64::INFINITY));
    }
}

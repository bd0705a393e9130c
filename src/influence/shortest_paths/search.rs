//! Breadth-first search and Dijkstra workspaces reused across sources.

use super::network::Adj;
use super::{UNSEEN, tie};

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

/// Distance and settle position of a node, side by side: relaxing an edge reads both.
#[derive(Debug, Clone, Copy)]
struct Mark {
    dist: f64,
    pos: u32,
}

const FRESH: Mark = Mark {
    dist: f64::INFINITY,
    pos: UNSEEN,
};

/// Dijkstra workspace reused across sources, with a radix heap (lazy deletion) keyed by the
/// bits of the distance: for non-negative floats the bit patterns order like the values, and
/// Dijkstra pops keys in non-decreasing order, which is all a radix heap needs.
#[derive(Debug)]
pub(crate) struct Dijkstra {
    mark: Vec<Mark>,
    /// Path count during the forward pass; callers may overwrite it afterwards.
    pub val: Vec<f64>,
    /// Settled nodes in settle order (non-decreasing distance).
    pub order: Vec<u32>,
    /// Shortest-path predecessors of the settled nodes, grouped by node in settle order
    /// (recorded when path counts are pulled).
    preds: Vec<u32>,
    pred_end: Vec<usize>,
    touched: Vec<u32>,
    heap: RadixHeap,
}

impl Dijkstra {
    /// A workspace for `n` nodes, all unseen.
    pub fn new(n: usize) -> Self {
        Self {
            mark: vec![FRESH; n],
            val: vec![0.0; n],
            order: Vec::new(),
            preds: Vec::new(),
            pred_end: Vec::new(),
            touched: Vec::new(),
            heap: RadixHeap::default(),
        }
    }

    /// Tentative or final distance of `v` (infinite when not reached).
    #[inline]
    pub fn dist(&self, v: u32) -> f64 {
        self.mark[v as usize].dist
    }

    /// Settle position of `v` (`UNSEEN` until settled).
    #[inline]
    pub fn pos(&self, v: u32) -> u32 {
        self.mark[v as usize].pos
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
        self.mark[s as usize].dist = 0.0;
        self.touched.push(s);
        self.heap.push(0, s);
    }

    /// Distance of the nearest unsettled node reached so far, if any.
    pub fn peek(&mut self) -> Option<f64> {
        loop {
            let (key, w) = self.heap.peek()?;
            if self.mark[w as usize].pos == UNSEEN {
                return Some(f64::from_bits(key));
            }
            self.heap.pop();
        }
    }

    /// Settles the nearest unsettled node `w` and relaxes its edges in `relax`. With `pull`,
    /// `val[w]` becomes its number of shortest paths: 1 for the source, else the sum of
    /// `val[v]` over the neighbours `v` in `pull` settled before `w` with `dist[v] + len(v, w)`
    /// tied with `dist[w]`, and those `v` are recorded as its predecessors
    /// ([`Dijkstra::predecessors`]). Distances of settled nodes are final, so the path counts
    /// and the predecessor lists agree exactly.
    pub fn settle_next(&mut self, relax: &Adj<'_>, pull: Option<&Adj<'_>>) -> Option<u32> {
        let (d, w) = loop {
            let (key, w) = self.heap.pop()?;
            if self.mark[w as usize].pos == UNSEEN {
                break (f64::from_bits(key), w);
            }
        };
        let wi = w as usize;
        let source = self.order.is_empty();
        self.mark[wi].pos = self.order.len() as u32;
        self.order.push(w);
        match pull {
            // Undirected: the in- and out-neighbours are the same list, so one pass both
            // pulls from settled neighbours and relaxes the others.
            Some(pull) if std::ptr::eq(pull.targets, relax.targets) => {
                let mut sigma = if source { 1.0 } else { 0.0 };
                for (x, l) in relax.edges(wi) {
                    let m = &mut self.mark[x as usize];
                    if m.pos == UNSEEN {
                        let nd = d + l;
                        if nd < m.dist {
                            if m.dist == f64::INFINITY {
                                self.touched.push(x);
                            }
                            m.dist = nd;
                            self.heap.push(nd.to_bits(), x);
                        }
                    } else if x != w && l.is_finite() && tie(m.dist + l, d) {
                        sigma += self.val[x as usize];
                        self.preds.push(x);
                    }
                }
                self.val[wi] = sigma;
                self.pred_end.push(self.preds.len());
                return Some(w);
            }
            Some(pull) => {
                let mut sigma = if source { 1.0 } else { 0.0 };
                for (v, l) in pull.edges(wi) {
                    let m = self.mark[v as usize];
                    if m.pos != UNSEEN && v != w && l.is_finite() && tie(m.dist + l, d) {
                        sigma += self.val[v as usize];
                        self.preds.push(v);
                    }
                }
                self.val[wi] = sigma;
                self.pred_end.push(self.preds.len());
            }
            None => {}
        }
        for (x, l) in relax.edges(wi) {
            let m = &mut self.mark[x as usize];
            let nd = d + l;
            if nd < m.dist && m.pos == UNSEEN {
                if m.dist == f64::INFINITY {
                    self.touched.push(x);
                }
                m.dist = nd;
                self.heap.push(nd.to_bits(), x);
            }
        }
        Some(w)
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
            self.mark[w as usize] = FRESH;
        }
        self.touched.clear();
        self.order.clear();
        self.preds.clear();
        self.pred_end.clear();
        self.heap.clear();
    }
}

/// Radix heap (Ahuja, Mehlhorn, Orlin and Tarjan 1990) on `u64` keys: a monotone priority
/// queue, valid while no key pushed is below the last key popped. Bucket `b > 0` holds keys
/// whose highest bit differing from `last` is bit `b - 1`; bucket 0 holds keys equal to `last`.
/// Popping an empty bucket 0 moves the smallest key of the first non-empty bucket into `last`
/// and redistributes that bucket into lower ones, so each entry moves at most 64 times.
#[derive(Debug)]
struct RadixHeap {
    buckets: Vec<Vec<(u64, u32)>>,
    last: u64,
    len: usize,
}

impl Default for RadixHeap {
    fn default() -> Self {
        Self {
            buckets: vec![Vec::new(); 65],
            last: 0,
            len: 0,
        }
    }
}

impl RadixHeap {
    #[inline]
    fn bucket(&self, key: u64) -> usize {
        64 - (key ^ self.last).leading_zeros() as usize
    }

    #[inline]
    fn push(&mut self, key: u64, item: u32) {
        let b = self.bucket(key);
        self.buckets[b].push((key, item));
        self.len += 1;
    }

    /// Makes bucket 0 non-empty (unless the heap is empty) and returns its key.
    fn settle_front(&mut self) -> Option<u64> {
        if self.len == 0 {
            return None;
        }
        if self.buckets[0].is_empty() {
            let b = (1..65).find(|&b| !self.buckets[b].is_empty())?;
            let moving = std::mem::take(&mut self.buckets[b]);
            self.last = moving.iter().map(|&(k, _)| k).min()?;
            for &(k, item) in &moving {
                let to = self.bucket(k);
                self.buckets[to].push((k, item));
            }
            // Keep the allocation for later use.
            let mut moving = moving;
            moving.clear();
            self.buckets[b] = moving;
        }
        Some(self.last)
    }

    fn peek(&mut self) -> Option<(u64, u32)> {
        self.settle_front()?;
        self.buckets[0].last().copied()
    }

    fn pop(&mut self) -> Option<(u64, u32)> {
        self.settle_front()?;
        self.len -= 1;
        self.buckets[0].pop()
    }

    fn clear(&mut self) {
        for b in &mut self.buckets {
            b.clear();
        }
        self.last = 0;
        self.len = 0;
    }
}

impl Dijkstra {
    /// Plain Dijkstra from `s` over the nodes of component `c` only.
    pub fn run_within(&mut self, out: &Adj<'_>, s: u32, comp: &[u32], c: u32) {
        self.start(s);
        while let Some((key, w)) = self.heap.pop() {
            let wi = w as usize;
            if self.mark[wi].pos != UNSEEN {
                continue;
            }
            let d = f64::from_bits(key);
            self.mark[wi].pos = self.order.len() as u32;
            self.order.push(w);
            for (x, l) in out.edges(wi) {
                let m = &mut self.mark[x as usize];
                let nd = d + l;
                if comp[x as usize] == c && nd < m.dist && m.pos == UNSEEN {
                    if m.dist == f64::INFINITY {
                        self.touched.push(x);
                    }
                    m.dist = nd;
                    self.heap.push(nd.to_bits(), x);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn radix_heap_pops_in_order_with_duplicates() {
        let mut h = RadixHeap::default();
        for (k, v) in [(5u64, 0u32), (3, 1), (9, 2), (3, 3), (1 << 40, 4)] {
            h.push(k, v);
        }
        assert_eq!(h.peek().map(|(k, _)| k), Some(3));
        let mut keys = vec![h.pop().unwrap().0, h.pop().unwrap().0];
        h.push(4, 5); // not below the last key popped
        while let Some((k, _)) = h.pop() {
            keys.push(k);
        }
        assert_eq!(keys, vec![3, 3, 4, 5, 9, 1 << 40]);
        let floats = [0.5f64, 0.25, 3.0, 1e-300, 2.0];
        for (i, f) in floats.iter().enumerate() {
            h.push(f.to_bits(), i as u32);
        }
        let order: Vec<u32> = std::iter::from_fn(|| h.pop().map(|(_, v)| v)).collect();
        assert_eq!(order, vec![3, 1, 0, 4, 2]);
    }
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
        let dist: Vec<f64> = (0..4).map(|v| d.dist(v)).collect();
        assert_eq!(dist, vec![0.0, 0.5, f64::INFINITY, 1.0]);
        assert_eq!(d.val[3], 2.0);
        assert_eq!(d.order, vec![0, 1, 3]);
        assert_eq!(d.predecessors(2), &[0, 1]);
        assert_eq!(d.predecessors(1), &[0]);
        d.reset();
        assert!((0..4).all(|v| d.pos(v) == UNSEEN && d.dist(v) == f64::INFINITY));
    }
}

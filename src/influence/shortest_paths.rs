//! Machinery shared by the shortest-path measures (exact and sampled betweenness, harmonic
//! closeness): adjacency views with edge lengths, reusable BFS and Dijkstra workspaces, a
//! deterministic parallel driver over fixed chunks of work, fixed-point accumulation, and an
//! upper bound on the vertex diameter.
//!
//! Edge lengths: a customer graph's weight is tie strength, so a weighted shortest path uses the
//! distance `1 / w` per edge (strong ties are short). An edge of weight 0 has infinite length and
//! is never on a shortest path. Two path lengths are taken as equal when they differ by at most
//! [`TIE_TOLERANCE`] relative to the larger one, so sums such as `1/3 + 1/3 + 1/3` and `1` tie
//! as they do mathematically.

use crate::control::Control;
use crate::error::{CoreError, CoreResult};
use crate::graph::{EdgeWeight, Graph};
use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::ops::Range;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Marks a node not reached yet (distance in hops, or settle position).
pub(crate) const UNSEEN: u32 = u32::MAX;

/// Relative tolerance under which two weighted path lengths count as equal (as in igraph).
pub const TIE_TOLERANCE: f64 = 1e-10;

/// Whether two path lengths are equal up to [`TIE_TOLERANCE`].
#[inline]
pub(crate) fn tie(a: f64, b: f64) -> bool {
    (a - b).abs() <= TIE_TOLERANCE * a.max(b)
}

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

/// A graph prepared for shortest paths: out-adjacency, in-adjacency (the same for an undirected
/// graph) and edge lengths.
#[derive(Debug)]
pub(crate) struct Network<'g> {
    pub n: usize,
    pub directed: bool,
    out_offsets: &'g [usize],
    out_targets: &'g [u32],
    out_len: Option<Vec<f64>>,
    /// The common length of every edge when the lengths were dropped as uniform (else 1).
    pub unit_length: f64,
    /// Directed graphs only: the in-adjacency.
    rev: Option<InAdjacency>,
}

/// A copy of a directed graph's in-adjacency with per-in-slot lengths.
#[derive(Debug)]
struct InAdjacency {
    offsets: Vec<usize>,
    sources: Vec<u32>,
    len: Option<Vec<f64>>,
}

impl<'g> Network<'g> {
    /// Prepares `g` with the lengths `1 / w` of the chosen weight (none for [`EdgeWeight::Unit`]).
    /// When every edge has the same finite length the lengths are dropped (hop counts give the
    /// same shortest paths) and that length is kept in `unit_length`. The in-adjacency of a
    /// directed graph is copied only when `need_in` is set (see also [`Network::add_in`]).
    ///
    /// # Errors
    /// [`CoreError::BadParameter`] for [`EdgeWeight::Decayed`] on a graph without decay.
    pub fn new(g: &'g Graph, weight: EdgeWeight, need_in: bool) -> CoreResult<Self> {
        let mut out_len = g
            .edge_weights(weight)?
            .map(|w| w.iter().map(|&w| 1.0 / w).collect::<Vec<f64>>());
        let mut unit_length = 1.0;
        if let Some(len) = &out_len {
            if let Some(&first) = len.first() {
                if first.is_finite() && len.iter().all(|&l| l == first) {
                    unit_length = first;
                    out_len = None;
                }
            }
        }
        let rev = (g.is_directed() && need_in).then(|| reverse(g, out_len.as_deref()));
        Ok(Self {
            n: g.n_nodes(),
            directed: g.is_directed(),
            out_offsets: g.offsets(),
            out_targets: g.targets(),
            out_len,
            unit_length,
            rev,
        })
    }

    /// Copies the in-adjacency of a directed graph if it is not there yet.
    pub fn add_in(&mut self, g: &Graph) {
        if self.directed && self.rev.is_none() {
            self.rev = Some(reverse(g, self.out_len.as_deref()));
        }
    }

    /// Whether edges have lengths other than 1.
    pub fn weighted(&self) -> bool {
        self.out_len.is_some()
    }

    /// Out-adjacency.
    pub fn out(&self) -> Adj<'_> {
        Adj {
            offsets: self.out_offsets,
            targets: self.out_targets,
            len: self.out_len.as_deref(),
        }
    }

    /// In-adjacency (the out-adjacency of an undirected graph). A directed network built
    /// without `need_in` returns the out-adjacency, which callers never ask for.
    pub fn inn(&self) -> Adj<'_> {
        match &self.rev {
            Some(r) => Adj {
                offsets: &r.offsets,
                targets: &r.sources,
                len: r.len.as_deref(),
            },
            None => self.out(),
        }
    }
}

fn reverse(g: &Graph, out_len: Option<&[f64]>) -> InAdjacency {
    let n = g.n_nodes();
    let mut offsets = Vec::with_capacity(n + 1);
    let mut sources = Vec::with_capacity(g.n_slots());
    let mut len = out_len.map(|_| Vec::with_capacity(g.n_slots()));
    offsets.push(0);
    for v in 0..n {
        let (src, slots) = g.in_neighbors(v);
        sources.extend_from_slice(src);
        if let (Some(len), Some(out_len)) = (len.as_mut(), out_len) {
            len.extend((0..src.len()).map(|i| out_len[slots.get(i)]));
        }
        offsets.push(sources.len());
    }
    InAdjacency {
        offsets,
        sources,
        len,
    }
}

/// Runs `work(state, items)` over the fixed chunks `0..chunk, chunk..2 chunk, ...` of
/// `0..n_items` on every thread of the current rayon pool, each thread taking the next chunk
/// from a shared counter and keeping one `state` (made by `init` on its first chunk). Checks for
/// cancellation before each chunk and reports `items.len()` units of progress after it.
///
/// Which thread handles which chunk depends on scheduling, so callers must combine the returned
/// states in an order-independent way (integer sums, or per-item outputs).
///
/// # Errors
/// [`CoreError::Cancelled`] once `ctl` is cancelled.
pub(crate) fn par_chunks<S: Send>(
    n_items: usize,
    chunk: usize,
    ctl: &Control,
    init: impl Fn() -> S + Sync,
    work: impl Fn(&mut S, Range<usize>) + Sync,
) -> CoreResult<Vec<S>> {
    let chunk = chunk.max(1);
    let n_chunks = n_items.div_ceil(chunk);
    let next = AtomicUsize::new(0);
    let states = rayon::broadcast(|_| -> CoreResult<Option<S>> {
        let mut state = None;
        loop {
            let c = next.fetch_add(1, Ordering::Relaxed);
            if c >= n_chunks {
                return Ok(state);
            }
            ctl.checkpoint()?;
            let items = c * chunk..((c + 1) * chunk).min(n_items);
            let len = items.len() as u64;
            work(state.get_or_insert_with(&init), items);
            ctl.advance(len);
        }
    });
    let mut out = Vec::with_capacity(states.len());
    for s in states {
        if let Some(s) = s? {
            out.push(s);
        }
    }
    ctl.checkpoint()?;
    Ok(out)
}

/// Fixed-point scale of [`to_fixed`]: 60 fractional bits. Sums of up to `n^2` with `n < 2^32`
/// stay below `2^124`, so `u128` accumulators never overflow, and integer sums do not depend on
/// the order in which threads add them.
pub(crate) const FIXED_ONE: u128 = 1 << 60;

/// `x * 2^60` rounded down, for finite `x >= 0` (anything else maps to 0; values at or above
/// `2^67` saturate, far beyond any betweenness).
#[inline]
pub(crate) fn to_fixed(x: f64) -> u128 {
    let bits = x.to_bits();
    let exp = ((bits >> 52) & 0x7ff) as i32;
    if bits >> 63 != 0 || exp == 0 || exp == 0x7ff {
        return 0;
    }
    let mant = u128::from((bits & ((1 << 52) - 1)) | (1 << 52));
    // x = mant * 2^(exp - 1075), so x * 2^60 = mant * 2^(exp - 1015).
    let shift = exp - 1015;
    if shift >= 0 {
        if shift > 74 {
            u128::MAX >> 1
        } else {
            mant << shift
        }
    } else if shift > -64 {
        mant >> (-shift)
    } else {
        0
    }
}

/// The value of a fixed-point sum.
#[inline]
pub(crate) fn from_fixed(x: u128) -> f64 {
    x as f64 / FIXED_ONE as f64
}

/// Adds per-thread fixed-point accumulators (order-independent) and converts them to `f64`.
pub(crate) fn sum_fixed(n: usize, parts: &[Vec<u128>]) -> Vec<f64> {
    (0..n)
        .map(|v| from_fixed(parts.iter().fold(0u128, |a, p| a.wrapping_add(p[v]))))
        .collect()
}

/// A node's state in a breadth-first search: hop distance and one float (path count, then the
/// dependency coefficient), kept side by side so a neighbour check touches one cache line.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Slot {
    pub val: f64,
    pub dist: u32,
}

/// Breadth-first search workspace reused across sources: `order` is both the queue and the
/// visit order (non-decreasing distance).
#[derive(Debug)]
pub(crate) struct Bfs {
    pub node: Vec<Slot>,
    pub order: Vec<u32>,
}

impl Bfs {
    /// A workspace for `n` nodes, all unseen.
    pub fn new(n: usize) -> Self {
        Self {
            node: vec![
                Slot {
                    val: 0.0,
                    dist: UNSEEN
                };
                n
            ],
            order: Vec::with_capacity(n),
        }
    }

    /// Brandes' forward pass from `s`: visits every node reachable over `adj`, setting its hop
    /// distance and its number of shortest paths from `s` (in `val`).
    pub fn count_paths(&mut self, adj: &Adj<'_>, s: u32) {
        self.node[s as usize] = Slot { val: 1.0, dist: 0 };
        self.order.push(s);
        let mut head = 0;
        while head < self.order.len() {
            let w = self.order[head] as usize;
            head += 1;
            let Slot { val: sw, dist: dw } = self.node[w];
            let next = dw + 1;
            for &x in adj.nbrs(w) {
                let r = &mut self.node[x as usize];
                if r.dist == UNSEEN {
                    *r = Slot {
                        val: sw,
                        dist: next,
                    };
                    self.order.push(x);
                } else if r.dist == next {
                    r.val += sw;
                }
            }
        }
    }

    /// Marks every visited node unseen again and empties the order.
    pub fn reset(&mut self) {
        for &w in &self.order {
            self.node[w as usize].dist = UNSEEN;
        }
        self.order.clear();
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
    /// tied with `dist[w]`. Pulling at settle time from final distances makes the predecessor
    /// relation exactly the one [`Dijkstra::is_pred`] tests afterwards.
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
                pull.edges(wi)
                    .filter(|&(v, l)| self.pos[v as usize] != UNSEEN && self.is_tie(v, l, d))
                    .fold(0.0, |acc, (v, _)| acc + self.val[v as usize])
            };
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

    /// Whether `v` is a shortest-path predecessor of `w` over an edge of length `l`: both
    /// settled, `v` first, and `dist[v] + l` tied with `dist[w]`.
    #[inline]
    pub fn is_pred(&self, v: u32, w: u32, l: f64) -> bool {
        let (pv, pw) = (self.pos[v as usize], self.pos[w as usize]);
        pv != UNSEEN && pw != UNSEEN && pv < pw && self.is_tie(v, l, self.dist[w as usize])
    }

    /// Marks every touched node unseen again.
    pub fn reset(&mut self) {
        for &w in &self.touched {
            self.dist[w as usize] = f64::INFINITY;
            self.pos[w as usize] = UNSEEN;
        }
        self.touched.clear();
        self.order.clear();
        self.heap.clear();
    }
}

/// Strongly connected components of `out` (the connected components when the adjacency is
/// symmetric), by an iterative Tarjan search. Components are numbered in the order Tarjan
/// completes them, so every edge between two components goes from a higher number to a lower.
/// Returns the component of each node and the number of components.
pub(crate) fn strong_components(
    out: &Adj<'_>,
    n: usize,
    ctl: &Control,
) -> CoreResult<(Vec<u32>, usize)> {
    let mut index = vec![UNSEEN; n];
    let mut low = vec![0u32; n];
    let mut comp = vec![UNSEEN; n];
    let mut stack: Vec<u32> = Vec::new();
    let mut calls: Vec<(u32, usize)> = Vec::new();
    let (mut next_index, mut n_comps) = (0u32, 0usize);
    for root in 0..n {
        if index[root] != UNSEEN {
            continue;
        }
        ctl.checkpoint()?;
        index[root] = next_index;
        low[root] = next_index;
        next_index += 1;
        stack.push(root as u32);
        calls.push((root as u32, out.offsets[root]));
        while let Some(&mut (u, ref mut e)) = calls.last_mut() {
            let ui = u as usize;
            if *e < out.offsets[ui + 1] {
                let x = out.targets[*e] as usize;
                *e += 1;
                if index[x] == UNSEEN {
                    index[x] = next_index;
                    low[x] = next_index;
                    next_index += 1;
                    stack.push(x as u32);
                    calls.push((x as u32, out.offsets[x]));
                } else if comp[x] == UNSEEN {
                    low[ui] = low[ui].min(index[x]);
                }
                continue;
            }
            calls.pop();
            if let Some(&(parent, _)) = calls.last() {
                let p = parent as usize;
                low[p] = low[p].min(low[ui]);
            }
            if low[ui] == index[ui] {
                while let Some(x) = stack.pop() {
                    comp[x as usize] = n_comps as u32;
                    if x == u {
                        break;
                    }
                }
                n_comps += 1;
            }
        }
    }
    Ok((comp, n_comps))
}

/// An upper bound on the vertex diameter: the largest number of nodes on a shortest path
/// (at least 1 for a non-empty graph, 0 for an empty one).
///
/// Within a strongly connected component `C` (a connected component when undirected), a
/// shortest path between two of its nodes stays in `C` and is no longer than
/// `ecc_out(x) + ecc_in(x)` for any `x` in `C` (through `x`), eccentricities taken in `C`. In
/// hops that bounds its edges directly; with lengths, a path of `k` edges is at least `k` times
/// the shortest edge of `C` long. A shortest path visits components in an order of the
/// condensation (a DAG), entering each once, so the bound is the heaviest path of the
/// condensation with each component weighing `min(|C|, edges bound + 1)` nodes. For an
/// undirected unweighted graph this is `2 ecc(x) + 1` per component, the bound of Riondato and
/// Kornaropoulos.
///
/// # Errors
/// [`CoreError::Cancelled`].
pub(crate) fn vertex_diameter_bound(net: &Network<'_>, ctl: &Control) -> CoreResult<u64> {
    let n = net.n;
    let (out, inn) = (net.out(), net.inn());
    let (comp, n_comps) = strong_components(&out, n, ctl)?;
    // Nodes grouped by component (counting sort), each group in increasing code.
    let mut start = vec![0usize; n_comps + 1];
    for &c in &comp {
        start[c as usize + 1] += 1;
    }
    for c in 0..n_comps {
        start[c + 1] += start[c];
    }
    let mut members = vec![0u32; n];
    let mut fill = start.clone();
    for (v, &c) in comp.iter().enumerate() {
        members[fill[c as usize]] = v as u32;
        fill[c as usize] += 1;
    }
    let mut ecc = Eccentricity::new(n);
    let mut longest = vec![0u64; n_comps];
    for c in 0..n_comps {
        ctl.checkpoint()?;
        let nodes = &members[start[c]..start[c + 1]];
        let size = nodes.len() as u64;
        let within = if size == 1 {
            0
        } else {
            let root = nodes[0];
            let e_out = ecc.run(&out, root, &comp);
            let e_in = if net.directed {
                ecc.run(&inn, root, &comp)
            } else {
                e_out
            };
            let hops = match out.len {
                None => e_out + e_in,
                Some(_) => {
                    let shortest = min_length_within(&out, nodes, &comp);
                    ((e_out + e_in) / shortest * (1.0 + 1e-9)).floor()
                }
            };
            // Also covers non-finite ratios: the number of edges is below the size.
            if hops.is_finite() && hops < (size - 1) as f64 {
                hops as u64
            } else {
                size - 1
            }
        };
        let mut after = 0u64;
        for &u in nodes {
            for &x in out.nbrs(u as usize) {
                let cx = comp[x as usize] as usize;
                if cx != c {
                    after = after.max(longest[cx]);
                }
            }
        }
        longest[c] = within + 1 + after;
    }
    Ok(longest.into_iter().max().unwrap_or(0))
}

fn min_length_within(out: &Adj<'_>, nodes: &[u32], comp: &[u32]) -> f64 {
    let mut shortest = f64::INFINITY;
    for &u in nodes {
        for (x, l) in out.edges(u as usize) {
            if comp[x as usize] == comp[u as usize] {
                shortest = shortest.min(l);
            }
        }
    }
    shortest
}

/// Eccentricity of a node within its own component (hops, or length when weighted).
struct Eccentricity {
    hops: Vec<u32>,
    queue: Vec<u32>,
    dijkstra: Option<Dijkstra>,
}

impl Eccentricity {
    fn new(n: usize) -> Self {
        Self {
            hops: vec![UNSEEN; n],
            queue: Vec::new(),
            dijkstra: None,
        }
    }

    fn run(&mut self, adj: &Adj<'_>, root: u32, comp: &[u32]) -> f64 {
        let c = comp[root as usize];
        if adj.len.is_some() {
            let n = comp.len();
            let dj = self.dijkstra.get_or_insert_with(|| Dijkstra::new(n));
            dj.run_within(adj, root, comp, c);
            let far = dj.order.last().map_or(0.0, |&w| dj.dist[w as usize]);
            dj.reset();
            return far;
        }
        self.hops[root as usize] = 0;
        self.queue.push(root);
        let mut head = 0;
        while head < self.queue.len() {
            let w = self.queue[head] as usize;
            head += 1;
            for &x in adj.nbrs(w) {
                let xi = x as usize;
                if comp[xi] == c && self.hops[xi] == UNSEEN {
                    self.hops[xi] = self.hops[w] + 1;
                    self.queue.push(x);
                }
            }
        }
        let far = self.queue.last().map_or(0, |&w| self.hops[w as usize]);
        for &w in &self.queue {
            self.hops[w as usize] = UNSEEN;
        }
        self.queue.clear();
        f64::from(far)
    }
}

impl Dijkstra {
    /// Plain Dijkstra from `s` over the nodes of component `c` only.
    fn run_within(&mut self, out: &Adj<'_>, s: u32, comp: &[u32], c: u32) {
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

/// Checks that `n_nodes` fits the `u32` positions used by the workspaces.
pub(crate) fn check_size(n: usize) -> CoreResult<()> {
    if n >= UNSEEN as usize {
        return Err(CoreError::TooLarge {
            what: "nodes",
            got: n as u64,
            limit: u64::from(UNSEEN) - 1,
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::test_graph;

    fn net(g: &Graph, weight: EdgeWeight) -> Network<'_> {
        Network::new(g, weight, true).unwrap()
    }

    #[test]
    fn fixed_point_round_trips_and_adds_exactly() {
        for x in [0.0, 1.0, 0.5, 1.0 / 3.0, 12345.678, 1e-12, 3e9] {
            let back = from_fixed(to_fixed(x));
            assert!(
                (back - x).abs() <= 2f64.powi(-60) + x * 1e-15,
                "{x} -> {back}"
            );
        }
        assert_eq!(to_fixed(1.0), FIXED_ONE);
        assert_eq!(to_fixed(-1.0), 0);
        assert_eq!(to_fixed(f64::NAN), 0);
        assert_eq!(to_fixed(1e-300), 0);
        let parts = vec![vec![to_fixed(0.25), 0], vec![to_fixed(0.5), to_fixed(2.0)]];
        assert_eq!(sum_fixed(2, &parts), vec![0.75, 2.0]);
    }

    #[test]
    fn tie_is_relative() {
        assert!(tie(1.0, 1.0 + 1e-12));
        assert!(!tie(1.0, 1.0 + 1e-8));
        assert!(tie(0.1 + 0.2, 0.3));
        assert!(tie(0.0, 0.0));
    }

    #[test]
    fn bfs_counts_paths_in_a_diamond() {
        // 0 -> {1, 2} -> 3 -> 4
        let g = test_graph(&[0, 0, 1, 2, 3], &[1, 2, 3, 3, 4], None, 5, true);
        let nw = net(&g, EdgeWeight::Unit);
        let mut b = Bfs::new(5);
        b.count_paths(&nw.out(), 0);
        let sig: Vec<f64> = b.node.iter().map(|s| s.val).collect();
        let dist: Vec<u32> = b.node.iter().map(|s| s.dist).collect();
        assert_eq!(dist, vec![0, 1, 1, 2, 3]);
        assert_eq!(sig, vec![1.0, 1.0, 1.0, 2.0, 2.0]);
        b.reset();
        assert!(b.node.iter().all(|s| s.dist == UNSEEN) && b.order.is_empty());
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
        assert!(d.is_pred(1, 3, 0.5) && d.is_pred(0, 3, 1.0) && !d.is_pred(3, 1, 0.5));
        d.reset();
        assert!(d.pos.iter().all(|&p| p == UNSEEN));
        assert!(d.dist.iter().all(|&x| x == f64::INFINITY));
    }

    #[test]
    fn uniform_lengths_are_dropped() {
        let g = test_graph(&[0, 1], &[1, 2], Some(&[3.0, 3.0]), 3, true);
        assert!(!net(&g, EdgeWeight::Summed).weighted());
        let g = test_graph(&[0, 1], &[1, 2], Some(&[3.0, 0.0]), 3, true);
        assert!(net(&g, EdgeWeight::Summed).weighted());
    }

    #[test]
    fn components_are_numbered_sinks_first() {
        // 0 <-> 1 -> 2 <-> 3, 4 alone
        let g = test_graph(&[0, 1, 1, 2, 3], &[1, 0, 2, 3, 2], None, 5, true);
        let nw = net(&g, EdgeWeight::Unit);
        let (comp, k) = strong_components(&nw.out(), 5, &Control::new()).unwrap();
        assert_eq!(k, 3);
        assert_eq!(comp[0], comp[1]);
        assert_eq!(comp[2], comp[3]);
        assert!(comp[2] < comp[0]);
    }

    #[test]
    fn vertex_diameter_bounds_paths_and_cycles() {
        let ctl = Control::new();
        // Undirected path of 5 nodes: ecc(0) = 4, bound min(5, 9) = 5.
        let g = test_graph(&[0, 1, 2, 3], &[1, 2, 3, 4], None, 5, false);
        assert_eq!(
            vertex_diameter_bound(&net(&g, EdgeWeight::Unit), &ctl).unwrap(),
            5
        );
        // Directed path: 5 singleton components chained in the condensation.
        let g = test_graph(&[0, 1, 2, 3], &[1, 2, 3, 4], None, 5, true);
        assert_eq!(
            vertex_diameter_bound(&net(&g, EdgeWeight::Unit), &ctl).unwrap(),
            5
        );
        // Directed 6-cycle: ecc_out(0) = ecc_in(0) = 5, capped by the size 6.
        let s: Vec<u32> = (0..6).collect();
        let t: Vec<u32> = (0..6).map(|i| (i + 1) % 6).collect();
        let g = test_graph(&s, &t, None, 6, true);
        assert_eq!(
            vertex_diameter_bound(&net(&g, EdgeWeight::Unit), &ctl).unwrap(),
            6
        );
        // Undirected star of 7: ecc(0) = 1, so 2 * 1 + 1 = 3 nodes.
        let g = test_graph(&[0; 6], &[1, 2, 3, 4, 5, 6], None, 7, false);
        assert_eq!(
            vertex_diameter_bound(&net(&g, EdgeWeight::Unit), &ctl).unwrap(),
            3
        );
        // Weighted star, lengths 1 (edge 0-1) and 0.5: ecc(0) = 1 and the shortest edge is 0.5,
        // so at most (1 + 1) / 0.5 = 4 edges (below |C| - 1 = 6): 5 nodes.
        let w = [1.0, 2.0, 2.0, 2.0, 2.0, 2.0];
        let g = test_graph(&[0; 6], &[1, 2, 3, 4, 5, 6], Some(&w), 7, false);
        assert_eq!(
            vertex_diameter_bound(&net(&g, EdgeWeight::Summed), &ctl).unwrap(),
            5
        );
        let g = test_graph(&[], &[], None, 0, false);
        assert_eq!(
            vertex_diameter_bound(&net(&g, EdgeWeight::Unit), &ctl).unwrap(),
            0
        );
    }

    #[test]
    fn par_chunks_covers_every_item_once_on_any_pool() {
        for threads in [1, 3] {
            let ctl = Control::new();
            let parts = crate::parallel::with_threads(Some(threads), || {
                par_chunks(
                    1000,
                    7,
                    &ctl,
                    || vec![0u32; 1000],
                    |s, items| {
                        for i in items {
                            s[i] += 1;
                        }
                    },
                )
            })
            .unwrap();
            let total: Vec<u32> = (0..1000)
                .map(|i| parts.iter().map(|p| p[i]).sum())
                .collect();
            assert!(total.iter().all(|&c| c == 1));
            assert_eq!(ctl.progress().0, 1000);
        }
    }

    #[test]
    fn par_chunks_stops_when_cancelled() {
        let ctl = Control::new();
        ctl.cancel();
        let r = par_chunks(10, 1, &ctl, || (), |_, _| {});
        assert_eq!(r.unwrap_err(), CoreError::Cancelled);
    }
}

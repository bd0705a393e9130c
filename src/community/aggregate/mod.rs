//! The working graph of the community algorithms: a symmetric CSR without self entries, each
//! node's internal (self-loop) weight and its two null-model weights, built from a customer
//! graph and collapsed level by level (one node per community).

use crate::parallel::{WORK_CHUNKS, balanced_bounds};
use crate::prefetch::prefetch_at;
use rayon::prelude::*;
use std::borrow::Cow;

mod customer_graph;
#[cfg(test)]
mod tests;

pub(crate) use customer_graph::from_graph;
#[cfg(test)]
pub(crate) use customer_graph::modularity_graph;

/// Symmetric weighted adjacency with per-node null-model weights.
///
/// The rows may borrow a customer graph's own adjacency (see [`from_graph`]); every graph built
/// here owns them (`WorkGraph<'static>`).
///
/// For a pair `{u, v}`, `u != v`, both rows hold the same weight `w_uv` (for a directed graph
/// `A_uv + A_vu`); `self_w[u]` is the weight inside `u` counted once (a self-loop, or on an
/// aggregated graph the weight inside the community). The quality of a partition is
/// `H = sum_c (E_c - scale * A_c * B_c)` with `E_c` the weight inside `c` and `A_c`, `B_c` the
/// sums of `a`, `b` over `c` (see [`super::quality`]).
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct WorkGraph<'g> {
    pub offsets: Cow<'g, [usize]>,
    pub targets: Cow<'g, [u32]>,
    /// Row weights by slot; on a unit graph only as many ones as the longest row holds
    /// ([`Self::row`] slices them), which spares writing and paging in 8 bytes per entry.
    pub weights: Vec<f64>,
    pub self_w: Vec<f64>,
    pub a: Vec<f64>,
    pub b: Vec<f64>,
    /// Every row weight is 1: the hot loops then count entries instead of reading `weights`.
    pub unit: bool,
}

/// One chunk of rows built in parallel: targets, weights, row lengths, and per-node extras.
type Rows = (Vec<u32>, Vec<f64>, Vec<usize>, Vec<[f64; 3]>);

impl WorkGraph<'_> {
    pub fn n(&self) -> usize {
        self.self_w.len()
    }

    /// Starts loading where `u`'s row begins ([`crate::prefetch`]); `offsets[u]` should be in
    /// cache already (see [`Self::prefetch_bounds`]).
    #[inline(always)]
    pub fn prefetch_row(&self, u: usize) {
        if let Some(&o) = self.offsets.get(u) {
            prefetch_at(&self.targets, o);
            if !self.unit {
                prefetch_at(&self.weights, o);
            }
        }
    }

    /// Starts loading `u`'s row bounds.
    #[inline(always)]
    pub fn prefetch_bounds(&self, u: usize) {
        prefetch_at(&self.offsets, u);
    }

    pub fn row(&self, u: usize) -> (&[u32], &[f64]) {
        let r = self.offsets[u]..self.offsets[u + 1];
        let w = if self.unit {
            &self.weights[..r.len()]
        } else {
            &self.weights[r.clone()]
        };
        (&self.targets[r], w)
    }

    /// Calls `f(target, weight)` on each entry of `u`'s row. On a unit graph the weights are
    /// not read: a row then brings a third of the bytes into cache.
    #[inline(always)]
    pub fn each(&self, u: usize, mut f: impl FnMut(u32, f64)) {
        let r = self.offsets[u]..self.offsets[u + 1];
        if self.unit {
            self.targets[r].iter().for_each(|&v| f(v, 1.0));
        } else {
            let w = &self.weights[r.clone()];
            self.targets[r].iter().zip(w).for_each(|(&v, &x)| f(v, x));
        }
    }

    /// Total edge weight `m` (each pair once, self weight once), summed in node order.
    pub fn total_weight(&self) -> f64 {
        if self.unit && self.self_w.iter().all(|&x| x == 0.0) {
            // Every pair holds two slots of weight 1: exact, as the sum below would be.
            return self.targets.len() as f64 * 0.5;
        }
        let per_node: Vec<f64> = (0..self.n())
            .into_par_iter()
            .map(|u| {
                let (t, w) = self.row(u);
                let mut s = self.self_w[u];
                for (&v, &x) in t.iter().zip(w) {
                    if (v as usize) > u {
                        s += x;
                    }
                }
                s
            })
            .collect();
        crate::parallel::stable_sum(&per_node)
    }

    /// Concatenates chunks of rows, copying each chunk into its place in parallel (a sequential
    /// copy of every slot cost as much as building the rows).
    fn from_rows(chunks: Vec<Rows>, n: usize) -> WorkGraph<'static> {
        let mut slot_at = Vec::with_capacity(chunks.len() + 1);
        let mut node_at = Vec::with_capacity(chunks.len() + 1);
        slot_at.push(0usize);
        node_at.push(0usize);
        for c in &chunks {
            slot_at.push(slot_at[slot_at.len() - 1] + c.0.len());
            node_at.push(node_at[node_at.len() - 1] + c.2.len());
        }
        let n_slots = slot_at[chunks.len()];
        debug_assert_eq!(node_at[chunks.len()], n);
        let (mut offsets, mut targets, mut weights) =
            (vec![0; n + 1], vec![0u32; n_slots], vec![0.0; n_slots]);
        let (mut self_w, mut a, mut b) = (vec![0.0; n], vec![0.0; n], vec![0.0; n]);
        // Disjoint destination slices, one per chunk.
        let mut parts = Vec::with_capacity(chunks.len());
        {
            let (mut t, mut w) = (&mut targets[..], &mut weights[..]);
            let (mut o, mut s, mut a, mut b) =
                (&mut offsets[1..], &mut self_w[..], &mut a[..], &mut b[..]);
            for (i, chunk) in chunks.iter().enumerate() {
                let (slots, nodes) = (chunk.0.len(), chunk.2.len());
                let (t0, t1) = std::mem::take(&mut t).split_at_mut(slots);
                let (w0, w1) = std::mem::take(&mut w).split_at_mut(slots);
                let (o0, o1) = std::mem::take(&mut o).split_at_mut(nodes);
                let (s0, s1) = std::mem::take(&mut s).split_at_mut(nodes);
                let (a0, a1) = std::mem::take(&mut a).split_at_mut(nodes);
                let (b0, b1) = std::mem::take(&mut b).split_at_mut(nodes);
                (t, w, o, s, a, b) = (t1, w1, o1, s1, a1, b1);
                parts.push((slot_at[i], t0, w0, o0, s0, a0, b0));
            }
        }
        parts.into_par_iter().zip(chunks.into_par_iter()).for_each(
            |((start, t, w, o, s, a, b), (ct, cw, lens, extra))| {
                t.copy_from_slice(&ct);
                w.copy_from_slice(&cw);
                let mut end = start;
                for (i, (len, [xs, xa, xb])) in lens.into_iter().zip(extra).enumerate() {
                    end += len;
                    o[i] = end;
                    s[i] = xs;
                    a[i] = xa;
                    b[i] = xb;
                }
            },
        );
        WorkGraph {
            offsets: offsets.into(),
            targets: targets.into(),
            weights,
            self_w,
            a,
            b,
            unit: false,
        }
    }
}

/// Empty rows with room for `slots` entries and `nodes` rows: reserving the bound up front saves
/// the copies of growing, and pages reserved but never written cost nothing.
fn rows_with_capacity(slots: usize, nodes: usize) -> Rows {
    (
        Vec::with_capacity(slots),
        Vec::with_capacity(slots),
        Vec::with_capacity(nodes),
        Vec::with_capacity(nodes),
    )
}

/// A working graph whose row lengths are known beforehand (`lens[u]` entries in row `u`): the
/// arrays are allocated once and chunks of rows are written in place in parallel, each by
/// `fill(u, targets, weights)`, which returns `[self weight, a, b]` of `u`. Writing once into
/// the final arrays halves the fresh memory touched against building chunks and concatenating.
/// A `unit` graph gets no weight per slot: `fill` then receives an empty weight slice.
fn build_exact(
    lens: &[usize],
    unit: bool,
    fill: impl Fn(usize, &mut [u32], &mut [f64]) -> [f64; 3] + Sync,
) -> WorkGraph<'static> {
    let n = lens.len();
    let mut offsets = Vec::with_capacity(n + 1);
    offsets.push(0usize);
    for &l in lens {
        offsets.push(offsets[offsets.len() - 1] + l);
    }
    let cost: Vec<usize> = offsets.iter().enumerate().map(|(u, &o)| o + u).collect();
    let bounds = balanced_bounds(&cost, WORK_CHUNKS);
    let n_slots = offsets[n];
    let mut targets = vec![0u32; n_slots];
    let mut weights = vec![0.0f64; if unit { 0 } else { n_slots }];
    let mut extra = vec![[0.0f64; 3]; n];
    let mut parts = Vec::with_capacity(bounds.len());
    {
        let (mut t, mut w, mut x) = (&mut targets[..], &mut weights[..], &mut extra[..]);
        for r in bounds.windows(2) {
            let slots = offsets[r[1]] - offsets[r[0]];
            let (t0, t1) = std::mem::take(&mut t).split_at_mut(slots);
            let (w0, w1) = std::mem::take(&mut w).split_at_mut(if unit { 0 } else { slots });
            let (x0, x1) = std::mem::take(&mut x).split_at_mut(r[1] - r[0]);
            (t, w, x) = (t1, w1, x1);
            parts.push((r[0], r[1], t0, w0, x0));
        }
    }
    parts.into_par_iter().for_each(|(lo, hi, t, w, x)| {
        let base = offsets[lo];
        for u in lo..hi {
            let row = offsets[u] - base..offsets[u + 1] - base;
            let w = if unit {
                &mut [][..]
            } else {
                &mut w[row.clone()]
            };
            x[u - lo] = fill(u, &mut t[row], w);
        }
    });
    let (mut self_w, mut a, mut b) = (
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
    );
    for [s, xa, xb] in extra {
        self_w.push(s);
        a.push(xa);
        b.push(xb);
    }
    let g = WorkGraph {
        offsets: offsets.into(),
        targets: targets.into(),
        weights,
        self_w,
        a,
        b,
        unit: false,
    };
    if unit { g.into_unit() } else { g }
}

impl<'g> WorkGraph<'g> {
    /// The same graph marked unit, its weights replaced by ones for the longest row.
    fn into_unit(self) -> Self {
        let longest = self
            .offsets
            .windows(2)
            .map(|r| r[1] - r[0])
            .max()
            .unwrap_or(0);
        WorkGraph {
            weights: vec![1.0; longest],
            unit: true,
            ..self
        }
    }

    /// The same graph owning its rows.
    #[cfg(test)]
    pub(crate) fn into_owned(self) -> WorkGraph<'static> {
        WorkGraph {
            offsets: Cow::Owned(self.offsets.into_owned()),
            targets: Cow::Owned(self.targets.into_owned()),
            weights: self.weights,
            self_w: self.self_w,
            a: self.a,
            b: self.b,
            unit: self.unit,
        }
    }
}

/// Nodes grouped by community: `(offsets, nodes)`, members in increasing order.
pub(crate) fn group(comm: &[u32], k: usize) -> (Vec<usize>, Vec<u32>) {
    let mut offsets = vec![0usize; k + 1];
    for &c in comm {
        offsets[c as usize + 1] += 1;
    }
    for c in 0..k {
        offsets[c + 1] += offsets[c];
    }
    let mut fill = offsets.clone();
    let mut nodes = vec![0u32; comm.len()];
    for (v, &c) in comm.iter().enumerate() {
        nodes[fill[c as usize]] = v as u32;
        fill[c as usize] += 1;
    }
    (offsets, nodes)
}

/// The same graph with its nodes renumbered: node `order[i]` of `g` becomes node `i`, so that
/// `new_id[order[i]] == i`. Rows are copied in parallel over fixed chunks.
pub(crate) fn permuted(g: &WorkGraph<'_>, order: &[u32]) -> WorkGraph<'static> {
    let n = g.n();
    let mut new_id = vec![0u32; n];
    for (i, &v) in order.iter().enumerate() {
        new_id[v as usize] = i as u32;
    }
    // Row lengths in the new order: random reads, so fetched in parallel.
    let lens: Vec<usize> = order
        .par_iter()
        .map(|&v| g.offsets[v as usize + 1] - g.offsets[v as usize])
        .collect();
    build_exact(&lens, g.unit, |i, t, w| {
        // Rows are read in an order unrelated to memory: start the next ones' loads early.
        if let Some(&x) = order.get(i + 4) {
            g.prefetch_bounds(x as usize);
        }
        if let Some(&x) = order.get(i + 2) {
            g.prefetch_row(x as usize);
        }
        let v = order[i] as usize;
        let (ot, ow) = g.row(v);
        for (x, &u) in t.iter_mut().zip(ot) {
            *x = new_id[u as usize];
        }
        if !g.unit {
            w.copy_from_slice(ow);
        }
        [g.self_w[v], g.a[v], g.b[v]]
    })
}

/// Collapses `g` by `comm` (communities `0..k`): one node per community, pair weights summed,
/// the weight inside a community becomes its self weight, `a` and `b` add up. Rows are built in
/// parallel over fixed chunks of communities, each in a fixed order, so the result does not
/// depend on the thread count.
pub(crate) fn aggregate(g: &WorkGraph<'_>, comm: &[u32], k: usize) -> WorkGraph<'static> {
    let (c_off, members) = group(comm, k);
    let mut cost = Vec::with_capacity(k + 1);
    cost.push(0usize);
    for c in 0..k {
        let work: usize = members[c_off[c]..c_off[c + 1]]
            .iter()
            .map(|&v| g.offsets[v as usize + 1] - g.offsets[v as usize] + 1)
            .sum();
        cost.push(cost[c] + work);
    }
    let bounds = balanced_bounds(&cost, WORK_CHUNKS);
    let chunks: Vec<Rows> = bounds
        .par_windows(2)
        .map_init(
            || (vec![0.0f64; k], Vec::<u32>::new()),
            |(buf, touched), r| {
                let mut rows = rows_with_capacity(cost[r[1]] - cost[r[0]], r[1] - r[0]);
                for c in r[0]..r[1] {
                    let (mut s, mut a, mut b) = (0.0, 0.0, 0.0);
                    let mine = &members[c_off[c]..c_off[c + 1]];
                    for (j, &v) in mine.iter().enumerate() {
                        if let Some(&x) = members.get(c_off[c] + j + 4) {
                            g.prefetch_bounds(x as usize);
                        }
                        if let Some(&x) = members.get(c_off[c] + j + 2) {
                            g.prefetch_row(x as usize);
                        }
                        // The next row is in cache: start its neighbours' community loads,
                        // which miss for every neighbour in another community.
                        if let Some(&x) = members.get(c_off[c] + j + 1) {
                            for &u in g.row(x as usize).0 {
                                prefetch_at(comm, u as usize);
                            }
                        }
                        let v = v as usize;
                        s += g.self_w[v];
                        a += g.a[v];
                        b += g.b[v];
                        // Branch-free: every entry lands in `buf` (a pair inside `c` twice) and
                        // in `touched` (repeats are skipped below, once `buf` is cleared).
                        g.each(v, |u, x| {
                            let d = comm[u as usize];
                            touched.push(d);
                            buf[d as usize] += x;
                        });
                    }
                    s += buf[c] * 0.5;
                    buf[c] = 0.0;
                    // Branch-free again: every entry is written, and the end moves past it
                    // only on its community's first occurrence (a repeat finds `buf` cleared),
                    // which a branch would mispredict about every other entry.
                    let before = rows.0.len();
                    rows.0.resize(before + touched.len(), 0);
                    rows.1.resize(before + touched.len(), 0.0);
                    let mut end = before;
                    for &d in touched.iter() {
                        let x = buf[d as usize];
                        rows.0[end] = d;
                        rows.1[end] = x;
                        buf[d as usize] = 0.0;
                        end += usize::from(x != 0.0);
                    }
                    rows.0.truncate(end);
                    rows.1.truncate(end);
                    touched.clear();
                    rows.2.push(end - before);
                    rows.3.push([s, a, b]);
                }
                rows
            },
        )
        .collect();
    WorkGraph::from_rows(chunks, k)
}

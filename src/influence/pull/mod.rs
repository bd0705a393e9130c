//! Sparse matrix-vector products in "pull" form, shared by the spectral centralities.
//!
//! A [`Rows`] holds one row per node: the neighbours whose values flow into it and the weight of
//! each edge. `incoming` rows give `A^T x` (node `v` pulls from every `u -> v`), `outgoing` rows
//! give `A x`. Each output element is one sequential sum over its row, and per-node side results
//! (residuals, norms, dangling mass) are folded within fixed chunks whose bounds depend only on
//! the graph, then across chunks in chunk order, so results are bit-identical on any number of
//! threads.

use crate::error::CoreResult;
use crate::graph::{EdgeWeight, Graph, InSlots};
use crate::prefetch::prefetch_at;
use crate::scale::{scaled, weight_shift};
use rayon::prelude::*;
use std::borrow::Cow;
use std::sync::Mutex;

mod order;

pub(crate) use order::{NodeOrder, locality_order};

/// Work units (nodes plus edges) below which a chunk is not worth a task of its own.
const MIN_CHUNK_WORK: usize = 16_384;

/// Entries per chunk of the element-wise reductions ([`l2_norm`], [`sum`]), as in
/// [`crate::parallel::stable_sum`].
const REDUCE_CHUNK: usize = 4096;
/// Vectors shorter than this are reduced and updated on the calling thread, over the same
/// chunks (so with the same bits): a hand-off to the pool costs more than the work.
const PARALLEL_MIN: usize = 1 << 16;

/// `f(i, item)` for every item, in parallel when there is more than one. A single item runs on
/// the calling thread: handing it to the pool costs a thread wake-up, which dominates on small
/// graphs (and takes milliseconds on a loaded machine). Results come back in item order.
pub(crate) fn map_items<T: Send, R: Send>(
    items: Vec<T>,
    f: impl Fn(usize, T) -> R + Sync + Send,
) -> Vec<R> {
    if items.len() <= 1 {
        items
            .into_iter()
            .enumerate()
            .map(|(i, t)| f(i, t))
            .collect()
    } else {
        items
            .into_par_iter()
            .enumerate()
            .map(|(i, t)| f(i, t))
            .collect()
    }
}

/// CSR rows of a graph's adjacency or transposed adjacency, with the chosen edge weight.
#[derive(Debug)]
pub(crate) struct Rows<'g> {
    offsets: Cow<'g, [usize]>,
    nbrs: Cow<'g, [u32]>,
    /// `None` when every edge weighs 1.
    weights: Option<Cow<'g, [f64]>>,
    /// Chunk boundaries over `0..n` (first 0, last n).
    bounds: Vec<usize>,
    /// Row sums of the current sweep, kept between sweeps so iterations do not allocate.
    scratch: Mutex<Vec<f64>>,
}

impl<'g> Rows<'g> {
    /// Row `v` lists every `u` with an edge `u -> v` (each undirected edge both ways, a
    /// self-loop once): the rows of `A^T`.
    pub(crate) fn incoming(g: &'g Graph, which: EdgeWeight) -> CoreResult<Self> {
        let w = g.edge_weights(which)?;
        if !g.is_directed() {
            return Ok(Self::outgoing_with(g, w));
        }
        let n = g.n_nodes();
        let mut offsets = Vec::with_capacity(n + 1);
        let mut nbrs = Vec::with_capacity(g.n_slots());
        let mut weights = w.map(|_| Vec::with_capacity(g.n_slots()));
        offsets.push(0);
        for v in 0..n {
            let (src, slots) = g.in_neighbors(v);
            nbrs.extend_from_slice(src);
            if let (Some(out), Some(w)) = (weights.as_mut(), w) {
                match slots {
                    InSlots::Listed(s) => out.extend(s.iter().map(|&e| w[e as usize])),
                    InSlots::Range(r) => out.extend_from_slice(&w[r]),
                }
            }
            offsets.push(nbrs.len());
        }
        Ok(Self::new(
            Cow::Owned(offsets),
            Cow::Owned(nbrs),
            weights.map(Cow::Owned),
        ))
    }

    /// These rows with every weight multiplied by `2^-shift` (exactly, so the ratios between
    /// weights are unchanged), and `shift`: 0 when the largest weight's binary exponent is
    /// within `±SAFE_WEIGHT_EXPONENT` (or the rows are unweighted), otherwise the exponent, so
    /// that the largest weight becomes about 1. Eigenvectors do not depend on the scale, but
    /// products and squared norms overflow to infinity near weights of 1e300 and lose every
    /// digit near 1e-300. An eigenvalue of the scaled rows is `times_pow2(value, shift)` of
    /// the given ones.
    pub(crate) fn safely_scaled(self) -> (Self, i32) {
        let Some(w) = &self.weights else {
            return (self, 0);
        };
        let shift = weight_shift(w);
        let Some(w) = scaled(w, shift) else {
            return (self, 0);
        };
        let Self {
            offsets,
            nbrs,
            bounds,
            scratch,
            ..
        } = self;
        let rows = Self {
            offsets,
            nbrs,
            weights: Some(Cow::Owned(w)),
            bounds,
            scratch,
        };
        (rows, shift)
    }

    /// The rows of [`Rows::incoming`] with every node renumbered by `o`: row `i` is node
    /// `o.order[i]`, and lists its in-neighbours by position, sorted.
    pub(crate) fn incoming_ordered(
        g: &Graph,
        which: EdgeWeight,
        o: &NodeOrder,
    ) -> CoreResult<Rows<'static>> {
        let w = g.edge_weights(which)?;
        let mut offsets = Vec::with_capacity(g.n_nodes() + 1);
        offsets.push(0);
        for &v in &o.order {
            let len = g.in_neighbors(v as usize).0.len();
            offsets.push(offsets.last().copied().unwrap_or(0) + len);
        }
        let m = offsets.last().copied().unwrap_or(0);
        let mut nbrs = vec![0u32; m];
        let mut weights = w.map(|_| vec![0.0; m]);
        // Fill the rows chunk by chunk, in parallel: each chunk owns its slice of the arrays.
        let bounds = chunk_bounds(&offsets);
        let mut jobs = Vec::with_capacity(bounds.len());
        let mut rest_n: &mut [u32] = &mut nbrs;
        let mut rest_w: Option<&mut [f64]> = weights.as_deref_mut();
        for b in bounds.windows(2) {
            let len = offsets[b[1]] - offsets[b[0]];
            let (head_n, tail_n) = std::mem::take(&mut rest_n).split_at_mut(len);
            let (head_w, tail_w) = match rest_w.take() {
                Some(r) => {
                    let (h, t) = r.split_at_mut(len);
                    (Some(h), Some(t))
                }
                None => (None, None),
            };
            jobs.push((b[0]..b[1], head_n, head_w));
            (rest_n, rest_w) = (tail_n, tail_w);
        }
        map_items(jobs, |_, (range, out_n, mut out_w)| {
            let mut k = 0;
            let mut pairs: Vec<(u32, f64)> = Vec::new();
            for &v in &o.order[range] {
                let (src, slots) = g.in_neighbors(v as usize);
                let row = k..k + src.len();
                match (out_w.as_deref_mut(), w) {
                    (Some(out), Some(w)) => {
                        pairs.clear();
                        pairs.extend(
                            src.iter()
                                .enumerate()
                                .map(|(i, &u)| (o.rank[u as usize], w[slots.get(i)])),
                        );
                        pairs.sort_unstable_by_key(|p| p.0);
                        for ((dst_n, dst_w), &(u, x)) in
                            out_n[row.clone()].iter_mut().zip(&mut out[row]).zip(&pairs)
                        {
                            (*dst_n, *dst_w) = (u, x);
                        }
                    }
                    _ => {
                        let dst = &mut out_n[row];
                        for (d, &u) in dst.iter_mut().zip(src) {
                            *d = o.rank[u as usize];
                        }
                        dst.sort_unstable();
                    }
                }
                k += src.len();
            }
        });
        Ok(Rows::new(
            Cow::Owned(offsets),
            Cow::Owned(nbrs),
            weights.map(Cow::Owned),
        ))
    }

    /// Row `u` lists every `v` with an edge `u -> v`: the rows of `A`.
    pub(crate) fn outgoing(g: &'g Graph, which: EdgeWeight) -> CoreResult<Self> {
        Ok(Self::outgoing_with(g, g.edge_weights(which)?))
    }

    fn outgoing_with(g: &'g Graph, w: Option<&'g [f64]>) -> Self {
        Self::new(
            Cow::Borrowed(g.offsets()),
            Cow::Borrowed(g.targets()),
            w.map(Cow::Borrowed),
        )
    }

    fn new(
        offsets: Cow<'g, [usize]>,
        nbrs: Cow<'g, [u32]>,
        weights: Option<Cow<'g, [f64]>>,
    ) -> Self {
        let bounds = chunk_bounds(&offsets);
        Self {
            offsets,
            nbrs,
            weights,
            bounds,
            scratch: Mutex::new(Vec::new()),
        }
    }

    /// Number of rows (nodes).
    pub(crate) fn n(&self) -> usize {
        self.offsets.len().saturating_sub(1)
    }

    /// Neighbours of row `v` and their weights (`None`: all 1).
    pub(crate) fn row(&self, v: usize) -> (&[u32], Option<&[f64]>) {
        let r = self.offsets[v]..self.offsets[v + 1];
        (&self.nbrs[r.clone()], self.weights.as_ref().map(|w| &w[r]))
    }

    /// Sum of the weights of each row (the out-strength for `outgoing` rows), summed in row order.
    pub(crate) fn row_sums(&self) -> Vec<f64> {
        let row_sum = |v: usize| match self.row(v) {
            (nb, None) => nb.len() as f64,
            (_, Some(w)) => w.iter().fold(0.0, |a, x| a + x),
        };
        let ranges: Vec<_> = self.bounds.windows(2).map(|w| w[0]..w[1]).collect();
        map_items(ranges, |_, r| r.map(row_sum).collect::<Vec<_>>())
            .into_iter()
            .flatten()
            .collect()
    }

    /// For every row `v`: `(outs[k][v] for k, term) = f(v, sum_j w_vj x[j])`, where the sum runs
    /// over the row in stored order. The per-node `term`s are folded with `fold` from `zero`,
    /// sequentially within each chunk and then across chunks in chunk order, so the result is
    /// the same on any number of threads whenever `fold` is applied in a fixed order.
    ///
    /// Every slice in `outs` must have one entry per row, and `x` one per column.
    pub(crate) fn sweep<const M: usize, A, F, G>(
        &self,
        x: &[f64],
        outs: [&mut [f64]; M],
        zero: A,
        fold: G,
        f: F,
    ) -> A
    where
        A: Copy + Send + Sync,
        F: Fn(usize, f64) -> ([f64; M], A) + Sync,
        G: Fn(A, A) -> A + Sync,
    {
        let mut scratch = self.scratch.lock().unwrap_or_else(|e| e.into_inner());
        scratch.resize(self.n(), 0.0);
        let parts: Vec<_> = split_chunks(outs, &self.bounds)
            .into_iter()
            .zip(split_chunks([&mut scratch[..]], &self.bounds))
            .collect();
        let (fold, f) = (&fold, &f);
        let partials: Vec<A> = map_items(parts, |c, (mut part, [pulled])| {
            let range = self.bounds[c]..self.bounds[c + 1];
            // Gather first, in a tight loop, then finish: keeps many loads in flight (one
            // pass doing both per node measured slower).
            self.row_sums_into(range.start, pulled, x);
            finish_chunk(range, &mut part, zero, fold, f, |i| pulled[i])
        });
        partials.into_iter().fold(zero, fold)
    }

    /// `out[i] = sum_j w_vj x[j]` over row `v = start + i` in stored order, for every `i`.
    fn row_sums_into(&self, start: usize, out: &mut [f64], x: &[f64]) {
        let offsets = &self.offsets[start..=start + out.len()];
        // Beyond the private caches, each neighbour's value is a miss whose address sits in
        // the adjacency: asking for it some arcs ahead overlaps the misses (the gather alone
        // ran 2x faster on one thread at 10^6 nodes). Within them the extra instructions only
        // cost.
        let ahead = x.len() > PREFETCH_MIN_NODES;
        match (&self.weights, ahead) {
            (None, false) => {
                for (p, b) in out.iter_mut().zip(offsets.windows(2)) {
                    *p = gather(&self.nbrs[b[0]..b[1]], x);
                }
            }
            (None, true) => {
                for (p, b) in out.iter_mut().zip(offsets.windows(2)) {
                    *p = gather_ahead(&self.nbrs, b[0]..b[1], x);
                }
            }
            (Some(w), false) => {
                for (p, b) in out.iter_mut().zip(offsets.windows(2)) {
                    *p = gather_weighted(&self.nbrs[b[0]..b[1]], &w[b[0]..b[1]], x);
                }
            }
            (Some(w), true) => {
                for (p, b) in out.iter_mut().zip(offsets.windows(2)) {
                    *p = gather_weighted_ahead(&self.nbrs, w, b[0]..b[1], x);
                }
            }
        }
    }

    /// Applies `f(v, &mut out[v])` to every node in the fixed chunks, folding the returned
    /// terms like [`Rows::sweep`] (for element-wise passes that need no row sums).
    pub(crate) fn map_nodes<A, F, G>(&self, out: &mut [f64], zero: A, fold: G, f: F) -> A
    where
        A: Copy + Send + Sync,
        F: Fn(usize, &mut f64) -> A + Sync,
        G: Fn(A, A) -> A + Sync,
    {
        let parts = split_chunks([out], &self.bounds);
        let partials: Vec<A> = map_items(parts, |c, [part]| {
            let start = self.bounds[c];
            part.iter_mut()
                .enumerate()
                .fold(zero, |acc, (i, o)| fold(acc, f(start + i, o)))
        });
        partials.into_iter().fold(zero, fold)
    }
}

/// Writes the node values of the rows `range` (chunk-local slices `part`) from their row sums
/// `pulled(i)`, folding the per-node terms in row order.
#[inline]
fn finish_chunk<const M: usize, A: Copy>(
    range: std::ops::Range<usize>,
    part: &mut [&mut [f64]; M],
    zero: A,
    fold: &impl Fn(A, A) -> A,
    f: &impl Fn(usize, f64) -> ([f64; M], A),
    pulled: impl Fn(usize) -> f64,
) -> A {
    let mut acc = zero;
    for i in 0..range.len() {
        let (vals, term) = f(range.start + i, pulled(i));
        for (out, val) in part.iter_mut().zip(vals) {
            out[i] = val;
        }
        acc = fold(acc, term);
    }
    acc
}

/// `sum_j x[nbrs[j]]` in row order. (Four interleaved partial sums were measured no faster on
/// a 10^6-node graph: the loads, not the addition chain, set the pace.)
#[inline]
fn gather(nbrs: &[u32], x: &[f64]) -> f64 {
    nbrs.iter().fold(0.0, |a, &u| a + x[u as usize])
}

#[inline]
fn gather_weighted(nbrs: &[u32], w: &[f64], x: &[f64]) -> f64 {
    nbrs.iter()
        .zip(w)
        .fold(0.0, |a, (&u, &w)| a + w * x[u as usize])
}

/// Nodes above which the gathers prefetch: the values (8 bytes a node) then outgrow the
/// private caches of this class of machine (1-2 MiB of L2 per core).
const PREFETCH_MIN_NODES: usize = 1 << 17;
/// Arcs between a neighbour's prefetch and its read: about one memory latency of gathers.
const PREFETCH_ARCS: usize = 128;

/// [`gather`] over `nbrs[arcs]`, same order and result, prefetching the value read
/// [`PREFETCH_ARCS`] arcs later (possibly in a later row).
#[inline]
fn gather_ahead(nbrs: &[u32], arcs: std::ops::Range<usize>, x: &[f64]) -> f64 {
    let mut a = 0.0;
    for j in arcs {
        if let Some(&u) = nbrs.get(j + PREFETCH_ARCS) {
            prefetch_at(x, u as usize);
        }
        a += x[nbrs[j] as usize];
    }
    a
}

/// [`gather_weighted`] over `arcs`, prefetching like [`gather_ahead`].
#[inline]
fn gather_weighted_ahead(nbrs: &[u32], w: &[f64], arcs: std::ops::Range<usize>, x: &[f64]) -> f64 {
    let mut a = 0.0;
    for j in arcs {
        if let Some(&u) = nbrs.get(j + PREFETCH_ARCS) {
            prefetch_at(x, u as usize);
        }
        a += w[j] * x[nbrs[j] as usize];
    }
    a
}

/// Splits each of the `M` output slices at `bounds`, giving one `[&mut [f64]; M]` per chunk.
fn split_chunks<'a, const M: usize>(
    outs: [&'a mut [f64]; M],
    bounds: &[usize],
) -> Vec<[&'a mut [f64]; M]> {
    let mut rests = outs;
    let mut parts = Vec::with_capacity(bounds.len().saturating_sub(1));
    for w in bounds.windows(2) {
        let len = w[1] - w[0];
        let heads = std::array::from_fn(|k| {
            let (head, tail) = std::mem::take(&mut rests[k]).split_at_mut(len);
            rests[k] = tail;
            head
        });
        parts.push(heads);
    }
    parts
}

/// Chunk bounds over the rows balancing nodes plus entries, at most
/// [`crate::parallel::WORK_CHUNKS`] chunks and none smaller than [`MIN_CHUNK_WORK`] units
/// (small graphs run as one chunk). Depends only on `offsets`.
fn chunk_bounds(offsets: &[usize]) -> Vec<usize> {
    let n = offsets.len().saturating_sub(1);
    let total = n + offsets.last().copied().unwrap_or(0);
    let parts = (total / MIN_CHUNK_WORK).clamp(1, crate::parallel::WORK_CHUNKS);
    let work = |v: usize| offsets[v] + v;
    let mut bounds = vec![0];
    for k in 1..parts {
        let goal = (total as u128 * k as u128 / parts as u128) as usize;
        // First row whose cumulative work reaches the goal (work is increasing in v).
        let (mut lo, mut hi) = (0, n);
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            if work(mid) < goal {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        if lo > *bounds.last().unwrap_or(&0) && lo < n {
            bounds.push(lo);
        }
    }
    bounds.push(n);
    bounds
}

/// `sum_i g(x_i)` over fixed chunks of [`REDUCE_CHUNK`] entries folded in order: the same bits
/// whether the chunks run in parallel or (for one chunk) on the calling thread.
fn chunked_sum(x: &[f64], g: impl Fn(f64) -> f64 + Sync) -> f64 {
    let chunk_sum = |c: &[f64]| c.iter().fold(0.0, |s, &v| s + g(v));
    let partials: Vec<f64> = if x.len() < PARALLEL_MIN {
        x.chunks(REDUCE_CHUNK).map(chunk_sum).collect()
    } else {
        x.par_chunks(REDUCE_CHUNK).map(chunk_sum).collect()
    };
    partials.iter().fold(0.0, |s, p| s + p)
}

/// Deterministic sum, bit-identical to [`crate::parallel::stable_sum`].
pub(crate) fn sum(x: &[f64]) -> f64 {
    chunked_sum(x, |v| v)
}

/// Deterministic Euclidean norm (fixed chunks, chunk-ordered fold).
pub(crate) fn l2_norm(x: &[f64]) -> f64 {
    dot(x, x).sqrt()
}

/// `sum_i a_i b_i` in four interleaved partial sums (lane `i % 4`), added pairwise at the end:
/// one running sum would wait on the latency of every addition, four fill a vector register.
#[inline]
fn lane_dot(a: &[f64], b: &[f64]) -> f64 {
    let mut acc = [0.0f64; 4];
    let (a4, b4) = (a.chunks_exact(4), b.chunks_exact(4));
    let (ra, rb) = (a4.remainder(), b4.remainder());
    for (x, y) in a4.zip(b4) {
        for l in 0..4 {
            acc[l] += x[l] * y[l];
        }
    }
    for (l, (x, y)) in ra.iter().zip(rb).enumerate() {
        acc[l] += x * y;
    }
    (acc[0] + acc[1]) + (acc[2] + acc[3])
}

/// Deterministic dot product `sum_i x_i y_i` (fixed chunks, chunk-ordered fold).
pub(crate) fn dot(x: &[f64], y: &[f64]) -> f64 {
    let chunk_dot = |(a, b): (&[f64], &[f64])| lane_dot(a, b);
    let partials: Vec<f64> = if x.len() < PARALLEL_MIN {
        x.chunks(REDUCE_CHUNK)
            .zip(y.chunks(REDUCE_CHUNK))
            .map(chunk_dot)
            .collect()
    } else {
        x.par_chunks(REDUCE_CHUNK)
            .zip(y.par_chunks(REDUCE_CHUNK))
            .map(chunk_dot)
            .collect()
    };
    partials.iter().fold(0.0, |s, p| s + p)
}

/// `y += factor * x`.
pub(crate) fn add_scaled(y: &mut [f64], factor: f64, x: &[f64]) {
    if y.len() < PARALLEL_MIN {
        y.iter_mut().zip(x).for_each(|(a, b)| *a += factor * b);
    } else {
        y.par_iter_mut()
            .zip(x.par_iter())
            .for_each(|(a, b)| *a += factor * b);
    }
}

/// One pass of classical Gram-Schmidt: `w -= sum_i (v_i . w) v_i` over the rows `v_i` of
/// `basis`; returns the coefficients `v_i . w` (bit for bit what [`dot`] gives). All the dot
/// products share one pass over `w` (then one pass to subtract), each summed over fixed chunks
/// folded in order, so the result does not depend on the thread count.
pub(crate) fn project_out(basis: &[Vec<f64>], w: &mut [f64]) -> Vec<f64> {
    let n = w.len();
    let chunk_dots = |c: usize| {
        let r = c * REDUCE_CHUNK..((c + 1) * REDUCE_CHUNK).min(n);
        let wc = &w[r.clone()];
        basis
            .iter()
            .map(|v| lane_dot(&v[r.clone()], wc))
            .collect::<Vec<f64>>()
    };
    let chunks = n.div_ceil(REDUCE_CHUNK);
    let partials: Vec<Vec<f64>> = if n < PARALLEL_MIN {
        (0..chunks).map(chunk_dots).collect()
    } else {
        (0..chunks).into_par_iter().map(chunk_dots).collect()
    };
    let coef: Vec<f64> = (0..basis.len())
        .map(|i| partials.iter().fold(0.0, |s, p| s + p[i]))
        .collect();
    let subtract = |(c, wc): (usize, &mut [f64])| {
        let rows = c * REDUCE_CHUNK..c * REDUCE_CHUNK + wc.len();
        for (v, &k) in basis.iter().zip(&coef) {
            for (x, y) in wc.iter_mut().zip(&v[rows.clone()]) {
                *x -= k * y;
            }
        }
    };
    if n < PARALLEL_MIN {
        w.chunks_mut(REDUCE_CHUNK).enumerate().for_each(subtract);
    } else {
        w.par_chunks_mut(REDUCE_CHUNK)
            .enumerate()
            .for_each(subtract);
    }
    coef
}

/// Multiplies every entry by `factor`.
pub(crate) fn scale(x: &mut [f64], factor: f64) {
    if x.len() < PARALLEL_MIN {
        x.iter_mut().for_each(|v| *v *= factor);
    } else {
        x.par_iter_mut().for_each(|v| *v *= factor);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::test_graph;
    use crate::parallel::{stable_sum, with_threads};
    use crate::scale::times_pow2;

    fn sum_fold(a: f64, b: f64) -> f64 {
        a + b
    }

    #[test]
    fn safely_scaled_rows_keep_their_order_and_report_the_shift() {
        let (s, t) = ([0u32, 1, 2], [1u32, 2, 0]);
        let w = [3e300, 1e300, 5e299];
        let g = test_graph(&s, &t, Some(&w), 3, true);
        let (rows, shift) = Rows::incoming(&g, EdgeWeight::Summed)
            .unwrap()
            .safely_scaled();
        assert_eq!(shift, 998);
        // Row v lists u -> v: rows 0, 1, 2 hold the weights of 2->0, 0->1, 1->2.
        let want = [w[2], w[0], w[1]].map(|x| times_pow2(x, -shift));
        assert_eq!(rows.weights.as_deref().unwrap(), want);
        let (_, shift) = Rows::incoming(&g, EdgeWeight::Unit)
            .unwrap()
            .safely_scaled();
        assert_eq!(shift, 0);
    }

    #[test]
    fn incoming_rows_are_the_transpose_with_weights() {
        // 0->1 (1), 0->2 (2), 2->1 (4), 1->1 (8).
        let (s, t, w) = ([0u32, 0, 2, 1], [1u32, 2, 1, 1], [1.0, 2.0, 4.0, 8.0]);
        let g = test_graph(&s, &t, Some(&w), 3, true);
        let rows = Rows::incoming(&g, EdgeWeight::Summed).unwrap();
        assert_eq!(rows.row(0), (&[][..], Some(&[][..])));
        assert_eq!(rows.row(1), (&[0u32, 1, 2][..], Some(&[1.0, 8.0, 4.0][..])));
        assert_eq!(rows.row(2), (&[0u32][..], Some(&[2.0][..])));
        let out = Rows::outgoing(&g, EdgeWeight::Unit).unwrap();
        assert_eq!(out.row_sums(), vec![2.0, 1.0, 1.0]);
    }

    #[test]
    fn sweep_computes_matrix_vector_products_and_folds_terms() {
        let (s, t, w) = ([0u32, 0, 2], [1u32, 2, 1], [1.0, 2.0, 4.0]);
        let g = test_graph(&s, &t, Some(&w), 3, true);
        let rows = Rows::incoming(&g, EdgeWeight::Summed).unwrap();
        let x = [1.0, 10.0, 100.0];
        let (mut y, mut z) = (vec![0.0; 3], vec![0.0; 3]);
        let total = rows.sweep(&x, [&mut y, &mut z], 0.0, sum_fold, |v, s| {
            ([s, v as f64], s)
        });
        assert_eq!(y, vec![0.0, 401.0, 2.0]);
        assert_eq!(z, vec![0.0, 1.0, 2.0]);
        assert_eq!(total, 403.0);
    }

    #[test]
    fn prefetching_sweeps_equal_plain_row_sums_bit_for_bit() {
        // Above the prefetch threshold, weighted and not, with rows near the end of the
        // adjacency (whose prefetch targets fall outside it).
        let n = (PREFETCH_MIN_NODES + 1_000) as u32;
        let code = |i: u32, a: u64, b: u64| ((u64::from(i) * a + b) % u64::from(n)) as u32;
        let s: Vec<u32> = (0..3 * n).map(|i| code(i, 7919, 0)).collect();
        let t: Vec<u32> = (0..3 * n).map(|i| code(i, 104_729, 3)).collect();
        let w: Vec<f64> = (0..3 * n).map(|i| 0.5 + f64::from(i % 7) / 3.0).collect();
        let x: Vec<f64> = (0..n).map(|i| 1.0 / (1.0 + f64::from(i))).collect();
        for weight in [None, Some(&w[..])] {
            let g = test_graph(&s, &t, weight, n as usize, true);
            let which = if weight.is_some() {
                EdgeWeight::Summed
            } else {
                EdgeWeight::Unit
            };
            let rows = Rows::incoming(&g, which).unwrap();
            let mut y = vec![0.0; n as usize];
            rows.sweep(&x, [&mut y], 0.0, sum_fold, |_, s| ([s], s));
            for (v, got) in y.iter().enumerate() {
                let r = rows.offsets[v]..rows.offsets[v + 1];
                let plain = match &rows.weights {
                    None => gather(&rows.nbrs[r], &x),
                    Some(w) => gather_weighted(&rows.nbrs[r.clone()], &w[r], &x),
                };
                assert_eq!(got.to_bits(), plain.to_bits(), "row {v}");
            }
        }
    }

    #[test]
    fn chunk_bounds_cover_all_rows_in_order() {
        let offsets: Vec<usize> = (0..=100_000).map(|v| v * 3).collect();
        let b = chunk_bounds(&offsets);
        assert_eq!((b[0], *b.last().unwrap()), (0, 100_000));
        assert!(b.len() > 2 && b.windows(2).all(|w| w[0] < w[1]));
        assert_eq!(chunk_bounds(&[0]), vec![0, 0]);
        assert_eq!(chunk_bounds(&[0, 1, 2]), vec![0, 2]);
    }

    #[test]
    fn sweep_is_identical_on_one_and_four_threads() {
        let n = 50_000u32;
        let code = |i: u32, a: u64, b: u64| ((u64::from(i) * a + b) % u64::from(n)) as u32;
        let s: Vec<u32> = (0..4 * n).map(|i| code(i, 7919, 0)).collect();
        let t: Vec<u32> = (0..4 * n).map(|i| code(i, 104_729, 3)).collect();
        let g = test_graph(&s, &t, None, n as usize, true);
        let rows = Rows::incoming(&g, EdgeWeight::Unit).unwrap();
        let x: Vec<f64> = (0..n).map(|i| 1.0 / (1.0 + f64::from(i))).collect();
        let run = |threads| {
            with_threads(Some(threads), || {
                let mut y = vec![0.0; n as usize];
                let t = rows.sweep(&x, [&mut y], 0.0, sum_fold, |_, s| ([s], s * 1e-3));
                Ok((y, t))
            })
            .unwrap()
        };
        let (a, b) = (run(1), run(4));
        assert_eq!(a.1.to_bits(), b.1.to_bits());
        assert!(
            a.0.iter()
                .zip(&b.0)
                .all(|(p, q)| p.to_bits() == q.to_bits())
        );
    }

    #[test]
    fn norms_sums_and_dot_products() {
        assert_eq!(l2_norm(&[3.0, 4.0]), 5.0);
        assert_eq!(dot(&[1.0, 2.0, 3.0], &[4.0, 5.0, 6.0]), 32.0);
        let mut y = vec![1.0, 1.0];
        add_scaled(&mut y, -2.0, &[0.5, 3.0]);
        assert_eq!(y, vec![0.0, -5.0]);
        let long: Vec<f64> = (0..10_000).map(|i| 1.0 / (1.0 + f64::from(i))).collect();
        assert_eq!(sum(&long).to_bits(), stable_sum(&long).to_bits());
        assert_eq!(
            sum(&long[..100]).to_bits(),
            stable_sum(&long[..100]).to_bits()
        );
        let mut x = vec![1.0, 2.0];
        scale(&mut x, 0.5);
        assert_eq!(x, vec![0.5, 1.0]);
        // Long enough to run in parallel: the same bits on any number of threads.
        let long: Vec<f64> = (0..100_000).map(|i| 1.0 / (1.0 + f64::from(i))).collect();
        let on = |t| {
            with_threads(Some(t), || Ok(dot(&long, &long)))
                .unwrap()
                .to_bits()
        };
        assert_eq!(on(1), on(4));
        let seq: f64 = long
            .chunks(REDUCE_CHUNK)
            .map(|c| lane_dot(c, c))
            .fold(0.0, |s, p| s + p);
        assert_eq!(on(4), seq.to_bits());
    }

    #[test]
    fn projection_removes_the_basis_and_returns_the_dot_products() {
        // Projecting e_0 and (0, 1, 1) / sqrt 2 out of (1, 1, 0) leaves (0, 1, -1) / 2.
        let h = 0.5f64.sqrt();
        let mut w = vec![1.0, 1.0, 0.0];
        let coef = project_out(&[vec![1.0, 0.0, 0.0], vec![0.0, h, h]], &mut w);
        assert_eq!(coef, vec![1.0, h]);
        assert!(w[0].abs() < 1e-16 && (w[1] - 0.5).abs() < 1e-15 && (w[2] + 0.5).abs() < 1e-15);
        // Long enough to run on the pool: the same bits on any number of threads, and each
        // coefficient is bit for bit the dot product.
        let long: Vec<f64> = (0..100_000).map(|i| 1.0 / (1.0 + f64::from(i))).collect();
        let basis = vec![
            long.iter().map(|x| x.sqrt()).collect::<Vec<f64>>(),
            long.clone(),
        ];
        let run = |t| {
            with_threads(Some(t), || {
                let mut w: Vec<f64> = long.iter().rev().copied().collect();
                let coef = project_out(&basis, &mut w);
                Ok((coef, w))
            })
            .unwrap()
        };
        let (one, four) = (run(1), run(4));
        let bits = |x: &[f64]| x.iter().map(|v| v.to_bits()).collect::<Vec<u64>>();
        assert_eq!((bits(&one.0), bits(&one.1)), (bits(&four.0), bits(&four.1)));
        let w0: Vec<f64> = long.iter().rev().copied().collect();
        assert_eq!(one.0[0].to_bits(), dot(&basis[0], &w0).to_bits());
    }
}

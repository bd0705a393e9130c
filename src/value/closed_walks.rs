//! Exposure shares of influence attribution and the weight of walks that return to their start
//! (the diagonal of the powers of the share matrix), which the attribution leaves out.

use crate::control::Control;
use crate::error::CoreResult;
use crate::graph::Graph;
use crate::parallel::WORK_CHUNKS;
use rayon::prelude::*;

/// The column-normalised share matrix `B`: `b_uv = w_uv / s_v` with `s_v = sum_{x != v} w_xv`
/// the in-strength of `v` without self-loops (`b_uv = 0` when `s_v = 0`; `b_vv = 0`).
pub(crate) struct Shares<'a> {
    pub(crate) g: &'a Graph,
    /// Per-slot edge weights, `None` for unit weights.
    pub(crate) w: Option<&'a [f64]>,
    /// In-strength `s_v` without self-loops.
    pub(crate) strength: Vec<f64>,
}

impl<'a> Shares<'a> {
    /// Computes the in-strengths, in parallel (each node summed by one task, in slot order).
    pub(crate) fn new(g: &'a Graph, w: Option<&'a [f64]>) -> Self {
        let weight_of = |slot: usize| w.map_or(1.0, |w| w[slot]);
        let strength = (0..g.n_nodes())
            .into_par_iter()
            .map(|v| {
                let (src, slots) = g.in_neighbors(v);
                (0..src.len())
                    .filter(|&i| src[i] as usize != v)
                    .fold(0.0, |acc, i| acc + weight_of(slots.get(i)))
            })
            .collect();
        Self { g, w, strength }
    }

    fn weight(&self, slot: usize) -> f64 {
        self.w.map_or(1.0, |w| w[slot])
    }

    fn share(&self, slot: usize, v: usize) -> f64 {
        let s = self.strength[v];
        if s > 0.0 { self.weight(slot) / s } else { 0.0 }
    }

    /// Calls `f(u, b_uv)` for every in-edge `u -> v`, `u != v`, in slot order.
    pub(crate) fn toward(&self, v: usize, mut f: impl FnMut(usize, f64)) {
        let (src, slots) = self.g.in_neighbors(v);
        for (i, &u) in src.iter().enumerate() {
            if u as usize != v {
                f(u as usize, self.share(slots.get(i), v));
            }
        }
    }

    /// Calls `f(v, w_uv)` (the raw weight) for every out-edge `u -> v`, `v != u`, in slot order.
    pub(crate) fn out_weights(&self, u: usize, mut f: impl FnMut(usize, f64)) {
        let r = self.g.out_range(u);
        for (slot, &v) in r.zip(self.g.out_neighbors(u)) {
            if v as usize != u {
                f(v as usize, self.weight(slot));
            }
        }
    }

    /// Calls `f(v, b_uv)` for every out-edge `u -> v`, `v != u`, in slot order.
    pub(crate) fn out_of(&self, u: usize, mut f: impl FnMut(usize, f64)) {
        let r = self.g.out_range(u);
        for (slot, &v) in r.zip(self.g.out_neighbors(u)) {
            if v as usize != u {
                f(v as usize, self.share(slot, v as usize));
            }
        }
    }
}

/// Weight of the closed walks of each length: `D[j * K + k - 1] = (B^k)_jj` for `k = 1..=K`.
///
/// `(B^k)_jj = sum_x (B^a)_jx (B^b)_xj` with `a = ceil(k/2)`, `b = floor(k/2)`: walks of `a`
/// hops forward from `j` meet walks of `b` hops backward from `j`. For `K <= 2` this is a merge of
/// the sorted out- and in-lists of `j` (reciprocal edges), `O(|E|)` in all; for larger `K` it
/// costs the walks of `ceil(K/2)` hops from every node. Each node is computed by one task.
pub(crate) fn returning_walks(
    sh: &Shares<'_>,
    max_hops: usize,
    ctl: &Control,
) -> CoreResult<Vec<f64>> {
    let n = sh.g.n_nodes();
    if max_hops <= 2 {
        return per_node_rows(
            n,
            max_hops,
            ctl,
            || (),
            |_, j, row| {
                if max_hops == 2 {
                    row[1] = reciprocal(sh, j);
                }
            },
        );
    }
    per_node_rows(
        n,
        max_hops,
        ctl,
        || Meet::new(n),
        |m, j, row| m.closed(sh, j, row),
    )
}

/// `(B^2)_jj = sum_x b_jx b_xj` by merging the sorted out- and in-neighbour lists of `j`.
fn reciprocal(sh: &Shares<'_>, j: usize) -> f64 {
    let g = sh.g;
    let (outs, out_start) = (g.out_neighbors(j), g.out_range(j).start);
    let (ins, in_slots) = g.in_neighbors(j);
    let (mut a, mut b, mut total) = (0, 0, 0.0);
    while a < outs.len() && b < ins.len() {
        let (x, y) = (outs[a], ins[b]);
        if x < y {
            a += 1;
        } else if y < x {
            b += 1;
        } else {
            if x as usize != j {
                total += sh.share(out_start + a, x as usize) * sh.share(in_slots.get(b), j);
            }
            a += 1;
            b += 1;
        }
    }
    total
}

/// Fills one row of `width` values per node, in fixed chunks with one scratch per task; the
/// chunks depend only on `n`, and every row is written by one call, so the result does not
/// depend on the thread count.
fn per_node_rows<S>(
    n: usize,
    width: usize,
    ctl: &Control,
    init: impl Fn() -> S + Sync + Send,
    f: impl Fn(&mut S, usize, &mut [f64]) + Sync + Send,
) -> CoreResult<Vec<f64>> {
    let mut out = vec![0.0; n * width];
    if n == 0 || width == 0 {
        return Ok(out);
    }
    let chunk = n.div_ceil(WORK_CHUNKS).max(1);
    out.par_chunks_mut(chunk * width)
        .enumerate()
        .map_init(init, |sc, (c, rows)| {
            ctl.checkpoint()?;
            for (i, row) in rows.chunks_mut(width).enumerate() {
                f(sc, c * chunk + i, row);
            }
            ctl.advance((rows.len() / width) as u64);
            Ok(())
        })
        .collect::<CoreResult<()>>()?;
    Ok(out)
}

/// A sparse vector over `0..n`: the touched nodes and their masses.
#[derive(Default)]
struct Level {
    nodes: Vec<usize>,
    mass: Vec<f64>,
}

/// Scratch for meeting forward and backward walks from one node.
struct Meet {
    /// Dense accumulator of the level being built.
    acc: Vec<f64>,
    seen: Vec<bool>,
    touched: Vec<usize>,
    forward: Vec<Level>,
    backward: Vec<Level>,
}

impl Meet {
    fn new(n: usize) -> Self {
        Self {
            acc: vec![0.0; n],
            seen: vec![false; n],
            touched: Vec::new(),
            forward: Vec::new(),
            backward: Vec::new(),
        }
    }

    /// Row `k - 1` of `row` gets `(B^k)_jj`.
    fn closed(&mut self, sh: &Shares<'_>, j: usize, row: &mut [f64]) {
        let hops = row.len();
        let (fa, ba) = (hops.div_ceil(2), hops / 2);
        let mut forward = std::mem::take(&mut self.forward);
        let mut backward = std::mem::take(&mut self.backward);
        forward.resize_with(fa, Level::default);
        backward.resize_with(ba, Level::default);
        for a in 0..fa {
            let (done, rest) = forward.split_at_mut(a);
            self.expand(j, done.last(), &mut rest[0], |x, visit| sh.out_of(x, visit));
        }
        for b in 0..ba {
            let (done, rest) = backward.split_at_mut(b);
            self.expand(j, done.last(), &mut rest[0], |x, visit| sh.toward(x, visit));
        }
        for (hops, slot) in (1..).zip(row.iter_mut()).skip(1) {
            // forward ceil(hops/2), backward floor(hops/2): both >= 1 from two hops on.
            let (a, b) = (usize::div_ceil(hops, 2), hops / 2);
            *slot = self.dot(&forward[a - 1], &backward[b - 1]);
        }
        self.forward = forward;
        self.backward = backward;
    }

    /// `out` = one step from `from` (or from `j` with mass 1 when `from` is `None`).
    fn expand(
        &mut self,
        j: usize,
        from: Option<&Level>,
        out: &mut Level,
        step: impl Fn(usize, &mut dyn FnMut(usize, f64)),
    ) {
        let start = [j];
        let (nodes, mass): (&[usize], &[f64]) = match from {
            Some(l) => (&l.nodes, &l.mass),
            None => (&start, &[1.0]),
        };
        let (acc, seen, touched) = (&mut self.acc, &mut self.seen, &mut self.touched);
        for (&x, &m) in nodes.iter().zip(mass) {
            step(x, &mut |u, b| {
                if !seen[u] {
                    seen[u] = true;
                    touched.push(u);
                }
                acc[u] += m * b;
            });
        }
        out.nodes.clear();
        out.mass.clear();
        for &u in touched.iter() {
            out.nodes.push(u);
            out.mass.push(acc[u]);
            acc[u] = 0.0;
            seen[u] = false;
        }
        touched.clear();
    }

    /// `sum_x f(x) b(x)` of two sparse levels (scatter `b`, gather over `f`).
    fn dot(&mut self, f: &Level, b: &Level) -> f64 {
        for (&x, &m) in b.nodes.iter().zip(&b.mass) {
            self.acc[x] = m;
        }
        let total = f
            .nodes
            .iter()
            .zip(&f.mass)
            .fold(0.0, |t, (&x, &m)| t + m * self.acc[x]);
        for &x in &b.nodes {
            self.acc[x] = 0.0;
        }
        total
    }
}

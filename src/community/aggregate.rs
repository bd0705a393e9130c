//! The working graph of the community algorithms: a symmetric CSR without self entries, each
//! node's internal (self-loop) weight and its two null-model weights, built from a customer
//! graph and collapsed level by level (one node per community).

use super::quality::Objective;
use crate::control::Control;
use crate::error::CoreResult;
use crate::graph::{EdgeWeight, Graph};
use crate::parallel::{WORK_CHUNKS, balanced_bounds};
use crate::prefetch::prefetch_at;
use crate::scale::{scaled, weight_shift};
use rayon::prelude::*;
use std::borrow::Cow;

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

/// The working graph of `g` under `weight`: the directed view (`directed`, only for a directed
/// graph) keeps out- and in-strengths as the null-model weights, the undirected view adds the
/// two directions of each pair. For modularity `a = b = k/2` (undirected) or `a = k_out`,
/// `b = k_in` (directed); for CPM `a = b = 1`.
pub(crate) fn from_graph<'g>(
    g: &'g Graph,
    weight: EdgeWeight,
    directed: bool,
    objective: Objective,
    ctl: &Control,
) -> CoreResult<WorkGraph<'g>> {
    let w = g.edge_weights(weight)?;
    if w.is_none_or(|w| w.par_iter().all(|&x| x == 1.0)) {
        if let Some(view) = unit_view(g, objective) {
            return Ok(view);
        }
    }
    // Modularity does not depend on the weights' scale but squares their sums: extreme scales
    // are brought near 1 by an exact power of two. CPM compares weights with the resolution,
    // so its weights stay as given.
    let rescaled = match (objective, w) {
        (Objective::Modularity, Some(w)) => scaled(w, weight_shift(w)),
        _ => None,
    };
    let w = rescaled.as_deref().or(w);
    built(g, w, directed, objective, ctl)
}

/// The working graph of `g` with row weights `w` (`None`: all 1), its rows copied.
fn built(
    g: &Graph,
    w: Option<&[f64]>,
    directed: bool,
    objective: Objective,
    ctl: &Control,
) -> CoreResult<WorkGraph<'static>> {
    let wt = |slot: usize| w.map_or(1.0, |w| w[slot]);
    // Without weights every row weight of an undirected graph is 1, known before building (a
    // directed graph's rows add the two directions of a pair).
    let known_unit = w.is_none() && !g.is_directed();
    let lens: Vec<usize> = (0..g.n_nodes())
        .into_par_iter()
        .map(|u| {
            let mut len = 0;
            node_row(g, u, &|_| 0.0, &mut |_, _| len += 1);
            len
        })
        .collect();
    ctl.checkpoint()?;
    let wg = build_exact(&lens, known_unit, |u, t, w| {
        let mut i = 0;
        let (s, k_out, k_in) = node_row(g, u, &wt, &mut |v, x| {
            t[i] = v;
            if let Some(slot) = w.get_mut(i) {
                *slot = x;
            }
            i += 1;
        });
        let (a, b) = match (objective, directed && g.is_directed()) {
            (Objective::Cpm, _) => (1.0, 1.0),
            (Objective::Modularity, true) => (k_out, k_in),
            (Objective::Modularity, false) => {
                let half = (k_out + k_in) * 0.5;
                (half, half)
            }
        };
        [s, a, b]
    });
    ctl.checkpoint()?;
    if !wg.unit && wg.weights.par_iter().all(|&x| x == 1.0) {
        return Ok(wg.into_unit());
    }
    Ok(wg)
}

/// The working graph of `g` with every edge weight 1, reading its adjacency in place when it is
/// undirected and has no self-loop: the rows are then exactly the graph's own, and copying them
/// would cost a twentieth of a whole Leiden run. `None` for any other graph.
fn unit_view(g: &Graph, objective: Objective) -> Option<WorkGraph<'_>> {
    if g.is_directed() || g.n_self_loops() > 0 {
        return None;
    }
    let offsets = g.offsets();
    let null_weight: Vec<f64> = match objective {
        Objective::Modularity => offsets
            .par_windows(2)
            .map(|r| (r[1] - r[0]) as f64 * 0.5)
            .collect(),
        Objective::Cpm => vec![1.0; g.n_nodes()],
    };
    let view = WorkGraph {
        offsets: Cow::Borrowed(offsets),
        targets: Cow::Borrowed(g.targets()),
        weights: Vec::new(),
        self_w: vec![0.0; g.n_nodes()],
        a: null_weight.clone(),
        b: null_weight,
        unit: false,
    };
    Some(view.into_unit())
}

/// Emits `u`'s symmetric row entry by entry (no self entry); returns (self weight,
/// out-strength, in-strength), where for an undirected graph both strengths are half the degree
/// `k_u` (a self-loop counted twice).
fn node_row(
    g: &Graph,
    u: usize,
    wt: &impl Fn(usize) -> f64,
    emit: &mut impl FnMut(u32, f64),
) -> (f64, f64, f64) {
    let out = g.out_neighbors(u);
    let r = g.out_range(u);
    let mut self_w = 0.0;
    let mut k_out = 0.0;
    if !g.is_directed() {
        for (i, &v) in out.iter().enumerate() {
            let x = wt(r.start + i);
            k_out += x;
            if v as usize == u {
                self_w += x;
                k_out += x;
            } else {
                emit(v, x);
            }
        }
        // Half the degree each way, so that k_out + k_in is the degree in both cases.
        return (self_w, k_out * 0.5, k_out * 0.5);
    }
    // Directed: merge the sorted out- and in-lists, adding the two directions of a pair.
    let (inn, slots) = g.in_neighbors(u);
    let mut k_in = 0.0;
    let (mut i, mut j) = (0, 0);
    while i < out.len() || j < inn.len() {
        let vo = out.get(i).copied().unwrap_or(u32::MAX);
        let vi = inn.get(j).copied().unwrap_or(u32::MAX);
        let v = vo.min(vi);
        let mut x = 0.0;
        if vo == v {
            let y = wt(r.start + i);
            k_out += y;
            x += y;
            i += 1;
        }
        if vi == v {
            let y = wt(slots.get(j));
            k_in += y;
            if v as usize != u {
                x += y;
            }
            j += 1;
        }
        if v as usize == u {
            self_w += x;
        } else {
            emit(v, x);
        }
    }
    (self_w, k_out, k_in)
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

/// The modularity working graph of `g`, for tests.
#[cfg(test)]
pub(crate) fn modularity_graph(
    g: &Graph,
    weight: EdgeWeight,
    directed: bool,
) -> WorkGraph<'static> {
    from_graph(g, weight, directed, Objective::Modularity, &Control::new())
        .unwrap()
        .into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::community::moving::{move_nodes, renumber};
    use crate::community::refine::{RefineParams, refine};
    use crate::graph::test_graph;

    #[test]
    fn undirected_rows_split_off_self_loops() {
        // 0-1 (2), 1-1 (3), 1-2 (4)
        let g = test_graph(&[0, 1, 1], &[1, 1, 2], Some(&[2.0, 3.0, 4.0]), 3, false);
        let wg = modularity_graph(&g, EdgeWeight::Summed, false);
        assert_eq!(wg.row(1), (&[0u32, 2][..], &[2.0, 4.0][..]));
        assert_eq!(wg.self_w, vec![0.0, 3.0, 0.0]);
        // k = (2, 2 + 6 + 4, 4); a = b = k / 2
        assert_eq!(wg.a, vec![1.0, 6.0, 2.0]);
        assert_eq!(wg.total_weight(), 9.0);
    }

    #[test]
    fn directed_rows_add_both_directions() {
        // 0->1 (1), 1->0 (2), 1->1 (5), 2->1 (4)
        let g = test_graph(
            &[0, 1, 1, 2],
            &[1, 0, 1, 1],
            Some(&[1.0, 2.0, 5.0, 4.0]),
            3,
            true,
        );
        let wg = modularity_graph(&g, EdgeWeight::Summed, true);
        assert_eq!(wg.row(0), (&[1u32][..], &[3.0][..]));
        assert_eq!(wg.row(1), (&[0u32, 2][..], &[3.0, 4.0][..]));
        assert_eq!(wg.self_w, vec![0.0, 5.0, 0.0]);
        assert_eq!(
            (wg.a.clone(), wg.b.clone()),
            (vec![1.0, 7.0, 4.0], vec![2.0, 10.0, 0.0])
        );
        let und = modularity_graph(&g, EdgeWeight::Summed, false);
        assert_eq!(und.a, vec![1.5, 8.5, 2.0]);
        assert_eq!(und.total_weight(), 12.0);
    }

    #[test]
    fn unit_rows_give_what_their_weights_give() {
        // An unweighted graph: every row weight is 1, so the passes that skip reading the
        // weights must find exactly what reading them finds.
        let g = random_graph(400, 3000, 7, false);
        let wg = modularity_graph(&g, EdgeWeight::Unit, false);
        assert!(wg.unit);
        // Its weights of 1 to 4 are not.
        assert!(!modularity_graph(&g, EdgeWeight::Summed, false).unit);
        // The same rows with a weight of 1 stored in every slot.
        let read = WorkGraph {
            unit: false,
            weights: vec![1.0; wg.targets.len()],
            ..wg.clone()
        };
        assert!(wg.weights.len() < wg.targets.len() / 10);
        for u in 0..wg.n() {
            assert_eq!(wg.row(u), read.row(u));
        }
        let scale = 1.0 / (2.0 * wg.total_weight());
        let moved = |g: &WorkGraph| {
            let mut comm: Vec<u32> = (0..g.n() as u32).collect();
            let mut rng = crate::rng::stream(3, 0);
            let m = move_nodes(g, &mut comm, scale, None, &mut rng, &Control::new()).unwrap();
            (comm, m)
        };
        let (mut comm, m) = moved(&wg);
        assert!(m.count > 0);
        assert_eq!((comm.clone(), m), moved(&read));
        let k = renumber(&mut comm);
        let p = RefineParams {
            scale,
            theta_unit: 0.01,
            seed: 5,
        };
        let fresh: Vec<bool> = (0..wg.n()).map(|v| v % 5 == 0).collect();
        let refined = |g: &WorkGraph, fresh: Option<&[bool]>| refine(g, &comm, k, &p, None, fresh);
        assert_eq!(refined(&wg, None), refined(&read, None));
        assert_eq!(refined(&wg, Some(&fresh)), refined(&read, Some(&fresh)));
        let agg = aggregate(&wg, &comm, k);
        assert!(!agg.unit);
        assert_eq!(agg, aggregate(&read, &comm, k));
        let order: Vec<u32> = (0..wg.n() as u32).rev().collect();
        let laid_out = permuted(&wg, &order);
        assert!(laid_out.unit);
        let laid_read = permuted(&read, &order);
        assert!(!laid_read.unit);
        for u in 0..wg.n() {
            assert_eq!(laid_out.row(u), laid_read.row(u));
        }
    }

    #[test]
    fn directed_pairs_both_ways_are_not_unit() {
        // No weights, but the undirected view of 0 -> 1 and 1 -> 0 weighs 2.
        let g = test_graph(&[0, 1, 1], &[1, 0, 2], None, 3, true);
        let wg = modularity_graph(&g, EdgeWeight::Unit, false);
        assert!(!wg.unit);
        assert_eq!(wg.row(1), (&[0u32, 2][..], &[2.0, 1.0][..]));
        let und = test_graph(&[0, 1], &[1, 2], None, 3, false);
        let wg = modularity_graph(&und, EdgeWeight::Unit, false);
        assert!(wg.unit);
        assert_eq!(wg.weights.len(), 2);
        assert_eq!(wg.row(1), (&[0u32, 2][..], &[1.0, 1.0][..]));
        assert_eq!(wg.row(0), (&[1u32][..], &[1.0][..]));
    }

    #[test]
    fn aggregate_moves_inside_weight_to_self() {
        // path 0-1-2-3, weights 1, 2, 3; communities {0,1}, {2,3}
        let g = test_graph(&[0, 1, 2], &[1, 2, 3], Some(&[1.0, 2.0, 3.0]), 4, false);
        let wg = modularity_graph(&g, EdgeWeight::Summed, false);
        let agg = aggregate(&wg, &[0, 0, 1, 1], 2);
        assert_eq!(agg.self_w, vec![1.0, 3.0]);
        assert_eq!(agg.row(0), (&[1u32][..], &[2.0][..]));
        assert_eq!(agg.a, vec![2.0, 4.0]);
        assert_eq!(agg.total_weight(), wg.total_weight());
    }

    /// A random weighted graph of `n` nodes with self-loops and repeated pairs.
    fn random_graph(n: u32, m: usize, seed: u64, directed: bool) -> Graph {
        use rand::Rng as _;
        let mut rng = crate::rng::stream(seed, 0);
        let (mut s, mut t, mut w) = (vec![], vec![], vec![]);
        for _ in 0..m {
            s.push(rng.random_range(0..n));
            t.push(rng.random_range(0..n));
            w.push(rng.random_range(1..5) as f64);
        }
        test_graph(&s, &t, Some(&w), n as usize, directed)
    }

    #[test]
    fn loop_free_unit_graphs_are_read_in_place() {
        use rand::Rng as _;
        let mut rng = crate::rng::stream(4, 0);
        let mut pairs = std::collections::BTreeSet::new();
        while pairs.len() < 2000 {
            let (u, v) = (rng.random_range(0..300u32), rng.random_range(0..300u32));
            if u != v {
                pairs.insert((u.min(v), u.max(v)));
            }
        }
        let (s, t): (Vec<u32>, Vec<u32>) = pairs.into_iter().unzip();
        let ctl = Control::new();
        let g = test_graph(&s, &t, None, 300, false);
        for (weight, objective) in [
            (EdgeWeight::Unit, Objective::Modularity),
            (EdgeWeight::Summed, Objective::Modularity),
            (EdgeWeight::Unit, Objective::Cpm),
        ] {
            let view = from_graph(&g, weight, false, objective, &ctl).unwrap();
            assert!(matches!(view.targets, Cow::Borrowed(_)));
            assert!(matches!(view.offsets, Cow::Borrowed(_)));
            // The same graph as the rows copied.
            let w = g.edge_weights(weight).unwrap();
            assert_eq!(view, built(&g, w, false, objective, &ctl).unwrap());
            // Its total weight, read off the slot count, is what summing the rows gives.
            let summed = WorkGraph {
                unit: false,
                weights: vec![1.0; view.targets.len()],
                ..view.clone()
            };
            assert_eq!(view.total_weight(), summed.total_weight());
            assert_eq!(view.total_weight(), s.len() as f64);
        }
        // Weights other than 1, a self-loop, or a direction: the rows are built.
        let twos = vec![2.0; s.len()];
        let weighted = test_graph(&s, &t, Some(&twos), 300, false);
        let (mut sl, mut tl) = (s.clone(), t.clone());
        sl.push(7);
        tl.push(7);
        let looped = test_graph(&sl, &tl, None, 300, false);
        let directed = test_graph(&s, &t, None, 300, true);
        for (g, weight, dir) in [
            (&weighted, EdgeWeight::Summed, false),
            (&looped, EdgeWeight::Unit, false),
            (&directed, EdgeWeight::Unit, true),
            (&directed, EdgeWeight::Unit, false),
        ] {
            let wg = from_graph(g, weight, dir, Objective::Modularity, &ctl).unwrap();
            assert!(matches!(wg.targets, Cow::Owned(_)));
        }
    }

    #[test]
    fn permuted_rows_are_the_renumbered_rows() {
        for (seed, directed) in [(1, false), (2, true)] {
            let g = random_graph(300, 2000, seed, directed);
            let wg = modularity_graph(&g, EdgeWeight::Summed, directed);
            // Reversed, then odd codes first: rows land far from where they were.
            let mut order: Vec<u32> = (0..300).rev().collect();
            order.sort_by_key(|&v| v % 2 == 0);
            let p = permuted(&wg, &order);
            let mut new_id = vec![0u32; 300];
            for (i, &v) in order.iter().enumerate() {
                new_id[v as usize] = i as u32;
            }
            for (i, &v) in order.iter().enumerate() {
                let (t, w) = wg.row(v as usize);
                let mapped: Vec<u32> = t.iter().map(|&u| new_id[u as usize]).collect();
                assert_eq!(p.row(i), (&mapped[..], w));
                let v = v as usize;
                assert_eq!(
                    (p.self_w[i], p.a[i], p.b[i]),
                    (wg.self_w[v], wg.a[v], wg.b[v])
                );
            }
            assert_eq!(p.offsets.len(), 301);
            assert!((p.total_weight() - wg.total_weight()).abs() < 1e-9);
        }
    }

    #[test]
    fn aggregate_sums_every_pair_of_communities() {
        let g = random_graph(400, 3000, 3, false);
        let wg = modularity_graph(&g, EdgeWeight::Summed, false);
        let k = 37;
        let comm: Vec<u32> = (0..400u32).map(|v| (v * 7 + v / 13) % k).collect();
        let agg = aggregate(&wg, &comm, k as usize);
        // Naive pair sums over every slot.
        let mut pair = std::collections::BTreeMap::new();
        let mut inside = vec![0.0; k as usize];
        for v in 0..400 {
            let c = comm[v];
            inside[c as usize] += wg.self_w[v];
            let (t, w) = wg.row(v);
            for (&u, &x) in t.iter().zip(w) {
                let d = comm[u as usize];
                if d == c {
                    inside[c as usize] += x * 0.5;
                } else {
                    *pair.entry((c, d)).or_insert(0.0) += x;
                }
            }
        }
        for c in 0..k {
            let (t, w) = agg.row(c as usize);
            let got: std::collections::BTreeMap<u32, f64> =
                t.iter().copied().zip(w.iter().copied()).collect();
            assert_eq!(got.len(), t.len(), "no repeated target in row {c}");
            for (&d, &x) in &got {
                assert!((x - pair[&(c, d)]).abs() < 1e-9);
            }
            let expected = pair.keys().filter(|&&(a, _)| a == c).count();
            assert_eq!(got.len(), expected);
            assert!((agg.self_w[c as usize] - inside[c as usize]).abs() < 1e-9);
        }
        assert!((agg.total_weight() - wg.total_weight()).abs() < 1e-9);
    }
}

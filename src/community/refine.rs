//! Leiden refinement (Traag, Waltman & van Eck 2019, Algorithm A.2 `RefinePartition` and
//! `MergeNodesSubset`): inside each community `S` of the partition, start from singletons and
//! visit the well-connected nodes in random order; a node still alone joins a well-connected
//! sub-community `C` of `S` with probability proportional to `exp(dH / theta)` over the moves
//! with `dH >= 0` (staying alone included). Every sub-community is connected by construction.
//!
//! Communities are independent, so they are refined in parallel; community `c` draws from its
//! own stream `rng::stream(seed, c)`, which keeps the result independent of the thread count.

use super::aggregate::{WorkGraph, group};
use crate::parallel::{WORK_CHUNKS, balanced_bounds};
use crate::rng::stream;
use rand::Rng as _;
use rand::seq::SliceRandom;
use rayon::prelude::*;

/// Parameters of one refinement.
pub(crate) struct RefineParams {
    /// Penalty scale of `H = sum_c (E_c - scale A_c B_c)`.
    pub scale: f64,
    /// `theta`, applied to gains in edge-weight units.
    pub theta_unit: f64,
    /// Seed of the per-community streams.
    pub seed: u64,
}

/// Communities smaller than this are refined from singletons even when `fresh` is given: there
/// a full refinement costs little, and its new random sub-communities are what lets later
/// iterations still gain on small noisy graphs. Measured on the weighted random planted graphs
/// of the Python tests (a few hundred nodes): with cores in every community, the mean
/// modularity over five seeds fell by up to 0.0014 and the best of five fell more than 0.005
/// below leidenalg's best on one graph.
pub(crate) const CORE_MIN_NODES: usize = 512;

/// Refines the communities `c` with `active[c]` (all when `None`); every other community is
/// kept whole, as one refined community. With `fresh`, in an active community of at least
/// [`CORE_MIN_NODES`] nodes only the fresh nodes and the small settled pieces start alone: the
/// largest connected piece of the settled nodes starts as one sub-community (see
/// [`join_settled`]).
pub(crate) fn refine(
    g: &WorkGraph,
    comm: &[u32],
    k: usize,
    p: &RefineParams,
    active: Option<&[bool]>,
    fresh: Option<&[bool]>,
) -> Vec<u32> {
    refine_some(g, comm, k, p, &|c| active.is_none_or(|a| a[c]), fresh)
}

#[derive(Default)]
struct Scratch {
    label: Vec<u32>,
    ra: Vec<f64>,
    rb: Vec<f64>,
    size: Vec<u32>,
    ext: Vec<f64>,
    win: Vec<f64>,
    buf: Vec<f64>,
    seen: Vec<bool>,
    touched: Vec<u32>,
    order: Vec<u32>,
    cand: Vec<(u32, f64)>,
    stack: Vec<u32>,
}

impl Scratch {
    fn reset(&mut self, s: usize) {
        for v in [
            &mut self.ra,
            &mut self.rb,
            &mut self.ext,
            &mut self.win,
            &mut self.buf,
        ] {
            v.clear();
            v.resize(s, 0.0);
        }
        self.label.clear();
        self.label.extend(0..s as u32);
        self.size.clear();
        self.size.resize(s, 1);
        self.seen.clear();
        self.seen.resize(s, false);
        self.order.clear();
        self.order.extend(0..s as u32);
    }
}

/// Refines `comm` (codes `0..k`) inside the communities where `is_active`: returns the refined
/// community of every node, codes `< n`, each refined community inside one community of `comm`.
fn refine_some(
    g: &WorkGraph,
    comm: &[u32],
    k: usize,
    p: &RefineParams,
    is_active: &(dyn Fn(usize) -> bool + Sync),
    fresh: Option<&[bool]>,
) -> Vec<u32> {
    let (c_off, members) = group(comm, k);
    let mut local = vec![0u32; g.n()];
    for c in 0..k {
        for (i, &v) in members[c_off[c]..c_off[c + 1]].iter().enumerate() {
            local[v as usize] = i as u32;
        }
    }
    let mut cost = Vec::with_capacity(k + 1);
    cost.push(0usize);
    for c in 0..k {
        let nodes = &members[c_off[c]..c_off[c + 1]];
        let work: usize = if is_active(c) {
            nodes
                .iter()
                .map(|&v| g.offsets[v as usize + 1] - g.offsets[v as usize] + 1)
                .sum()
        } else {
            nodes.len()
        };
        cost.push(cost[c] + work);
    }
    // Settled nodes of a community refined with a core get their weights inside from
    // `join_settled`, which reads their rows anyway.
    let with_core = |c: usize| core_fresh(fresh, c_off[c + 1] - c_off[c]).is_some();
    let settled = |v: usize| fresh.is_some_and(|f| !f[v]);
    let win = weights_inside(g, comm, &|v, c| {
        is_active(c) && !(with_core(c) && settled(v))
    });
    let bounds = balanced_bounds(&cost, WORK_CHUNKS);
    let labels: Vec<Vec<u32>> = bounds
        .par_windows(2)
        .map_init(Scratch::default, |sc, r| {
            let mut out = Vec::with_capacity(c_off[r[1]] - c_off[r[0]]);
            for c in r[0]..r[1] {
                let nodes = &members[c_off[c]..c_off[c + 1]];
                if !is_active(c) {
                    out.extend(std::iter::repeat_n(c_off[c] as u32, nodes.len()));
                    continue;
                }
                refine_one(g, comm, &local, &win, nodes, c, p, fresh, sc);
                // Global label: the first member's position plus the local label.
                out.extend(sc.label.iter().map(|&l| (c_off[c] as u32) + l));
            }
            out
        })
        .collect();
    let mut refined = vec![0u32; g.n()];
    for (&v, l) in members.iter().zip(labels.into_iter().flatten()) {
        refined[v as usize] = l;
    }
    refined
}

/// Edges per task of [`weights_inside`], at least.
const INSIDE_CHUNK_EDGES: usize = 16_384;

/// For every node `v` with `wanted(v, comm(v))`, the weight of its edges to the rest of its own
/// community, `w(v, comm(v) - v)` (0 elsewhere). Computed in node order, not community by
/// community: the rows then stream from memory instead of being fetched one by one, and only
/// the neighbours' community codes are random reads. Each node's sum runs in row order, the
/// same on any number of threads.
fn weights_inside(
    g: &WorkGraph,
    comm: &[u32],
    wanted: &(dyn Fn(usize, usize) -> bool + Sync),
) -> Vec<f64> {
    let fill = |start: usize, out: &mut [f64]| {
        for (i, slot) in out.iter_mut().enumerate() {
            let v = start + i;
            let c = comm[v];
            if wanted(v, c as usize) {
                // Adding 0 for a neighbour elsewhere, rather than branching on it: where
                // communities mix, the branch mispredicts often.
                let mut sum = 0.0;
                g.each(v, |u, x| {
                    sum += if comm[u as usize] == c { x } else { 0.0 };
                });
                *slot = sum;
            }
        }
    };
    let mut win = vec![0.0; g.n()];
    let edges = g.offsets.last().copied().unwrap_or(0);
    let parts = (edges / INSIDE_CHUNK_EDGES).clamp(1, WORK_CHUNKS);
    if parts == 1 {
        fill(0, &mut win);
        return win;
    }
    // Chunks of equal edge counts: a hub's row would otherwise hold up its chunk.
    let bounds = balanced_bounds(&g.offsets, parts);
    let mut jobs = Vec::with_capacity(bounds.len());
    let mut rest: &mut [f64] = &mut win;
    for b in bounds.windows(2) {
        let (head, tail) = std::mem::take(&mut rest).split_at_mut(b[1] - b[0]);
        jobs.push((b[0], head));
        rest = tail;
    }
    jobs.into_par_iter()
        .for_each(|(start, out)| fill(start, out));
    win
}

/// The fresh flags when a community of `s` nodes starts from a core, `None` when it is refined
/// from singletons.
fn core_fresh(fresh: Option<&[bool]>, s: usize) -> Option<&[bool]> {
    fresh.filter(|_| s >= CORE_MIN_NODES)
}

#[allow(clippy::too_many_arguments)]
fn refine_one(
    g: &WorkGraph,
    comm: &[u32],
    local: &[u32],
    win_of: &[f64],
    nodes: &[u32],
    c: usize,
    p: &RefineParams,
    fresh: Option<&[bool]>,
    sc: &mut Scratch,
) {
    let s = nodes.len();
    sc.reset(s);
    if s == 1 {
        return;
    }
    let (mut big_a, mut big_b) = (0.0, 0.0);
    for (i, &v) in nodes.iter().enumerate() {
        let v = v as usize;
        sc.ra[i] = g.a[v];
        sc.rb[i] = g.b[v];
        big_a += g.a[v];
        big_b += g.b[v];
        sc.win[i] = win_of[v];
        sc.ext[i] = win_of[v];
    }
    if let Some(f) = core_fresh(fresh, s) {
        join_settled(g, comm, local, nodes, c, f, sc);
    }
    let scale = p.scale;
    let well = |w: f64, a: f64, b: f64| w >= scale * (a * (big_b - b) + b * (big_a - a));
    let mut rng = stream(p.seed, c as u64);
    sc.order.shuffle(&mut rng);
    for oi in 0..sc.order.len() {
        // Nodes are visited in random order: start the next ones' row loads early.
        if let Some(&x) = sc.order.get(oi + 4) {
            g.prefetch_bounds(nodes[x as usize] as usize);
        }
        if let Some(&x) = sc.order.get(oi + 2) {
            g.prefetch_row(nodes[x as usize] as usize);
        }
        let i = sc.order[oi] as usize;
        let own = sc.label[i] as usize;
        let (ai, bi) = (g.a[nodes[i] as usize], g.b[nodes[i] as usize]);
        if sc.size[own] != 1 || !well(sc.win[i], ai, bi) {
            continue;
        }
        g.each(nodes[i] as usize, |u, x| {
            if comm[u as usize] as usize == c {
                let r = sc.label[local[u as usize] as usize];
                if !sc.seen[r as usize] {
                    sc.seen[r as usize] = true;
                    sc.touched.push(r);
                }
                sc.buf[r as usize] += x;
            }
        });
        sc.cand.clear();
        sc.cand.push((own as u32, 0.0));
        let mut max_gain = 0.0f64;
        for &r in &sc.touched {
            let ru = r as usize;
            if ru == own || !well(sc.ext[ru], sc.ra[ru], sc.rb[ru]) {
                continue;
            }
            let gain = sc.buf[ru] - scale * (ai * sc.rb[ru] + bi * sc.ra[ru]);
            if gain >= 0.0 {
                sc.cand.push((r, gain));
                max_gain = max_gain.max(gain);
            }
        }
        let chosen = choose(&mut sc.cand, max_gain, p.theta_unit, &mut rng);
        let w_to = sc.buf[chosen as usize];
        for &r in &sc.touched {
            sc.buf[r as usize] = 0.0;
            sc.seen[r as usize] = false;
        }
        sc.touched.clear();
        let r = chosen as usize;
        if r != own {
            sc.label[i] = chosen;
            sc.ra[r] += ai;
            sc.rb[r] += bi;
            sc.size[r] += 1;
            sc.size[own] = 0;
            sc.ext[r] += sc.ext[own] - 2.0 * w_to;
        }
    }
}

/// Starts the settled (not fresh) nodes of community `c` joined where they form its core: the
/// largest connected piece they form inside `c` (the first on ties) becomes one sub-community,
/// labelled by its first node, with its null-model sums and its weight to the rest of `c`. Every
/// other node stays alone and is left in `sc.order`, to be merged as usual. The core is
/// connected, so every sub-community stays connected. Also sets the weight inside `c`
/// (`sc.win`, `sc.ext`) of every settled node, which `weights_inside` skipped.
///
/// Why: after an iteration that moved a few nodes, the bulk of a community holds what earlier
/// refinements found; refining it from singletons again costs a pass over its edges and, above
/// all, a much larger aggregate graph for the next levels, to find mostly the same. Smaller
/// settled pieces are refined again: kept whole, each would stay an aggregate node of its own.
fn join_settled(
    g: &WorkGraph,
    comm: &[u32],
    local: &[u32],
    nodes: &[u32],
    c: usize,
    fresh: &[bool],
    sc: &mut Scratch,
) {
    if nodes.iter().all(|&v| fresh[v as usize]) {
        return;
    }
    // Pieces by depth-first search, labelled by their first node; `seen` marks the visited.
    // A piece's weight to the rest of `c` all goes to fresh nodes, pieces being maximal.
    let (mut core, mut core_size, mut core_ext) = (0usize, 0u32, 0.0);
    for root in 0..nodes.len() {
        if fresh[nodes[root] as usize] || sc.seen[root] {
            continue;
        }
        sc.seen[root] = true;
        sc.stack.push(root as u32);
        let (mut size, mut ext) = (0u32, 0.0);
        while let Some(i) = sc.stack.pop() {
            let i = i as usize;
            sc.label[i] = root as u32;
            size += 1;
            let mut inside = 0.0;
            g.each(nodes[i] as usize, |u, x| {
                let u = u as usize;
                if comm[u] as usize != c {
                    return;
                }
                inside += x;
                let j = local[u] as usize;
                if fresh[u] {
                    ext += x;
                } else if !sc.seen[j] {
                    sc.seen[j] = true;
                    sc.stack.push(j as u32);
                }
            });
            sc.win[i] = inside;
            sc.ext[i] = inside;
        }
        if size > core_size {
            (core, core_size, core_ext) = (root, size, ext);
        }
    }
    let (mut a, mut b) = (0.0, 0.0);
    for (i, &v) in nodes.iter().enumerate() {
        sc.seen[i] = false;
        if sc.label[i] as usize != core {
            sc.label[i] = i as u32;
            continue;
        }
        a += g.a[v as usize];
        b += g.b[v as usize];
        sc.size[i] = 0;
    }
    sc.ra[core] = a;
    sc.rb[core] = b;
    sc.ext[core] = core_ext;
    sc.size[core] = core_size;
    sc.order.retain(|&i| sc.label[i as usize] as usize != core);
}

/// Exponents below this give weights under `1.6e-28`: added to the best candidate's weight of
/// 1 they leave the sum unchanged, even summed over a billion candidates, so `exp` is skipped.
const NEGLIGIBLE_EXPONENT: f64 = -64.0;

/// Draws a candidate with probability proportional to `exp((gain - max_gain) / theta_unit)`.
fn choose(
    cand: &mut [(u32, f64)],
    max_gain: f64,
    theta_unit: f64,
    rng: &mut crate::rng::Rng,
) -> u32 {
    if cand.len() == 1 {
        return cand[0].0;
    }
    let mut total = 0.0;
    for c in cand.iter_mut() {
        let p = if theta_unit > 0.0 {
            let z = (c.1 - max_gain) / theta_unit;
            if z < NEGLIGIBLE_EXPONENT {
                0.0
            } else {
                z.exp()
            }
        } else if c.1 == max_gain {
            1.0
        } else {
            0.0
        };
        total += p;
        c.1 = total;
    }
    let x = rng.random::<f64>() * total;
    cand.iter()
        .find(|c| x < c.1)
        .or(cand.last())
        .map_or(0, |c| c.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::community::aggregate::modularity_graph;
    use crate::graph::{EdgeWeight, test_graph};

    #[test]
    fn disconnected_community_is_split() {
        // Two separate triangles put in one community must refine into two.
        let g = test_graph(&[0, 1, 2, 3, 4, 5], &[1, 2, 0, 4, 5, 3], None, 6, false);
        let wg = modularity_graph(&g, EdgeWeight::Unit, false);
        let p = RefineParams {
            scale: 1.0 / 6.0,
            theta_unit: 0.01,
            seed: 3,
        };
        let r = refine(&wg, &[0; 6], 1, &p, None, None);
        assert_eq!(
            refine(&wg, &[0; 6], 1, &p, Some(&[false]), None),
            vec![0; 6]
        );
        assert!(r[0..3].iter().all(|x| !r[3..6].contains(x)));
        assert!(r.iter().all(|&x| x < 6));
    }

    /// Clique {0,1,2,3}, then 3-4 and 4-5, then the `rest` of the edges, on `n` nodes.
    fn clique_path_and(rest: impl Iterator<Item = (u32, u32)>, n: usize) -> WorkGraph<'static> {
        let head = [
            (0, 1),
            (0, 2),
            (0, 3),
            (1, 2),
            (1, 3),
            (2, 3),
            (3, 4),
            (4, 5),
        ];
        let (s, t): (Vec<u32>, Vec<u32>) = head.into_iter().chain(rest).unzip();
        let g = test_graph(&s, &t, None, n, false);
        modularity_graph(&g, EdgeWeight::Unit, false)
    }

    /// The clique and path, then triangle {5,6,7}; node 4 will be fresh.
    fn clique_path_triangle() -> WorkGraph<'static> {
        clique_path_and([(5, 6), (6, 7), (5, 7)].into_iter(), 8)
    }

    #[test]
    fn settled_core_starts_as_one_sub_community() {
        let wg = clique_path_triangle();
        let n = wg.n();
        let comm = vec![0u32; n];
        let local: Vec<u32> = (0..n as u32).collect();
        let nodes: Vec<u32> = (0..n as u32).collect();
        let mut fresh = vec![false; n];
        fresh[4] = true;
        let mut sc = Scratch::default();
        sc.reset(n);
        let inside = |v: usize| wg.row(v).1.iter().sum::<f64>();
        for (v, &f) in fresh.iter().enumerate() {
            sc.ra[v] = wg.a[v];
            sc.rb[v] = wg.b[v];
            // As `weights_inside` leaves them: only the fresh node's weight inside is known.
            sc.win[v] = if f { inside(v) } else { -1.0 };
            sc.ext[v] = sc.win[v];
        }
        join_settled(&wg, &comm, &local, &nodes, 0, &fresh, &mut sc);
        for v in 0..n {
            assert_eq!(sc.win[v], inside(v), "node {v}");
        }
        assert_eq!(&sc.ext[4..], &(4..n).map(inside).collect::<Vec<_>>()[..]);
        // The clique is the largest settled piece; its only edge out is 3-4.
        assert_eq!(&sc.label[..4], &[0, 0, 0, 0]);
        assert_eq!(&sc.label[4..], &[4, 5, 6, 7]);
        assert_eq!((sc.size[0], sc.size[3], sc.size[5]), (4, 0, 1));
        assert_eq!(sc.ext[0], 1.0);
        assert_eq!(sc.ra[0], wg.a[..4].iter().sum::<f64>());
        assert_eq!(sc.rb[0], wg.b[..4].iter().sum::<f64>());
        // The triangle is settled but not the core: its nodes start alone, with the fresh one.
        assert_eq!(sc.order, vec![4, 5, 6, 7]);
        assert!(sc.seen.iter().all(|&x| !x));
    }

    #[test]
    fn fresh_refinement_keeps_the_core_and_connected_parts() {
        // Clique {0,1,2,3}, then 3-4 and 4-5, then a ring of RING nodes from 5; node 4 is
        // fresh, so the ring is the core.
        const RING: u32 = CORE_MIN_NODES as u32 + 88;
        let n = 5 + RING as usize;
        let wg = clique_path_and((0..RING).map(|i| (5 + i, 5 + (i + 1) % RING)), n);
        let comm = vec![0u32; n];
        let mut fresh = vec![false; n];
        fresh[4] = true;
        let scale = 1.0 / (2.0 * (8 + RING) as f64);
        for seed in 0..10 {
            let p = RefineParams {
                scale,
                theta_unit: 0.01,
                seed,
            };
            let r = refine(&wg, &comm, 1, &p, None, Some(&fresh));
            assert!(r[5..].iter().all(|&x| x == r[5]), "seed {seed}");
            // Every sub-community is connected inside itself.
            for &x in &r {
                let part: Vec<usize> = (0..n).filter(|&v| r[v] == x).collect();
                let mut reached = vec![part[0]];
                let mut i = 0;
                while i < reached.len() {
                    for &u in wg.row(reached[i]).0 {
                        let u = u as usize;
                        if r[u] == x && !reached.contains(&u) {
                            reached.push(u);
                        }
                    }
                    i += 1;
                }
                assert_eq!(reached.len(), part.len(), "seed {seed}");
            }
            // Without a core the ring breaks into many pieces.
            let plain = refine(&wg, &comm, 1, &p, None, None);
            let pieces = |r: &[u32]| {
                let mut x = r.to_vec();
                x.sort_unstable();
                x.dedup();
                x.len()
            };
            assert!(pieces(&plain) > pieces(&r) + 10, "seed {seed}");
            // With every node fresh the refinement is the plain one.
            let all = vec![true; n];
            assert_eq!(refine(&wg, &comm, 1, &p, None, Some(&all)), plain);
        }
    }

    #[test]
    fn weights_inside_match_naive_sums() {
        // Large enough (about 60,000 edge slots) to run in several chunks; weighted, with
        // self-loops and repeated pairs.
        let n = 3000u32;
        let code = |i: u32, a: u64, b: u64| ((u64::from(i) * a + b) % u64::from(n)) as u32;
        let s: Vec<u32> = (0..30_000).map(|i| code(i, 7919, 1)).collect();
        let t: Vec<u32> = (0..30_000).map(|i| code(i, 104_729, 5)).collect();
        let w: Vec<f64> = (0..30_000).map(|i| 1.0 + f64::from(i % 7)).collect();
        let g = test_graph(&s, &t, Some(&w), n as usize, false);
        let wg = modularity_graph(&g, EdgeWeight::Summed, false);
        let k = 40;
        let comm: Vec<u32> = (0..n)
            .map(|v| ((u64::from(v) * 2_654_435_761) >> 9) as u32 % k)
            .collect();
        let active = |c: usize| c % 3 != 0;
        let win = weights_inside(&wg, &comm, &|_, c| active(c));
        for v in 0..n as usize {
            let c = comm[v];
            let (nb, ws) = wg.row(v);
            let naive: f64 = if active(c as usize) {
                nb.iter()
                    .zip(ws)
                    .filter(|(u, _)| comm[**u as usize] == c)
                    .map(|(_, x)| x)
                    .sum()
            } else {
                0.0
            };
            assert!(
                (win[v] - naive).abs() < 1e-9,
                "node {v}: {} vs {naive}",
                win[v]
            );
        }
        assert!(win.iter().any(|&x| x > 0.0));
    }
}

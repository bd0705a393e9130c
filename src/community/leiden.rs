//! The Leiden algorithm (Traag, Waltman & van Eck 2019, "From Louvain to Leiden: guaranteeing
//! well-connected communities", Scientific Reports 9, 5233).

use super::aggregate::{WorkGraph, aggregate, from_graph, group, permuted};
use super::moving::{Moves, move_nodes, renumber};
use super::moving_parallel::move_nodes_parallel;
use super::quality::{
    Objective, QualityConfig, check_membership, check_resolution, quality_from_h, quality_of,
    scale_and_unit,
};
use super::refine::{RefineParams, refine};
use crate::control::Control;
use crate::error::{CoreError, CoreResult};
use crate::graph::Graph;
use crate::rng::{Rng, stream};
use rand::Rng as _;
use rayon::prelude::*;

/// Default randomness of the refinement (the paper's `theta`).
pub const DEFAULT_THETA: f64 = 0.01;
/// Cap on full iterations when iterating until nothing changes.
pub const MAX_ITERATIONS: usize = 1000;
/// Iterations that are full even when later ones are incremental. After the first, nearly
/// every community holds a node that moved, so an incremental second iteration would refine
/// almost all of them anyway, from settled cores that it first has to find: a full one costs
/// about as much and, refining from singletons, finds more (on LFR graphs of 10^5 nodes, a
/// mean modularity higher by 1e-5 to 5e-5 after two iterations).
const FULL_ITERATIONS: usize = 2;
/// Fewest edges for [`LeidenConfig::incremental`] to apply: below, every iteration is full. A
/// full iteration of a graph this small takes milliseconds, and on small graphs full iterations
/// find better optima (on planted graphs of a few hundred nodes at resolution 2, incremental
/// ones trail leidenalg's mean modularity by about 1.3e-3, full ones match it).
pub const INCREMENTAL_MIN_EDGES: usize = 1 << 16;
/// With `n_iterations < 0`, iterations also stop once one raises the quality by less than this
/// share of the total edge weight (for modularity: a modularity gain below `1e-6`; for CPM:
/// `1e-6 m`).
pub const CONVERGENCE_TOL: f64 = 1e-6;

/// Settings of [`leiden`] and [`super::louvain`].
#[derive(Debug, Clone, PartialEq)]
pub struct LeidenConfig {
    /// Objective, resolution, edge weight and directedness.
    pub quality: QualityConfig,
    /// Seed of every random choice.
    pub seed: u64,
    /// Full iterations; negative: until an iteration changes nothing, or raises the quality
    /// by less than [`CONVERGENCE_TOL`] (at most [`MAX_ITERATIONS`]).
    pub n_iterations: i64,
    /// Randomness of the refinement, `theta > 0` (Leiden only): a merge with gain `dH` (in
    /// edge-weight units, `m` times the modularity gain) has weight `exp(dH / theta)`.
    pub theta: f64,
    /// Local moving on all threads at once, the moves racing (see
    /// [`super::moving_parallel`]): faster with several threads, but the result depends on
    /// thread timing, so a seed no longer fixes it. Off by default.
    pub parallel: bool,
    /// Iterations after the second revisit only what the previous one changed (see
    /// [`leiden`]), on graphs of at least [`INCREMENTAL_MIN_EDGES`] edges; when false, every
    /// iteration queues every node and refines every community from singletons, as the first
    /// two do: slower, for a slightly higher quality. On by default.
    pub incremental: bool,
}

impl Default for LeidenConfig {
    fn default() -> Self {
        Self {
            quality: QualityConfig::default(),
            seed: 0,
            n_iterations: -1,
            theta: DEFAULT_THETA,
            parallel: false,
            incremental: true,
        }
    }
}

/// A partition found by [`leiden`], [`super::louvain`] or [`super::label_propagation`].
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Clustering {
    /// Community of every node, codes `0..k` in order of first appearance.
    pub membership: Vec<u32>,
    /// Community of every node after each aggregation level of the first iteration, finest
    /// first; the last equals `membership`.
    pub levels: Vec<Vec<u32>>,
    /// Quality of `membership` under the objective.
    pub quality: f64,
    /// Full iterations run: fewer than asked when one moved nothing above level 0, since
    /// the next would then revisit nothing.
    pub iterations: usize,
}

pub(crate) fn check_config(cfg: &LeidenConfig) -> CoreResult<()> {
    check_resolution(cfg.quality.resolution)?;
    if !(cfg.theta.is_finite() && cfg.theta > 0.0) {
        return Err(CoreError::BadParameter {
            name: "theta",
            expected: "a finite number > 0",
            got: cfg.theta,
        });
    }
    Ok(())
}

/// Leiden community detection: fast local moving, refinement, aggregation on the refined
/// partition with the unrefined one as its start, repeated level by level until no community
/// merges; full iterations restart from the original graph with the partition found so far.
/// The first two iterations are full (see `FULL_ITERATIONS`); later ones are incremental:
/// each queues first only the nodes moved above level 0 by the previous one and their
/// neighbours, refines only the communities its level-0 moves touched or that hold such nodes
/// (the others are kept whole, one aggregate node each), and at level 1 queues first only the
/// aggregate nodes of the refined communities and their neighbours. Inside a refined community
/// of at least 512 nodes (`CORE_MIN_NODES`), only the changed nodes (moved at level 0, or above
/// it by the previous iteration) and their neighbours start alone; the largest connected piece
/// of the others starts as one sub-community, its core. The run stops after an iteration that
/// moves no node above level 0 (every level ended stable); with `n_iterations < 0`, also after
/// one that moves nothing or gains less than [`CONVERGENCE_TOL`] times the total weight. With
/// [`LeidenConfig::incremental`] off, or on a graph of fewer than [`INCREMENTAL_MIN_EDGES`]
/// edges, every iteration is full, and only the last rule stops the run.
///
/// After the first local moving, nodes are renumbered community by community (and back at the
/// end), so that everything after it reads each community's rows together; the incremental
/// iterations queue their nodes in that order.
///
/// Optimises modularity (Newman; Leicht–Newman when directed; resolution `gamma`) or CPM, see
/// [`super::quality`]. Every community found is connected. The result depends only on the seed:
/// local moving is sequential, refinement and aggregation run in parallel with per-community
/// random streams and fixed chunks. With [`LeidenConfig::parallel`] (and more than one thread)
/// the local moving races on all threads instead, and the result depends on thread timing.
///
/// # Arguments
/// * `g` - the graph; `initial` - optional starting membership (codes `< n`).
/// * `cfg` - see [`LeidenConfig`]; `ctl` - cancellation and progress (one unit per level).
///
/// # Returns
/// A [`Clustering`].
///
/// # Errors
/// [`CoreError::BadParameter`] for a negative resolution or a bad `theta` or membership;
/// [`CoreError::Cancelled`].
///
/// # Complexity
/// About `O(|E|)` per level in practice, a few levels per iteration; `O(|V| + |E|)` extra space.
///
/// # Examples
/// ```
/// use socialcrm::community::{LeidenConfig, leiden};
/// use socialcrm::control::Control;
/// use socialcrm::graph::{BuildConfig, Events, build};
///
/// let (s, t) = ([0u32, 1, 2, 3, 4, 5, 2], [1u32, 2, 0, 4, 5, 3, 3]);
/// let ev = Events { source: &s, target: &t, weight: None, time: None, kind: None };
/// let cfg = BuildConfig { n_nodes: 6, directed: false, ..Default::default() };
/// let (g, _) = build(&ev, &cfg, &Control::new()).unwrap();
/// let c = leiden(&g, None, &LeidenConfig::default(), &Control::new()).unwrap();
/// assert_eq!(c.membership, vec![0, 0, 0, 1, 1, 1]);
/// ```
pub fn leiden(
    g: &Graph,
    initial: Option<&[u32]>,
    cfg: &LeidenConfig,
    ctl: &Control,
) -> CoreResult<Clustering> {
    check_config(cfg)?;
    run(g, initial, cfg, ctl, true)
}

/// Shared driver of Leiden (`refined`) and Louvain (no refinement).
pub(crate) fn run(
    g: &Graph,
    initial: Option<&[u32]>,
    cfg: &LeidenConfig,
    ctl: &Control,
    refined: bool,
) -> CoreResult<Clustering> {
    let n = g.n_nodes();
    let mut comm: Vec<u32> = match initial {
        Some(m) => {
            check_membership(m, n)?;
            m.to_vec()
        }
        None => (0..n as u32).collect(),
    };
    renumber(&mut comm);
    let directed = cfg.quality.directed && g.is_directed();
    let wg = from_graph(g, cfg.quality.weight, directed, cfg.quality.objective, ctl)?;
    let m = wg.total_weight();
    // The refinement's `theta` applies to dH in edge-weight units (m times the modularity
    // change), as in leidenalg: scale-free per edge, nearly greedy on unit weights.
    let (scale, _) = scale_and_unit(&cfg.quality, m, directed);
    let mut master = stream(cfg.seed, 0);
    let has_weight = m > 0.0 || cfg.quality.objective == Objective::Cpm;
    let limit = if cfg.n_iterations < 0 {
        MAX_ITERATIONS
    } else {
        cfg.n_iterations as usize
    };
    let mut first = Moves::default();
    let mut order = None;
    let wg = if has_weight && limit > 0 {
        // The first local moving runs on the graph as given; then the nodes are renumbered
        // community by community, so that the refinement, the aggregation and every later
        // iteration read a community's rows together instead of all over memory.
        let mut rng = stream(master.random(), 0);
        first = local_moving(cfg.parallel, &wg, &mut comm, scale, None, &mut rng, ctl)?;
        let k = renumber(&mut comm);
        let (_, by_community) = group(&comm, k);
        let laid_out = permuted(&wg, &by_community);
        drop(wg);
        comm = by_community.iter().map(|&v| comm[v as usize]).collect();
        order = Some(by_community);
        laid_out
    } else {
        wg
    };
    let mut levels = Vec::new();
    let mut iterations = 0;
    // Nodes to queue first at level 0: all in a full iteration; in an incremental one, only
    // the nodes that changed community above level 0 in the previous iteration and their
    // neighbours (every other node was stable when level 0 ended and its surroundings did not
    // move).
    let mut dirty: Option<Vec<bool>> = None;
    let mut lifted_before = vec![false; n];
    let tol = CONVERGENCE_TOL * m.abs();
    let incremental = cfg.incremental && g.n_edges() >= INCREMENTAL_MIN_EDGES;
    let mut last_h = None;
    while has_weight && iterations < limit {
        ctl.checkpoint()?;
        let mut st = IterState {
            comm: &mut comm,
            dirty: dirty.as_deref(),
            first: iterations == 0,
            lifted_before: &lifted_before,
            lifted: vec![false; n],
            moves: if iterations == 0 {
                first
            } else {
                Moves::default()
            },
            h: 0.0,
        };
        let lv = one_iteration(&wg, &mut st, scale, cfg, refined, &mut master, ctl)?;
        let (moves, lifted) = (st.moves, st.lifted);
        last_h = Some(st.h);
        iterations += 1;
        if levels.is_empty() {
            levels = lv;
        }
        if cfg.n_iterations < 0 && (moves.count == 0 || moves.gain < tol) {
            break;
        }
        if !incremental {
            // A full iteration refines every community afresh, at random: even after one
            // that lifted nothing, the next may find new merges.
            continue;
        }
        if !lifted.contains(&true) {
            // Every level ended stable: an incremental iteration would queue and refine
            // nothing, so it cannot change the membership, nor can any after it.
            break;
        }
        if iterations < FULL_ITERATIONS {
            continue;
        }
        lifted_before.clone_from(&lifted);
        dirty = Some(spread(&wg, lifted));
    }
    let quality = match last_h {
        Some(h) => quality_from_h(h, n, m, &cfg.quality, directed),
        None => {
            let k = comm.iter().map(|&c| c as usize + 1).max().unwrap_or(0);
            quality_of(&wg, &comm, k, &cfg.quality, directed)
        }
    };
    if let Some(order) = &order {
        // A few scattered passes over all nodes per level: one level per task.
        levels
            .par_iter_mut()
            .chain(rayon::iter::once(&mut comm))
            .for_each(|level| *level = in_given_order(level, order));
    }
    if levels.last() != Some(&comm) {
        levels.push(comm.clone());
    }
    Ok(Clustering {
        membership: comm,
        levels,
        quality,
        iterations,
    })
}

/// Fewest nodes queued for the parallel local moving to pay: below, a round is too short to
/// share between threads.
const PARALLEL_MIN_QUEUED: usize = 4096;

/// Local moving, on all threads when `parallel` is asked, there is more than one, and enough
/// nodes are queued; sequential otherwise.
fn local_moving(
    parallel: bool,
    g: &WorkGraph,
    comm: &mut [u32],
    scale: f64,
    start: Option<&[bool]>,
    rng: &mut Rng,
    ctl: &Control,
) -> CoreResult<Moves> {
    // Counting the queued nodes costs a pass over the flags: only when the answer matters.
    let enough =
        || start.map_or(g.n(), |f| f.iter().filter(|&&x| x).count()) >= PARALLEL_MIN_QUEUED;
    if parallel && rayon::current_num_threads() > 1 && enough() {
        move_nodes_parallel(g, comm, scale, start, rng, ctl)
    } else {
        move_nodes(g, comm, scale, start, rng, ctl)
    }
}

/// A membership of the renumbered graph (node `i` is node `order[i]` of the given graph) in the
/// given graph's node order, codes renumbered by first appearance.
fn in_given_order(laid_out: &[u32], order: &[u32]) -> Vec<u32> {
    let mut out = vec![0u32; laid_out.len()];
    for (&v, &c) in order.iter().zip(laid_out) {
        out[v as usize] = c;
    }
    renumber(&mut out);
    out
}

/// Marks the neighbours of every marked node too.
fn spread(wg: &WorkGraph, mut marked: Vec<bool>) -> Vec<bool> {
    let seeds: Vec<u32> = (0..wg.n() as u32).filter(|&v| marked[v as usize]).collect();
    for v in seeds {
        for &u in wg.row(v as usize).0 {
            marked[u as usize] = true;
        }
    }
    marked
}

/// State of one full iteration: the membership (updated, renumbered), the level-0 start queue,
/// and what it did: the original nodes moved above level 0, and the moves of every level.
struct IterState<'a> {
    comm: &'a mut Vec<u32>,
    dirty: Option<&'a [bool]>,
    /// The first iteration: its level 0 already moved its nodes (see [`run`]), and its
    /// membership after each level is recorded (the only levels reported).
    first: bool,
    lifted_before: &'a [bool],
    lifted: Vec<bool>,
    moves: Moves,
    /// `H = sum_c (E_c - scale A_c B_c)` of the membership found, read off the top level's
    /// graph (one node per community) instead of another pass over the edges.
    h: f64,
}

/// One full iteration from `st.comm` on the original graph; returns the membership after each
/// level.
fn one_iteration(
    wg0: &WorkGraph,
    st: &mut IterState<'_>,
    scale: f64,
    cfg: &LeidenConfig,
    refined: bool,
    master: &mut Rng,
    ctl: &Control,
) -> CoreResult<Vec<Vec<u32>>> {
    let n0 = wg0.n();
    // node_of[v]: the node of the current level that holds original node v.
    let mut node_of: Vec<u32> = (0..n0 as u32).collect();
    let mut levels = Vec::new();
    let mut owned: Option<WorkGraph> = None;
    let mut cur: Vec<u32> = std::mem::take(st.comm);
    // Level 1 of an incremental iteration: the aggregate nodes of the communities level 0
    // refined, and their neighbours (see below).
    let mut upper_start: Option<Vec<bool>> = None;
    ctl.start(0);
    loop {
        let g = owned.as_ref().unwrap_or(wg0);
        let mut rng = stream(master.random(), 0);
        let top = owned.is_some();
        let before = cur.clone();
        let upper = if top { upper_start.take() } else { None };
        let start = if top { upper.as_deref() } else { st.dirty };
        let mv = if top || !st.first {
            local_moving(cfg.parallel, g, &mut cur, scale, start, &mut rng, ctl)?
        } else {
            Moves::default()
        };
        st.moves.count += mv.count;
        st.moves.gain += mv.gain;
        if top && mv.count > 0 {
            for (v, &x) in node_of.iter().enumerate() {
                let x = x as usize;
                if cur[x] != before[x] {
                    st.lifted[v] = true;
                }
            }
        }
        // Level 0 of a later iteration: refine only the communities that a move touched or
        // that hold a node moved above level 0 by the previous iteration; the others stay
        // whole (each is connected, being a community of the previous iteration), so an
        // iteration that moves nothing costs about one pass over the edges. Inside those,
        // only the changed nodes and their neighbours start alone (`fresh`); the rest of a
        // large community starts as one core (see `refine`).
        let mut fresh = None;
        let active = match st.dirty {
            Some(_) if !top => {
                let mut raw = vec![false; cur.len()];
                let mut changed = vec![false; cur.len()];
                for (v, (&b, &a)) in before.iter().zip(cur.iter()).enumerate() {
                    if b != a || st.lifted_before[v] {
                        raw[b as usize] = true;
                        raw[a as usize] = true;
                        changed[v] = true;
                    }
                }
                fresh = Some(spread(g, changed));
                Some(raw)
            }
            _ => None,
        };
        let raw_cur = if active.is_some() {
            cur.clone()
        } else {
            Vec::new()
        };
        let k = renumber(&mut cur);
        let active = active.map(|raw| {
            let mut on = vec![false; k];
            for (&r, &c) in raw_cur.iter().zip(cur.iter()) {
                on[c as usize] |= raw[r as usize];
            }
            on
        });
        if st.first {
            levels.push(
                node_of
                    .iter()
                    .map(|&v| cur[v as usize])
                    .collect::<Vec<u32>>(),
            );
        }
        ctl.advance(1);
        if k == g.n() {
            // Every node of this level is one community.
            st.h = (0..k).map(|u| g.self_w[u] - scale * g.a[u] * g.b[u]).sum();
            break;
        }
        let mut sub = if refined {
            let p = RefineParams {
                scale,
                theta_unit: cfg.theta,
                seed: master.random(),
            };
            refine(g, &cur, k, &p, active.as_deref(), fresh.as_deref())
        } else {
            cur.clone()
        };
        let mut kr = renumber(&mut sub);
        if kr == g.n() {
            // Refinement kept every node alone: aggregate by the partition itself.
            sub.clone_from(&cur);
            kr = k;
        }
        let next = aggregate(g, &sub, kr);
        let mut start = vec![0u32; kr];
        for (v, &r) in sub.iter().enumerate() {
            start[r as usize] = cur[v];
        }
        for v in node_of.iter_mut() {
            *v = sub[*v as usize];
        }
        if let Some(on) = &active {
            // Every other aggregate node is a whole community that was stable at the top of
            // the previous iteration, and stays so unless a neighbour changed.
            let flags: Vec<bool> = start.iter().map(|&c| on[c as usize]).collect();
            upper_start = Some(spread(&next, flags));
        }
        cur = start;
        owned = Some(next);
        ctl.checkpoint()?;
    }
    *st.comm = node_of.iter().map(|&v| cur[v as usize]).collect();
    renumber(st.comm);
    if let Some(last) = levels.last_mut() {
        last.clone_from(st.comm);
    }
    Ok(levels)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::{EdgeWeight, test_graph, test_planted};

    fn ring_of_cliques(k: usize, s: usize) -> Graph {
        let (mut src, mut dst) = (vec![], vec![]);
        for c in 0..k {
            let base = (c * s) as u32;
            for i in 0..s as u32 {
                for j in i + 1..s as u32 {
                    src.push(base + i);
                    dst.push(base + j);
                }
            }
            src.push(base);
            dst.push((((c + 1) % k) * s) as u32 + 1);
        }
        test_graph(&src, &dst, None, k * s, false)
    }

    #[test]
    fn ring_of_cliques_gives_the_cliques() {
        let g = ring_of_cliques(8, 5);
        let c = leiden(&g, None, &LeidenConfig::default(), &Control::new()).unwrap();
        for (v, &x) in c.membership.iter().enumerate() {
            assert_eq!(x as usize, v / 5);
        }
        assert!(c.quality > 0.7);
        assert_eq!(c.levels.last(), Some(&c.membership));
    }

    #[test]
    fn same_result_on_one_and_four_threads() {
        let g = ring_of_cliques(30, 6);
        let cfg = LeidenConfig::default();
        let run = |t| {
            crate::parallel::with_threads(Some(t), || leiden(&g, None, &cfg, &Control::new()))
                .unwrap()
        };
        assert_eq!(run(1), run(4));
    }

    #[test]
    fn reported_quality_is_the_quality_of_the_membership() {
        // Read off the last level's graph, it must equal a fresh computation from the edges.
        // Sources skewed towards low codes, so that out- and in-strengths differ.
        let s: Vec<u32> = (0..400u32)
            .map(|i| (i * i * 7 + 1) % 90 / (1 + i % 3))
            .collect();
        let t: Vec<u32> = (0..400u32).map(|i| (i * 13 + 5) % 90).collect();
        let w: Vec<f64> = (0..400).map(|i| 0.5 + f64::from(i % 5) * 0.7).collect();
        for directed in [false, true] {
            let g = test_graph(&s, &t, Some(&w), 90, directed);
            for (objective, resolution) in [(Objective::Modularity, 1.0), (Objective::Cpm, 0.2)] {
                let mut cfg = LeidenConfig::default();
                cfg.quality.objective = objective;
                cfg.quality.resolution = resolution;
                cfg.quality.directed = directed;
                let c = leiden(&g, None, &cfg, &Control::new()).unwrap();
                let q = crate::community::quality(&g, &c.membership, &cfg.quality, &Control::new())
                    .unwrap();
                assert!(
                    (c.quality - q).abs() <= 1e-12 * q.abs().max(1.0),
                    "{c:?} {q}"
                );
                assert!(c.membership.iter().any(|&x| x > 0), "{objective:?}");
            }
        }
    }

    #[test]
    fn stopping_early_gives_what_more_iterations_give() {
        // Once an iteration lifts no node, the later ones are skipped: asking for more
        // iterations must give the same partition, and none may run past the stop. The ring
        // is large enough for incremental iterations.
        let g = ring_of_cliques(160, 30);
        assert!(g.n_edges() >= INCREMENTAL_MIN_EDGES);
        let run = |n_iterations| iterate(&g, n_iterations, true, 3);
        let (two, many) = (run(2), run(50));
        assert_eq!(many.membership, run(-1).membership);
        assert!(many.iterations < 50, "{}", many.iterations);
        if two.iterations < 2 {
            assert_eq!(two.membership, many.membership);
        }
        assert_eq!(run(many.iterations as i64).membership, many.membership);
    }

    /// Leiden with the given iterations, mode and seed, every other setting the default.
    fn iterate(g: &Graph, n_iterations: i64, incremental: bool, seed: u64) -> Clustering {
        let cfg = LeidenConfig {
            n_iterations,
            incremental,
            seed,
            ..Default::default()
        };
        leiden(g, None, &cfg, &Control::new()).unwrap()
    }

    #[test]
    fn full_iterations_run_every_iteration_asked() {
        // The incremental run stops once an iteration lifts nothing; a full one cannot know
        // that the next refinement finds nothing, so it runs all of them, from the same
        // first iteration. Below `INCREMENTAL_MIN_EDGES` every run is full.
        let run = |g: &Graph, n_iterations, incremental| iterate(g, n_iterations, incremental, 3);
        let g = ring_of_cliques(160, 30);
        assert!(run(&g, 6, true).iterations < 6);
        let full = run(&g, 6, false);
        assert_eq!(full.iterations, 6);
        assert_eq!(run(&g, 1, false), run(&g, 1, true));
        assert!(full.quality >= run(&g, 1, false).quality);
        for (v, &x) in full.membership.iter().enumerate() {
            assert_eq!(x as usize, v / 30);
        }
        let small = ring_of_cliques(40, 7);
        assert!(small.n_edges() < INCREMENTAL_MIN_EDGES);
        assert_eq!(run(&small, 6, true).iterations, 6);
        assert_eq!(run(&small, 6, true), run(&small, 6, false));
    }

    #[test]
    fn the_first_two_iterations_are_full() {
        // On a noisy planted graph the first iteration moves nodes above level 0, so the
        // incremental run goes on to a second, full one: the same as in a full run. Only the
        // third may differ, being incremental.
        let g = test_planted(10, 600, 0.02, 10, 3);
        let run = |n_iterations, incremental| iterate(&g, n_iterations, incremental, 9);
        let two = run(2, true);
        assert_eq!(two.iterations, 2);
        assert!(two == run(2, false), "the second iteration was not full");
        assert!(run(1, true).membership != two.membership);
    }

    #[test]
    fn edgeless_graph_keeps_singletons() {
        let g = test_graph(&[], &[], None, 3, false);
        let c = leiden(&g, None, &LeidenConfig::default(), &Control::new()).unwrap();
        assert_eq!(c.membership, vec![0, 1, 2]);
        assert!(c.quality.is_nan());
    }

    #[test]
    fn bad_theta_is_rejected() {
        let g = test_graph(&[0], &[1], None, 2, false);
        let cfg = LeidenConfig {
            theta: 0.0,
            ..Default::default()
        };
        assert!(leiden(&g, None, &cfg, &Control::new()).is_err());
    }

    #[test]
    fn unit_weight_ignores_weights() {
        let g = test_graph(&[0, 1], &[1, 2], Some(&[5.0, 1.0]), 3, false);
        let mut cfg = LeidenConfig::default();
        cfg.quality.weight = EdgeWeight::Unit;
        let c = leiden(&g, None, &cfg, &Control::new()).unwrap();
        assert_eq!(c.membership.len(), 3);
    }
}

//! Parallel local moving in rounds, after PLM (Staudt & Meyerhenke 2016, "Engineering
//! Parallel Algorithms for Community Detection in Massive Networks", IEEE TPDS 27(1)): the
//! threads move the nodes of a round at once, each reading the communities and their sums as
//! the others leave them; a node that moves puts its neighbours outside its new community into
//! the next round. The moves race, so the result depends on thread timing: this is the opt-in
//! `parallel` mode of Leiden and Louvain, not their default.

use super::aggregate::WorkGraph;
use super::moving::{Moves, ahead};
use crate::control::Control;
use crate::error::{CoreError, CoreResult};
use crate::rng::Rng;
use rand::seq::SliceRandom;
use rayon::prelude::*;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering::Relaxed};

/// Nodes per task: small enough to balance two threads on a hub-heavy round, large enough that
/// taking the scratch costs nothing next to the work.
const TASK_NODES: usize = 512;
/// Rounds at most: moves made on stale sums can undo each other, so the rounds, unlike the
/// sequential queue, are not certain to end by themselves.
const MAX_ROUNDS: usize = 64;

// Viewing the membership as atomics needs the two to align alike.
const _: () = assert!(std::mem::align_of::<u32>() == std::mem::align_of::<AtomicU32>());

/// An `f64` shared between threads, added to by compare-and-swap.
struct SharedF64(AtomicU64);

impl SharedF64 {
    fn new(x: f64) -> Self {
        Self(AtomicU64::new(x.to_bits()))
    }

    #[inline]
    fn get(&self) -> f64 {
        f64::from_bits(self.0.load(Relaxed))
    }

    #[inline]
    fn add(&self, x: f64) {
        let _ = self.0.fetch_update(Relaxed, Relaxed, |b| {
            Some((f64::from_bits(b) + x).to_bits())
        });
    }
}

/// A community's null-model sums `A_c`, `B_c` and size in one aligned 32-byte block: weighing a
/// candidate community costs one cache miss.
#[repr(align(32))]
struct Community {
    a: SharedF64,
    b: SharedF64,
    size: AtomicU32,
}

/// One thread's weights to the neighbouring communities of the node it is moving.
struct Scratch {
    link: Vec<f64>,
    near: Vec<u32>,
    /// Communities this thread emptied.
    empty: Vec<u32>,
}

/// [`super::moving::move_nodes`] on all threads: the same moves in kind (to the neighbouring
/// community of largest strictly positive gain, or to an empty one when every other choice
/// loses), made in rounds instead of one queue. The first round holds every node in random
/// order, or the nodes flagged in `start` in node order; later rounds hold, in node order, the
/// nodes whose neighbour moved after they were last visited. Stops after a round without moves,
/// or after [`MAX_ROUNDS`].
pub(crate) fn move_nodes_parallel(
    g: &WorkGraph,
    comm: &mut [u32],
    scale: f64,
    start: Option<&[bool]>,
    rng: &mut Rng,
    ctl: &Control,
) -> CoreResult<Moves> {
    let n = g.n();
    // Undirected: `A_c = B_c`, kept once, which halves the shared updates.
    let sym = g.a == g.b;
    let mut sums = vec![(0.0f64, 0.0f64, 0u32); n];
    for (v, &c) in comm.iter().enumerate() {
        let s = &mut sums[c as usize];
        s.0 += g.a[v];
        s.1 += g.b[v];
        s.2 += 1;
    }
    let cs: Vec<Community> = sums
        .iter()
        .map(|&(a, b, size)| Community {
            a: SharedF64::new(a),
            b: SharedF64::new(b),
            size: AtomicU32::new(size),
        })
        .collect();
    let empty = Mutex::new(
        (0..n as u32)
            .rev()
            .filter(|&c| sums[c as usize].2 == 0)
            .collect::<Vec<u32>>(),
    );
    drop(sums);
    let queued: Vec<AtomicBool> = (0..n).map(|_| AtomicBool::new(false)).collect();
    let mut round: Vec<u32> = match start {
        Some(flags) => (0..n as u32).filter(|&v| flags[v as usize]).collect(),
        None => {
            let mut all: Vec<u32> = (0..n as u32).collect();
            all.shuffle(rng);
            all
        }
    };
    for &v in &round {
        queued[v as usize].store(true, Relaxed);
    }
    // SAFETY: `AtomicU32` has the size of `u32` and its alignment (asserted at compile time at
    // the top of this module); `comm` is borrowed mutably, so nothing else reads it while the
    // threads share it.
    let shared: &[AtomicU32] = unsafe { &*(comm as *mut [u32] as *const [AtomicU32]) };
    let threads = rayon::current_num_threads().max(1);
    let scratch: Vec<Mutex<Scratch>> = (0..threads + 1)
        .map(|_| {
            Mutex::new(Scratch {
                link: Vec::new(),
                near: Vec::new(),
                empty: Vec::new(),
            })
        })
        .collect();
    let stop = AtomicBool::new(false);
    let mut done = Moves::default();
    for _ in 0..MAX_ROUNDS {
        if round.is_empty() {
            break;
        }
        ctl.checkpoint()?;
        let (count, gain) = round
            .par_chunks(TASK_NODES)
            .map(|nodes| {
                if stop.load(Relaxed) {
                    return (0usize, 0.0f64);
                }
                if ctl.is_cancelled() {
                    stop.store(true, Relaxed);
                    return (0, 0.0);
                }
                let slot = rayon::current_thread_index().map_or(threads, |i| i.min(threads));
                let mut guard = scratch[slot].lock().unwrap_or_else(|e| e.into_inner());
                let sc = &mut *guard;
                if sc.link.len() < n {
                    sc.link.resize(n, 0.0);
                }
                let mut moved = (0usize, 0.0f64);
                for (i, &v) in nodes.iter().enumerate() {
                    let code = |c: &AtomicU32| c.load(Relaxed);
                    ahead(g, shared, code, &cs, |j| nodes.get(i + 1 + j).copied());
                    let moved_v = visit(g, shared, &cs, &queued, &empty, (scale, sym), v, sc);
                    if let Some(gain) = moved_v {
                        moved.0 += 1;
                        moved.1 += gain;
                    }
                }
                moved
            })
            .reduce(|| (0, 0.0), |x, y| (x.0 + y.0, x.1 + y.1));
        if stop.load(Relaxed) {
            return Err(CoreError::Cancelled);
        }
        done.count += count;
        done.gain += gain;
        if count == 0 {
            break;
        }
        // Every node of the round was visited and unflagged: the flags left mark the next
        // round, read off in node order, which reads the rows in sequence on a graph laid out
        // community by community.
        round = (0..n as u32)
            .into_par_iter()
            .filter(|&v| queued[v as usize].load(Relaxed))
            .collect();
    }
    Ok(done)
}

/// Visits node `v`: moves it to its best community and queues its neighbours outside that
/// community for the next round. Returns the gain of the move as seen by this thread, or
/// `None` when `v` stays.
#[allow(clippy::too_many_arguments)]
#[inline]
fn visit(
    g: &WorkGraph,
    comm: &[AtomicU32],
    cs: &[Community],
    queued: &[AtomicBool],
    empty: &Mutex<Vec<u32>>,
    (scale, sym): (f64, bool),
    v: u32,
    sc: &mut Scratch,
) -> Option<f64> {
    let v = v as usize;
    queued[v].store(false, Relaxed);
    let (t, w) = g.row(v);
    sc.near.clear();
    sc.near
        .extend(t.iter().map(|&u| comm[u as usize].load(Relaxed)));
    if g.unit {
        sc.near.iter().for_each(|&c| sc.link[c as usize] += 1.0);
    } else {
        for (&c, &x) in sc.near.iter().zip(w) {
            sc.link[c as usize] += x;
        }
    }
    let old = comm[v].load(Relaxed);
    let (av, bv) = (g.a[v], g.b[v]);
    let gain = |c: u32, link: f64| {
        let x = &cs[c as usize];
        let a = x.a.get();
        let (mut a, mut b) = (a, if sym { a } else { x.b.get() });
        if c == old {
            a -= av;
            b -= bv;
        }
        link - scale * (av * b + bv * a)
    };
    let stay = gain(old, sc.link[old as usize]);
    let (mut best, mut best_gain) = (old, stay);
    for &c in &sc.near {
        if c != best {
            let gc = gain(c, sc.link[c as usize]);
            if gc > best_gain {
                best_gain = gc;
                best = c;
            }
        }
    }
    for &c in &sc.near {
        sc.link[c as usize] = 0.0;
    }
    // Claiming an empty community sets its size to 1 already.
    let mut claimed = false;
    if best_gain < 0.0 && cs[old as usize].size.load(Relaxed) > 1 {
        if let Some(e) = take_empty(cs, &mut sc.empty, empty) {
            (best, best_gain, claimed) = (e, 0.0, true);
        }
    }
    if best == old {
        return None;
    }
    if !claimed {
        cs[best as usize].size.fetch_add(1, Relaxed);
    }
    comm[v].store(best, Relaxed);
    let (from, to) = (&cs[old as usize], &cs[best as usize]);
    from.a.add(-av);
    to.a.add(av);
    if !sym {
        from.b.add(-bv);
        to.b.add(bv);
    }
    if from.size.fetch_sub(1, Relaxed) == 1 {
        sc.empty.push(old);
    }
    for &u in t {
        let u = u as usize;
        if !queued[u].load(Relaxed) && comm[u].load(Relaxed) != best {
            queued[u].store(true, Relaxed);
        }
    }
    Some(best_gain - stay)
}

/// Claims an empty community (its size taken from 0 to 1): one this thread emptied, else one
/// empty from the start; skips any that a racing move has entered since it emptied.
fn take_empty(cs: &[Community], own: &mut Vec<u32>, shared: &Mutex<Vec<u32>>) -> Option<u32> {
    let claim = |e: u32| {
        cs[e as usize]
            .size
            .compare_exchange(0, 1, Relaxed, Relaxed)
            .is_ok()
    };
    while let Some(e) = own.pop() {
        if claim(e) {
            return Some(e);
        }
    }
    let mut list = shared.lock().unwrap_or_else(|e| e.into_inner());
    while let Some(e) = list.pop() {
        if claim(e) {
            return Some(e);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::community::aggregate::modularity_graph;
    use crate::community::{LeidenConfig, leiden};
    use crate::graph::{EdgeWeight, test_graph, test_planted as planted};
    use crate::parallel::with_threads;

    fn h_of(wg: &WorkGraph, comm: &[u32], scale: f64) -> f64 {
        let n = wg.n();
        let (mut inside, mut a) = (vec![0.0; n], vec![0.0; n]);
        for v in 0..n {
            let c = comm[v] as usize;
            a[c] += wg.a[v];
            wg.each(v, |u, x| {
                if comm[u as usize] as usize == c {
                    inside[c] += x;
                }
            });
        }
        // Row entries count each edge from both ends.
        (0..n).map(|c| inside[c] / 2.0 - scale * a[c] * a[c]).sum()
    }

    #[test]
    fn racing_moves_find_the_planted_groups() {
        let g = planted(60, 100, 0.3, 2, 7);
        let wg = modularity_graph(&g, EdgeWeight::Unit, false);
        let scale = 1.0 / wg.total_weight();
        let mut comm: Vec<u32> = (0..wg.n() as u32).collect();
        let mut rng = crate::rng::stream(1, 0);
        let moved = with_threads(Some(2), || {
            move_nodes_parallel(&wg, &mut comm, scale, None, &mut rng, &Control::new())
        })
        .unwrap();
        // The reported gain is each thread's view; the true gain must be close to it.
        let singletons: Vec<u32> = (0..wg.n() as u32).collect();
        let gain = h_of(&wg, &comm, scale) - h_of(&wg, &singletons, scale);
        assert!(moved.count > wg.n() / 2 && gain > 0.0);
        assert!(
            (gain - moved.gain).abs() < 0.05 * gain,
            "{gain} {}",
            moved.gain
        );
        // Local moving alone may leave a group split in a few pieces, never mixed with others.
        for gi in 0..60 {
            let c = comm[gi * 100];
            let same = (gi * 100..(gi + 1) * 100).filter(|&v| comm[v] == c).count();
            assert!(same >= 50, "group {gi}: {same} of 100 with its first node");
        }
    }

    #[test]
    fn parallel_leiden_matches_the_planted_groups_and_the_sequential_quality() {
        let g = planted(60, 100, 0.3, 2, 11);
        let run = |parallel, threads| {
            let cfg = LeidenConfig {
                parallel,
                ..Default::default()
            };
            with_threads(Some(threads), || leiden(&g, None, &cfg, &Control::new())).unwrap()
        };
        let (seq, par) = (run(false, 2), run(true, 2));
        assert!(
            par.quality > seq.quality - 1e-3,
            "{} {}",
            par.quality,
            seq.quality
        );
        for gi in 0..60 {
            let c = par.membership[gi * 100];
            assert!((gi * 100..(gi + 1) * 100).all(|v| par.membership[v] == c));
        }
        assert_eq!(par.membership.iter().max(), Some(&59));
        // On one thread, `parallel` falls back to the sequential moves: same result.
        assert_eq!(run(true, 1), run(false, 1));
    }

    #[test]
    fn cancelled_before_a_round_returns_cancelled() {
        let g = planted(10, 50, 0.3, 1, 3);
        let wg = modularity_graph(&g, EdgeWeight::Unit, false);
        let mut comm: Vec<u32> = (0..wg.n() as u32).collect();
        let ctl = Control::new();
        ctl.cancel();
        let mut rng = crate::rng::stream(1, 0);
        let r = with_threads(Some(2), || {
            move_nodes_parallel(&wg, &mut comm, 1e-3, None, &mut rng, &ctl)
        });
        assert!(matches!(r, Err(CoreError::Cancelled)));
    }

    #[test]
    fn a_node_worse_off_in_its_community_leaves_for_an_empty_one() {
        // Node 2 sits in the community of 0-1 with no edge to it: alone it loses nothing.
        let g = test_graph(&[0, 2], &[1, 3], None, 4, false);
        let wg = modularity_graph(&g, EdgeWeight::Unit, false);
        let mut comm = vec![0, 0, 0, 1];
        let flags = vec![false, false, true, false];
        let mut rng = crate::rng::stream(1, 0);
        let scale = 1.0 / wg.total_weight();
        let moved = with_threads(Some(2), || {
            move_nodes_parallel(
                &wg,
                &mut comm,
                scale,
                Some(&flags),
                &mut rng,
                &Control::new(),
            )
        })
        .unwrap();
        assert!(moved.count >= 1);
        assert_ne!(comm[2], 0);
    }
}

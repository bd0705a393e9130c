//! Queue-based fast local moving (Traag, Waltman & van Eck 2019, Algorithm A.2 `MoveNodesFast`;
//! also the local moving phase of Louvain here): every node starts in a queue in random order;
//! a node moves to the neighbouring community with the largest strictly positive gain, and its
//! neighbours outside that community re-enter the queue.

use super::aggregate::WorkGraph;
use crate::control::Control;
use crate::error::CoreResult;
use crate::prefetch::prefetch_at;
use crate::rng::Rng;
use rand::seq::SliceRandom;
use std::collections::VecDeque;

/// Scratch for accumulating a node's weight to each neighbouring community: a dense buffer
/// plus the list of entries touched, so that clearing costs only what was used.
pub(crate) struct NeighborWeights {
    pub buf: Vec<f64>,
    pub touched: Vec<u32>,
    pub seen: Vec<bool>,
}

impl NeighborWeights {
    pub fn new(n: usize) -> Self {
        Self {
            buf: vec![0.0; n],
            touched: Vec::new(),
            seen: vec![false; n],
        }
    }

    #[inline]
    pub fn add(&mut self, c: u32, w: f64) {
        let i = c as usize;
        if !self.seen[i] {
            self.seen[i] = true;
            self.touched.push(c);
        }
        self.buf[i] += w;
    }

    #[inline]
    pub fn clear(&mut self) {
        for &c in &self.touched {
            self.buf[c as usize] = 0.0;
            self.seen[c as usize] = false;
        }
        self.touched.clear();
    }
}

/// What local moving keeps per community: the null-model sums `A_c`, `B_c`, and the weight from
/// the node being moved, together in one aligned 32-byte block so that weighing a candidate
/// community costs one cache miss.
#[derive(Clone, Copy, Default)]
#[repr(C, align(32))]
struct Community {
    a: f64,
    b: f64,
    link: f64,
}

/// What one call of [`move_nodes`] did.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(crate) struct Moves {
    /// Number of moves made.
    pub count: usize,
    /// Sum of the gains of the moves, in units of `H` (never negative).
    pub gain: f64,
}

/// Moves nodes of `g` between communities `comm` (codes `< n`) until no move improves
/// `H = sum_c (E_c - scale A_c B_c)`. The queue starts with every node in random order, or,
/// when `start` is given, with the nodes flagged there (in node order): the others are taken
/// as already stable, and enter the queue only when a neighbour moves.
pub(crate) fn move_nodes(
    g: &WorkGraph,
    comm: &mut [u32],
    scale: f64,
    start: Option<&[bool]>,
    rng: &mut Rng,
    ctl: &Control,
) -> CoreResult<Moves> {
    let n = g.n();
    let mut cs = vec![Community::default(); n];
    let mut size = vec![0u32; n];
    for (v, &c) in comm.iter().enumerate() {
        let c = c as usize;
        cs[c].a += g.a[v];
        cs[c].b += g.b[v];
        size[c] += 1;
    }
    let mut empty: Vec<u32> = (0..n as u32)
        .rev()
        .filter(|&c| size[c as usize] == 0)
        .collect();
    let (mut order, mut queued): (Vec<u32>, Vec<bool>) = match start {
        Some(flags) => (
            (0..n as u32).filter(|&v| flags[v as usize]).collect(),
            flags.to_vec(),
        ),
        None => ((0..n as u32).collect(), vec![true; n]),
    };
    // A partial queue keeps node order: the callers lay nodes out community by community, so
    // this order reads memory in sequence, where a shuffle would miss the cache on every node.
    if start.is_none() {
        order.shuffle(rng);
    }
    let mut queue: VecDeque<u32> = order.into();
    // The community of each neighbour, repeats included, in row order. Gathered before summing:
    // independent loads the processor overlaps, where looking each one up while summing would
    // chain the misses. Summing then needs no branch, and meeting a community again while
    // scanning the candidates cannot change the best one.
    let mut near: Vec<u32> = Vec::new();
    let mut done = Moves::default();
    let mut steps = 0usize;
    while let Some(v) = queue.pop_front() {
        steps += 1;
        if steps & 0xFFFF == 0 {
            ctl.checkpoint()?;
        }
        let v = v as usize;
        queued[v] = false;
        ahead(g, comm, |&c| c, &cs, |i| queue.get(i).copied());
        let (t, w) = g.row(v);
        near.clear();
        near.extend(t.iter().map(|&u| comm[u as usize]));
        if g.unit {
            near.iter().for_each(|&c| cs[c as usize].link += 1.0);
        } else {
            for (&c, &x) in near.iter().zip(w) {
                cs[c as usize].link += x;
            }
        }
        let old = comm[v];
        let (av, bv) = (g.a[v], g.b[v]);
        cs[old as usize].a -= av;
        cs[old as usize].b -= bv;
        let gain = |c: &Community| c.link - scale * (av * c.b + bv * c.a);
        let mut best = old;
        let stay = gain(&cs[old as usize]);
        let mut best_gain = stay;
        for &c in &near {
            let gc = gain(&cs[c as usize]);
            if gc > best_gain {
                best_gain = gc;
                best = c;
            }
        }
        // An empty community has gain 0: better when every other choice loses.
        if best_gain < 0.0 && size[old as usize] > 1 {
            if let Some(&e) = empty.last() {
                best = e;
                best_gain = 0.0;
                empty.pop();
            }
        }
        for &c in &near {
            cs[c as usize].link = 0.0;
        }
        cs[best as usize].a += av;
        cs[best as usize].b += bv;
        if best != old {
            done.count += 1;
            done.gain += best_gain - stay;
            size[old as usize] -= 1;
            if size[old as usize] == 0 {
                empty.push(old);
            }
            size[best as usize] += 1;
            comm[v] = best;
            for &u in t {
                let u = u as usize;
                if !queued[u] && comm[u] != best {
                    queued[u] = true;
                    queue.push_back(u as u32);
                }
            }
        }
    }
    Ok(done)
}

/// Prefetches what the next nodes to visit will read, one stage of the chain per position:
/// the fourth node's row bounds, the third's row, the second's neighbours' communities, the next
/// one's candidate communities. Each visit takes longer than a load from memory, so one
/// position per stage is enough for the data to arrive in time. `next(i)` is the `i`-th node
/// after the current one; `code` reads a community code out of `comm`.
#[inline(always)]
pub(crate) fn ahead<T, C>(
    g: &WorkGraph,
    comm: &[T],
    code: impl Fn(&T) -> u32,
    cs: &[C],
    next: impl Fn(usize) -> Option<u32>,
) {
    if let Some(x) = next(3) {
        prefetch_at(&g.offsets, x as usize);
    }
    if let Some(x) = next(2) {
        g.prefetch_row(x as usize);
        prefetch_at(&g.a, x as usize);
        prefetch_at(&g.b, x as usize);
    }
    if let Some(x) = next(1) {
        for &u in g.row(x as usize).0 {
            prefetch_at(comm, u as usize);
        }
    }
    if let Some(x) = next(0) {
        for &u in g.row(x as usize).0 {
            prefetch_at(cs, code(&comm[u as usize]) as usize);
        }
    }
}

/// Renumbers `comm` in place to `0..k` in order of first appearance; returns `k`.
pub(crate) fn renumber(comm: &mut [u32]) -> usize {
    let n = comm.iter().map(|&c| c as usize + 1).max().unwrap_or(0);
    let mut map = vec![u32::MAX; n];
    let mut k = 0u32;
    for c in comm.iter_mut() {
        let slot = &mut map[*c as usize];
        if *slot == u32::MAX {
            *slot = k;
            k += 1;
        }
        *c = *slot;
    }
    k as usize
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::community::aggregate::modularity_graph;
    use crate::graph::{EdgeWeight, test_graph};

    #[test]
    fn two_triangles_split_at_the_bridge() {
        let g = test_graph(
            &[0, 1, 2, 3, 4, 5, 2],
            &[1, 2, 0, 4, 5, 3, 3],
            None,
            6,
            false,
        );
        let wg = modularity_graph(&g, EdgeWeight::Unit, false);
        let mut comm: Vec<u32> = (0..6).collect();
        let mut rng = crate::rng::stream(1, 0);
        let moved = move_nodes(&wg, &mut comm, 1.0 / 7.0, None, &mut rng, &Control::new()).unwrap();
        assert!(moved.count >= 4 && moved.gain > 0.0);
        // Started from the result, with every node flagged, nothing moves.
        let mut again = comm.clone();
        let flags = vec![true; 6];
        let m = move_nodes(
            &wg,
            &mut again,
            1.0 / 7.0,
            Some(&flags),
            &mut rng,
            &Control::new(),
        );
        assert_eq!(m.unwrap(), Moves::default());
        assert_eq!(again, comm);
        renumber(&mut comm);
        assert_eq!(comm, vec![0, 0, 0, 1, 1, 1]);
    }

    #[test]
    fn renumber_keeps_first_appearance_order() {
        let mut c = vec![5, 2, 5, 0];
        assert_eq!(renumber(&mut c), 3);
        assert_eq!(c, vec![0, 1, 0, 2]);
    }
}

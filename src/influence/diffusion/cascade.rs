//! Independent Cascade: one forward simulation from a seed set, one reverse-reachable set.

use super::pool::{Bits, Epochs};
use super::probabilities::{InValues, ONE};
use crate::graph::Graph;

/// Scratch of a breadth-first search: visited marks and the queue, which ends up holding every
/// node reached, in the order reached.
pub(crate) struct Frontier {
    pub(crate) seen: Epochs,
    pub(crate) queue: Vec<u32>,
}

impl Frontier {
    pub(crate) fn new(n: usize) -> Self {
        Frontier {
            seen: Epochs::new(n),
            queue: Vec::new(),
        }
    }

    fn start(&mut self, seeds: &[u32]) {
        self.seen.clear();
        self.queue.clear();
        for &s in seeds {
            if self.seen.mark(s) {
                self.queue.push(s);
            }
        }
    }
}

/// Whether an edge of fixed-point probability `t` fires (`t == ONE` always, without a draw).
#[inline]
fn fires(t: u32, bits: &mut Bits) -> bool {
    t >= ONE || (t > 0 && bits.next31() < t)
}

/// One IC cascade from `seeds` over out-slot probabilities `p`; leaves the active nodes in
/// `fr.queue` (seeds first). A coin is only flipped for an edge into a still-inactive node:
/// the outcome of any other coin cannot change the cascade, so skipping it keeps the law.
pub(crate) fn simulate(g: &Graph, p: &[u32], seeds: &[u32], fr: &mut Frontier, bits: &mut Bits) {
    fr.start(seeds);
    let (off, tgt) = (g.offsets(), g.targets());
    let mut head = 0;
    while head < fr.queue.len() {
        let u = fr.queue[head] as usize;
        head += 1;
        for s in off[u]..off[u + 1] {
            let v = tgt[s];
            if !fr.seen.is_marked(v) && fires(p[s], bits) {
                fr.seen.mark(v);
                fr.queue.push(v);
            }
        }
    }
}

/// One IC reverse-reachable set of `root`: the nodes that reach `root` over live edges of a
/// random live-edge graph (each edge live with its probability), explored backwards; left in
/// `fr.queue`, `root` first.
pub(crate) fn reverse(g: &Graph, inv: &InValues, root: u32, fr: &mut Frontier, bits: &mut Bits) {
    fr.start(&[root]);
    let mut head = 0;
    while head < fr.queue.len() {
        let v = fr.queue[head] as usize;
        head += 1;
        let (src, _) = g.in_neighbors(v);
        let probs = &inv.vals[inv.in_off[v]..inv.in_off[v + 1]];
        for (&u, &t) in src.iter().zip(probs) {
            if !fr.seen.is_marked(u) && fires(t, bits) {
                fr.seen.mark(u);
                fr.queue.push(u);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::test_graph;
    use crate::influence::diffusion::Model;
    use crate::rng::stream;

    #[test]
    fn certain_edges_reach_everything_downstream_and_impossible_ones_nothing() {
        // 0 -> 1 -> 2, 3 -> 0; from 1 the cascade reaches {1, 2} only.
        let g = test_graph(&[0, 1, 3], &[1, 2, 0], None, 4, true);
        let mut fr = Frontier::new(4);
        let mut bits = Bits::new(stream(0, 0));
        simulate(&g, &[ONE; 3], &[1], &mut fr, &mut bits);
        assert_eq!(fr.queue, vec![1, 2]);
        simulate(&g, &[ONE; 3], &[3, 3], &mut fr, &mut bits);
        assert_eq!(fr.queue, vec![3, 0, 1, 2]);
        simulate(&g, &[0; 3], &[3], &mut fr, &mut bits);
        assert_eq!(fr.queue, vec![3]);
        let inv = InValues::new(&g, Model::IndependentCascade, &[ONE; 3]);
        reverse(&g, &inv, 2, &mut fr, &mut bits);
        assert_eq!(fr.queue, vec![2, 1, 0, 3]);
    }

    #[test]
    fn half_probability_edge_fires_about_half_the_time() {
        let g = test_graph(&[0], &[1], None, 2, true);
        let mut fr = Frontier::new(2);
        let hits = (0..20_000)
            .filter(|&i| {
                simulate(&g, &[ONE / 2], &[0], &mut fr, &mut Bits::new(stream(5, i)));
                fr.queue.len() == 2
            })
            .count();
        assert!((hits as f64 / 20_000.0 - 0.5).abs() < 0.015, "{hits}");
    }
}

//! Independent Cascade: one forward simulation from a seed set, one reverse-reachable set.
//!
//! Both are the same breadth-first search over live edges, on the out-edges (forward) or the
//! in-edges (reverse) of an [`Adjacency`] ([`Adjacency::cascade_forward`],
//! [`Adjacency::cascade_reverse`]).

use super::pool::{Bits, Epochs, Marks};
use super::probabilities::{Adjacency, Arc, ONE};

/// Probabilities from which one draw per edge is cheaper than a logarithm per live edge.
const DENSE: u32 = ONE / 4;
/// Row remainders this short are drawn edge by edge, whatever their probabilities.
pub(crate) const SHORT: usize = 16;

/// Scratch of a breadth-first search: visited marks and the queue, which ends up holding every
/// node reached, in the order reached.
pub(crate) struct Frontier<M: Marks = Epochs> {
    pub(crate) seen: M,
    pub(crate) queue: Vec<u32>,
    /// Last thinning probability and its `ln(1 - q)`, reused while `q` repeats.
    q: u32,
    ln_miss: f64,
}

impl Frontier {
    pub(crate) fn new(n: usize) -> Self {
        Frontier::with(Epochs::new(n))
    }
}

impl<M: Marks> Frontier<M> {
    pub(crate) fn with(seen: M) -> Self {
        Frontier {
            seen,
            queue: Vec::new(),
            q: 0,
            ln_miss: 0.0,
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

    #[inline]
    fn visit(&mut self, v: u32) {
        if self.seen.mark(v) {
            self.queue.push(v);
        }
    }
}

/// Whether an edge of fixed-point probability `t` fires (`t == ONE` always, without a draw).
#[inline]
fn fires(t: u32, bits: &mut Bits) -> bool {
    t >= ONE || (t > 0 && bits.next31() < t)
}

/// Draws which edges of one row are live and visits their unvisited ends. Edges are drawn one
/// by one, unless the row is `sorted` by decreasing probability: then only while their
/// probability is at least 1/4 or at most [`SHORT`] edges remain. The sparse remainder is sampled
/// by thinning (Guo et al. 2020, SUBSIM): with `q` the largest remaining probability, the gap
/// to the next candidate is geometric, `floor(ln U / ln(1 - q))`, and a candidate edge of
/// probability `p` is kept with probability `p / q`. Each edge is thus live with probability
/// `p`, independently, at a cost proportional to the live edges rather than the row.
#[inline]
fn expand<M: Marks>(row: &[Arc], sorted: bool, fr: &mut Frontier<M>, bits: &mut Bits) {
    let d = row.len();
    let mut i = 0;
    loop {
        while i < d && (!sorted || row[i].value >= DENSE || d - i <= SHORT) {
            let a = row[i];
            // Draw first: a draw is cheaper than the visited mark, a random memory access.
            if fires(a.value, bits) {
                fr.visit(a.node);
            }
            i += 1;
        }
        if i >= d {
            return;
        }
        let q = row[i].value;
        if q == 0 {
            return;
        }
        if q != fr.q {
            fr.q = q;
            fr.ln_miss = (-(f64::from(q) / f64::from(ONE))).ln_1p();
        }
        // Saturating float-to-int cast: a huge gap simply ends the row.
        i = i.saturating_add((bits.open_unit().ln() / fr.ln_miss) as usize);
        if i >= d {
            return;
        }
        let a = row[i];
        // Keep with probability p / q: r / 2^31 < p / q  <=>  r q < p 2^31.
        if a.value == q || u64::from(bits.next31()) * u64::from(q) < u64::from(a.value) << 31 {
            fr.visit(a.node);
        }
        i += 1;
    }
}

/// Breadth-first search over live edges from `start`, leaving every node reached in
/// `fr.queue` (start nodes first). Forward on the out-edges it is one IC cascade; backward on
/// the in-edges from one root it is an IC reverse-reachable set: the nodes that reach the root
/// in a random live-edge graph (each edge live with its probability).
pub(crate) fn spread_from<M: Marks>(
    adj: &Adjacency,
    start: &[u32],
    fr: &mut Frontier<M>,
    bits: &mut Bits,
) {
    fr.start(start);
    let mut head = 0;
    while head < fr.queue.len() {
        let u = fr.queue[head] as usize;
        head += 1;
        expand(adj.row(u), adj.is_sorted(u), fr, bits);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::{EdgeWeight, test_graph};
    use crate::influence::diffusion::EdgeProbability;
    use crate::rng::stream;

    #[test]
    fn certain_edges_reach_everything_downstream_and_impossible_ones_nothing() {
        // 0 -> 1 -> 2, 3 -> 0; from 1 the cascade reaches {1, 2} only.
        let g = test_graph(&[0, 1, 3], &[1, 2, 0], None, 4, true);
        let mut fr = Frontier::new(4);
        let mut bits = Bits::new(stream(0, 0));
        let unit = EdgeWeight::Unit;
        let sure =
            Adjacency::cascade_forward(&g, EdgeProbability::PerSlot(&[1.0; 3]), unit).unwrap();
        spread_from(&sure, &[1], &mut fr, &mut bits);
        assert_eq!(fr.queue, vec![1, 2]);
        spread_from(&sure, &[3, 3], &mut fr, &mut bits);
        assert_eq!(fr.queue, vec![3, 0, 1, 2]);
        let never = Adjacency::cascade_forward(&g, EdgeProbability::Constant(0.0), unit).unwrap();
        spread_from(&never, &[3], &mut fr, &mut bits);
        assert_eq!(fr.queue, vec![3]);
        let back = Adjacency::cascade_reverse(&g, &[ONE; 3]);
        spread_from(&back, &[2], &mut fr, &mut bits);
        assert_eq!(fr.queue, vec![2, 1, 0, 3]);
    }

    #[test]
    fn every_edge_of_a_mixed_row_fires_with_its_own_probability() {
        // A star 0 -> 1..=40 with probabilities from 0.9 down to 0.0025: dense head, sparse
        // tail with several distinct values; each leaf's hit rate must match its probability.
        let k = 40u32;
        let t: Vec<u32> = (1..=k).collect();
        let g = test_graph(&vec![0; k as usize], &t, None, k as usize + 1, true);
        let probs: Vec<f64> = (0..k)
            .map(|i| {
                if i < 4 {
                    0.9 - 0.2 * f64::from(i)
                } else {
                    0.1 / f64::from(i - 3)
                }
            })
            .collect();
        let per_slot = EdgeProbability::PerSlot(&probs);
        let adj = Adjacency::cascade_forward(&g, per_slot, EdgeWeight::Unit).unwrap();
        let mut fr = Frontier::new(k as usize + 1);
        let mut hits = vec![0u32; k as usize + 1];
        let runs = 40_000;
        for i in 0..runs {
            spread_from(&adj, &[0], &mut fr, &mut Bits::new(stream(9, i)));
            for &v in &fr.queue[1..] {
                hits[v as usize] += 1;
            }
        }
        for (i, p) in probs.iter().enumerate() {
            let rate = f64::from(hits[i + 1]) / runs as f64;
            let se = (p * (1.0 - p) / runs as f64).sqrt();
            assert!(
                (rate - p).abs() < 4.5 * se + 1e-9,
                "leaf {}: {rate} vs {p}",
                i + 1
            );
        }
    }
}

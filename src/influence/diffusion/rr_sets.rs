//! Reverse-reachable (RR) sets (Borgs, Brautbar, Chayes & Lucier 2014), stored flat, and greedy
//! maximum coverage over them.

use super::cascade::{self, Frontier};
use super::pool::{Bits, chunked};
use super::probabilities::{Adjacency, Model};
use super::threshold;
use crate::control::Control;
use crate::error::{CoreError, CoreResult};
use crate::graph::Graph;
use crate::rng::stream;
use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// RR sets per block; set `j` lives in block `j / BLOCK`. Blocks are also the parallel work
/// items, so a collection always holds a whole number of blocks.
pub(crate) const BLOCK: usize = 1024;

#[derive(Debug, Clone, Default)]
struct Block {
    /// End of each set in `nodes` (its start is the previous end).
    ends: Vec<usize>,
    nodes: Vec<u32>,
}

/// A collection of RR sets: node codes stored flat per block of 1024 sets, with offsets.
#[derive(Debug, Clone, Default)]
pub struct RrSets {
    blocks: Vec<Block>,
    total: usize,
}

impl RrSets {
    /// Number of sets.
    pub fn len(&self) -> usize {
        self.blocks.len() * BLOCK
    }

    /// Whether there are no sets.
    pub fn is_empty(&self) -> bool {
        self.blocks.is_empty()
    }

    /// Summed size of all sets.
    pub fn total_size(&self) -> usize {
        self.total
    }

    /// Nodes of set `j`.
    pub fn set(&self, j: usize) -> &[u32] {
        let b = &self.blocks[j / BLOCK];
        let i = j % BLOCK;
        let start = if i == 0 { 0 } else { b.ends[i - 1] };
        &b.nodes[start..b.ends[i]]
    }

    /// Bytes held.
    pub fn memory_bytes(&self) -> usize {
        self.blocks
            .iter()
            .map(|b| b.ends.capacity() * 8 + b.nodes.capacity() * 4)
            .sum()
    }

    /// Builds a collection from explicit sets (padded with empty sets to whole blocks).
    pub fn from_sets(sets: &[Vec<u32>]) -> Self {
        let mut rr = RrSets::default();
        for chunk in sets.chunks(BLOCK) {
            let mut b = Block::default();
            for s in chunk {
                b.nodes.extend_from_slice(s);
                b.ends.push(b.nodes.len());
            }
            b.ends.resize(BLOCK, b.nodes.len());
            rr.total += b.nodes.len();
            rr.blocks.push(b);
        }
        rr
    }

    /// Adds sets `len()..` until there are at least `target` (rounded up to whole blocks);
    /// set `j` is drawn by `sampler` from stream `j` of its seed.
    pub(crate) fn extend_to(
        &mut self,
        target: usize,
        sampler: &Sampler<'_>,
        ctl: &Control,
    ) -> CoreResult<()> {
        let first = self.blocks.len();
        let wanted = target.div_ceil(BLOCK).saturating_sub(first);
        if (first + wanted) * BLOCK > u32::MAX as usize {
            return Err(CoreError::TooLarge {
                what: "reverse-reachable sets",
                got: ((first + wanted) * BLOCK) as u64,
                limit: u64::from(u32::MAX),
            });
        }
        let n = sampler.g.n_nodes();
        let (blocks, _) = chunked(
            wanted * BLOCK,
            BLOCK,
            ctl,
            || Frontier::new(n),
            |fr, items| {
                let mut b = Block {
                    ends: Vec::with_capacity(BLOCK),
                    nodes: Vec::new(),
                };
                for j in items {
                    if ctl.is_cancelled() {
                        break; // a large set can take long: stop mid-block, error below
                    }
                    sampler.sample((first * BLOCK + j) as u64, fr);
                    b.nodes.extend_from_slice(&fr.queue);
                    b.ends.push(b.nodes.len());
                }
                b.nodes.shrink_to_fit();
                b
            },
        )?;
        ctl.checkpoint()?;
        self.total += blocks.iter().map(|b| b.nodes.len()).sum::<usize>();
        self.blocks.extend(blocks);
        Ok(())
    }
}

/// How the root of an RR set is drawn.
#[derive(Debug, Clone)]
pub(crate) enum Roots {
    /// Uniformly among the `n` nodes.
    Uniform(u64),
    /// Proportionally to node values: running sums, and the last node of positive value.
    Weighted(Vec<f64>, u32),
}

impl Roots {
    /// Roots proportional to `value` (which must have a positive total).
    pub(crate) fn weighted(value: &[f64]) -> Self {
        let mut run = 0.0;
        let cum: Vec<f64> = value
            .iter()
            .map(|x| {
                run += x;
                run
            })
            .collect();
        let last = value.iter().rposition(|&x| x > 0.0).unwrap_or(0) as u32;
        Roots::Weighted(cum, last)
    }

    fn draw(&self, bits: &mut Bits) -> u32 {
        match self {
            Roots::Uniform(n) => bits.below(*n) as u32,
            Roots::Weighted(cum, last) => {
                let total = cum.last().copied().unwrap_or(0.0);
                let x = bits.unit() * total;
                (cum.partition_point(|&c| c <= x) as u32).min(*last)
            }
        }
    }
}

/// Draws RR sets of one model and probability setting.
pub(crate) struct Sampler<'a> {
    pub(crate) g: &'a Graph,
    pub(crate) model: Model,
    /// In-edges: IC probabilities ([`Adjacency::cascade_reverse`]) or LT running weights.
    pub(crate) inv: Adjacency,
    pub(crate) roots: Roots,
    pub(crate) seed: u64,
    /// Added to the set index to pick the stream, so separate collections are independent.
    pub(crate) stream_base: u64,
}

impl Sampler<'_> {
    /// RR set `j`, left in `fr.queue` (root first).
    pub(crate) fn sample(&self, j: u64, fr: &mut Frontier) {
        let mut bits = Bits::new(stream(self.seed, self.stream_base + j));
        let root = self.roots.draw(&mut bits);
        match self.model {
            Model::IndependentCascade => cascade::spread_from(&self.inv, &[root], fr, &mut bits),
            Model::LinearThreshold => threshold::reverse(&self.inv, root, fr, &mut bits),
        }
    }
}

/// Inverted index: the sets containing each node, in increasing set order.
struct Index {
    off: Vec<usize>,
    sets: Vec<u32>,
}

impl Index {
    fn new(rr: &RrSets, n: usize) -> Self {
        let mut off = vec![0usize; n + 1];
        for b in &rr.blocks {
            for &v in &b.nodes {
                off[v as usize + 1] += 1;
            }
        }
        for v in 0..n {
            off[v + 1] += off[v];
        }
        let mut cursor = off[..n].to_vec();
        let mut sets = vec![0u32; rr.total];
        for (bi, b) in rr.blocks.iter().enumerate() {
            let mut start = 0;
            for (i, &end) in b.ends.iter().enumerate() {
                // Set ids fit in u32: `extend_to` keeps the count below u32::MAX.
                let id = (bi * BLOCK + i) as u32;
                for &v in &b.nodes[start..end] {
                    sets[cursor[v as usize]] = id;
                    cursor[v as usize] += 1;
                }
                start = end;
            }
        }
        Index { off, sets }
    }

    fn of(&self, v: usize) -> &[u32] {
        &self.sets[self.off[v]..self.off[v + 1]]
    }

    fn memory_bytes(&self) -> usize {
        self.off.len() * 8 + self.sets.len() * 4
    }
}

/// Result of [`max_coverage`].
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Coverage {
    /// Chosen nodes, in the order chosen.
    pub seeds: Vec<u32>,
    /// Sets newly covered by each chosen node.
    pub gains: Vec<u64>,
    /// Bytes of the inverted index and the greedy's working arrays.
    pub memory_bytes: usize,
}

/// Greedy maximum coverage: `k` times, the node in the most not-yet-covered sets (ties to the
/// smallest code), which gives a `(1 - 1/e)`-approximation of the best `k`-cover (Nemhauser,
/// Wolsey & Fisher 1978). Lazy evaluation with a max-heap: a node's count only decreases, so
/// a popped node whose stored count is current is the true maximum.
///
/// # Errors
/// [`CoreError::BadParameter`] if `k > n`; [`CoreError::Cancelled`].
///
/// # Complexity
/// `O(sum of set sizes + n + k log n)` time after an `O(sum + n)` inverted index; extra space
/// `O(sum of set sizes + n + number of sets)`.
///
/// # Examples
/// ```
/// use socialcrm::control::Control;
/// use socialcrm::influence::diffusion::{RrSets, max_coverage};
///
/// let rr = RrSets::from_sets(&[vec![0, 1], vec![1, 2], vec![3]]);
/// let c = max_coverage(&rr, 4, 2, &Control::new()).unwrap();
/// assert_eq!((c.seeds, c.gains), (vec![1, 3], vec![2, 1]));
/// ```
pub fn max_coverage(rr: &RrSets, n: usize, k: usize, ctl: &Control) -> CoreResult<Coverage> {
    if k > n {
        return Err(CoreError::BadParameter {
            name: "k",
            expected: "at most the number of nodes",
            got: k as f64,
        });
    }
    ctl.checkpoint()?;
    let index = Index::new(rr, n);
    let mut count: Vec<u32> = (0..n)
        .map(|v| (index.off[v + 1] - index.off[v]) as u32)
        .collect();
    let mut covered = vec![false; rr.len()];
    let mut chosen = vec![false; n];
    let mut heap: BinaryHeap<(u32, Reverse<u32>)> =
        (0..n).map(|v| (count[v], Reverse(v as u32))).collect();
    let mut out = Coverage {
        memory_bytes: index.memory_bytes() + n * 9 + rr.len() + heap.capacity() * 8,
        ..Default::default()
    };
    while out.seeds.len() < k {
        ctl.checkpoint()?;
        let Some((c, Reverse(v))) = heap.pop() else {
            break; // unreachable: every unchosen node stays in the heap
        };
        if chosen[v as usize] {
            continue;
        }
        if c != count[v as usize] {
            heap.push((count[v as usize], Reverse(v)));
            continue;
        }
        chosen[v as usize] = true;
        let mut gain = 0u64;
        for &j in index.of(v as usize) {
            if !covered[j as usize] {
                covered[j as usize] = true;
                gain += 1;
                for &w in rr.set(j as usize) {
                    count[w as usize] -= 1;
                }
            }
        }
        out.seeds.push(v);
        out.gains.push(gain);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn greedy_covers_the_most_sets_first_and_breaks_ties_by_code() {
        let sets = vec![vec![0, 1], vec![1, 2], vec![1], vec![3, 4], vec![4]];
        let rr = RrSets::from_sets(&sets);
        assert_eq!(rr.len(), BLOCK);
        assert_eq!(rr.set(1), &[1, 2]);
        assert_eq!(rr.total_size(), 8);
        let c = max_coverage(&rr, 5, 3, &Control::new()).unwrap();
        assert_eq!(c.seeds, vec![1, 4, 0]);
        assert_eq!(c.gains, vec![3, 2, 0]);
        let all = max_coverage(&rr, 5, 5, &Control::new()).unwrap();
        assert_eq!(all.seeds, vec![1, 4, 0, 2, 3]);
        assert!(max_coverage(&rr, 5, 6, &Control::new()).is_err());
    }

    #[test]
    fn lazy_greedy_matches_plain_greedy() {
        // Sets over 30 nodes from a simple generator; compare against recounting every round.
        let sets: Vec<Vec<u32>> = (0..400u32)
            .map(|j| {
                let mut s: Vec<u32> = (0..(j % 5 + 1)).map(|i| (j * 7 + i * i * 3) % 30).collect();
                s.sort_unstable();
                s.dedup();
                s
            })
            .collect();
        let rr = RrSets::from_sets(&sets);
        let lazy = max_coverage(&rr, 30, 8, &Control::new()).unwrap();
        let mut covered = vec![false; sets.len()];
        for (&v, &gain) in lazy.seeds.iter().zip(&lazy.gains) {
            let best = (0..30u32)
                .map(|w| {
                    let g = (0..sets.len())
                        .filter(|&j| !covered[j] && sets[j].contains(&w))
                        .count();
                    (g, Reverse(w))
                })
                .max()
                .unwrap();
            assert_eq!((best.0 as u64, best.1.0), (gain, v));
            for (j, s) in sets.iter().enumerate() {
                covered[j] |= s.contains(&v);
            }
        }
    }

    #[test]
    fn weighted_roots_never_pick_zero_value_nodes() {
        let roots = Roots::weighted(&[0.0, 1.0, 0.0, 3.0, 0.0]);
        let mut bits = Bits::new(stream(0, 0));
        let draws: Vec<u32> = (0..4000).map(|_| roots.draw(&mut bits)).collect();
        assert!(draws.iter().all(|&r| r == 1 || r == 3));
        let ones = draws.iter().filter(|&&r| r == 1).count() as f64 / 4000.0;
        assert!((ones - 0.25).abs() < 0.03, "{ones}");
    }
}

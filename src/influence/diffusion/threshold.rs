//! Linear Threshold: one forward simulation from a seed set, one reverse-reachable set.

use super::cascade::Frontier;
use super::pool::{Bits, Marks};
use super::probabilities::Adjacency;
use crate::graph::Graph;

/// Per-node state of an LT simulation, valid when `stamp` is the current epoch: the threshold
/// drawn when the node was first reached, and the summed weight of its active in-neighbours.
/// A node is active iff `theta < acc` (seeds get `acc = u32::MAX`, `theta = 0`). `count`
/// (simulations that ended with the node active) survives across simulations.
#[derive(Debug, Clone, Copy, Default)]
struct Node {
    stamp: u32,
    acc: u32,
    theta: u32,
    count: u32,
}

/// Scratch of LT simulations: per-node state stamped with an epoch, and the queue of active
/// nodes in the order activated.
pub(crate) struct Thresholds {
    nodes: Vec<Node>,
    epoch: u32,
    pub(crate) queue: Vec<u32>,
}

impl Thresholds {
    pub(crate) fn new(n: usize) -> Self {
        Thresholds {
            nodes: vec![Node::default(); n],
            epoch: 0,
            queue: Vec::new(),
        }
    }

    /// Simulations that ended with `v` active.
    pub(crate) fn count(&self, v: usize) -> u32 {
        self.nodes[v].count
    }
}

/// One LT process from `seeds` with fixed-point in-weights `b` per out-slot (summing to at most
/// `ONE` into each node); leaves the active nodes in `st.queue`, seeds first. Thresholds are
/// uniform on `0..2^31` (`U[0, 1)` in fixed point), drawn lazily when a node is first reached;
/// `v` activates once `theta_v < sum of b over its active in-neighbours`.
pub(crate) fn simulate(g: &Graph, b: &[u32], seeds: &[u32], st: &mut Thresholds, bits: &mut Bits) {
    st.epoch = st.epoch.wrapping_add(1);
    if st.epoch == 0 {
        st.nodes.iter_mut().for_each(|node| node.stamp = 0);
        st.epoch = 1;
    }
    let epoch = st.epoch;
    st.queue.clear();
    for &s in seeds {
        let node = &mut st.nodes[s as usize];
        if node.stamp != epoch {
            *node = Node {
                stamp: epoch,
                acc: u32::MAX,
                theta: 0,
                count: node.count + 1,
            };
            st.queue.push(s);
        }
    }
    let (off, tgt) = (g.offsets(), g.targets());
    let mut head = 0;
    while head < st.queue.len() {
        let u = st.queue[head] as usize;
        head += 1;
        for s in off[u]..off[u + 1] {
            let w = b[s];
            if w == 0 {
                continue;
            }
            let v = tgt[s];
            let node = &mut st.nodes[v as usize];
            if node.stamp != epoch {
                *node = Node {
                    stamp: epoch,
                    acc: 0,
                    theta: bits.next31(),
                    count: node.count,
                };
            } else if node.theta < node.acc {
                continue; // already active
            }
            node.acc = node.acc.saturating_add(w);
            if node.theta < node.acc {
                node.count += 1;
                st.queue.push(v);
            }
        }
    }
}

/// One LT reverse-reachable set of `root`: in the live-edge view of LT each node keeps at most
/// one in-edge, edge `u -> v` with probability `b_uv`; walking those edges backwards from `root`
/// until no edge is kept or a node repeats gives the set, left in `fr.queue`, `root` first.
pub(crate) fn reverse(adj: &Adjacency, root: u32, fr: &mut Frontier, bits: &mut Bits) {
    fr.seen.clear();
    fr.queue.clear();
    fr.seen.mark(root);
    fr.queue.push(root);
    let mut v = root as usize;
    loop {
        let row = adj.row(v);
        let theta = bits.next31();
        // The first in-edge whose running weight passes theta: edge i with probability b_i.
        let i = row.partition_point(|a| a.value <= theta);
        let Some(a) = row.get(i) else {
            return;
        };
        if !fr.seen.mark(a.node) {
            return;
        }
        fr.queue.push(a.node);
        v = a.node as usize;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::test_graph;
    use crate::influence::diffusion::probabilities::ONE;
    use crate::rng::stream;

    #[test]
    fn full_weight_in_edges_always_activate() {
        // 0 -> 1 -> 2: each node's only in-edge carries all its weight.
        let g = test_graph(&[0, 1], &[1, 2], None, 3, true);
        let mut st = Thresholds::new(3);
        let mut bits = Bits::new(stream(0, 0));
        simulate(&g, &[ONE, ONE], &[0], &mut st, &mut bits);
        assert_eq!(st.queue, vec![0, 1, 2]);
        simulate(&g, &[ONE, ONE], &[1], &mut st, &mut bits);
        assert_eq!(st.queue, vec![1, 2]);
        assert_eq!((st.count(0), st.count(1), st.count(2)), (1, 2, 2));
        let mut fr = Frontier::new(3);
        let inv = Adjacency::threshold_in(&g, &[ONE, ONE]);
        reverse(&inv, 2, &mut fr, &mut bits);
        assert_eq!(fr.queue, vec![2, 1, 0]);
    }

    #[test]
    fn a_node_with_two_active_in_neighbours_of_weight_half_activates() {
        // 0 -> 2 and 1 -> 2, each b = 1/2: seeds {0, 1} always activate 2, seed {0} half the time.
        let g = test_graph(&[0, 1], &[2, 2], None, 3, true);
        let b = [ONE / 2, ONE / 2];
        let mut st = Thresholds::new(3);
        let mut bits = Bits::new(stream(1, 0));
        simulate(&g, &b, &[0, 1], &mut st, &mut bits);
        assert_eq!(st.queue, vec![0, 1, 2]);
        let hits = (0..20_000)
            .filter(|_| {
                simulate(&g, &b, &[0], &mut st, &mut bits);
                st.queue.len() == 2
            })
            .count();
        assert!((hits as f64 / 20_000.0 - 0.5).abs() < 0.015, "{hits}");
    }
}

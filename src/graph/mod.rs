//! The customer graph: a compressed sparse row (CSR) adjacency over node codes `0..n`, with the
//! interaction events between each ordered pair aggregated into one edge.
//!
//! Directed graphs keep out- and in-adjacency; undirected graphs keep one symmetric adjacency in
//! which every edge `{u, v}` with `u != v` appears in the lists of both endpoints (a self-loop
//! once). Neighbour lists are sorted by node code.

use crate::error::{CoreError, CoreResult};

mod aggregate;
mod build;
mod edges;
mod records;
mod stats;
mod ties;
mod transform;

pub use build::{BuildConfig, BuildReport, Decay, Events, SelfLoops, build};
pub use edges::{EdgeList, edge_list};
pub use stats::{GraphStats, graph_stats};
pub use ties::{TiePairs, tie_pairs};
pub use transform::{Merge, induced_subgraph, to_undirected};

/// Edge attributes aggregated from the events between one ordered pair, stored in the order of
/// the out-adjacency (slot `e` of [`Graph::targets`]).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EdgeAttrs {
    /// Number of events.
    pub count: Vec<u32>,
    /// Summed event weight.
    pub weight: Vec<f64>,
    /// Summed time-decayed event weight; present when the graph was built with a half-life.
    pub decayed: Option<Vec<f64>>,
    /// Earliest event time (ns since the Unix epoch); present when events carry times.
    pub first_seen: Option<Vec<i64>>,
    /// Latest event time (ns since the Unix epoch); present when events carry times.
    pub last_seen: Option<Vec<i64>>,
    /// Bit set of the event kinds seen (bit `k` for kind code `k < 64`); present when events
    /// carry kinds.
    pub kinds: Option<Vec<u64>>,
}

impl EdgeAttrs {
    fn memory_bytes(&self) -> usize {
        let opt = |v: &Option<Vec<_>>| v.as_ref().map_or(0, |v: &Vec<i64>| v.len() * 8);
        self.count.len() * 4
            + self.weight.len() * 8
            + self.decayed.as_ref().map_or(0, |v| v.len() * 8)
            + opt(&self.first_seen)
            + opt(&self.last_seen)
            + self.kinds.as_ref().map_or(0, |v| v.len() * 8)
    }
}

/// Which per-edge value a weighted measure reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EdgeWeight {
    /// Every edge weighs 1.
    Unit,
    /// Summed event weight ([`EdgeAttrs::weight`]).
    Summed,
    /// Summed time-decayed event weight ([`EdgeAttrs::decayed`]).
    Decayed,
}

/// A weighted customer graph in CSR form. Built by [`build`]; immutable afterwards.
#[derive(Debug, Clone, PartialEq)]
pub struct Graph {
    n_nodes: usize,
    directed: bool,
    out_offsets: Vec<usize>,
    out_targets: Vec<u32>,
    attrs: EdgeAttrs,
    /// Directed only: in-adjacency (`in_sources`) and, per in-slot, the out-slot of the same edge.
    in_offsets: Vec<usize>,
    in_sources: Vec<u32>,
    in_edges: Vec<u32>,
    n_self_loops: usize,
}

impl Graph {
    /// Number of nodes.
    pub fn n_nodes(&self) -> usize {
        self.n_nodes
    }

    /// Whether edges have a direction.
    pub fn is_directed(&self) -> bool {
        self.directed
    }

    /// Number of edges: ordered pairs for a directed graph, unordered pairs for an undirected one
    /// (self-loops count once either way).
    pub fn n_edges(&self) -> usize {
        if self.directed {
            self.out_targets.len()
        } else {
            (self.out_targets.len() + self.n_self_loops) / 2
        }
    }

    /// Number of adjacency slots: `n_edges` for directed graphs, twice the non-loop edges plus
    /// the loops for undirected ones.
    pub fn n_slots(&self) -> usize {
        self.out_targets.len()
    }

    /// Number of self-loops.
    pub fn n_self_loops(&self) -> usize {
        self.n_self_loops
    }

    /// CSR offsets of the out-adjacency (length `n_nodes + 1`).
    pub fn offsets(&self) -> &[usize] {
        &self.out_offsets
    }

    /// Targets of all out-slots, grouped by source.
    pub fn targets(&self) -> &[u32] {
        &self.out_targets
    }

    /// Aggregated attributes per out-slot.
    pub fn attrs(&self) -> &EdgeAttrs {
        &self.attrs
    }

    /// Slot range of node `u`'s out-neighbours.
    pub fn out_range(&self, u: usize) -> std::ops::Range<usize> {
        self.out_offsets[u]..self.out_offsets[u + 1]
    }

    /// Out-neighbours of `u`, sorted (all neighbours for an undirected graph).
    pub fn out_neighbors(&self, u: usize) -> &[u32] {
        &self.out_targets[self.out_range(u)]
    }

    /// In-neighbours of `v`, sorted, and the out-slot of each edge (all neighbours for an
    /// undirected graph).
    pub fn in_neighbors(&self, v: usize) -> (&[u32], InSlots<'_>) {
        if self.directed {
            let r = self.in_offsets[v]..self.in_offsets[v + 1];
            (
                &self.in_sources[r.clone()],
                InSlots::Listed(&self.in_edges[r]),
            )
        } else {
            let r = self.out_range(v);
            (&self.out_targets[r.clone()], InSlots::Range(r))
        }
    }

    /// Bytes held by the adjacency and attribute arrays.
    pub fn memory_bytes(&self) -> usize {
        let usize_bytes = std::mem::size_of::<usize>();
        (self.out_offsets.len() + self.in_offsets.len()) * usize_bytes
            + (self.out_targets.len() + self.in_sources.len() + self.in_edges.len()) * 4
            + self.attrs.memory_bytes()
    }

    /// Per-slot weights for `which`: `None` for [`EdgeWeight::Unit`].
    ///
    /// # Errors
    /// [`CoreError::BadParameter`] for [`EdgeWeight::Decayed`] on a graph built without a
    /// half-life.
    pub fn edge_weights(&self, which: EdgeWeight) -> CoreResult<Option<&[f64]>> {
        match which {
            EdgeWeight::Unit => Ok(None),
            EdgeWeight::Summed => Ok(Some(&self.attrs.weight)),
            EdgeWeight::Decayed => {
                self.attrs
                    .decayed
                    .as_deref()
                    .map(Some)
                    .ok_or(CoreError::BadParameter {
                        name: "weight",
                        expected: "'decayed' only on a graph built with a half-life",
                        got: f64::NAN,
                    })
            }
        }
    }

    /// Source node of every out-slot (the CSR row expanded), e.g. to list edges.
    pub fn slot_sources(&self) -> Vec<u32> {
        let mut sources = Vec::with_capacity(self.out_targets.len());
        for u in 0..self.n_nodes {
            // n_nodes <= u32::MAX is enforced at build time, so every code fits.
            sources.extend(std::iter::repeat_n(u as u32, self.out_range(u).len()));
        }
        sources
    }
}

/// Out-slots of the edges listed by [`Graph::in_neighbors`].
#[derive(Debug, Clone)]
pub enum InSlots<'a> {
    /// Directed graph: slot of each in-edge.
    Listed(&'a [u32]),
    /// Undirected graph: the node's own out-slots, in order.
    Range(std::ops::Range<usize>),
}

impl InSlots<'_> {
    /// Out-slot of the `i`-th in-edge.
    pub fn get(&self, i: usize) -> usize {
        match self {
            InSlots::Listed(s) => s[i] as usize,
            InSlots::Range(r) => r.start + i,
        }
    }
}

/// A planted-partition test graph: `groups` groups of `size` nodes; each pair inside a group is
/// linked with probability `p_in`, and each node also has `out` links to random nodes anywhere.
#[cfg(test)]
pub(crate) fn test_planted(groups: usize, size: usize, p_in: f64, out: usize, seed: u64) -> Graph {
    use rand::Rng as _;
    let mut rng = crate::rng::stream(seed, 0);
    let n = groups * size;
    let (mut s, mut t) = (vec![], vec![]);
    for gi in 0..groups {
        let base = (gi * size) as u32;
        for i in 0..size as u32 {
            for j in i + 1..size as u32 {
                if rng.random::<f64>() < p_in {
                    s.push(base + i);
                    t.push(base + j);
                }
            }
        }
    }
    for v in 0..n as u32 {
        for _ in 0..out {
            let u = rng.random_range(0..n as u32);
            if u != v {
                s.push(v);
                t.push(u);
            }
        }
    }
    test_graph(&s, &t, None, n, false)
}

/// Builds a graph from plain edge lists, keeping self-loops (shared by the unit tests).
#[cfg(test)]
pub(crate) fn test_graph(
    source: &[u32],
    target: &[u32],
    weight: Option<&[f64]>,
    n_nodes: usize,
    directed: bool,
) -> Graph {
    let events = Events {
        source,
        target,
        weight,
        time: None,
        kind: None,
    };
    let cfg = BuildConfig {
        n_nodes,
        directed,
        self_loops: SelfLoops::Keep,
        decay: None,
    };
    let (graph, _) = build(&events, &cfg, &crate::control::Control::new())
        .unwrap_or_else(|e| panic!("test graph: {e}"));
    graph
}

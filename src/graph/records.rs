//! Sources of edge records for the aggregator: raw interaction events, or the edges of an
//! existing graph (for subgraphs and undirected views).

use super::Graph;
use super::build::{Decay, Events, SelfLoops};

/// Which optional attributes a record source carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Layout {
    pub decay: bool,
    pub time: bool,
    pub kinds: bool,
}

/// One record per row; rows with the same endpoints are merged into one edge.
pub(crate) trait Records: Sync {
    fn len(&self) -> usize;
    fn layout(&self) -> Layout;
    /// Endpoints of row `i`, or `None` if the row is left out.
    fn endpoints(&self, i: usize) -> Option<(u32, u32)>;
    fn count(&self, i: usize) -> u32;
    fn weight(&self, i: usize) -> f64;
    fn decayed(&self, i: usize) -> f64;
    fn first(&self, i: usize) -> i64;
    fn last(&self, i: usize) -> i64;
    fn kinds(&self, i: usize) -> u64;
}

/// Raw events: one row per interaction, with validated codes and values.
pub(crate) struct EventRecords<'a> {
    pub events: &'a Events<'a>,
    pub self_loops: SelfLoops,
    pub decay: Option<Decay>,
}

impl Records for EventRecords<'_> {
    fn len(&self) -> usize {
        self.events.source.len()
    }
    fn layout(&self) -> Layout {
        Layout {
            decay: self.decay.is_some(),
            time: self.events.time.is_some(),
            kinds: self.events.kind.is_some(),
        }
    }
    fn endpoints(&self, i: usize) -> Option<(u32, u32)> {
        let (s, t) = (self.events.source[i], self.events.target[i]);
        (s != t || self.self_loops == SelfLoops::Keep).then_some((s, t))
    }
    fn count(&self, _: usize) -> u32 {
        1
    }
    fn weight(&self, i: usize) -> f64 {
        self.events.weight.map_or(1.0, |w| w[i])
    }
    fn decayed(&self, i: usize) -> f64 {
        match (self.decay, self.events.time) {
            (Some(d), Some(t)) => self.weight(i) * d.factor(t[i]),
            _ => self.weight(i),
        }
    }
    fn first(&self, i: usize) -> i64 {
        self.events.time.map_or(0, |t| t[i])
    }
    fn last(&self, i: usize) -> i64 {
        self.first(i)
    }
    fn kinds(&self, i: usize) -> u64 {
        self.events.kind.map_or(0, |k| 1u64 << k[i])
    }
}

/// The edges of an existing graph, optionally renumbered (`remap[u] == u32::MAX` drops `u`).
/// For an undirected graph each edge is one record (the slot with `u <= v`).
pub(crate) struct EdgeRecords<'a> {
    pub graph: &'a Graph,
    pub sources: Vec<u32>,
    pub remap: Option<&'a [u32]>,
}

impl<'a> EdgeRecords<'a> {
    pub fn new(graph: &'a Graph, remap: Option<&'a [u32]>) -> Self {
        Self {
            graph,
            sources: graph.slot_sources(),
            remap,
        }
    }
}

impl Records for EdgeRecords<'_> {
    fn len(&self) -> usize {
        self.sources.len()
    }
    fn layout(&self) -> Layout {
        let a = self.graph.attrs();
        Layout {
            decay: a.decayed.is_some(),
            time: a.first_seen.is_some(),
            kinds: a.kinds.is_some(),
        }
    }
    fn endpoints(&self, i: usize) -> Option<(u32, u32)> {
        let (u, v) = (self.sources[i], self.graph.targets()[i]);
        if !self.graph.is_directed() && u > v {
            return None;
        }
        match self.remap {
            None => Some((u, v)),
            Some(m) => {
                let (a, b) = (m[u as usize], m[v as usize]);
                (a != u32::MAX && b != u32::MAX).then_some((a, b))
            }
        }
    }
    fn count(&self, i: usize) -> u32 {
        self.graph.attrs().count[i]
    }
    fn weight(&self, i: usize) -> f64 {
        self.graph.attrs().weight[i]
    }
    fn decayed(&self, i: usize) -> f64 {
        self.graph
            .attrs()
            .decayed
            .as_ref()
            .map_or(self.weight(i), |d| d[i])
    }
    fn first(&self, i: usize) -> i64 {
        self.graph.attrs().first_seen.as_ref().map_or(0, |t| t[i])
    }
    fn last(&self, i: usize) -> i64 {
        self.graph.attrs().last_seen.as_ref().map_or(0, |t| t[i])
    }
    fn kinds(&self, i: usize) -> u64 {
        self.graph.attrs().kinds.as_ref().map_or(0, |k| k[i])
    }
}

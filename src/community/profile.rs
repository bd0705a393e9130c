//! Community profiles: size, internal and external interactions, density and conductance of
//! every community, from one pass over the adjacency.

use super::roles::{check_codes, per_node};
use crate::control::Control;
use crate::error::CoreResult;
use crate::graph::{EdgeWeight, Graph};

/// Per-community figures of [`profile`] (one entry per community code) and the strength of
/// every node in the undirected view.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Profile {
    /// Members.
    pub size: Vec<u64>,
    /// Summed value of the edges with both ends inside (self-loops included, each edge once).
    pub internal: Vec<f64>,
    /// Summed value of the edges with exactly one end inside (the cut, both directions).
    pub external: Vec<f64>,
    /// Edges (unit count, self-loops excluded) with both ends inside.
    pub internal_edges: Vec<u64>,
    /// Internal density: `2 e_in / (n (n - 1))` undirected, `e_in / (n (n - 1))` directed
    /// (0 below two members).
    pub density: Vec<f64>,
    /// Volume: summed strength of the members in the undirected view (a self-loop twice).
    pub volume: Vec<f64>,
    /// Conductance `cut / min(vol(c), vol(rest))`, 0 when no edge leaves the community.
    pub conductance: Vec<f64>,
    /// Strength of every node in the undirected view (in plus out for directed graphs; a
    /// self-loop twice).
    pub strength: Vec<f64>,
}

/// Per-node contributions: value to own community (non-loop), loops, cut, strength, internal
/// edge ends.
#[derive(Debug, Clone, Copy, Default)]
struct Part {
    within: f64,
    loops: f64,
    cut: f64,
    strength: f64,
    within_edges: u64,
}

fn node_part(g: &Graph, w: Option<&[f64]>, codes: &[u32], u: usize) -> Part {
    let val = |slot: usize| w.map_or(1.0, |w| w[slot]);
    let (me, c) = (u as u32, codes[u]);
    let mut p = Part::default();
    for (&j, s) in g.out_neighbors(u).iter().zip(g.out_range(u)) {
        let v = val(s);
        p.strength += v;
        if j == me {
            // Stored once: the other end's share of the volume comes from here (undirected)
            // or from the in-list (directed).
            p.loops += v;
            if !g.is_directed() {
                p.strength += v;
            }
        } else if codes[j as usize] == c {
            p.within += v;
            p.within_edges += 1;
        } else {
            p.cut += v;
        }
    }
    if g.is_directed() {
        let (src, slots) = g.in_neighbors(u);
        for (i, &j) in src.iter().enumerate() {
            let v = val(slots.get(i));
            p.strength += v;
            if j != me && codes[j as usize] != c {
                p.cut += v;
            }
        }
    }
    p
}

/// Size, internal and external interactions, internal density, volume and conductance of every
/// community.
///
/// For community `c` with `n_c` members, `e_in` internal edges (unit count, no self-loops),
/// internal value `w_in` and cut value `w_cut` (edges with one end inside, either direction):
/// density `2 e_in / (n_c (n_c - 1))` (undirected) or `e_in / (n_c (n_c - 1))` (directed), and
/// conductance `w_cut / min(vol(c), vol(V \ c))` with `vol` the summed strength in the
/// undirected view (Kannan, Vempala & Vetta 2004; as networkx's `conductance`).
///
/// Per-node contributions are computed in parallel, each by one task in neighbour order, then
/// summed per community sequentially in node order: the result does not depend on the thread
/// count.
///
/// # Arguments
/// * `g` - the graph; `codes` - the community code of each node, all `< n_communities`.
/// * `weight` - the edge values summed ([`EdgeWeight::Unit`] counts edges).
/// * `ctl` - cancellation and progress.
///
/// # Returns
/// A [`Profile`].
///
/// # Errors
/// [`crate::error::CoreError::LengthMismatch`] or [`crate::error::CoreError::BadValue`] for
/// bad `codes`; [`crate::error::CoreError::BadParameter`] for decayed weights on a graph
/// without them; [`crate::error::CoreError::Cancelled`].
///
/// # Complexity
/// `O(|V| + |E| + n_communities)` time and extra space.
///
/// # Examples
/// ```
/// use socialcrm::community::profile;
/// use socialcrm::control::Control;
/// use socialcrm::graph::{BuildConfig, EdgeWeight, Events, build};
///
/// // A triangle 0-1-2 and a pair 3-4 joined by the edge 2-3.
/// let (s, t) = ([0u32, 0, 1, 2, 3], [1u32, 2, 2, 3, 4]);
/// let ev = Events { source: &s, target: &t, weight: None, time: None, kind: None };
/// let cfg = BuildConfig { n_nodes: 5, directed: false, ..Default::default() };
/// let (g, _) = build(&ev, &cfg, &Control::new()).unwrap();
/// let p = profile(&g, &[0, 0, 0, 1, 1], 2, EdgeWeight::Unit, &Control::new()).unwrap();
/// assert_eq!(p.internal, vec![3.0, 1.0]);
/// assert_eq!(p.external, vec![1.0, 1.0]);
/// assert_eq!(p.conductance, vec![1.0 / 3.0, 1.0 / 3.0]);
/// ```
pub fn profile(
    g: &Graph,
    codes: &[u32],
    n_communities: usize,
    weight: EdgeWeight,
    ctl: &Control,
) -> CoreResult<Profile> {
    check_codes(g, codes, n_communities)?;
    let w = g.edge_weights(weight)?;
    let parts = per_node(g, ctl, |u, _| node_part(g, w, codes, u))?;
    let k = n_communities;
    let (mut size, mut within, mut loops) = (vec![0u64; k], vec![0.0; k], vec![0.0; k]);
    let (mut external, mut volume, mut ends) = (vec![0.0; k], vec![0.0; k], vec![0u64; k]);
    for (p, &c) in parts.iter().zip(codes) {
        let c = c as usize;
        size[c] += 1;
        within[c] += p.within;
        loops[c] += p.loops;
        external[c] += p.cut;
        volume[c] += p.strength;
        ends[c] += p.within_edges;
    }
    // Undirected: every internal edge was seen from both ends (halving is exact).
    let half = if g.is_directed() { 1.0 } else { 0.5 };
    let internal = within
        .iter()
        .zip(&loops)
        .map(|(x, l)| x * half + l)
        .collect();
    let internal_edges: Vec<u64> = if g.is_directed() {
        ends
    } else {
        ends.iter().map(|e| e / 2).collect()
    };
    let density = internal_edges
        .iter()
        .zip(&size)
        .map(|(&e, &n)| {
            let pairs = (n as f64) * (n as f64 - 1.0) * half;
            if n < 2 { 0.0 } else { e as f64 / pairs }
        })
        .collect();
    let total = volume.iter().fold(0.0, |a, v| a + v);
    let conductance = external
        .iter()
        .zip(&volume)
        .map(|(&cut, &vol)| {
            if cut > 0.0 {
                cut / vol.min(total - vol)
            } else {
                0.0
            }
        })
        .collect();
    Ok(Profile {
        size,
        internal,
        external,
        internal_edges,
        density,
        volume,
        conductance,
        strength: parts.iter().map(|p| p.strength).collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::test_graph;

    #[test]
    fn undirected_by_hand_with_a_self_loop() {
        // Triangle 0-1-2 (w 1, 2, 3), bridge 2-3 (w 4), pair 3-4 (w 5), loop 4-4 (w 6).
        let (s, t) = ([0u32, 0, 1, 2, 3, 4], [1u32, 2, 2, 3, 4, 4]);
        let w = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0];
        let g = test_graph(&s, &t, Some(&w), 6, false);
        let p = profile(
            &g,
            &[0, 0, 0, 1, 1, 1],
            2,
            EdgeWeight::Summed,
            &Control::new(),
        )
        .unwrap();
        assert_eq!(p.size, vec![3, 3]);
        assert_eq!(p.internal, vec![6.0, 11.0]);
        assert_eq!(p.external, vec![4.0, 4.0]);
        assert_eq!(p.internal_edges, vec![3, 1]);
        assert_eq!(p.density, vec![1.0, 1.0 / 3.0]);
        assert_eq!(p.volume, vec![16.0, 26.0]);
        assert_eq!(p.conductance, vec![0.25, 0.25]);
        assert_eq!(p.strength, vec![3.0, 4.0, 9.0, 9.0, 17.0, 0.0]);
    }

    #[test]
    fn directed_counts_arcs_once_and_the_cut_both_ways() {
        // 0->1 (1), 1->0 (2), 1->2 (4), 2->0 (8), 2->2 (16).
        let (s, t) = ([0u32, 1, 1, 2, 2], [1u32, 0, 2, 0, 2]);
        let w = [1.0, 2.0, 4.0, 8.0, 16.0];
        let g = test_graph(&s, &t, Some(&w), 3, true);
        let p = profile(&g, &[0, 0, 1], 2, EdgeWeight::Summed, &Control::new()).unwrap();
        assert_eq!(p.internal, vec![3.0, 16.0]);
        assert_eq!(p.external, vec![12.0, 12.0]);
        assert_eq!(p.internal_edges, vec![2, 0]);
        assert_eq!(p.density, vec![1.0, 0.0]);
        assert_eq!(p.volume, vec![18.0, 44.0]);
        assert_eq!(p.conductance, vec![12.0 / 18.0, 12.0 / 18.0]);
        let unit = profile(&g, &[0, 0, 1], 2, EdgeWeight::Unit, &Control::new()).unwrap();
        assert_eq!(unit.internal, vec![2.0, 1.0]);
    }

    #[test]
    fn closed_and_empty_communities_have_zero_conductance() {
        let g = test_graph(&[0], &[1], None, 3, false);
        let p = profile(&g, &[0, 0, 1], 3, EdgeWeight::Unit, &Control::new()).unwrap();
        assert_eq!(p.conductance, vec![0.0; 3]);
        assert_eq!(p.size, vec![2, 1, 0]);
        assert_eq!(p.density, vec![1.0, 0.0, 0.0]);
    }
}

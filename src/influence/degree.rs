//! Degree and strength.

use crate::graph::Graph;
use rayon::prelude::*;

/// In/out degree and strength of every node.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Degrees {
    /// Number of distinct customers who reached the node.
    pub in_degree: Vec<u32>,
    /// Number of distinct customers the node reached.
    pub out_degree: Vec<u32>,
    /// Summed weight of incoming edges.
    pub in_strength: Vec<f64>,
    /// Summed weight of outgoing edges.
    pub out_strength: Vec<f64>,
}

/// Degree `k_i` (number of neighbours) and strength `s_i = sum_j w_ij` (Barrat et al. 2004,
/// "The architecture of complex weighted networks", PNAS 101) in both directions.
///
/// For an undirected graph in- and out- values are equal, and a self-loop adds 2 to the degree
/// and twice its weight to the strength, as in networkx. Strength sums in neighbour order, so the
/// result does not depend on the thread count.
///
/// # Arguments
/// * `g` - the graph.
///
/// # Returns
/// A [`Degrees`] with one entry per node.
///
/// # Complexity
/// `O(|V| + |E|)` time, `O(|V|)` extra space, in parallel over nodes.
///
/// # Examples
/// ```
/// use socialcrm::control::Control;
/// use socialcrm::graph::{BuildConfig, Events, build};
/// use socialcrm::influence::degree;
///
/// let (s, t, w) = ([0u32, 0, 1], [1u32, 2, 2], [1.0, 2.0, 4.0]);
/// let ev = Events { source: &s, target: &t, weight: Some(&w), time: None, kind: None };
/// let (g, _) = build(&ev, &BuildConfig { n_nodes: 3, ..Default::default() }, &Control::new())
///     .unwrap();
/// let d = degree(&g);
/// assert_eq!(d.out_degree, vec![2, 1, 0]);
/// assert_eq!(d.in_strength, vec![0.0, 1.0, 6.0]);
/// ```
pub fn degree(g: &Graph) -> Degrees {
    let w = &g.attrs().weight;
    let out: Vec<(u32, f64)> = (0..g.n_nodes())
        .into_par_iter()
        .map(|u| {
            let r = g.out_range(u);
            let loops = if g.is_directed() {
                None
            } else {
                self_loop_slot(g, u)
            };
            let deg = r.len() + usize::from(loops.is_some());
            let s = w[r].iter().fold(0.0, |acc, x| acc + x) + loops.map_or(0.0, |e| w[e]);
            (deg as u32, s)
        })
        .collect();
    let (out_degree, out_strength): (Vec<u32>, Vec<f64>) = out.into_iter().unzip();
    if !g.is_directed() {
        return Degrees {
            in_degree: out_degree.clone(),
            out_degree,
            in_strength: out_strength.clone(),
            out_strength,
        };
    }
    let inn: Vec<(u32, f64)> = (0..g.n_nodes())
        .into_par_iter()
        .map(|v| {
            let (src, slots) = g.in_neighbors(v);
            let s = (0..src.len()).fold(0.0, |acc, i| acc + w[slots.get(i)]);
            (src.len() as u32, s)
        })
        .collect();
    let (in_degree, in_strength) = inn.into_iter().unzip();
    Degrees {
        in_degree,
        out_degree,
        in_strength,
        out_strength,
    }
}

fn self_loop_slot(g: &Graph, u: usize) -> Option<usize> {
    let r = g.out_range(u);
    g.out_neighbors(u)
        .binary_search(&(u as u32))
        .ok()
        .map(|i| r.start + i)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn graph(s: &[u32], t: &[u32], w: &[f64], n_nodes: usize, directed: bool) -> Graph {
        crate::graph::test_graph(s, t, Some(w), n_nodes, directed)
    }

    #[test]
    fn directed_degree_counts_distinct_neighbours_and_strength_sums_weights() {
        // 0->1 twice (1 + 2), 0->2 (4), 2->1 (8), 1->0 (16); node 3 isolated.
        let (s, t) = ([0u32, 0, 0, 2, 1], [1u32, 1, 2, 1, 0]);
        let w = [1.0, 2.0, 4.0, 8.0, 16.0];
        let d = degree(&graph(&s, &t, &w, 4, true));
        assert_eq!(d.out_degree, vec![2, 1, 1, 0]);
        assert_eq!(d.in_degree, vec![1, 2, 1, 0]);
        assert_eq!(d.out_strength, vec![7.0, 16.0, 8.0, 0.0]);
        assert_eq!(d.in_strength, vec![16.0, 11.0, 4.0, 0.0]);
    }

    #[test]
    fn directed_self_loop_counts_once_each_way() {
        let (s, t, w) = ([0u32, 0], [0u32, 1], [5.0, 1.0]);
        let d = degree(&graph(&s, &t, &w, 2, true));
        assert_eq!((d.out_degree, d.in_degree), (vec![2, 0], vec![1, 1]));
        assert_eq!(
            (d.out_strength, d.in_strength),
            (vec![6.0, 0.0], vec![5.0, 1.0])
        );
    }

    #[test]
    fn undirected_self_loop_adds_two_to_degree_and_twice_its_weight() {
        // 0-1 (1 + 2), 1-1 (4), 1-2 (8); node 3 isolated.
        let (s, t, w) = ([0u32, 1, 1, 2], [1u32, 0, 1, 1], [1.0, 2.0, 4.0, 8.0]);
        let d = degree(&graph(&s, &t, &w, 4, false));
        assert_eq!(d.out_degree, vec![1, 4, 1, 0]);
        assert_eq!(d.out_strength, vec![3.0, 19.0, 8.0, 0.0]);
        assert_eq!(d.in_degree, d.out_degree);
        assert_eq!(d.in_strength, d.out_strength);
    }

    #[test]
    fn undirected_degrees_sum_to_twice_the_edges() {
        let (s, t) = ([0u32, 1, 2, 3, 3], [1u32, 2, 0, 3, 0]);
        let g = graph(&s, &t, &[1.0; 5], 4, false);
        let d = degree(&g);
        assert_eq!(d.out_degree.iter().sum::<u32>() as usize, 2 * g.n_edges());
    }

    #[test]
    fn edgeless_graph_has_zero_degrees() {
        for directed in [true, false] {
            let d = degree(&graph(&[], &[], &[], 3, directed));
            assert_eq!((d.in_degree, d.out_degree), (vec![0; 3], vec![0; 3]));
            assert_eq!(
                (d.in_strength, d.out_strength),
                (vec![0.0; 3], vec![0.0; 3])
            );
            assert_eq!(
                degree(&graph(&[], &[], &[], 0, directed)),
                Degrees::default()
            );
        }
    }
}

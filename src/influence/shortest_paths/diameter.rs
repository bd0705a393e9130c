//! An upper bound on the vertex diameter, through strongly connected components.

use super::UNSEEN;
use super::network::{Adj, Network};
use super::search::Dijkstra;
use crate::control::Control;
use crate::error::CoreResult;

/// Strongly connected components of `out` (the connected components when the adjacency is
/// symmetric), by an iterative Tarjan search. Components are numbered in the order Tarjan
/// completes them, so every edge between two components goes from a higher number to a lower.
/// Returns the component of each node and the number of components.
pub(crate) fn strong_components(
    out: &Adj<'_>,
    n: usize,
    ctl: &Control,
) -> CoreResult<(Vec<u32>, usize)> {
    let mut index = vec![UNSEEN; n];
    let mut low = vec![0u32; n];
    let mut comp = vec![UNSEEN; n];
    let mut stack: Vec<u32> = Vec::new();
    let mut calls: Vec<(u32, usize)> = Vec::new();
    let (mut next_index, mut n_comps) = (0u32, 0usize);
    for root in 0..n {
        if index[root] != UNSEEN {
            continue;
        }
        ctl.checkpoint()?;
        index[root] = next_index;
        low[root] = next_index;
        next_index += 1;
        stack.push(root as u32);
        calls.push((root as u32, out.offsets[root]));
        while let Some(&mut (u, ref mut e)) = calls.last_mut() {
            let ui = u as usize;
            if *e < out.offsets[ui + 1] {
                let x = out.targets[*e] as usize;
                *e += 1;
                if index[x] == UNSEEN {
                    index[x] = next_index;
                    low[x] = next_index;
                    next_index += 1;
                    stack.push(x as u32);
                    calls.push((x as u32, out.offsets[x]));
                } else if comp[x] == UNSEEN {
                    low[ui] = low[ui].min(index[x]);
                }
                continue;
            }
            calls.pop();
            if let Some(&(parent, _)) = calls.last() {
                let p = parent as usize;
                low[p] = low[p].min(low[ui]);
            }
            if low[ui] == index[ui] {
                while let Some(x) = stack.pop() {
                    comp[x as usize] = n_comps as u32;
                    if x == u {
                        break;
                    }
                }
                n_comps += 1;
            }
        }
    }
    Ok((comp, n_comps))
}

/// An upper bound on the vertex diameter: the largest number of nodes on a shortest path
/// (at least 1 for a non-empty graph, 0 for an empty one).
///
/// Within a strongly connected component `C` (a connected component when undirected), a
/// shortest path between two of its nodes stays in `C` and is no longer than
/// `ecc_out(x) + ecc_in(x)` for any `x` in `C` (through `x`), eccentricities taken in `C`. In
/// hops that bounds its edges directly; with lengths, a path of `k` edges is at least `k` times
/// the shortest edge of `C` long. A shortest path visits components in an order of the
/// condensation (a DAG), entering each once, so the bound is the heaviest path of the
/// condensation with each component weighing `min(|C|, edges bound + 1)` nodes. For an
/// undirected unweighted graph this is `2 ecc(x) + 1` per component, the bound of Riondato and
/// Kornaropoulos.
///
/// # Errors
/// [`CoreError::Cancelled`].
pub(crate) fn vertex_diameter_bound(net: &Network, ctl: &Control) -> CoreResult<u64> {
    let n = net.n;
    let (out, inn) = (net.out(), net.inn());
    let (comp, n_comps) = strong_components(&out, n, ctl)?;
    // Nodes grouped by component (counting sort), each group in increasing code.
    let mut start = vec![0usize; n_comps + 1];
    for &c in &comp {
        start[c as usize + 1] += 1;
    }
    for c in 0..n_comps {
        start[c + 1] += start[c];
    }
    let mut members = vec![0u32; n];
    let mut fill = start.clone();
    for (v, &c) in comp.iter().enumerate() {
        members[fill[c as usize]] = v as u32;
        fill[c as usize] += 1;
    }
    let mut ecc = Eccentricity::new(n);
    let mut longest = vec![0u64; n_comps];
    for c in 0..n_comps {
        ctl.checkpoint()?;
        let nodes = &members[start[c]..start[c + 1]];
        let size = nodes.len() as u64;
        let within = if size == 1 {
            0
        } else {
            let root = nodes[0];
            let e_out = ecc.run(&out, root, &comp);
            let e_in = if net.directed {
                ecc.run(&inn, root, &comp)
            } else {
                e_out
            };
            let hops = match out.len {
                None => e_out + e_in,
                Some(_) => {
                    let shortest = min_length_within(&out, nodes, &comp);
                    ((e_out + e_in) / shortest * (1.0 + 1e-9)).floor()
                }
            };
            // Also covers non-finite ratios: the number of edges is below the size.
            if hops.is_finite() && hops < (size - 1) as f64 {
                hops as u64
            } else {
                size - 1
            }
        };
        let mut after = 0u64;
        for &u in nodes {
            for &x in out.nbrs(u as usize) {
                let cx = comp[x as usize] as usize;
                if cx != c {
                    after = after.max(longest[cx]);
                }
            }
        }
        longest[c] = within + 1 + after;
    }
    Ok(longest.into_iter().max().unwrap_or(0))
}

fn min_length_within(out: &Adj<'_>, nodes: &[u32], comp: &[u32]) -> f64 {
    let mut shortest = f64::INFINITY;
    for &u in nodes {
        for (x, l) in out.edges(u as usize) {
            if comp[x as usize] == comp[u as usize] {
                shortest = shortest.min(l);
            }
        }
    }
    shortest
}

/// Eccentricity of a node within its own component (hops, or length when weighted).
struct Eccentricity {
    hops: Vec<u32>,
    queue: Vec<u32>,
    dijkstra: Option<Dijkstra>,
}

impl Eccentricity {
    fn new(n: usize) -> Self {
        Self {
            hops: vec![UNSEEN; n],
            queue: Vec::new(),
            dijkstra: None,
        }
    }

    fn run(&mut self, adj: &Adj<'_>, root: u32, comp: &[u32]) -> f64 {
        let c = comp[root as usize];
        if adj.len.is_some() {
            let n = comp.len();
            let dj = self.dijkstra.get_or_insert_with(|| Dijkstra::new(n));
            dj.run_within(adj, root, comp, c);
            let far = dj.order.last().map_or(0.0, |&w| dj.dist(w));
            dj.reset();
            return far;
        }
        self.hops[root as usize] = 0;
        self.queue.push(root);
        let mut head = 0;
        while head < self.queue.len() {
            let w = self.queue[head] as usize;
            head += 1;
            for &x in adj.nbrs(w) {
                let xi = x as usize;
                if comp[xi] == c && self.hops[xi] == UNSEEN {
                    self.hops[xi] = self.hops[w] + 1;
                    self.queue.push(x);
                }
            }
        }
        let far = self.queue.last().map_or(0, |&w| self.hops[w as usize]);
        for &w in &self.queue {
            self.hops[w as usize] = UNSEEN;
        }
        self.queue.clear();
        f64::from(far)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::{EdgeWeight, Graph, test_graph};

    fn net(g: &Graph, weight: EdgeWeight) -> Network {
        Network::build(g, weight, true, false).unwrap()
    }

    #[test]
    fn components_are_numbered_sinks_first() {
        // 0 <-> 1 -> 2 <-> 3, 4 alone
        let g = test_graph(&[0, 1, 1, 2, 3], &[1, 0, 2, 3, 2], None, 5, true);
        let nw = net(&g, EdgeWeight::Unit);
        let (comp, k) = strong_components(&nw.out(), 5, &Control::new()).unwrap();
        assert_eq!(k, 3);
        assert_eq!(comp[0], comp[1]);
        assert_eq!(comp[2], comp[3]);
        assert!(comp[2] < comp[0]);
    }

    #[test]
    fn vertex_diameter_bounds_paths_and_cycles() {
        let ctl = Control::new();
        // Undirected path of 5 nodes: ecc(0) = 4, bound min(5, 9) = 5.
        let g = test_graph(&[0, 1, 2, 3], &[1, 2, 3, 4], None, 5, false);
        assert_eq!(
            vertex_diameter_bound(&net(&g, EdgeWeight::Unit), &ctl).unwrap(),
            5
        );
        // Directed path: 5 singleton components chained in the condensation.
        let g = test_graph(&[0, 1, 2, 3], &[1, 2, 3, 4], None, 5, true);
        assert_eq!(
            vertex_diameter_bound(&net(&g, EdgeWeight::Unit), &ctl).unwrap(),
            5
        );
        // Directed 6-cycle: ecc_out(0) = ecc_in(0) = 5, capped by the size 6.
        let s: Vec<u32> = (0..6).collect();
        let t: Vec<u32> = (0..6).map(|i| (i + 1) % 6).collect();
        let g = test_graph(&s, &t, None, 6, true);
        assert_eq!(
            vertex_diameter_bound(&net(&g, EdgeWeight::Unit), &ctl).unwrap(),
            6
        );
        // Undirected star of 7: ecc(0) = 1, so 2 * 1 + 1 = 3 nodes.
        let g = test_graph(&[0; 6], &[1, 2, 3, 4, 5, 6], None, 7, false);
        assert_eq!(
            vertex_diameter_bound(&net(&g, EdgeWeight::Unit), &ctl).unwrap(),
            3
        );
        // Weighted star, lengths 1 (edge 0-1) and 0.5: ecc(0) = 1 and the shortest edge is 0.5,
        // so at most (1 + 1) / 0.5 = 4 edges (below |C| - 1 = 6): 5 nodes.
        let w = [1.0, 2.0, 2.0, 2.0, 2.0, 2.0];
        let g = test_graph(&[0; 6], &[1, 2, 3, 4, 5, 6], Some(&w), 7, false);
        assert_eq!(
            vertex_diameter_bound(&net(&g, EdgeWeight::Summed), &ctl).unwrap(),
            5
        );
        let g = test_graph(&[], &[], None, 0, false);
        assert_eq!(
            vertex_diameter_bound(&net(&g, EdgeWeight::Unit), &ctl).unwrap(),
            0
        );
    }
}

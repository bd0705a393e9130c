//! The Louvain method (Blondel, Guillaume, Lambiotte & Lefebvre 2008, "Fast unfolding of
//! communities in large networks", J. Stat. Mech. P10008).

use super::leiden::{Clustering, LeidenConfig, check_config, run};
use crate::control::Control;
use crate::error::CoreResult;
use crate::graph::Graph;

/// Louvain community detection: local moving (queue-based, as in Leiden's fast local moving),
/// then aggregation of each community into one node, level by level until nothing moves. A full
/// iteration is one such multi-level pass; further iterations restart from the original graph
/// with the partition found. Unlike Leiden, communities may end up internally disconnected.
/// `cfg.theta` is not used.
///
/// # Arguments
/// * `g` - the graph; `initial` - optional starting membership; `cfg` - see [`LeidenConfig`].
///
/// # Returns
/// A [`Clustering`] whose `levels` are the partitions after each aggregation level.
///
/// # Errors
/// [`crate::error::CoreError::BadParameter`] for a negative resolution or a bad membership;
/// [`crate::error::CoreError::Cancelled`].
///
/// # Complexity
/// About `O(|E|)` per level in practice; `O(|V| + |E|)` extra space.
///
/// # Examples
/// ```
/// use socialcrm::community::{LeidenConfig, louvain};
/// use socialcrm::control::Control;
/// use socialcrm::graph::{BuildConfig, Events, build};
///
/// let (s, t) = ([0u32, 1, 2, 3, 4, 5, 2], [1u32, 2, 0, 4, 5, 3, 3]);
/// let ev = Events { source: &s, target: &t, weight: None, time: None, kind: None };
/// let cfg = BuildConfig { n_nodes: 6, directed: false, ..Default::default() };
/// let (g, _) = build(&ev, &cfg, &Control::new()).unwrap();
/// let cfg = LeidenConfig { n_iterations: 1, ..Default::default() };
/// let c = louvain(&g, None, &cfg, &Control::new()).unwrap();
/// assert_eq!(c.membership, vec![0, 0, 0, 1, 1, 1]);
/// ```
pub fn louvain(
    g: &Graph,
    initial: Option<&[u32]>,
    cfg: &LeidenConfig,
    ctl: &Control,
) -> CoreResult<Clustering> {
    check_config(cfg)?;
    run(g, initial, cfg, ctl, false)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::test_graph;

    #[test]
    fn two_cliques_and_a_bridge() {
        let (mut s, mut t) = (vec![], vec![]);
        for base in [0u32, 4] {
            for i in 0..4 {
                for j in i + 1..4 {
                    s.push(base + i);
                    t.push(base + j);
                }
            }
        }
        s.push(3);
        t.push(4);
        let g = test_graph(&s, &t, None, 8, false);
        let c = louvain(&g, None, &LeidenConfig::default(), &Control::new()).unwrap();
        assert_eq!(c.membership, vec![0, 0, 0, 0, 1, 1, 1, 1]);
    }
}

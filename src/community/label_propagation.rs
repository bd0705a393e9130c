//! Asynchronous label propagation (Raghavan, Albert & Kumara 2007, "Near linear time algorithm
//! to detect community structures in large-scale networks", Phys. Rev. E 76, 036106).

use super::aggregate::from_graph;
use super::leiden::Clustering;
use super::moving::{NeighborWeights, renumber};
use super::quality::{Objective, QualityConfig, quality_of};
use crate::control::Control;
use crate::error::{CoreError, CoreResult};
use crate::graph::{EdgeWeight, Graph};
use crate::rng::stream;
use rand::Rng as _;
use rand::seq::SliceRandom;

/// Settings of [`label_propagation`].
#[derive(Debug, Clone, PartialEq)]
pub struct LabelPropagationConfig {
    /// Edge weight read.
    pub weight: EdgeWeight,
    /// Seed of the visiting order and of tie breaks.
    pub seed: u64,
    /// Maximum number of sweeps.
    pub max_iter: usize,
}

impl Default for LabelPropagationConfig {
    fn default() -> Self {
        Self {
            weight: EdgeWeight::Summed,
            seed: 0,
            max_iter: 100,
        }
    }
}

/// Asynchronous label propagation on the undirected view (weights of `u -> v` and `v -> u`
/// add; self-loops are ignored): each sweep visits the nodes in a fresh random order, and a node
/// whose label is not among those of largest total weight around it takes one of those at
/// random. Stops after a sweep in which every node already held a best label (Raghavan et al.'s
/// criterion), or after `max_iter` sweeps.
///
/// # Returns
/// A [`Clustering`] (one level; `quality` is the modularity, `gamma = 1`, of the result);
/// `iterations` is the number of sweeps.
///
/// # Errors
/// [`CoreError::BadParameter`] for `max_iter == 0`; [`CoreError::Cancelled`].
///
/// # Complexity
/// `O(|E|)` per sweep; `O(|V| + |E|)` extra space.
///
/// # Examples
/// ```
/// use socialcrm::community::{LabelPropagationConfig, label_propagation};
/// use socialcrm::control::Control;
/// use socialcrm::graph::{BuildConfig, Events, build};
///
/// let (s, t) = ([0u32, 1, 2, 3, 4, 5], [1u32, 2, 0, 4, 5, 3]);
/// let ev = Events { source: &s, target: &t, weight: None, time: None, kind: None };
/// let cfg = BuildConfig { n_nodes: 6, directed: false, ..Default::default() };
/// let (g, _) = build(&ev, &cfg, &Control::new()).unwrap();
/// let c = label_propagation(&g, &LabelPropagationConfig::default(), &Control::new()).unwrap();
/// assert_eq!(c.membership, vec![0, 0, 0, 1, 1, 1]);
/// ```
pub fn label_propagation(
    g: &Graph,
    cfg: &LabelPropagationConfig,
    ctl: &Control,
) -> CoreResult<Clustering> {
    if cfg.max_iter == 0 {
        return Err(CoreError::BadParameter {
            name: "max_iter",
            expected: "at least 1",
            got: 0.0,
        });
    }
    let wg = from_graph(g, cfg.weight, false, Objective::Modularity, ctl)?;
    let n = wg.n();
    let mut label: Vec<u32> = (0..n as u32).collect();
    let mut order: Vec<u32> = (0..n as u32).collect();
    let mut nw = NeighborWeights::new(n);
    let mut rng = stream(cfg.seed, 0);
    let mut sweeps = 0;
    ctl.start(cfg.max_iter as u64);
    while sweeps < cfg.max_iter {
        ctl.checkpoint()?;
        sweeps += 1;
        order.shuffle(&mut rng);
        let mut changed = false;
        for &v in &order {
            let (t, w) = wg.row(v as usize);
            if t.is_empty() {
                continue;
            }
            for (&u, &x) in t.iter().zip(w) {
                nw.add(label[u as usize], x);
            }
            let best = nw
                .touched
                .iter()
                .map(|&c| nw.buf[c as usize])
                .fold(f64::NEG_INFINITY, f64::max);
            let own = label[v as usize];
            let own_best = nw.seen[own as usize] && nw.buf[own as usize] == best;
            if !own_best {
                // Reservoir draw among the best labels, in the order first met.
                let mut pick = own;
                let mut count = 0u32;
                for &c in &nw.touched {
                    if nw.buf[c as usize] == best {
                        count += 1;
                        if rng.random_range(0..count) == 0 {
                            pick = c;
                        }
                    }
                }
                label[v as usize] = pick;
                changed = true;
            }
            nw.clear();
        }
        ctl.advance(1);
        if !changed {
            break;
        }
    }
    let k = renumber(&mut label);
    let q = QualityConfig {
        weight: cfg.weight,
        directed: false,
        ..Default::default()
    };
    let quality = quality_of(&wg, &label, k, &q, false);
    Ok(Clustering {
        levels: vec![label.clone()],
        membership: label,
        quality,
        iterations: sweeps,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::test_graph;

    #[test]
    fn isolated_nodes_keep_their_label_and_zero_sweeps_is_an_error() {
        let g = test_graph(&[0], &[1], None, 4, false);
        let c = label_propagation(&g, &LabelPropagationConfig::default(), &Control::new()).unwrap();
        assert_eq!(c.membership, vec![0, 0, 1, 2]);
        let bad = LabelPropagationConfig {
            max_iter: 0,
            ..Default::default()
        };
        assert!(label_propagation(&g, &bad, &Control::new()).is_err());
    }
}

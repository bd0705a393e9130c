#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Property tests of the diffusion core on random graphs: certain edges reach exactly the
//! reachable set, impossible edges only the seeds, activation probabilities are consistent with
//! the mean, IMM's estimate is a sum of its gains, and every result is bit-identical on one and
//! four threads.

use proptest::collection::vec;
use proptest::prelude::*;
use socialcrm::control::Control;
use socialcrm::graph::{BuildConfig, EdgeWeight, Events, Graph, SelfLoops, build};
use socialcrm::influence::diffusion::{
    EdgeProbability, ImmConfig, Model, SpreadConfig, maximize, spread,
};
use socialcrm::parallel::with_threads;
use std::collections::BTreeSet;

const CASES: u32 = 48;

#[derive(Debug, Clone)]
struct Input {
    n: usize,
    directed: bool,
    source: Vec<u32>,
    target: Vec<u32>,
    weight: Vec<f64>,
    seeds: Vec<u32>,
}

impl Input {
    fn graph(&self) -> Graph {
        let ev = Events {
            source: &self.source,
            target: &self.target,
            weight: Some(&self.weight),
            time: None,
            kind: None,
        };
        let cfg = BuildConfig {
            n_nodes: self.n,
            directed: self.directed,
            self_loops: SelfLoops::Keep,
            decay: None,
        };
        build(&ev, &cfg, &Control::new()).unwrap().0
    }

    /// Nodes reachable from the seeds along edges (both ways when undirected), seeds included.
    fn reachable(&self) -> BTreeSet<u32> {
        let mut seen: BTreeSet<u32> = self.seeds.iter().copied().collect();
        let mut stack: Vec<u32> = seen.iter().copied().collect();
        while let Some(u) = stack.pop() {
            for (&s, &t) in self.source.iter().zip(&self.target) {
                let next = if s == u {
                    Some(t)
                } else if !self.directed && t == u {
                    Some(s)
                } else {
                    None
                };
                if let Some(v) = next.filter(|v| seen.insert(*v)) {
                    stack.push(v);
                }
            }
        }
        seen
    }
}

fn input() -> impl Strategy<Value = Input> {
    (1usize..40, any::<bool>()).prop_flat_map(|(n, directed)| {
        let code = 0..n as u32;
        (0usize..120).prop_flat_map(move |m| {
            (
                vec(code.clone(), m),
                vec(code.clone(), m),
                vec(0.0f64..5.0, m),
                vec(code.clone(), 0..4),
            )
                .prop_map(move |(source, target, weight, seeds)| Input {
                    n,
                    directed,
                    source,
                    target,
                    weight,
                    seeds,
                })
        })
    })
}

fn spread_cfg(model: Model, p: EdgeProbability<'_>) -> SpreadConfig<'_> {
    SpreadConfig {
        model,
        probability: p,
        weight: EdgeWeight::Summed,
        simulations: 300,
        seed: 11,
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(CASES))]

    #[test]
    fn certain_edges_reach_exactly_the_reachable_set(inp in input()) {
        let g = inp.graph();
        let cfg = spread_cfg(Model::IndependentCascade, EdgeProbability::Constant(1.0));
        let r = spread(&g, &inp.seeds, None, &cfg, &Control::new()).unwrap();
        let reach = inp.reachable();
        prop_assert_eq!(r.mean, reach.len() as f64);
        for (v, &a) in r.activation.iter().enumerate() {
            prop_assert_eq!(a, if reach.contains(&(v as u32)) { 1.0 } else { 0.0 });
        }
        let none = spread_cfg(Model::IndependentCascade, EdgeProbability::Constant(0.0));
        let r0 = spread(&g, &inp.seeds, None, &none, &Control::new()).unwrap();
        let distinct: BTreeSet<u32> = inp.seeds.iter().copied().collect();
        prop_assert_eq!(r0.mean, distinct.len() as f64);
    }

    #[test]
    fn activation_sums_to_the_mean_and_stays_in_the_reachable_set(inp in input()) {
        let g = inp.graph();
        let reach = inp.reachable();
        for model in [Model::IndependentCascade, Model::LinearThreshold] {
            let cfg = spread_cfg(model, EdgeProbability::WeightedCascade);
            let r = spread(&g, &inp.seeds, None, &cfg, &Control::new()).unwrap();
            let total: f64 = r.activation.iter().sum();
            prop_assert!((total - r.mean).abs() < 1e-9);
            for (v, &a) in r.activation.iter().enumerate() {
                prop_assert!((0.0..=1.0).contains(&a));
                if !reach.contains(&(v as u32)) {
                    prop_assert_eq!(a, 0.0);
                }
                if inp.seeds.contains(&(v as u32)) {
                    prop_assert_eq!(a, 1.0);
                }
            }
        }
    }

    #[test]
    fn results_are_bit_identical_on_one_and_four_threads(inp in input()) {
        let g = inp.graph();
        let value: Vec<f64> = (0..inp.n).map(|i| (i % 7) as f64).collect();
        for model in [Model::IndependentCascade, Model::LinearThreshold] {
            let cfg = spread_cfg(model, EdgeProbability::WeightedCascade);
            let run = |t| with_threads(Some(t), || {
                spread(&g, &inp.seeds, Some(&value), &cfg, &Control::new())
            });
            let (one, four) = (run(1).unwrap(), run(4).unwrap());
            prop_assert_eq!(one.mean.to_bits(), four.mean.to_bits());
            prop_assert_eq!(one.std_error.to_bits(), four.std_error.to_bits());
            prop_assert_eq!(one.value_mean.map(f64::to_bits), four.value_mean.map(f64::to_bits));
            prop_assert_eq!(&one.activation, &four.activation);
            let k = inp.n.min(3);
            let imm = ImmConfig { model, epsilon: 0.5, ..Default::default() };
            let pick = |t| with_threads(Some(t), || maximize(&g, k, None, &imm, &Control::new()));
            let (a, b) = (pick(1).unwrap(), pick(4).unwrap());
            prop_assert_eq!(&a, &b);
            prop_assert_eq!(a.seeds.len(), k);
            let distinct: BTreeSet<u32> = a.seeds.iter().copied().collect();
            prop_assert_eq!(distinct.len(), k);
            let estimate: f64 = a.marginal_gain.iter().sum();
            prop_assert!(estimate <= inp.n as f64 + 1e-9);
            prop_assert!(a.marginal_gain.windows(2).all(|w| w[0] >= w[1]));
        }
    }
}

use super::customer_graph::built;
use super::*;
use crate::community::moving::{move_nodes, renumber};
use crate::community::quality::Objective;
use crate::community::refine::{RefineParams, refine};
use crate::control::Control;
use crate::graph::test_graph;
use crate::graph::{EdgeWeight, Graph};

#[test]
fn undirected_rows_split_off_self_loops() {
    // 0-1 (2), 1-1 (3), 1-2 (4)
    let g = test_graph(&[0, 1, 1], &[1, 1, 2], Some(&[2.0, 3.0, 4.0]), 3, false);
    let wg = modularity_graph(&g, EdgeWeight::Summed, false);
    assert_eq!(wg.row(1), (&[0u32, 2][..], &[2.0, 4.0][..]));
    assert_eq!(wg.self_w, vec![0.0, 3.0, 0.0]);
    // k = (2, 2 + 6 + 4, 4); a = b = k / 2
    assert_eq!(wg.a, vec![1.0, 6.0, 2.0]);
    assert_eq!(wg.total_weight(), 9.0);
}

#[test]
fn directed_rows_add_both_directions() {
    // 0->1 (1), 1->0 (2), 1->1 (5), 2->1 (4)
    let g = test_graph(
        &[0, 1, 1, 2],
        &[1, 0, 1, 1],
        Some(&[1.0, 2.0, 5.0, 4.0]),
        3,
        true,
    );
    let wg = modularity_graph(&g, EdgeWeight::Summed, true);
    assert_eq!(wg.row(0), (&[1u32][..], &[3.0][..]));
    assert_eq!(wg.row(1), (&[0u32, 2][..], &[3.0, 4.0][..]));
    assert_eq!(wg.self_w, vec![0.0, 5.0, 0.0]);
    assert_eq!(
        (wg.a.clone(), wg.b.clone()),
        (vec![1.0, 7.0, 4.0], vec![2.0, 10.0, 0.0])
    );
    let und = modularity_graph(&g, EdgeWeight::Summed, false);
    assert_eq!(und.a, vec![1.5, 8.5, 2.0]);
    assert_eq!(und.total_weight(), 12.0);
}

#[test]
fn unit_rows_give_what_their_weights_give() {
    // An unweighted graph: every row weight is 1, so the passes that skip reading the
    // weights must find exactly what reading them finds.
    let g = random_graph(400, 3000, 7, false);
    let wg = modularity_graph(&g, EdgeWeight::Unit, false);
    assert!(wg.unit);
    // Its weights of 1 to 4 are not.
    assert!(!modularity_graph(&g, EdgeWeight::Summed, false).unit);
    // The same rows with a weight of 1 stored in every slot.
    let read = WorkGraph {
        unit: false,
        weights: vec![1.0; wg.targets.len()],
        ..wg.clone()
    };
    assert!(wg.weights.len() < wg.targets.len() / 10);
    for u in 0..wg.n() {
        assert_eq!(wg.row(u), read.row(u));
    }
    let scale = 1.0 / (2.0 * wg.total_weight());
    let moved = |g: &WorkGraph| {
        let mut comm: Vec<u32> = (0..g.n() as u32).collect();
        let mut rng = crate::rng::stream(3, 0);
        let m = move_nodes(g, &mut comm, scale, None, &mut rng, &Control::new()).unwrap();
        (comm, m)
    };
    let (mut comm, m) = moved(&wg);
    assert!(m.count > 0);
    assert_eq!((comm.clone(), m), moved(&read));
    let k = renumber(&mut comm);
    let p = RefineParams {
        scale,
        theta_unit: 0.01,
        seed: 5,
    };
    let fresh: Vec<bool> = (0..wg.n()).map(|v| v % 5 == 0).collect();
    let refined = |g: &WorkGraph, fresh: Option<&[bool]>| refine(g, &comm, k, &p, None, fresh);
    assert_eq!(refined(&wg, None), refined(&read, None));
    assert_eq!(refined(&wg, Some(&fresh)), refined(&read, Some(&fresh)));
    let agg = aggregate(&wg, &comm, k);
    assert!(!agg.unit);
    assert_eq!(agg, aggregate(&read, &comm, k));
    let order: Vec<u32> = (0..wg.n() as u32).rev().collect();
    let laid_out = permuted(&wg, &order);
    assert!(laid_out.unit);
    let laid_read = permuted(&read, &order);
    assert!(!laid_read.unit);
    for u in 0..wg.n() {
        assert_eq!(laid_out.row(u), laid_read.row(u));
    }
}

#[test]
fn directed_pairs_both_ways_are_not_unit() {
    // No weights, but the undirected view of 0 -> 1 and 1 -> 0 weighs 2.
    let g = test_graph(&[0, 1, 1], &[1, 0, 2], None, 3, true);
    let wg = modularity_graph(&g, EdgeWeight::Unit, false);
    assert!(!wg.unit);
    assert_eq!(wg.row(1), (&[0u32, 2][..], &[2.0, 1.0][..]));
    let und = test_graph(&[0, 1], &[1, 2], None, 3, false);
    let wg = modularity_graph(&und, EdgeWeight::Unit, false);
    assert!(wg.unit);
    assert_eq!(wg.weights.len(), 2);
    assert_eq!(wg.row(1), (&[0u32, 2][..], &[1.0, 1.0][..]));
    assert_eq!(wg.row(0), (&[1u32][..], &[1.0][..]));
}

#[test]
fn aggregate_moves_inside_weight_to_self() {
    // path 0-1-2-3, weights 1, 2, 3; communities {0,1}, {2,3}
    let g = test_graph(&[0, 1, 2], &[1, 2, 3], Some(&[1.0, 2.0, 3.0]), 4, false);
    let wg = modularity_graph(&g, EdgeWeight::Summed, false);
    let agg = aggregate(&wg, &[0, 0, 1, 1], 2);
    assert_eq!(agg.self_w, vec![1.0, 3.0]);
    assert_eq!(agg.row(0), (&[1u32][..], &[2.0][..]));
    assert_eq!(agg.a, vec![2.0, 4.0]);
    assert_eq!(agg.total_weight(), wg.total_weight());
}

/// A random weighted graph of `n` nodes with self-loops and repeated pairs.
fn random_graph(n: u32, m: usize, seed: u64, directed: bool) -> Graph {
    use rand::Rng as _;
    let mut rng = crate::rng::stream(seed, 0);
    let (mut s, mut t, mut w) = (vec![], vec![], vec![]);
    for _ in 0..m {
        s.push(rng.random_range(0..n));
        t.push(rng.random_range(0..n));
        w.push(rng.random_range(1..5) as f64);
    }
    test_graph(&s, &t, Some(&w), n as usize, directed)
}

#[test]
fn loop_free_unit_graphs_are_read_in_place() {
    use rand::Rng as _;
    let mut rng = crate::rng::stream(4, 0);
    let mut pairs = std::collections::BTreeSet::new();
    while pairs.len() < 2000 {
        let (u, v) = (rng.random_range(0..300u32), rng.random_range(0..300u32));
        if u != v {
            pairs.insert((u.min(v), u.max(v)));
        }
    }
    let (s, t): (Vec<u32>, Vec<u32>) = pairs.into_iter().unzip();
    let ctl = Control::new();
    let g = test_graph(&s, &t, None, 300, false);
    for (weight, objective) in [
        (EdgeWeight::Unit, Objective::Modularity),
        (EdgeWeight::Summed, Objective::Modularity),
        (EdgeWeight::Unit, Objective::Cpm),
    ] {
        let view = from_graph(&g, weight, false, objective, &ctl).unwrap();
        assert!(matches!(view.targets, Cow::Borrowed(_)));
        assert!(matches!(view.offsets, Cow::Borrowed(_)));
        // The same graph as the rows copied.
        let w = g.edge_weights(weight).unwrap();
        assert_eq!(view, built(&g, w, false, objective, &ctl).unwrap());
        // Its total weight, read off the slot count, is what summing the rows gives.
        let summed = WorkGraph {
            unit: false,
            weights: vec![1.0; view.targets.len()],
            ..view.clone()
        };
        assert_eq!(view.total_weight(), summed.total_weight());
        assert_eq!(view.total_weight(), s.len() as f64);
    }
    // Weights other than 1, a self-loop, or a direction: the rows are built.
    let twos = vec![2.0; s.len()];
    let weighted = test_graph(&s, &t, Some(&twos), 300, false);
    let (mut sl, mut tl) = (s.clone(), t.clone());
    sl.push(7);
    tl.push(7);
    let looped = test_graph(&sl, &tl, None, 300, false);
    let directed = test_graph(&s, &t, None, 300, true);
    for (g, weight, dir) in [
        (&weighted, EdgeWeight::Summed, false),
        (&looped, EdgeWeight::Unit, false),
        (&directed, EdgeWeight::Unit, true),
        (&directed, EdgeWeight::Unit, false),
    ] {
        let wg = from_graph(g, weight, dir, Objective::Modularity, &ctl).unwrap();
        assert!(matches!(wg.targets, Cow::Owned(_)));
    }
}

#[test]
fn permuted_rows_are_the_renumbered_rows() {
    for (seed, directed) in [(1, false), (2, true)] {
        let g = random_graph(300, 2000, seed, directed);
        let wg = modularity_graph(&g, EdgeWeight::Summed, directed);
        // Reversed, then odd codes first: rows land far from where they were.
        let mut order: Vec<u32> = (0..300).rev().collect();
        order.sort_by_key(|&v| v % 2 == 0);
        let p = permuted(&wg, &order);
        let mut new_id = vec![0u32; 300];
        for (i, &v) in order.iter().enumerate() {
            new_id[v as usize] = i as u32;
        }
        for (i, &v) in order.iter().enumerate() {
            let (t, w) = wg.row(v as usize);
            let mapped: Vec<u32> = t.iter().map(|&u| new_id[u as usize]).collect();
            assert_eq!(p.row(i), (&mapped[..], w));
            let v = v as usize;
            assert_eq!(
                (p.self_w[i], p.a[i], p.b[i]),
                (wg.self_w[v], wg.a[v], wg.b[v])
            );
        }
        assert_eq!(p.offsets.len(), 301);
        assert!((p.total_weight() - wg.total_weight()).abs() < 1e-9);
    }
}

#[test]
fn aggregate_sums_every_pair_of_communities() {
    let g = random_graph(400, 3000, 3, false);
    let wg = modularity_graph(&g, EdgeWeight::Summed, false);
    let k = 37;
    let comm: Vec<u32> = (0..400u32).map(|v| (v * 7 + v / 13) % k).collect();
    let agg = aggregate(&wg, &comm, k as usize);
    // Naive pair sums over every slot.
    let mut pair = std::collections::BTreeMap::new();
    let mut inside = vec![0.0; k as usize];
    for v in 0..400 {
        let c = comm[v];
        inside[c as usize] += wg.self_w[v];
        let (t, w) = wg.row(v);
        for (&u, &x) in t.iter().zip(w) {
            let d = comm[u as usize];
            if d == c {
                inside[c as usize] += x * 0.5;
            } else {
                *pair.entry((c, d)).or_insert(0.0) += x;
            }
        }
    }
    for c in 0..k {
        let (t, w) = agg.row(c as usize);
        let got: std::collections::BTreeMap<u32, f64> =
            t.iter().copied().zip(w.iter().copied()).collect();
        assert_eq!(got.len(), t.len(), "no repeated target in row {c}");
        for (&d, &x) in &got {
            assert!((x - pair[&(c, d)]).abs() < 1e-9);
        }
        let expected = pair.keys().filter(|&&(a, _)| a == c).count();
        assert_eq!(got.len(), expected);
        assert!((agg.self_w[c as usize] - inside[c as usize]).abs() < 1e-9);
    }
    assert!((agg.total_weight() - wg.total_weight()).abs() < 1e-9);
}

#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Property tests of the graph core: building from random events agrees with a naive
//! aggregation, and the derived views (degrees, undirected view, induced subgraphs, tie pairs)
//! agree with building from the corresponding events, on any number of threads.

use proptest::collection::vec;
use proptest::prelude::*;
use socialcrm::control::Control;
use socialcrm::graph::{
    BuildConfig, BuildReport, Decay, Events, Graph, Merge, SelfLoops, TiePairs, build,
    induced_subgraph, tie_pairs, to_undirected,
};
use socialcrm::influence::{Degrees, degree};
use socialcrm::parallel::with_threads;
use std::collections::{BTreeMap, BTreeSet};

const CASES: u32 = 96;

/// A random event table, its build options and a random node subset (in shuffled order).
#[derive(Debug, Clone)]
struct Input {
    n: usize,
    directed: bool,
    self_loops: SelfLoops,
    source: Vec<u32>,
    target: Vec<u32>,
    weight: Option<Vec<f64>>,
    time: Option<Vec<i64>>,
    kind: Option<Vec<u8>>,
    decay: Option<Decay>,
    keep: Vec<u32>,
}

impl Input {
    fn events(&self) -> Events<'_> {
        Events {
            source: &self.source,
            target: &self.target,
            weight: self.weight.as_deref(),
            time: self.time.as_deref(),
            kind: self.kind.as_deref(),
        }
    }

    fn cfg(&self, directed: bool) -> BuildConfig {
        BuildConfig {
            n_nodes: self.n,
            directed,
            self_loops: self.self_loops,
            decay: self.decay,
        }
    }

    fn build(&self, directed: bool) -> (Graph, BuildReport) {
        build(&self.events(), &self.cfg(directed), &Control::new()).unwrap()
    }

    fn rows(&self) -> usize {
        self.source.len()
    }

    /// The events between kept nodes only, renumbered in increasing order of the old codes.
    fn restricted(&self) -> Input {
        let mut sorted = self.keep.clone();
        sorted.sort_unstable();
        let mut new_code = vec![None; self.n];
        for (i, &c) in sorted.iter().enumerate() {
            new_code[c as usize] = Some(i as u32);
        }
        let rows: Vec<usize> = (0..self.rows())
            .filter(|&i| {
                new_code[self.source[i] as usize].is_some()
                    && new_code[self.target[i] as usize].is_some()
            })
            .collect();
        let pick = |i: &usize| new_code[self.source[*i] as usize].unwrap();
        let pick_t = |i: &usize| new_code[self.target[*i] as usize].unwrap();
        Input {
            n: sorted.len(),
            source: rows.iter().map(pick).collect(),
            target: rows.iter().map(pick_t).collect(),
            weight: self
                .weight
                .as_ref()
                .map(|w| rows.iter().map(|&i| w[i]).collect()),
            time: self
                .time
                .as_ref()
                .map(|t| rows.iter().map(|&i| t[i]).collect()),
            kind: self
                .kind
                .as_ref()
                .map(|k| rows.iter().map(|&i| k[i]).collect()),
            keep: Vec::new(),
            ..self.clone()
        }
    }
}

/// One event drawn from two random words, which proptest generates much faster than a tuple of
/// range strategies: endpoints from `a`; weight (one in ten zero), time and kind from `b`.
fn event_row(n: u32, (a, b): (u64, u64)) -> (u32, u32, f64, i64, u8) {
    let source = (a % u64::from(n)) as u32;
    let target = ((a >> 32) % u64::from(n)) as u32;
    let weight = if b % 10 == 0 {
        0.0
    } else {
        (b >> 11) as f64 / (1u64 << 53) as f64 * 10.0
    };
    let time = -(((b >> 4) % 1_000_001) as i64);
    let kind = ((b >> 24) % 5) as u8;
    (source, target, weight, time, kind)
}

fn input() -> impl Strategy<Value = Input> {
    (1usize..40, any::<[bool; 6]>()).prop_flat_map(|(n, flags)| {
        let m = n as u32;
        let mask = vec(any::<bool>(), n);
        (
            vec(any::<(u64, u64)>(), 0..300),
            mask,
            1.0..1e6f64,
            0i64..1000,
        )
            .prop_flat_map(move |(rows, mask, half_life, as_of)| {
                let keep: Vec<u32> = (0..m).filter(|&c| mask[c as usize]).collect();
                (
                    Just(rows),
                    Just(keep).prop_shuffle(),
                    Just(half_life),
                    Just(as_of),
                )
            })
            .prop_map(move |(words, keep, half_life, as_of)| {
                let rows: Vec<_> = words.into_iter().map(|w| event_row(m, w)).collect();
                let [
                    has_weight,
                    has_time,
                    has_kind,
                    has_decay,
                    directed,
                    keep_loops,
                ] = flags;
                Input {
                    n,
                    directed,
                    self_loops: if keep_loops {
                        SelfLoops::Keep
                    } else {
                        SelfLoops::Drop
                    },
                    source: rows.iter().map(|r| r.0).collect(),
                    target: rows.iter().map(|r| r.1).collect(),
                    weight: has_weight.then(|| rows.iter().map(|r| r.2).collect()),
                    time: has_time.then(|| rows.iter().map(|r| r.3).collect()),
                    kind: has_kind.then(|| rows.iter().map(|r| r.4).collect()),
                    decay: (has_time && has_decay).then_some(Decay { as_of, half_life }),
                    keep,
                }
            })
    })
}

/// Attributes of one edge, with absent columns at fixed defaults.
#[derive(Debug, Clone, Copy)]
struct Agg {
    count: u32,
    weight: f64,
    decayed: f64,
    first: i64,
    last: i64,
    kinds: u64,
}

type EdgeMap = BTreeMap<(u32, u32), Agg>;

/// Straightforward aggregation of the events (undirected: keyed by `(min, max)`).
fn naive(inp: &Input, directed: bool) -> EdgeMap {
    let mut map = EdgeMap::new();
    for i in 0..inp.rows() {
        let (s, t) = (inp.source[i], inp.target[i]);
        if s == t && inp.self_loops == SelfLoops::Drop {
            continue;
        }
        let key = if directed {
            (s, t)
        } else {
            (s.min(t), s.max(t))
        };
        let w = inp.weight.as_ref().map_or(1.0, |w| w[i]);
        let time = inp.time.as_ref().map_or(0, |t| t[i]);
        let decayed = inp.decay.map_or(w, |d| {
            let age = (d.as_of - time) as f64;
            w * 0.5f64.powf(age / d.half_life)
        });
        let kinds = inp.kind.as_ref().map_or(0, |k| 1u64 << k[i]);
        let e = map.entry(key).or_insert(Agg {
            count: 0,
            weight: 0.0,
            decayed: 0.0,
            first: i64::MAX,
            last: i64::MIN,
            kinds: 0,
        });
        e.count += 1;
        e.weight += w;
        e.decayed += decayed;
        e.first = e.first.min(time);
        e.last = e.last.max(time);
        e.kinds |= kinds;
    }
    map
}

fn slot_agg(g: &Graph, e: usize) -> Agg {
    let a = g.attrs();
    Agg {
        count: a.count[e],
        weight: a.weight[e],
        decayed: a.decayed.as_ref().map_or(a.weight[e], |d| d[e]),
        first: a.first_seen.as_ref().map_or(0, |t| t[e]),
        last: a.last_seen.as_ref().map_or(0, |t| t[e]),
        kinds: a.kinds.as_ref().map_or(0, |k| k[e]),
    }
}

/// The edges of the graph, one per ordered pair (directed) or per pair `u <= v` (undirected).
fn graph_map(g: &Graph) -> EdgeMap {
    let mut map = EdgeMap::new();
    for (e, (u, &v)) in g.slot_sources().into_iter().zip(g.targets()).enumerate() {
        if g.is_directed() || u <= v {
            assert!(
                map.insert((u, v), slot_agg(g, e)).is_none(),
                "edge {u}-{v} twice"
            );
        }
    }
    map
}

fn close(a: f64, b: f64) -> bool {
    a == b || (a - b).abs() <= 1e-12 * a.abs().max(b.abs())
}

fn assert_maps_match(got: &EdgeMap, want: &EdgeMap) {
    let (gk, wk): (Vec<_>, Vec<_>) = (got.keys().collect(), want.keys().collect());
    assert_eq!(gk, wk);
    for (k, g) in got {
        let w = &want[k];
        assert_eq!(
            (g.count, g.first, g.last, g.kinds),
            (w.count, w.first, w.last, w.kinds),
            "edge {k:?}"
        );
        assert!(close(g.weight, w.weight), "edge {k:?}: {g:?} vs {w:?}");
        assert!(close(g.decayed, w.decayed), "edge {k:?}: {g:?} vs {w:?}");
    }
}

/// Graph equality with the float columns compared bit for bit.
fn assert_bit_identical(a: &Graph, b: &Graph) {
    assert_eq!(a, b);
    let bits = |xs: &[f64]| xs.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
    assert_eq!(bits(&a.attrs().weight), bits(&b.attrs().weight));
    assert_eq!(
        a.attrs().decayed.as_deref().map(bits),
        b.attrs().decayed.as_deref().map(bits)
    );
}

fn assert_ties_identical(a: &TiePairs, b: &TiePairs) {
    assert_eq!(a, b);
    let bits = |xs: &[f64]| xs.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
    assert_eq!(bits(&a.weight_uv), bits(&b.weight_uv));
    assert_eq!(bits(&a.weight_vu), bits(&b.weight_vu));
    assert_eq!(
        a.decayed.as_deref().map(bits),
        b.decayed.as_deref().map(bits)
    );
}

/// Everything computed from one input, for comparing thread counts.
fn everything(inp: &Input) -> (Graph, TiePairs, Graph, Graph, Degrees) {
    let (g, _) = inp.build(inp.directed);
    let ties = tie_pairs(&g, &Control::new()).unwrap();
    let und = to_undirected(&g, Merge::Sum, &Control::new()).unwrap();
    let sub = induced_subgraph(&g, &inp.keep, &Control::new()).unwrap();
    let deg = degree(&g);
    (g, ties, und, sub, deg)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(CASES))]

    #[test]
    fn graph_equals_naive_aggregation(inp in input()) {
        let (g, report) = inp.build(inp.directed);
        let want = naive(&inp, inp.directed);
        assert_maps_match(&graph_map(&g), &want);
        prop_assert_eq!(g.n_nodes(), inp.n);
        prop_assert_eq!(g.is_directed(), inp.directed);
        prop_assert_eq!(g.n_edges(), want.len());
        prop_assert_eq!(g.n_self_loops(), want.keys().filter(|(u, v)| u == v).count());
        let loops = (0..inp.rows()).filter(|&i| inp.source[i] == inp.target[i]).count();
        let dropped = if inp.self_loops == SelfLoops::Drop { loops } else { 0 };
        prop_assert_eq!(report.self_loops_dropped, dropped);
        let a = g.attrs();
        prop_assert_eq!(a.decayed.is_some(), inp.decay.is_some());
        prop_assert_eq!(a.first_seen.is_some(), inp.time.is_some());
        prop_assert_eq!(a.last_seen.is_some(), inp.time.is_some());
        prop_assert_eq!(a.kinds.is_some(), inp.kind.is_some());
    }

    #[test]
    fn degrees_equal_naive_degrees(inp in input()) {
        let (g, _) = inp.build(inp.directed);
        let d = degree(&g);
        let n = inp.n;
        let (mut out_deg, mut in_deg) = (vec![0u32; n], vec![0u32; n]);
        let (mut out_str, mut in_str) = (vec![0.0; n], vec![0.0; n]);
        for (&(u, v), a) in &naive(&inp, inp.directed) {
            let (u, v) = (u as usize, v as usize);
            out_deg[u] += 1;
            in_deg[v] += 1;
            out_str[u] += a.weight;
            in_str[v] += a.weight;
            if !inp.directed {
                // Each endpoint sees the edge; a self-loop counts twice at its node.
                out_deg[v] += 1;
                in_deg[u] += 1;
                out_str[v] += a.weight;
                in_str[u] += a.weight;
            }
        }
        if !inp.directed {
            prop_assert_eq!(&out_deg, &in_deg);
        }
        prop_assert_eq!(&d.out_degree, &out_deg);
        prop_assert_eq!(&d.in_degree, &in_deg);
        for u in 0..n {
            prop_assert!(close(d.out_strength[u], out_str[u]), "out {u}");
            prop_assert!(close(d.in_strength[u], in_str[u]), "in {u}");
        }
    }

    #[test]
    fn neighbour_lists_are_sorted_and_in_adjacency_is_the_transpose(inp in input()) {
        let (g, _) = inp.build(inp.directed);
        prop_assert_eq!(g.offsets().len(), inp.n + 1);
        prop_assert_eq!(g.offsets()[inp.n], g.n_slots());
        let mut out_edges = BTreeSet::new();
        for u in 0..inp.n {
            let out = g.out_neighbors(u);
            prop_assert!(out.windows(2).all(|w| w[0] < w[1]), "node {u}: {out:?}");
            for (i, &v) in out.iter().enumerate() {
                out_edges.insert((u as u32, v, g.out_range(u).start + i));
            }
        }
        let mut in_edges = BTreeSet::new();
        for v in 0..inp.n {
            let (src, slots) = g.in_neighbors(v);
            prop_assert!(src.windows(2).all(|w| w[0] < w[1]), "node {v}: {src:?}");
            for (i, &u) in src.iter().enumerate() {
                let e = slots.get(i);
                prop_assert_eq!(g.targets()[e] as usize, if inp.directed { v } else { u as usize });
                if inp.directed {
                    in_edges.insert((u, v as u32, e));
                }
            }
        }
        if inp.directed {
            prop_assert_eq!(in_edges, out_edges);
        } else {
            // Symmetric storage: slot u -> v has a twin v -> u with the same attributes.
            for &(u, v, e) in &out_edges {
                let r = g.out_range(v as usize);
                let i = g.out_neighbors(v as usize).binary_search(&u).unwrap();
                let twin = slot_agg(&g, r.start + i);
                let this = slot_agg(&g, e);
                prop_assert_eq!(
                    (twin.count, twin.weight.to_bits(), twin.decayed.to_bits()),
                    (this.count, this.weight.to_bits(), this.decayed.to_bits())
                );
                prop_assert_eq!(
                    (twin.first, twin.last, twin.kinds),
                    (this.first, this.last, this.kinds)
                );
            }
        }
    }

    #[test]
    fn results_are_bit_identical_on_one_and_four_threads(inp in input()) {
        let one = with_threads(Some(1), || Ok(everything(&inp))).unwrap();
        let four = with_threads(Some(4), || Ok(everything(&inp))).unwrap();
        assert_bit_identical(&one.0, &four.0);
        assert_ties_identical(&one.1, &four.1);
        assert_bit_identical(&one.2, &four.2);
        assert_bit_identical(&one.3, &four.3);
        let (d1, d4) = (&one.4, &four.4);
        prop_assert_eq!(d1, d4);
        let bits = |xs: &[f64]| xs.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        prop_assert_eq!(bits(&d1.in_strength), bits(&d4.in_strength));
        prop_assert_eq!(bits(&d1.out_strength), bits(&d4.out_strength));
    }

    #[test]
    fn undirected_view_equals_building_undirected(inp in input()) {
        let (directed, _) = inp.build(true);
        let (direct, _) = inp.build(false);
        let view = to_undirected(&directed, Merge::Sum, &Control::new()).unwrap();
        prop_assert!(!view.is_directed());
        prop_assert_eq!(view.offsets(), direct.offsets());
        prop_assert_eq!(view.targets(), direct.targets());
        prop_assert_eq!(view.n_self_loops(), direct.n_self_loops());
        prop_assert_eq!(view.n_edges(), direct.n_edges());
        let (va, da) = (view.attrs(), direct.attrs());
        prop_assert_eq!(&va.count, &da.count);
        prop_assert_eq!(&va.first_seen, &da.first_seen);
        prop_assert_eq!(&va.last_seen, &da.last_seen);
        prop_assert_eq!(&va.kinds, &da.kinds);
        prop_assert_eq!(va.decayed.is_some(), da.decayed.is_some());
        for e in 0..view.n_slots() {
            prop_assert!(close(va.weight[e], da.weight[e]), "slot {e}");
            let (x, y) = (slot_agg(&view, e).decayed, slot_agg(&direct, e).decayed);
            prop_assert!(close(x, y), "slot {e}: {x} vs {y}");
        }
    }

    #[test]
    fn induced_subgraph_equals_building_from_restricted_events(inp in input()) {
        let (g, _) = inp.build(inp.directed);
        let sub = induced_subgraph(&g, &inp.keep, &Control::new()).unwrap();
        let restricted = inp.restricted();
        let (want, _) = restricted.build(inp.directed);
        prop_assert_eq!(sub.n_nodes(), inp.keep.len());
        assert_bit_identical(&sub, &want);
    }

    #[test]
    fn tie_pairs_list_each_linked_pair_once(inp in input()) {
        let (g, _) = inp.build(inp.directed);
        let p = tie_pairs(&g, &Control::new()).unwrap();
        let map = naive(&inp, inp.directed);
        let mut want: BTreeMap<(u32, u32), (u32, u32, f64, f64)> = BTreeMap::new();
        for (&(s, t), a) in map.iter().filter(|((s, t), _)| s != t) {
            let row = want.entry((s.min(t), s.max(t))).or_insert((0, 0, 0.0, 0.0));
            if s < t {
                row.0 += a.count;
                row.2 += a.weight;
            } else {
                row.1 += a.count;
                row.3 += a.weight;
            }
        }
        let keys: Vec<(u32, u32)> = p.u.iter().copied().zip(p.v.iter().copied()).collect();
        prop_assert!(keys.windows(2).all(|w| w[0] < w[1]));
        prop_assert!(keys.iter().all(|(u, v)| u < v));
        prop_assert_eq!(keys, want.keys().copied().collect::<Vec<_>>());
        for (i, (_, &(uv, vu, w_uv, w_vu))) in want.iter().enumerate() {
            prop_assert_eq!(p.count_uv[i] + p.count_vu[i], uv + vu);
            prop_assert_eq!((p.count_uv[i], p.count_vu[i]), (uv, vu));
            prop_assert!(close(p.weight_uv[i], w_uv) && close(p.weight_vu[i], w_vu));
        }
        let n_rows = p.u.len();
        for col in [p.decayed.as_ref().map(Vec::len), p.kinds.as_ref().map(Vec::len)]
            .into_iter()
            .flatten()
        {
            prop_assert_eq!(col, n_rows);
        }
    }
}

//! Building a graph from interaction events.

use super::Graph;
use super::aggregate::aggregate;
use super::records::EventRecords;
use super::transform::Merge;
use crate::control::Control;
use crate::error::{CoreError, CoreResult};
use rayon::prelude::*;

/// Interaction events as parallel arrays, one entry per event.
#[derive(Debug, Clone, Copy)]
pub struct Events<'a> {
    /// Node code of who reached out.
    pub source: &'a [u32],
    /// Node code of who was reached.
    pub target: &'a [u32],
    /// Event weight (finite, `>= 0`); 1 for every event when absent.
    pub weight: Option<&'a [f64]>,
    /// Event time in ns since the Unix epoch.
    pub time: Option<&'a [i64]>,
    /// Event kind code (`< 64`).
    pub kind: Option<&'a [u8]>,
}

/// What to do with events whose source is their target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SelfLoops {
    /// Leave them out of the graph (counted in [`BuildReport::self_loops_dropped`]).
    #[default]
    Drop,
    /// Keep them as edges `u -> u`.
    Keep,
}

/// Exponential time decay: an event at time `t` weighs `w * 0.5^((as_of - t) / half_life)`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Decay {
    /// Reference time (ns since the Unix epoch); no event may be later.
    pub as_of: i64,
    /// Half-life in ns (`> 0`).
    pub half_life: f64,
}

impl Decay {
    /// Decay factor `0.5^((as_of - t) / half_life)` of an event at time `t`.
    pub fn factor(&self, t: i64) -> f64 {
        // i128 keeps the difference exact for any pair of i64 times.
        let age = (i128::from(self.as_of) - i128::from(t)) as f64;
        (-age / self.half_life).exp2()
    }
}

/// Options of [`build`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BuildConfig {
    /// Number of nodes; every code must be below it (isolated nodes are allowed).
    pub n_nodes: usize,
    /// Whether `a -> b` and `b -> a` are different edges.
    pub directed: bool,
    /// Keep or drop self-loops.
    pub self_loops: SelfLoops,
    /// Time decay of event weights; requires event times.
    pub decay: Option<Decay>,
}

impl Default for BuildConfig {
    fn default() -> Self {
        Self {
            n_nodes: 0,
            directed: true,
            self_loops: SelfLoops::Drop,
            decay: None,
        }
    }
}

/// What [`build`] did with the input besides building the graph.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct BuildReport {
    /// Events left out because their source equals their target.
    pub self_loops_dropped: usize,
}

fn check_len(name: &'static str, got: usize, expected: usize) -> CoreResult<()> {
    if got == expected {
        Ok(())
    } else {
        Err(CoreError::LengthMismatch {
            name,
            expected,
            got,
        })
    }
}

fn validate(ev: &Events<'_>, cfg: &BuildConfig) -> CoreResult<()> {
    let rows = ev.source.len();
    check_len("target", ev.target.len(), rows)?;
    if cfg.n_nodes > u32::MAX as usize {
        let (got, limit) = (cfg.n_nodes as u64, u64::from(u32::MAX));
        return Err(CoreError::TooLarge {
            what: "customers",
            got,
            limit,
        });
    }
    for codes in [ev.source, ev.target] {
        if let Some(row) = codes
            .par_iter()
            .position_first(|&c| c as usize >= cfg.n_nodes)
        {
            return Err(CoreError::NodeOutOfRange {
                row,
                code: codes[row],
                n_nodes: cfg.n_nodes,
            });
        }
    }
    if let Some(w) = ev.weight {
        check_len("weight", w.len(), rows)?;
        if let Some(row) = w
            .par_iter()
            .position_first(|x| !(x.is_finite() && *x >= 0.0))
        {
            let expected = "finite and >= 0";
            return Err(CoreError::BadValue {
                name: "weight",
                row,
                expected,
                got: w[row],
            });
        }
    }
    if let Some(k) = ev.kind {
        check_len("kind", k.len(), rows)?;
        if let Some(row) = k.par_iter().position_first(|&x| x >= 64) {
            let expected = "a kind code below 64";
            return Err(CoreError::BadValue {
                name: "kind",
                row,
                expected,
                got: f64::from(k[row]),
            });
        }
    }
    if let Some(t) = ev.time {
        check_len("time", t.len(), rows)?;
    }
    if let Some(d) = cfg.decay {
        if !(d.half_life.is_finite() && d.half_life > 0.0) {
            let expected = "a positive, finite duration";
            return Err(CoreError::BadParameter {
                name: "half_life",
                expected,
                got: d.half_life,
            });
        }
        let Some(t) = ev.time else {
            let expected = "used with event times";
            return Err(CoreError::BadParameter {
                name: "half_life",
                expected,
                got: d.half_life,
            });
        };
        if let Some(row) = t.par_iter().position_first(|&x| x > d.as_of) {
            let expected = "no later than as_of";
            return Err(CoreError::BadValue {
                name: "time",
                row,
                expected,
                got: t[row] as f64,
            });
        }
    }
    Ok(())
}

/// Builds the customer graph from interaction events: all events between the same ordered pair
/// (unordered for an undirected graph) become one edge carrying the event count, the summed
/// weight, the summed decayed weight `sum_i w_i 0.5^((as_of - t_i) / half_life)`, the first and
/// last event times and the set of event kinds.
///
/// # Arguments
/// * `events` - the events, with node codes below `cfg.n_nodes`.
/// * `cfg` - number of nodes, direction, self-loop policy and time decay.
/// * `ctl` - cancellation and progress.
///
/// # Returns
/// The graph and a [`BuildReport`] of the self-loops dropped.
///
/// # Errors
/// [`CoreError::LengthMismatch`] if the arrays differ in length, [`CoreError::NodeOutOfRange`]
/// for a code `>= n_nodes`, [`CoreError::BadValue`] for a NaN, infinite or negative weight, a kind
/// code `>= 64` or an event after `as_of`, [`CoreError::BadParameter`] for a bad half-life or a
/// half-life without times, [`CoreError::TooLarge`] past `u32::MAX` nodes or rows, and
/// [`CoreError::Cancelled`].
///
/// # Complexity
/// `O(R log d + |V|)` time for `R` events and largest per-node event count `d`, in parallel over
/// nodes; `O(R + |V| + |E|)` extra space.
///
/// # Examples
/// ```
/// use socialcrm::control::Control;
/// use socialcrm::graph::{BuildConfig, Events, build};
///
/// let (source, target) = ([0u32, 0, 1, 2], [1u32, 1, 0, 2]);
/// let events = Events { source: &source, target: &target, weight: None, time: None, kind: None };
/// let cfg = BuildConfig { n_nodes: 4, ..BuildConfig::default() };
/// let (g, report) = build(&events, &cfg, &Control::new()).unwrap();
/// assert_eq!((g.n_nodes(), g.n_edges()), (4, 2));
/// assert_eq!(g.attrs().count, vec![2, 1]);
/// assert_eq!(report.self_loops_dropped, 1);
/// ```
pub fn build(
    events: &Events<'_>,
    cfg: &BuildConfig,
    ctl: &Control,
) -> CoreResult<(Graph, BuildReport)> {
    validate(events, cfg)?;
    let self_loops_dropped = match cfg.self_loops {
        SelfLoops::Keep => 0,
        SelfLoops::Drop => events
            .source
            .par_iter()
            .zip(events.target)
            .filter(|(s, t)| s == t)
            .count(),
    };
    let records = EventRecords {
        events,
        self_loops: cfg.self_loops,
        decay: cfg.decay,
    };
    let graph = aggregate(&records, cfg.n_nodes, cfg.directed, Merge::Sum, ctl)?;
    Ok((graph, BuildReport { self_loops_dropped }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::InSlots;

    const HOUR: i64 = 3_600_000_000_000;

    fn events<'a>(source: &'a [u32], target: &'a [u32]) -> Events<'a> {
        Events {
            source,
            target,
            weight: None,
            time: None,
            kind: None,
        }
    }

    fn cfg(n_nodes: usize, directed: bool) -> BuildConfig {
        BuildConfig {
            n_nodes,
            directed,
            ..BuildConfig::default()
        }
    }

    fn run(ev: &Events<'_>, cfg: &BuildConfig) -> (Graph, BuildReport) {
        build(ev, cfg, &Control::new()).unwrap()
    }

    fn err(ev: &Events<'_>, cfg: &BuildConfig) -> CoreError {
        build(ev, cfg, &Control::new()).unwrap_err()
    }

    fn in_slots(g: &Graph, v: usize) -> Vec<usize> {
        let (src, slots) = g.in_neighbors(v);
        (0..src.len()).map(|i| slots.get(i)).collect()
    }

    #[test]
    fn merges_repeated_events_into_one_edge() {
        let (s, t, w) = ([0u32, 0, 0], [1u32, 1, 1], [1.0, 2.0, 3.5]);
        let ev = Events {
            weight: Some(&w),
            ..events(&s, &t)
        };
        let (g, report) = run(&ev, &cfg(2, true));
        assert_eq!((g.n_nodes(), g.n_edges(), g.n_slots()), (2, 1, 1));
        assert_eq!(g.offsets(), &[0, 1, 1]);
        assert_eq!(g.targets(), &[1]);
        assert_eq!(g.attrs().count, vec![3]);
        assert_eq!(g.attrs().weight, vec![6.5]);
        assert_eq!(report, BuildReport::default());
    }

    #[test]
    fn unweighted_events_weigh_one_each() {
        let (s, t) = ([2u32, 2, 0], [0u32, 0, 2]);
        let (g, _) = run(&events(&s, &t), &cfg(3, true));
        assert_eq!(g.attrs().count, vec![1, 2]);
        assert_eq!(g.attrs().weight, vec![1.0, 2.0]);
    }

    #[test]
    fn directed_graph_keeps_both_directions_apart() {
        let (s, t) = ([0u32, 1, 0], [1u32, 0, 1]);
        let (g, _) = run(&events(&s, &t), &cfg(2, true));
        assert!(g.is_directed());
        assert_eq!(g.n_edges(), 2);
        assert_eq!(g.out_neighbors(0), &[1]);
        assert_eq!(g.out_neighbors(1), &[0]);
        assert_eq!(g.attrs().count, vec![2, 1]);
    }

    #[test]
    fn out_neighbours_are_sorted_whatever_the_input_order() {
        let (s, t) = ([0u32, 0, 0, 0, 2, 2, 0], [3u32, 1, 4, 2, 1, 0, 1]);
        let (g, _) = run(&events(&s, &t), &cfg(5, true));
        assert_eq!(g.offsets(), &[0, 4, 4, 6, 6, 6]);
        assert_eq!(g.out_neighbors(0), &[1, 2, 3, 4]);
        assert_eq!(g.out_neighbors(2), &[0, 1]);
        assert_eq!(g.attrs().count, vec![2, 1, 1, 1, 1, 1]);
    }

    #[test]
    fn in_adjacency_lists_sources_sorted_with_their_out_slots() {
        // Slots: 0:0->2, 1:0->3, 2:1->2, 3:3->0, 4:3->2
        let (s, t) = ([3u32, 1, 0, 3, 0], [2u32, 2, 3, 0, 2]);
        let (g, _) = run(&events(&s, &t), &cfg(4, true));
        assert_eq!(g.targets(), &[2, 3, 2, 0, 2]);
        assert_eq!(g.in_neighbors(2).0, &[0, 1, 3]);
        assert_eq!(in_slots(&g, 2), vec![0, 2, 4]);
        assert_eq!(g.in_neighbors(0).0, &[3]);
        assert_eq!(in_slots(&g, 0), vec![3]);
        assert_eq!(g.in_neighbors(3).0, &[0]);
        assert_eq!(in_slots(&g, 3), vec![1]);
        assert!(g.in_neighbors(1).0.is_empty());
        assert!(matches!(g.in_neighbors(2).1, InSlots::Listed(_)));
    }

    #[test]
    fn decayed_weight_halves_per_half_life_of_age() {
        let as_of = 100 * HOUR;
        let (s, t, w) = ([0u32, 0], [1u32, 1], [1.0, 2.0]);
        let time = [as_of, as_of - 24 * HOUR];
        let ev = Events {
            weight: Some(&w),
            time: Some(&time),
            ..events(&s, &t)
        };
        let decay = Decay {
            as_of,
            half_life: (24 * HOUR) as f64,
        };
        let c = BuildConfig {
            decay: Some(decay),
            ..cfg(2, true)
        };
        let (g, _) = run(&ev, &c);
        assert_eq!(g.attrs().weight, vec![3.0]);
        assert_eq!(g.attrs().decayed, Some(vec![1.0 + 2.0 * 0.5]));
        assert_eq!(decay.factor(as_of - 48 * HOUR), 0.25);
    }

    #[test]
    fn decay_factor_handles_times_far_apart() {
        let d = Decay {
            as_of: i64::MAX,
            half_life: 1.0,
        };
        assert_eq!(d.factor(i64::MAX), 1.0);
        assert_eq!(d.factor(i64::MIN), 0.0);
    }

    #[test]
    fn undirected_graph_decays_both_directions_into_one_edge() {
        let (s, t, w) = ([1u32, 0, 0], [0u32, 1, 1], [4.0, 1.0, 2.0]);
        let time = [-2 * HOUR, 0, -HOUR];
        let ev = Events {
            weight: Some(&w),
            time: Some(&time),
            ..events(&s, &t)
        };
        let c = BuildConfig {
            decay: Some(Decay {
                as_of: 0,
                half_life: HOUR as f64,
            }),
            ..cfg(2, false)
        };
        let (g, _) = run(&ev, &c);
        // 4 * 0.25 + 1 * 1 + 2 * 0.5, stored in both endpoints' slots.
        assert_eq!(g.attrs().decayed, Some(vec![3.0, 3.0]));
        assert_eq!(g.attrs().weight, vec![7.0, 7.0]);
        assert_eq!(g.attrs().first_seen, Some(vec![-2 * HOUR; 2]));
        assert_eq!(g.attrs().last_seen, Some(vec![0; 2]));
    }

    #[test]
    fn times_give_first_and_last_seen_per_edge() {
        let (s, t) = ([0u32, 1, 0, 0], [1u32, 0, 1, 1]);
        let time = [50, 7, 10, 30];
        let ev = Events {
            time: Some(&time),
            ..events(&s, &t)
        };
        let (g, _) = run(&ev, &cfg(2, true));
        assert_eq!(g.attrs().first_seen, Some(vec![10, 7]));
        assert_eq!(g.attrs().last_seen, Some(vec![50, 7]));
        assert_eq!(g.attrs().decayed, None);
    }

    #[test]
    fn kinds_become_a_bit_set_per_edge() {
        let (s, t, k) = ([0u32, 0, 0, 0, 1], [1u32, 1, 1, 1, 0], [0u8, 3, 3, 63, 5]);
        let ev = Events {
            kind: Some(&k),
            ..events(&s, &t)
        };
        let (g, _) = run(&ev, &cfg(2, true));
        assert_eq!(g.attrs().kinds, Some(vec![1 | 8 | (1 << 63), 1 << 5]));
    }

    #[test]
    fn absent_event_columns_leave_attributes_absent() {
        let (s, t) = ([0u32], [1u32]);
        let (g, _) = run(&events(&s, &t), &cfg(2, true));
        let a = g.attrs();
        assert!(a.decayed.is_none() && a.first_seen.is_none());
        assert!(a.last_seen.is_none() && a.kinds.is_none());
    }

    #[test]
    fn undirected_graph_stores_each_edge_in_both_lists_and_loops_once() {
        let (s, t) = ([0u32, 1, 2, 1, 2], [1u32, 0, 1, 1, 0]);
        let c = BuildConfig {
            self_loops: SelfLoops::Keep,
            ..cfg(3, false)
        };
        let (g, report) = run(&events(&s, &t), &c);
        assert!(!g.is_directed());
        assert_eq!((g.n_edges(), g.n_slots(), g.n_self_loops()), (4, 7, 1));
        assert_eq!(g.offsets(), &[0, 2, 5, 7]);
        assert_eq!(g.out_neighbors(0), &[1, 2]);
        assert_eq!(g.out_neighbors(1), &[0, 1, 2]);
        assert_eq!(g.out_neighbors(2), &[0, 1]);
        // 0-1 twice, 0-2 once, 1-1 once, 1-2 once.
        assert_eq!(g.attrs().count, vec![2, 1, 2, 1, 1, 1, 1]);
        assert_eq!(report.self_loops_dropped, 0);
        let (inn, slots) = g.in_neighbors(1);
        assert_eq!(inn, &[0, 1, 2]);
        assert!(matches!(slots, InSlots::Range(ref r) if *r == (2..5)));
    }

    #[test]
    fn dropped_self_loops_are_reported_and_left_out() {
        let (s, t) = ([0u32, 1, 1, 2, 2], [0u32, 1, 2, 2, 1]);
        for directed in [true, false] {
            let (g, report) = run(&events(&s, &t), &cfg(3, directed));
            assert_eq!(report.self_loops_dropped, 3);
            assert_eq!(g.n_self_loops(), 0);
            assert_eq!(g.out_neighbors(1), &[2]);
            assert!(g.out_neighbors(0).is_empty());
        }
    }

    #[test]
    fn kept_self_loops_become_edges() {
        let (s, t) = ([0u32, 0, 1], [0u32, 0, 0]);
        let c = BuildConfig {
            self_loops: SelfLoops::Keep,
            ..cfg(2, true)
        };
        let (g, report) = run(&events(&s, &t), &c);
        assert_eq!(report.self_loops_dropped, 0);
        assert_eq!((g.n_edges(), g.n_self_loops()), (2, 1));
        assert_eq!(g.out_neighbors(0), &[0]);
        assert_eq!(g.attrs().count, vec![2, 1]);
        assert_eq!(g.in_neighbors(0).0, &[0, 1]);
    }

    #[test]
    fn isolated_nodes_get_empty_lists() {
        let (s, t) = ([3u32], [1u32]);
        let (g, _) = run(&events(&s, &t), &cfg(6, true));
        assert_eq!(g.n_nodes(), 6);
        assert_eq!(g.offsets(), &[0, 0, 0, 0, 1, 1, 1]);
        for v in [0, 2, 4, 5] {
            assert!(g.out_neighbors(v).is_empty());
            assert!(g.in_neighbors(v).0.is_empty());
        }
    }

    #[test]
    fn empty_input_gives_an_edgeless_graph_on_n_nodes() {
        for directed in [true, false] {
            let (g, report) = run(&events(&[], &[]), &cfg(4, directed));
            assert_eq!((g.n_nodes(), g.n_edges(), g.n_slots()), (4, 0, 0));
            assert_eq!(g.offsets(), &[0; 5]);
            assert_eq!(report.self_loops_dropped, 0);
            let (g0, _) = run(&events(&[], &[]), &cfg(0, directed));
            assert_eq!((g0.n_nodes(), g0.offsets()), (0, &[0][..]));
        }
    }

    #[test]
    fn build_completes_its_progress_phase() {
        let (s, t) = ([0u32, 1], [1u32, 0]);
        let ctl = Control::new();
        build(&events(&s, &t), &cfg(2, true), &ctl).unwrap();
        let (done, total) = ctl.progress();
        assert!(total > 0);
        assert_eq!(done, total);
    }

    #[test]
    fn target_of_other_length_is_a_length_mismatch() {
        let e = err(&events(&[0, 1], &[1]), &cfg(2, true));
        let want = CoreError::LengthMismatch {
            name: "target",
            expected: 2,
            got: 1,
        };
        assert_eq!(e, want);
    }

    #[test]
    fn optional_columns_of_other_length_are_length_mismatches() {
        let (s, t) = ([0u32, 1], [1u32, 0]);
        let (w, time, k) = ([1.0], [1i64, 2, 3], [0u8]);
        let with_w = Events {
            weight: Some(&w),
            ..events(&s, &t)
        };
        let with_t = Events {
            time: Some(&time),
            ..events(&s, &t)
        };
        let with_k = Events {
            kind: Some(&k),
            ..events(&s, &t)
        };
        let c = cfg(2, true);
        let mismatch = |name, got| CoreError::LengthMismatch {
            name,
            expected: 2,
            got,
        };
        assert_eq!(err(&with_w, &c), mismatch("weight", 1));
        assert_eq!(err(&with_t, &c), mismatch("time", 3));
        assert_eq!(err(&with_k, &c), mismatch("kind", 1));
    }

    #[test]
    fn code_at_or_past_n_nodes_is_out_of_range() {
        let c = cfg(3, true);
        let e = err(&events(&[0, 1, 3, 7], &[1, 2, 0, 0]), &c);
        let want = CoreError::NodeOutOfRange {
            row: 2,
            code: 3,
            n_nodes: 3,
        };
        assert_eq!(e, want);
        let e = err(&events(&[0, 1, 2], &[1, 9, 0]), &c);
        let want = CoreError::NodeOutOfRange {
            row: 1,
            code: 9,
            n_nodes: 3,
        };
        assert_eq!(e, want);
        let e = err(&events(&[0], &[0]), &cfg(0, true));
        assert!(matches!(
            e,
            CoreError::NodeOutOfRange {
                row: 0,
                code: 0,
                n_nodes: 0
            }
        ));
    }

    #[test]
    fn nan_infinite_or_negative_weight_is_a_bad_value() {
        let (s, t) = ([0u32, 0, 1], [1u32, 1, 0]);
        for bad in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY, -1.0, -1e-300] {
            let w = [1.0, 2.0, bad];
            let ev = Events {
                weight: Some(&w),
                ..events(&s, &t)
            };
            match err(&ev, &cfg(2, true)) {
                CoreError::BadValue {
                    name: "weight",
                    row: 2,
                    got,
                    ..
                } => assert!(got.to_bits() == bad.to_bits()),
                other => panic!("unexpected {other:?}"),
            }
        }
    }

    #[test]
    fn first_bad_weight_is_reported() {
        let (s, t) = ([0u32; 5], [1u32; 5]);
        let w = [1.0, -2.0, 3.0, f64::NAN, -5.0];
        let ev = Events {
            weight: Some(&w),
            ..events(&s, &t)
        };
        let e = err(&ev, &cfg(2, true));
        assert!(
            matches!(e, CoreError::BadValue { name: "weight", row: 1, got, .. } if got == -2.0)
        );
    }

    #[test]
    fn zero_weight_is_accepted() {
        let (s, t, w) = ([0u32], [1u32], [0.0]);
        let ev = Events {
            weight: Some(&w),
            ..events(&s, &t)
        };
        let (g, _) = run(&ev, &cfg(2, true));
        assert_eq!(
            (g.attrs().count.clone(), g.attrs().weight.clone()),
            (vec![1], vec![0.0])
        );
    }

    #[test]
    fn kind_code_of_64_or_more_is_a_bad_value() {
        let (s, t, k) = ([0u32, 0, 0], [1u32, 1, 1], [63u8, 64, 255]);
        let ev = Events {
            kind: Some(&k),
            ..events(&s, &t)
        };
        let want = CoreError::BadValue {
            name: "kind",
            row: 1,
            expected: "a kind code below 64",
            got: 64.0,
        };
        assert_eq!(err(&ev, &cfg(2, true)), want);
    }

    #[test]
    fn event_after_as_of_is_a_bad_value() {
        let (s, t, time) = ([0u32, 0], [1u32, 1], [10i64, 11]);
        let ev = Events {
            time: Some(&time),
            ..events(&s, &t)
        };
        let c = BuildConfig {
            decay: Some(Decay {
                as_of: 10,
                half_life: 5.0,
            }),
            ..cfg(2, true)
        };
        let want = CoreError::BadValue {
            name: "time",
            row: 1,
            expected: "no later than as_of",
            got: 11.0,
        };
        assert_eq!(err(&ev, &c), want);
    }

    #[test]
    fn events_after_as_of_are_fine_without_decay() {
        let (s, t, time) = ([0u32], [1u32], [i64::MAX]);
        let ev = Events {
            time: Some(&time),
            ..events(&s, &t)
        };
        let (g, _) = run(&ev, &cfg(2, true));
        assert_eq!(g.attrs().first_seen, Some(vec![i64::MAX]));
    }

    #[test]
    fn non_positive_or_non_finite_half_life_is_a_bad_parameter() {
        let (s, t, time) = ([0u32], [1u32], [0i64]);
        let ev = Events {
            time: Some(&time),
            ..events(&s, &t)
        };
        for half_life in [0.0, -0.0, -1.0, f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
            let c = BuildConfig {
                decay: Some(Decay {
                    as_of: 0,
                    half_life,
                }),
                ..cfg(2, true)
            };
            match err(&ev, &c) {
                CoreError::BadParameter {
                    name: "half_life",
                    expected: "a positive, finite duration",
                    got,
                } => assert_eq!(got.to_bits(), half_life.to_bits()),
                other => panic!("unexpected {other:?}"),
            }
        }
    }

    #[test]
    fn half_life_without_times_is_a_bad_parameter() {
        let c = BuildConfig {
            decay: Some(Decay {
                as_of: 0,
                half_life: 2.0,
            }),
            ..cfg(2, true)
        };
        let want = CoreError::BadParameter {
            name: "half_life",
            expected: "used with event times",
            got: 2.0,
        };
        assert_eq!(err(&events(&[0], &[1]), &c), want);
        assert_eq!(err(&events(&[], &[]), &c), want);
    }

    #[test]
    fn more_nodes_than_u32_codes_is_too_large() {
        let n = u32::MAX as usize + 1;
        let want = CoreError::TooLarge {
            what: "customers",
            got: n as u64,
            limit: u64::from(u32::MAX),
        };
        assert_eq!(err(&events(&[], &[]), &cfg(n, true)), want);
    }

    #[test]
    fn cancelled_control_stops_build() {
        let ctl = Control::new();
        ctl.cancel();
        let (s, t) = ([0u32, 1, 2], [1u32, 2, 0]);
        for directed in [true, false] {
            let c = cfg(3, directed);
            assert_eq!(build(&events(&s, &t), &c, &ctl), Err(CoreError::Cancelled));
            // Even empty input passes a checkpoint.
            let r = build(&events(&[], &[]), &cfg(0, directed), &ctl);
            assert_eq!(r, Err(CoreError::Cancelled));
        }
    }

    #[test]
    fn validation_errors_come_before_cancellation() {
        let ctl = Control::new();
        ctl.cancel();
        let r = build(&events(&[5], &[0]), &cfg(2, true), &ctl);
        assert!(matches!(r, Err(CoreError::NodeOutOfRange { .. })));
    }

    #[test]
    fn many_nodes_spread_over_work_chunks_build_correctly() {
        // More nodes than WORK_CHUNKS, so buckets are split over several chunks. 7i = 13i + 1
        // (mod 1000) has no solution, so there are no self-loops.
        let n = 1000u32;
        let s: Vec<u32> = (0..3 * n).map(|i| (i * 7) % n).collect();
        let t: Vec<u32> = (0..3 * n).map(|i| (i * 13 + 1) % n).collect();
        let (g, report) = run(&events(&s, &t), &cfg(n as usize, true));
        assert_eq!(report.self_loops_dropped, 0);
        let mut naive = std::collections::BTreeMap::new();
        for (&a, &b) in s.iter().zip(&t) {
            *naive.entry((a, b)).or_insert(0u32) += 1;
        }
        let got: std::collections::BTreeMap<(u32, u32), u32> = g
            .slot_sources()
            .into_iter()
            .zip(g.targets().iter().copied())
            .zip(g.attrs().count.iter().copied())
            .collect();
        assert_eq!(got, naive);
        for u in 0..n as usize {
            assert!(g.out_neighbors(u).windows(2).all(|w| w[0] < w[1]));
        }
    }
}

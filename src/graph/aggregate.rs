//! Turns edge records into a CSR graph: records with the same endpoints become one edge.
//!
//! Rows are bucketed by their first endpoint with a counting sort (stable, so each bucket keeps
//! input order), each bucket is sorted by `(second endpoint, row)` in parallel, and runs of equal
//! endpoints are folded in row order. Float sums therefore always add in input order, whatever
//! the number of threads.

use super::records::{Layout, Records};
use super::transform::Merge;
use super::{EdgeAttrs, Graph};
use crate::control::Control;
use crate::error::{CoreError, CoreResult};
use crate::parallel::{WORK_CHUNKS, balanced_bounds};
use rayon::prelude::*;

/// Mutable views of the per-slot arrays of a range of slots.
struct SlotsMut<'a> {
    targets: &'a mut [u32],
    count: &'a mut [u32],
    weight: &'a mut [f64],
    decayed: Option<&'a mut [f64]>,
    first: Option<&'a mut [i64]>,
    last: Option<&'a mut [i64]>,
    kinds: Option<&'a mut [u64]>,
}

fn split_opt<T>(s: Option<&mut [T]>, mid: usize) -> (Option<&mut [T]>, Option<&mut [T]>) {
    match s {
        Some(s) => {
            let (a, b) = s.split_at_mut(mid);
            (Some(a), Some(b))
        }
        None => (None, None),
    }
}

impl<'a> SlotsMut<'a> {
    fn new(targets: &'a mut [u32], attrs: &'a mut EdgeAttrs) -> Self {
        Self {
            targets,
            count: &mut attrs.count,
            weight: &mut attrs.weight,
            decayed: attrs.decayed.as_deref_mut(),
            first: attrs.first_seen.as_deref_mut(),
            last: attrs.last_seen.as_deref_mut(),
            kinds: attrs.kinds.as_deref_mut(),
        }
    }

    fn split_at(self, mid: usize) -> (Self, Self) {
        let (t0, t1) = self.targets.split_at_mut(mid);
        let (c0, c1) = self.count.split_at_mut(mid);
        let (w0, w1) = self.weight.split_at_mut(mid);
        let (d0, d1) = split_opt(self.decayed, mid);
        let (f0, f1) = split_opt(self.first, mid);
        let (l0, l1) = split_opt(self.last, mid);
        let (k0, k1) = split_opt(self.kinds, mid);
        let a = SlotsMut {
            targets: t0,
            count: c0,
            weight: w0,
            decayed: d0,
            first: f0,
            last: l0,
            kinds: k0,
        };
        let b = SlotsMut {
            targets: t1,
            count: c1,
            weight: w1,
            decayed: d1,
            first: f1,
            last: l1,
            kinds: k1,
        };
        (a, b)
    }

    /// Writes the fold of `rows` (all with the same endpoints) into slot `j`.
    fn fold<R: Records>(&mut self, j: usize, target: u32, rows: &[u32], rec: &R, merge: Merge) {
        let combine = |acc: f64, x: f64| match merge {
            Merge::Sum => acc + x,
            Merge::Max => acc.max(x),
        };
        self.targets[j] = target;
        let mut count = 0u32;
        let mut weight = if merge == Merge::Sum {
            0.0
        } else {
            f64::NEG_INFINITY
        };
        let mut decayed = weight;
        let (mut first, mut last, mut kinds) = (i64::MAX, i64::MIN, 0u64);
        for &r in rows {
            let r = r as usize;
            count = count.saturating_add(rec.count(r));
            weight = combine(weight, rec.weight(r));
            if self.decayed.is_some() {
                decayed = combine(decayed, rec.decayed(r));
            }
            if self.first.is_some() {
                first = first.min(rec.first(r));
                last = last.max(rec.last(r));
            }
            kinds |= rec.kinds(r);
        }
        self.count[j] = count;
        self.weight[j] = weight;
        if let Some(d) = self.decayed.as_deref_mut() {
            d[j] = decayed;
        }
        if let (Some(f), Some(l)) = (self.first.as_deref_mut(), self.last.as_deref_mut()) {
            f[j] = first;
            l[j] = last;
        }
        if let Some(k) = self.kinds.as_deref_mut() {
            k[j] = kinds;
        }
    }
}

/// Cuts `s` at the absolute positions `cuts` (increasing, first 0, last `s.len()`).
fn split_at_cuts<'a, T>(mut s: &'a mut [T], cuts: &[usize]) -> Vec<&'a mut [T]> {
    let mut pieces = Vec::with_capacity(cuts.len());
    for w in cuts.windows(2) {
        let (head, tail) = s.split_at_mut(w[1] - w[0]);
        pieces.push(head);
        s = tail;
    }
    pieces
}

fn empty_attrs(m: usize, layout: Layout) -> EdgeAttrs {
    EdgeAttrs {
        count: vec![0; m],
        weight: vec![0.0; m],
        decayed: layout.decay.then(|| vec![0.0; m]),
        first_seen: layout.time.then(|| vec![0; m]),
        last_seen: layout.time.then(|| vec![0; m]),
        kinds: layout.kinds.then(|| vec![0; m]),
    }
}

/// Merges the records into a graph on `n` nodes. For an undirected graph, `(a, b)` and `(b, a)`
/// are the same edge.
pub(crate) fn aggregate<R: Records>(
    rec: &R,
    n: usize,
    directed: bool,
    merge: Merge,
    ctl: &Control,
) -> CoreResult<Graph> {
    let len = rec.len();
    if len > u32::MAX as usize {
        return Err(CoreError::TooLarge {
            what: "edge rows",
            got: len as u64,
            limit: u64::from(u32::MAX),
        });
    }
    let key = |i: usize| {
        rec.endpoints(i)
            .map(|(a, b)| if directed || a <= b { (a, b) } else { (b, a) })
    };
    ctl.start(3);

    // Counting sort of rows by first endpoint.
    let mut row_offsets = vec![0usize; n + 1];
    for i in 0..len {
        if let Some((a, _)) = key(i) {
            row_offsets[a as usize + 1] += 1;
        }
    }
    for u in 0..n {
        row_offsets[u + 1] += row_offsets[u];
    }
    let mut perm = vec![0u32; row_offsets[n]];
    {
        let mut cursor = row_offsets[..n].to_vec();
        for i in 0..len {
            if let Some((a, _)) = key(i) {
                perm[cursor[a as usize]] = i as u32;
                cursor[a as usize] += 1;
            }
        }
    }
    ctl.checkpoint()?;
    ctl.advance(1);

    // Sort each bucket by (second endpoint, row) and count distinct neighbours.
    let second = |r: u32| key(r as usize).map_or(u32::MAX, |k| k.1);
    let bounds = balanced_bounds(&row_offsets, WORK_CHUNKS);
    let row_cuts: Vec<usize> = bounds.iter().map(|&b| row_offsets[b]).collect();
    let mut edge_offsets = vec![0usize; n + 1];
    {
        let rows = split_at_cuts(&mut perm, &row_cuts);
        let counts = split_at_cuts(&mut edge_offsets[1..], &bounds);
        rows.into_par_iter()
            .zip(counts)
            .zip(bounds.par_windows(2))
            .try_for_each(|((rows, counts), w)| {
                ctl.checkpoint()?;
                let base = row_offsets[w[0]];
                for (j, a) in (w[0]..w[1]).enumerate() {
                    let bucket = &mut rows[row_offsets[a] - base..row_offsets[a + 1] - base];
                    bucket.sort_unstable_by_key(|&r| (second(r), r));
                    counts[j] = bucket.chunk_by(|&x, &y| second(x) == second(y)).count();
                }
                Ok::<(), CoreError>(())
            })?;
    }
    for u in 0..n {
        edge_offsets[u + 1] += edge_offsets[u];
    }
    ctl.advance(1);

    // Fold each run of equal endpoints into one slot.
    let m = edge_offsets[n];
    let layout = rec.layout();
    let mut targets = vec![0u32; m];
    let mut attrs = empty_attrs(m, layout);
    {
        let mut pieces = Vec::with_capacity(bounds.len());
        let mut rest = SlotsMut::new(&mut targets, &mut attrs);
        for w in bounds.windows(2) {
            let (head, tail) = rest.split_at(edge_offsets[w[1]] - edge_offsets[w[0]]);
            pieces.push(head);
            rest = tail;
        }
        pieces
            .into_par_iter()
            .zip(bounds.par_windows(2))
            .try_for_each(|(mut slots, w)| {
                ctl.checkpoint()?;
                let mut j = 0;
                for a in w[0]..w[1] {
                    let bucket = &perm[row_offsets[a]..row_offsets[a + 1]];
                    for run in bucket.chunk_by(|&x, &y| second(x) == second(y)) {
                        slots.fold(j, second(run[0]), run, rec, merge);
                        j += 1;
                    }
                }
                Ok::<(), CoreError>(())
            })?;
    }
    drop(perm);
    ctl.advance(1);

    let n_self_loops = (0..n)
        .into_par_iter()
        .map(|u| {
            targets[edge_offsets[u]..edge_offsets[u + 1]]
                .binary_search(&(u as u32))
                .is_ok()
        })
        .filter(|&x| x)
        .count();
    let half = Graph {
        n_nodes: n,
        directed,
        out_offsets: edge_offsets,
        out_targets: targets,
        attrs,
        in_offsets: Vec::new(),
        in_sources: Vec::new(),
        in_edges: Vec::new(),
        n_self_loops,
    };
    if directed {
        Ok(with_in_adjacency(half))
    } else {
        Ok(symmetrize(half, layout))
    }
}

/// Adds the in-adjacency by a counting sort of the slots by target; sources come out sorted
/// because slots are visited in source order.
fn with_in_adjacency(mut g: Graph) -> Graph {
    let n = g.n_nodes;
    let mut in_offsets = vec![0usize; n + 1];
    for &t in &g.out_targets {
        in_offsets[t as usize + 1] += 1;
    }
    for v in 0..n {
        in_offsets[v + 1] += in_offsets[v];
    }
    let m = g.out_targets.len();
    let mut in_sources = vec![0u32; m];
    let mut in_edges = vec![0u32; m];
    let mut cursor = in_offsets[..n].to_vec();
    for u in 0..n {
        for e in g.out_offsets[u]..g.out_offsets[u + 1] {
            let t = g.out_targets[e] as usize;
            in_sources[cursor[t]] = u as u32;
            in_edges[cursor[t]] = e as u32;
            cursor[t] += 1;
        }
    }
    g.in_offsets = in_offsets;
    g.in_sources = in_sources;
    g.in_edges = in_edges;
    g
}

/// Turns a graph holding each undirected edge once (`a <= b`, in `a`'s list) into the symmetric
/// adjacency. Lists stay sorted: node `x` first receives the edges from `a < x` (placed while
/// visiting `a`), then its own, in increasing order.
fn symmetrize(half: Graph, layout: Layout) -> Graph {
    let n = half.n_nodes;
    let mut offsets = vec![0usize; n + 1];
    for a in 0..n {
        for e in half.out_offsets[a]..half.out_offsets[a + 1] {
            let b = half.out_targets[e] as usize;
            offsets[a + 1] += 1;
            if b != a {
                offsets[b + 1] += 1;
            }
        }
    }
    for u in 0..n {
        offsets[u + 1] += offsets[u];
    }
    let slots = offsets[n];
    let mut targets = vec![0u32; slots];
    let mut attrs = empty_attrs(slots, layout);
    let mut cursor = offsets[..n].to_vec();
    let src = &half.attrs;
    let mut place = |at: usize, target: u32, e: usize| {
        targets[at] = target;
        attrs.count[at] = src.count[e];
        attrs.weight[at] = src.weight[e];
        copy_opt(&mut attrs.decayed, &src.decayed, at, e);
        copy_opt(&mut attrs.first_seen, &src.first_seen, at, e);
        copy_opt(&mut attrs.last_seen, &src.last_seen, at, e);
        copy_opt(&mut attrs.kinds, &src.kinds, at, e);
    };
    for a in 0..n {
        for e in half.out_offsets[a]..half.out_offsets[a + 1] {
            let b = half.out_targets[e] as usize;
            place(cursor[a], b as u32, e);
            cursor[a] += 1;
            if b != a {
                place(cursor[b], a as u32, e);
                cursor[b] += 1;
            }
        }
    }
    Graph {
        out_offsets: offsets,
        out_targets: targets,
        attrs,
        ..half
    }
}

fn copy_opt<T: Copy>(dst: &mut Option<Vec<T>>, src: &Option<Vec<T>>, at: usize, e: usize) {
    if let (Some(d), Some(s)) = (dst.as_mut(), src.as_ref()) {
        d[at] = s[e];
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::build::{Decay, Events, SelfLoops};
    use crate::graph::records::{EdgeRecords, EventRecords};
    use crate::parallel::with_threads;

    fn events<'a>(source: &'a [u32], target: &'a [u32], weight: &'a [f64]) -> Events<'a> {
        Events {
            source,
            target,
            weight: Some(weight),
            time: None,
            kind: None,
        }
    }

    fn agg(ev: &Events<'_>, n: usize, directed: bool, merge: Merge) -> Graph {
        let rec = EventRecords {
            events: ev,
            self_loops: SelfLoops::Keep,
            decay: None,
        };
        aggregate(&rec, n, directed, merge, &Control::new()).unwrap()
    }

    /// Claims more rows than a `u32` row index can address, without holding any.
    struct Huge;

    impl Records for Huge {
        fn len(&self) -> usize {
            u32::MAX as usize + 1
        }
        fn layout(&self) -> Layout {
            Layout {
                decay: false,
                time: false,
                kinds: false,
            }
        }
        fn endpoints(&self, _: usize) -> Option<(u32, u32)> {
            unreachable!("rows are never read")
        }
        fn count(&self, _: usize) -> u32 {
            unreachable!("rows are never read")
        }
        fn weight(&self, _: usize) -> f64 {
            unreachable!("rows are never read")
        }
        fn decayed(&self, _: usize) -> f64 {
            unreachable!("rows are never read")
        }
        fn first(&self, _: usize) -> i64 {
            unreachable!("rows are never read")
        }
        fn last(&self, _: usize) -> i64 {
            unreachable!("rows are never read")
        }
        fn kinds(&self, _: usize) -> u64 {
            unreachable!("rows are never read")
        }
    }

    #[test]
    fn weights_of_one_edge_add_in_input_order() {
        // 1e16 + 1 rounds back to 1e16, so the order of addition shows in the sum.
        let s = [0u32, 0, 1, 0, 0, 0, 2, 0, 0];
        let t = [1u32, 2, 0, 1, 1, 2, 0, 2, 2];
        let w = [1e16, 1.0, 3.0, 1.0, 1.0, 1.0, 0.5, 1e16, 4.0];
        let ev = events(&s, &t, &w);
        let g = agg(&ev, 3, true, Merge::Sum);
        assert_eq!(g.out_neighbors(0), &[1, 2]);
        assert_eq!(g.attrs().weight[0], 1e16);
        assert_eq!(g.attrs().weight[1], 1e16 + 2.0 + 4.0);
        for threads in [1, 4] {
            let again = with_threads(Some(threads), || Ok(agg(&ev, 3, true, Merge::Sum))).unwrap();
            assert_eq!(again, g);
        }
    }

    #[test]
    fn undirected_aggregation_merges_both_orientations() {
        let (s, t, w) = ([2u32, 0, 0, 2], [0u32, 2, 2, 2], [1.0, 2.0, 4.0, 8.0]);
        let g = agg(&events(&s, &t, &w), 3, false, Merge::Sum);
        assert_eq!(g.offsets(), &[0, 1, 1, 3]);
        assert_eq!(g.targets(), &[2, 0, 2]);
        assert_eq!(g.attrs().count, vec![3, 3, 1]);
        assert_eq!(g.attrs().weight, vec![7.0, 7.0, 8.0]);
        assert_eq!((g.n_edges(), g.n_self_loops()), (2, 1));
    }

    #[test]
    fn max_merge_keeps_largest_weight_and_still_adds_counts() {
        let (s, t, w) = ([0u32, 0, 0, 1], [1u32, 1, 1, 0], [3.0, 7.0, 5.0, 0.0]);
        let time = [5i64, -3, 9, 1];
        let kind = [1u8, 2, 1, 0];
        let ev = Events {
            time: Some(&time),
            kind: Some(&kind),
            ..events(&s, &t, &w)
        };
        let rec = EventRecords {
            events: &ev,
            self_loops: SelfLoops::Drop,
            decay: Some(Decay {
                as_of: 9,
                half_life: 6.0,
            }),
        };
        let g = aggregate(&rec, 2, true, Merge::Max, &Control::new()).unwrap();
        let a = g.attrs();
        assert_eq!(a.count, vec![3, 1]);
        assert_eq!(a.weight, vec![7.0, 0.0]);
        // Decayed: 3 * 0.5^(4/6), 7 * 0.5^2 = 1.75, 5 * 1 = 5.
        assert_eq!(a.decayed, Some(vec![5.0, 0.0]));
        assert_eq!(a.first_seen, Some(vec![-3, 1]));
        assert_eq!(a.last_seen, Some(vec![9, 1]));
        assert_eq!(a.kinds, Some(vec![0b110, 0b1]));
    }

    #[test]
    fn left_out_rows_do_not_reach_the_graph() {
        let (s, t, w) = ([0u32, 1, 1, 1], [1u32, 1, 1, 0], [1.0, 50.0, 60.0, 2.0]);
        let ev = events(&s, &t, &w);
        let rec = EventRecords {
            events: &ev,
            self_loops: SelfLoops::Drop,
            decay: None,
        };
        let g = aggregate(&rec, 2, true, Merge::Sum, &Control::new()).unwrap();
        assert_eq!(g.targets(), &[1, 0]);
        assert_eq!(g.attrs().weight, vec![1.0, 2.0]);
        assert_eq!(g.n_self_loops(), 0);
    }

    #[test]
    fn edge_records_of_a_graph_reaggregate_to_the_same_graph() {
        let (s, t, w) = (
            [0u32, 2, 1, 2, 0],
            [1u32, 0, 1, 0, 2],
            [1.0, 2.0, 3.0, 4.0, 5.0],
        );
        for directed in [true, false] {
            let g = agg(&events(&s, &t, &w), 3, directed, Merge::Sum);
            let again = aggregate(
                &EdgeRecords::new(&g, None),
                3,
                directed,
                Merge::Sum,
                &Control::new(),
            )
            .unwrap();
            assert_eq!(again, g);
        }
    }

    #[test]
    fn directed_in_adjacency_is_the_transpose() {
        let (s, t, w) = ([1u32, 0, 2, 2, 0], [0u32, 2, 0, 1, 1], [1.0; 5]);
        let g = agg(&events(&s, &t, &w), 3, true, Merge::Sum);
        // Out slots: 0:0->1 1:0->2 2:1->0 3:2->0 4:2->1
        assert_eq!(g.in_offsets, vec![0, 2, 4, 5]);
        assert_eq!(g.in_sources, vec![1, 2, 0, 2, 0]);
        assert_eq!(g.in_edges, vec![2, 3, 0, 4, 1]);
    }

    #[test]
    fn undirected_graph_has_no_separate_in_adjacency() {
        let (s, t, w) = ([1u32], [0u32], [1.0]);
        let g = agg(&events(&s, &t, &w), 2, false, Merge::Sum);
        assert!(g.in_offsets.is_empty() && g.in_sources.is_empty() && g.in_edges.is_empty());
    }

    #[test]
    fn split_at_cuts_returns_the_pieces_between_cuts() {
        let mut xs = [0, 1, 2, 3, 4, 5];
        let pieces = split_at_cuts(&mut xs, &[0, 2, 2, 6]);
        let lens: Vec<usize> = pieces.iter().map(|p| p.len()).collect();
        assert_eq!(lens, vec![2, 0, 4]);
        assert_eq!(&*pieces[2], &[2, 3, 4, 5]);
    }

    #[test]
    fn more_rows_than_u32_can_index_is_too_large() {
        let e = aggregate(&Huge, 1, true, Merge::Sum, &Control::new()).unwrap_err();
        let want = CoreError::TooLarge {
            what: "edge rows",
            got: u64::from(u32::MAX) + 1,
            limit: u64::from(u32::MAX),
        };
        assert_eq!(e, want);
    }

    #[test]
    fn cancelled_control_stops_aggregation() {
        let (s, t, w) = ([0u32], [1u32], [1.0]);
        let ev = events(&s, &t, &w);
        let rec = EventRecords {
            events: &ev,
            self_loops: SelfLoops::Keep,
            decay: None,
        };
        let ctl = Control::new();
        ctl.cancel();
        assert_eq!(
            aggregate(&rec, 2, false, Merge::Sum, &ctl),
            Err(CoreError::Cancelled)
        );
    }
}

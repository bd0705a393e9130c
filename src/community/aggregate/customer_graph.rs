//! The first working graph: a customer graph's rows under a weighting, read in place when they
//! already are what the community algorithms need.

use super::{WorkGraph, build_exact};
use crate::community::quality::Objective;
use crate::control::Control;
use crate::error::CoreResult;
use crate::graph::{EdgeWeight, Graph};
use crate::scale::{scaled, weight_shift};
use rayon::prelude::*;
use std::borrow::Cow;

/// The working graph of `g` under `weight`: the directed view (`directed`, only for a directed
/// graph) keeps out- and in-strengths as the null-model weights, the undirected view adds the
/// two directions of each pair. For modularity `a = b = k/2` (undirected) or `a = k_out`,
/// `b = k_in` (directed); for CPM `a = b = 1`.
pub(crate) fn from_graph<'g>(
    g: &'g Graph,
    weight: EdgeWeight,
    directed: bool,
    objective: Objective,
    ctl: &Control,
) -> CoreResult<WorkGraph<'g>> {
    let w = g.edge_weights(weight)?;
    if let Some(view) = unit_view(g, w, objective) {
        return Ok(view);
    }
    // Modularity does not depend on the weights' scale but squares their sums: extreme scales
    // are brought near 1 by an exact power of two. CPM compares weights with the resolution,
    // so its weights stay as given.
    let rescaled = match (objective, w) {
        (Objective::Modularity, Some(w)) => scaled(w, weight_shift(w)),
        _ => None,
    };
    let w = rescaled.as_deref().or(w);
    built(g, w, directed, objective, ctl)
}

/// The working graph of `g` with row weights `w` (`None`: all 1), its rows copied.
pub(super) fn built(
    g: &Graph,
    w: Option<&[f64]>,
    directed: bool,
    objective: Objective,
    ctl: &Control,
) -> CoreResult<WorkGraph<'static>> {
    let wt = |slot: usize| w.map_or(1.0, |w| w[slot]);
    // Without weights every row weight of an undirected graph is 1, known before building (a
    // directed graph's rows add the two directions of a pair).
    let known_unit = w.is_none() && !g.is_directed();
    let lens: Vec<usize> = (0..g.n_nodes())
        .into_par_iter()
        .map(|u| {
            let mut len = 0;
            node_row(g, u, &|_| 0.0, &mut |_, _| len += 1);
            len
        })
        .collect();
    ctl.checkpoint()?;
    let wg = build_exact(&lens, known_unit, |u, t, w| {
        let mut i = 0;
        let (s, k_out, k_in) = node_row(g, u, &wt, &mut |v, x| {
            t[i] = v;
            if let Some(slot) = w.get_mut(i) {
                *slot = x;
            }
            i += 1;
        });
        let (a, b) = match (objective, directed && g.is_directed()) {
            (Objective::Cpm, _) => (1.0, 1.0),
            (Objective::Modularity, true) => (k_out, k_in),
            (Objective::Modularity, false) => {
                let half = (k_out + k_in) * 0.5;
                (half, half)
            }
        };
        [s, a, b]
    });
    ctl.checkpoint()?;
    if !wg.unit && wg.weights.par_iter().all(|&x| x == 1.0) {
        return Ok(wg.into_unit());
    }
    Ok(wg)
}

/// The working graph of `g` with row weights `w` (`None`: all 1), read in place when every
/// weight is 1 and `g` is undirected without a self-loop: the rows are then exactly the graph's
/// own, and copying them would cost a twentieth of a whole Leiden run. `None` otherwise.
fn unit_view<'g>(g: &'g Graph, w: Option<&[f64]>, objective: Objective) -> Option<WorkGraph<'g>> {
    // The structure first: it costs nothing, where the weights take a pass.
    let one = |w: &[f64]| w.par_iter().all(|&x| x == 1.0);
    if g.is_directed() || g.n_self_loops() > 0 || !w.is_none_or(one) {
        return None;
    }
    let offsets = g.offsets();
    let null_weight: Vec<f64> = match objective {
        Objective::Modularity => offsets
            .par_windows(2)
            .map(|r| (r[1] - r[0]) as f64 * 0.5)
            .collect(),
        Objective::Cpm => vec![1.0; g.n_nodes()],
    };
    let view = WorkGraph {
        offsets: Cow::Borrowed(offsets),
        targets: Cow::Borrowed(g.targets()),
        weights: Vec::new(),
        self_w: vec![0.0; g.n_nodes()],
        a: null_weight.clone(),
        b: null_weight,
        unit: false,
    };
    Some(view.into_unit())
}

/// Emits `u`'s symmetric row entry by entry (no self entry); returns (self weight,
/// out-strength, in-strength), where for an undirected graph both strengths are half the degree
/// `k_u` (a self-loop counted twice).
fn node_row(
    g: &Graph,
    u: usize,
    wt: &impl Fn(usize) -> f64,
    emit: &mut impl FnMut(u32, f64),
) -> (f64, f64, f64) {
    let out = g.out_neighbors(u);
    let r = g.out_range(u);
    let mut self_w = 0.0;
    let mut k_out = 0.0;
    if !g.is_directed() {
        for (i, &v) in out.iter().enumerate() {
            let x = wt(r.start + i);
            k_out += x;
            if v as usize == u {
                self_w += x;
                k_out += x;
            } else {
                emit(v, x);
            }
        }
        // Half the degree each way, so that k_out + k_in is the degree in both cases.
        return (self_w, k_out * 0.5, k_out * 0.5);
    }
    // Directed: merge the sorted out- and in-lists, adding the two directions of a pair.
    let (inn, slots) = g.in_neighbors(u);
    let mut k_in = 0.0;
    let (mut i, mut j) = (0, 0);
    while i < out.len() || j < inn.len() {
        let vo = out.get(i).copied().unwrap_or(u32::MAX);
        let vi = inn.get(j).copied().unwrap_or(u32::MAX);
        let v = vo.min(vi);
        let mut x = 0.0;
        if vo == v {
            let y = wt(r.start + i);
            k_out += y;
            x += y;
            i += 1;
        }
        if vi == v {
            let y = wt(slots.get(j));
            k_in += y;
            if v as usize != u {
                x += y;
            }
            j += 1;
        }
        if v as usize == u {
            self_w += x;
        } else {
            emit(v, x);
        }
    }
    (self_w, k_out, k_in)
}

/// The modularity working graph of `g`, for tests.
#[cfg(test)]
pub(crate) fn modularity_graph(
    g: &Graph,
    weight: EdgeWeight,
    directed: bool,
) -> WorkGraph<'static> {
    from_graph(g, weight, directed, Objective::Modularity, &Control::new())
        .unwrap()
        .into_owned()
}

//! Random shortest paths between two nodes by bidirectional search: a balanced breadth-first
//! search for unweighted graphs (as in KADABRA), a bidirectional Dijkstra search for weighted
//! ones. Each returns a uniformly random shortest path and the number of arcs it scanned.

use super::super::shortest_paths::{Adj, Dijkstra, Slot, TIE_TOLERANCE, UNSEEN, tie};
use crate::rng::Rng;
use rand::Rng as _;

/// Picks one of `items` with probability proportional to its weight, given their `total`
/// (rounding may leave the running sum just short of the draw: the last item is taken then).
fn pick(rng: &mut Rng, total: f64, items: impl Iterator<Item = (u32, f64)>) -> Option<u32> {
    let draw = rng.random::<f64>() * total;
    let mut sum = 0.0;
    let mut last = None;
    for (x, w) in items {
        sum += w;
        last = Some(x);
        if draw < sum {
            break;
        }
    }
    last
}

/// Balanced bidirectional BFS: `f` holds hop distance and path count from `u` (over
/// out-edges), `b` those to `v` (over in-edges); `qf` and `qb` are queues in visit order.
pub(super) struct BiBfs {
    f: Vec<Slot>,
    b: Vec<Slot>,
    qf: Vec<u32>,
    qb: Vec<u32>,
    meet: Vec<(u32, u32)>,
}

impl BiBfs {
    pub(super) fn new(n: usize) -> Self {
        let unseen = Slot {
            val: 0.0,
            dist: UNSEEN,
        };
        Self {
            f: vec![unseen; n],
            b: vec![unseen; n],
            qf: Vec::new(),
            qb: Vec::new(),
            meet: Vec::new(),
        }
    }

    /// Fills `path` (from `u` to `v`) with a uniformly random shortest path, or leaves it empty
    /// when `v` is unreachable; returns the number of arcs the search scanned.
    pub(super) fn sample_path(
        &mut self,
        out: &Adj<'_>,
        inn: &Adj<'_>,
        u: u32,
        v: u32,
        rng: &mut Rng,
        path: &mut Vec<u32>,
    ) -> u64 {
        let (found, arcs) = self.search(out, inn, u, v);
        if found {
            let total: f64 = self
                .meet
                .iter()
                .map(|&(x, y)| self.f[x as usize].val * self.b[y as usize].val)
                .sum();
            let weights =
                self.meet.iter().enumerate().map(|(i, &(x, y))| {
                    (i as u32, self.f[x as usize].val * self.b[y as usize].val)
                });
            if let Some(i) = pick(rng, total, weights) {
                let (x, y) = self.meet[i as usize];
                walk(&self.f, inn, x, rng, path);
                path.reverse();
                walk(&self.b, out, y, rng, path);
            }
        }
        for &x in &self.qf {
            self.f[x as usize].dist = UNSEEN;
        }
        for &x in &self.qb {
            self.b[x as usize].dist = UNSEEN;
        }
        self.qf.clear();
        self.qb.clear();
        self.meet.clear();
        arcs
    }

    /// Grows the two searches one level at a time, always the side whose frontier has fewer
    /// edges, until a level expansion finds edges into the other side's visited set.
    ///
    /// Invariant: the visited sets are disjoint, the forward one holds every node within `a`
    /// hops of `u` and the backward one every node within `b` hops of `v`, so `d(u, v) > a + b`.
    /// Expanding the forward frontier (distance `a`), an edge `x -> y` into the backward set
    /// closes a path of `a + 1 + d_b(y) >= d(u, v)` hops, hence `d_b(y) = b`: every meeting
    /// edge found in that expansion lies on a shortest path, and every shortest path crosses
    /// exactly one of them (from its node at distance `a` to the next). Likewise backwards.
    ///
    /// Returns whether `v` is reachable and the number of arcs scanned.
    fn search(&mut self, out: &Adj<'_>, inn: &Adj<'_>, u: u32, v: u32) -> (bool, u64) {
        self.f[u as usize] = Slot { val: 1.0, dist: 0 };
        self.b[v as usize] = Slot { val: 1.0, dist: 0 };
        self.qf.push(u);
        self.qb.push(v);
        let (mut fs, mut bs) = (0, 0);
        let mut arcs = 0;
        while self.meet.is_empty() {
            let fdeg: usize = self.qf[fs..].iter().map(|&x| out.degree(x as usize)).sum();
            let bdeg: usize = self.qb[bs..].iter().map(|&x| inn.degree(x as usize)).sum();
            if fdeg == 0 || bdeg == 0 {
                return (false, arcs);
            }
            arcs += fdeg.min(bdeg) as u64;
            if fdeg <= bdeg {
                fs = expand(
                    &mut self.f,
                    &self.b,
                    &mut self.qf,
                    fs,
                    out,
                    &mut self.meet,
                    false,
                );
            } else {
                bs = expand(
                    &mut self.b,
                    &self.f,
                    &mut self.qb,
                    bs,
                    inn,
                    &mut self.meet,
                    true,
                );
            }
        }
        (true, arcs)
    }
}

/// Expands the frontier `queue[start..]` of one side over `adj` by one level; edges into the
/// other side's visited set are recorded in `meet` as `(forward node, backward node)` pairs.
/// Returns the start of the new frontier.
fn expand(
    this: &mut [Slot],
    other: &[Slot],
    queue: &mut Vec<u32>,
    start: usize,
    adj: &Adj<'_>,
    meet: &mut Vec<(u32, u32)>,
    backward: bool,
) -> usize {
    let end = queue.len();
    for i in start..end {
        let x = queue[i];
        let Slot { val: sx, dist: dx } = this[x as usize];
        let next = dx + 1;
        for &y in adj.nbrs(x as usize) {
            if other[y as usize].dist != UNSEEN {
                meet.push(if backward { (y, x) } else { (x, y) });
                continue;
            }
            let r = &mut this[y as usize];
            if r.dist == UNSEEN {
                *r = Slot {
                    val: sx,
                    dist: next,
                };
                queue.push(y);
            } else if r.dist == next {
                r.val += sx;
            }
        }
    }
    end
}

/// Walks from `x` back to the root of the search `side` (distance 0) over `adj` (the reverse of
/// the search's direction), each step choosing a node one hop closer with probability
/// proportional to its path count; pushes `x` and every node met.
fn walk(side: &[Slot], adj: &Adj<'_>, x: u32, rng: &mut Rng, path: &mut Vec<u32>) {
    let mut w = x;
    path.push(w);
    while side[w as usize].dist > 0 {
        let Slot { val, dist } = side[w as usize];
        let closer = adj
            .nbrs(w as usize)
            .iter()
            .filter(|&&z| side[z as usize].dist == dist - 1)
            .map(|&z| (z, side[z as usize].val));
        match pick(rng, val, closer) {
            Some(z) => w = z,
            None => return,
        }
        path.push(w);
    }
}

/// Bidirectional Dijkstra: `f` searches from `u` over out-edges, `b` from `v` over in-edges.
pub(super) struct BiDijkstra {
    f: Dijkstra,
    b: Dijkstra,
    meet: Vec<(u32, u32)>,
}

impl BiDijkstra {
    pub(super) fn new(n: usize) -> Self {
        Self {
            f: Dijkstra::new(n),
            b: Dijkstra::new(n),
            meet: Vec::new(),
        }
    }

    /// Fills `path` (from `u` to `v`) with a uniformly random shortest path, or leaves it empty
    /// when `v` is unreachable.
    ///
    /// The side with the nearer unsettled node settles next, and `mu`, the shortest `u`-`v`
    /// length seen across the two searches, is updated from the edges of each settled node.
    /// The search stops once `top_f + top_b > mu` (beyond the tie tolerance): a node settled
    /// by neither side would then lie on no shortest path, so every shortest path is made of
    /// forward-settled nodes followed by backward-settled ones. If `v` was settled forwards
    /// (or `u` backwards) all shortest paths lie on that side; otherwise each crosses exactly
    /// one edge `x -> y` from a forward-settled `x` to a `y` settled backwards but not
    /// forwards, and the number of shortest paths is the sum of `sigma_f(x) sigma_b(y)` over
    /// those edges. Path counts of settled nodes are complete, since their predecessors are
    /// nearer and settled first. Returns the number of arcs the search scanned.
    pub(super) fn sample_path(
        &mut self,
        out: &Adj<'_>,
        inn: &Adj<'_>,
        u: u32,
        v: u32,
        rng: &mut Rng,
        path: &mut Vec<u32>,
    ) -> u64 {
        let (mu, arcs) = self.search(out, inn, u, v);
        let (f, b) = (&self.f, &self.b);
        if f.pos(v) != UNSEEN {
            walk_settled(f, v, rng, path);
            path.reverse();
        } else if b.pos(u) != UNSEEN {
            walk_settled(b, u, rng, path);
        } else if mu.is_finite() {
            for &x in &f.order {
                let dx = f.dist(x);
                for (y, l) in out.edges(x as usize) {
                    if f.pos(y) == UNSEEN && b.pos(y) != UNSEEN && tie(dx + l + b.dist(y), mu) {
                        self.meet.push((x, y));
                    }
                }
            }
            let weight = |&(x, y): &(u32, u32)| f.val[x as usize] * b.val[y as usize];
            let total: f64 = self.meet.iter().map(weight).sum();
            let items = self
                .meet
                .iter()
                .enumerate()
                .map(|(i, e)| (i as u32, weight(e)));
            if let Some(i) = pick(rng, total, items) {
                let (x, y) = self.meet[i as usize];
                walk_settled(f, x, rng, path);
                path.reverse();
                walk_settled(b, y, rng, path);
            }
        }
        self.f.reset();
        self.b.reset();
        self.meet.clear();
        arcs
    }

    /// Runs both searches until the stopping rule; returns `mu` (infinite if they never met)
    /// and the number of arcs scanned.
    fn search(&mut self, out: &Adj<'_>, inn: &Adj<'_>, u: u32, v: u32) -> (f64, u64) {
        self.f.start(u);
        self.b.start(v);
        let mut mu = f64::INFINITY;
        let mut arcs = 0;
        while let (Some(tf), Some(tb)) = (self.f.peek(), self.b.peek()) {
            if tf + tb > mu * (1.0 + 4.0 * TIE_TOLERANCE) {
                break;
            }
            if tf <= tb {
                if let Some(x) = self.f.settle_next(out, Some(inn)) {
                    arcs += out.degree(x as usize) as u64;
                    let dx = self.f.dist(x);
                    for (y, l) in out.edges(x as usize) {
                        mu = mu.min(dx + l + self.b.dist(y));
                    }
                }
            } else if let Some(y) = self.b.settle_next(inn, Some(out)) {
                arcs += inn.degree(y as usize) as u64;
                let dy = self.b.dist(y);
                for (x, l) in inn.edges(y as usize) {
                    mu = mu.min(self.f.dist(x) + l + dy);
                }
            }
        }
        (mu, arcs)
    }
}

/// Walks from the settled node `x` back to the source of the search `dj` along recorded
/// predecessors, each step choosing one with probability proportional to its path count;
/// pushes `x` and every node met.
fn walk_settled(dj: &Dijkstra, x: u32, rng: &mut Rng, path: &mut Vec<u32>) {
    let mut w = x;
    path.push(w);
    loop {
        let i = dj.pos(w) as usize;
        if i == 0 {
            return;
        }
        let preds = dj.predecessors(i).iter().map(|&z| (z, dj.val[z as usize]));
        match pick(rng, dj.val[w as usize], preds) {
            Some(z) => w = z,
            None => return,
        }
        path.push(w);
    }
}

"""Synthetic Social CRM data with a known, planted truth.

:func:`synthetic_community` draws one customer community -- customers, their interactions, forum
memberships and posts, purchases, referrals, ideas and votes -- from a generative model whose
latent truth (planted communities, latent influence, BG/NBD and Gamma-Gamma parameters) is returned
with the tables, so every socialcrm analysis can be checked against what was planted. Tables and
column names follow the socialcrm data model. Only numpy and pandas are used.
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = ["SyntheticCommunity", "synthetic_community"]

BGNBD_PARAMS = {"r": 0.25, "alpha": 4.0, "a": 0.8, "b": 2.5}
GAMMA_GAMMA_PARAMS = {"p": 6.0, "q": 4.0, "v": 15.0}

_COLUMNS = {
    "customers": "customer region signup_date interest_community true_influence",
    "interactions": "source target timestamp kind",
    "memberships": "customer community joined_at weight",
    "posts": "post_id post_type parent_id author created_at accepted_answer_id tags views "
    "community",
    "transactions": "customer timestamp amount",
    "referrals": "referrer referee timestamp incentive would_join_anyway",
    "ideas": "idea_id author created_at status value",
    "votes": "idea_id voter created_at kind",
}
_ID_COLUMNS = {"customer", "source", "target", "author", "referrer", "referee", "voter"}
_TIME_COLUMNS = {"signup_date", "timestamp", "joined_at", "created_at"}
_TOPICS = (
    "photography cycling cooking gaming gardening travel fitness music books diy coffee audio "
    "running camping fashion pets"
).split()
_GENERAL = ["general-discussion", "announcements", "feedback"]
_TAG_WORDS = "beginner setup troubleshooting pricing review accessories shipping warranty".split()
_REGIONS = ["north", "south", "east", "west", "central"]
_KINDS = ["reply", "mention", "share", "answer"]
_STATUSES = ["submitted", "under review", "implemented", "declined"]
_WEEK, _DAY, _HOUR = 7 * 86400.0, 86400.0, 3600.0
_REDRAWS = 30


@dataclass(frozen=True, eq=False, repr=False)
class SyntheticCommunity:
    """The tables of one synthetic community plus the truth that generated them.

    Attributes are the tables of the data model (``customers``, ``interactions``,
    ``memberships``, ``posts``, ``transactions``, ``referrals``, ``ideas``, ``votes``), the
    company's own account ids ``staff``, the ``seed`` and the generating ``params``.
    """

    customers: pd.DataFrame
    interactions: pd.DataFrame
    memberships: pd.DataFrame
    posts: pd.DataFrame
    transactions: pd.DataFrame
    referrals: pd.DataFrame
    ideas: pd.DataFrame
    votes: pd.DataFrame
    staff: pd.Series
    seed: int
    params: dict

    def tables(self) -> dict[str, pd.DataFrame | pd.Series]:
        """Return ``{table name: table}`` with the names used in the data model."""
        return {name: getattr(self, name) for name in [*_COLUMNS, "staff"]}

    def __repr__(self) -> str:
        sizes = ", ".join(f"{k}={len(v)}" for k, v in self.tables().items())
        return f"SyntheticCommunity(seed={self.seed}, {sizes})"


@dataclass(frozen=True)
class _Sampler:
    """Draws customers with probability proportional to a weight, inside or outside a community.

    Customers are laid out community by community along one cumulative weight array; an inside
    draw lands in the source community's slice, an outside draw in the rest of the array.
    """

    order: np.ndarray
    cum: np.ndarray
    cum_lo: np.ndarray
    mass: np.ndarray

    @classmethod
    def build(cls, weight: np.ndarray, community: np.ndarray, k: int) -> _Sampler:
        order = np.argsort(community, kind="stable")
        cum = np.cumsum(weight[order])
        edges = np.concatenate(([0.0], cum))[np.cumsum(np.bincount(community, minlength=k))]
        cum_lo = np.concatenate(([0.0], edges[:-1]))
        return cls(order, cum, cum_lo, edges - cum_lo)

    def draw(self, rng: np.random.Generator, comm: np.ndarray, inside: np.ndarray) -> np.ndarray:
        u = rng.random(comm.size)
        lo, mass = self.cum_lo[comm], self.mass[comm]
        x = np.where(inside, lo + u * mass, u * (self.cum[-1] - mass))
        x = np.where(~inside & (x >= lo), x + mass, x)  # skip the source community's slice
        pos = np.searchsorted(self.cum, x, side="right")
        return self.order[np.minimum(pos, self.cum.size - 1)]


class _World:
    """The planted truth shared by all table generators; times are seconds since ``start``."""

    def __init__(self, rng, n, k, n_staff, mixing, start_ns, span):
        self.n, self.k, self.n_staff, self.mixing = n, k, n_staff, mixing
        self.start_ns, self.span = start_ns, span
        log_activity = rng.normal(0.0, 1.2, n)
        self.activity = np.exp(log_activity)
        influence = np.exp(0.7 * log_activity + 0.7 * rng.normal(size=n))
        self.influence = influence / influence.mean()
        # Uneven community sizes; the forced assignment keeps every planted community non-empty.
        community = rng.choice(k, size=n, p=0.5 / k + 0.5 * rng.dirichlet(np.full(k, 4.0)))
        community[rng.choice(n, size=k, replace=False)] = np.arange(k)
        self.community = community
        # Signups cover the first 75% of the window so most customers have a purchase history;
        # sorting makes the ids C00001, ... follow signup order.
        self.signup = np.sort(rng.random(n)) * 0.75 * span
        self.region = rng.choice(len(_REGIONS), size=n, p=[0.25, 0.2, 0.2, 0.2, 0.15])
        self.by_influence = _Sampler.build(self.influence, community, k)
        self.by_activity = _Sampler.build(self.activity, community, k)
        self.ids = pd.Index(_ids("C", n, 5) + _ids("S", n_staff, 3))
        topics = [_TOPICS[i % 16] + (f"-{i // 16 + 1}" if i >= 16 else "") for i in range(k)]
        self.topics, self.forums = topics, [f"forum-{t}" for t in topics] + _GENERAL

    def frame(self, table: str, *columns) -> pd.DataFrame:
        """Assemble a table: customer/staff codes become ids, seconds become datetime64[ns]."""
        data = {}
        for name, values in zip(_COLUMNS[table].split(), columns, strict=True):
            if name in _ID_COLUMNS:
                values = self.ids.take(values).array
            elif name in _TIME_COLUMNS:
                secs = np.floor(values).astype(np.int64)
                values = (self.start_ns + secs * 1_000_000_000).astype("datetime64[ns]")
            data[name] = values
        return pd.DataFrame(data)

    def partners(self, rng, sampler, src_comm, ok):
        """Draw one customer per row (inside its community with prob. 1 - mixing).

        Rows whose draw ``ok(rows, drawn)`` rejects (self-loops, not yet signed up, float edge
        cases landing on the wrong side) are redrawn with the same inside/outside flag, so the
        planted mixing holds exactly in expectation; rows still rejected get -1.
        """
        inside = (rng.random(src_comm.size) >= self.mixing) | (self.k == 1)
        out = np.full(src_comm.size, -1)
        rows = np.arange(src_comm.size)
        for _ in range(_REDRAWS):
            if rows.size == 0:
                break
            drawn = sampler.draw(rng, src_comm[rows], inside[rows])
            good = ((self.community[drawn] == src_comm[rows]) == inside[rows]) & ok(rows, drawn)
            out[rows[good]] = drawn[good]
            rows = rows[~good]
        return out

    def pick(self, rng, size: int, weight: np.ndarray) -> np.ndarray:
        return rng.choice(self.n, size=size, p=weight / weight.sum())

    def staff(self, rng, size: int) -> np.ndarray:
        return self.n + rng.integers(0, max(self.n_staff, 1), size)

    def after_signup(self, rng, who: np.ndarray) -> np.ndarray:
        return self.signup[who] + rng.random(who.size) * (self.span - self.signup[who])


def _delay(rng, size: int, median: float, sigma: float) -> np.ndarray:
    """Lognormal (heavy-tailed) delays in seconds, never under one minute."""
    return np.maximum(60.0, median * np.exp(sigma * rng.normal(size=size)))


def _ids(prefix: str, count: int, width: int) -> list[str]:
    return [f"{prefix}{i:0{max(width, len(str(count)))}d}" for i in range(1, count + 1)]


def _labels(names: list[str], codes: np.ndarray):
    """Strings for integer codes, built through an Index (much faster than numpy unicode)."""
    return pd.Index(names).take(codes).array


def _check(name: str, ok: bool, expected: str, got: object) -> None:
    if not ok:
        raise ValueError(f"`{name}` must be {expected}, got {got!r}")


def _is_int(x: object) -> bool:
    return isinstance(x, numbers.Integral) and not isinstance(x, bool)


def _timestamp(name: str, value: object) -> pd.Timestamp:
    try:
        ts = pd.Timestamp(value)
    except (TypeError, ValueError):
        ts = pd.NaT
    _check(name, ts is not pd.NaT and ts.tzinfo is None, "a naive date or timestamp", value)
    return ts


def synthetic_community(
    n_customers: int = 2000,
    seed: int = 0,
    *,
    n_communities: int = 8,
    mixing: float = 0.2,
    start: str = "2024-01-01",
    end: str = "2025-12-31",
    n_staff: int = 5,
) -> SyntheticCommunity:
    r"""Generate a reproducible customer community with planted structure.

    Parameters
    ----------
    n_customers : int, default 2000
        Number of customers, at least 10.
    seed : int, default 0
        Non-negative seed; the same seed gives identical tables.
    n_communities : int, default 8
        Number of planted interest communities, in ``1 .. n_customers // 5``. Each has its own
        topical forum (``forum-<topic>``) and tag vocabulary.
    mixing : float, default 0.2
        Share of each customer's interactions that leave their planted community, in ``[0, 1)``
        (ignored when ``n_communities == 1``).
    start, end : str or timestamp-like, default "2024-01-01" and "2025-12-31"
        Naive bounds of the observation window; every timestamp lies in ``[start, end]``.
    n_staff : int, default 5
        Number of company accounts (``S001`` ...), at least 0.

    Returns
    -------
    SyntheticCommunity
        The tables of the data model (``tables()`` maps their names to them), the ``staff`` ids
        (a Series; staff are not customers), the ``seed`` and ``params``: the true BG/NBD
        ``r, alpha, a, b`` and Gamma-Gamma ``p, q, v`` (``time_unit`` "week"), ``mixing``,
        ``n_communities``, the topical forum names and the other arguments. Customer ids are
        ``C00001``, ... in signup order; timestamps are naive ``datetime64[ns]`` in
        ``[start, end]``, and no customer acts before signing up. The planted truth is in
        ``customers``: ``interest_community`` (the partition, ``0 .. n_communities - 1``) and
        ``true_influence`` (latent influence, mean 1). In ``posts``, ``parent_id``,
        ``accepted_answer_id`` and ``views`` are nullable ``Int64`` (the last two set on
        questions only) and ``tags`` is missing except on questions. Every forum answer is also an
        ``answer`` event (answerer to asker) in ``interactions``, and the only one.

    Raises
    ------
    ValueError
        If an argument is out of range; the message names the argument, the constraint and the
        value given.

    Notes
    -----
    Each customer :math:`i` has a lognormal activity :math:`a_i = e^{1.2 y_i}`, a latent
    influence :math:`\phi_i \propto a_i^{0.7} e^{0.7 z_i}` (correlated with activity, not equal
    to it; :math:`y_i, z_i \sim N(0, 1)`) and one planted community :math:`c_i`. Interactions
    start at sources drawn :math:`\propto a_i`; as in the LFR benchmark [3]_ a fraction
    :math:`1-\mu` (``mixing`` :math:`\mu`) of targets is drawn inside :math:`c_i`, the rest
    outside, both :math:`\propto \phi_j`. Pairs repeat (geometric count), 30% of events are
    replied to later, staff accounts take part in about 5% of events, and every forum answer adds
    an ``answer`` event. Answerers (:math:`\propto \phi_j`, plus 10% staff) and commenters
    (:math:`\propto a_j`) are drawn the same way, so the planted mixing holds for every event.

    Purchases follow the BG/NBD model [1]_ in weeks: the first purchase is at signup; while
    alive, customer :math:`i` buys as a Poisson process with rate :math:`\lambda_i` and drops out
    with probability :math:`p_i` right after each repeat purchase,

    .. math::

        \lambda_i \sim \mathrm{Gamma}(r, \alpha), \qquad p_i \sim \mathrm{Beta}(a, b),

        E[X(t)] = \frac{a+b-1}{a-1}\left[1 - \left(\frac{\alpha}{\alpha+t}\right)^r
        {}_2F_1\!\left(r, b; a+b-1; \frac{t}{\alpha+t}\right)\right],

    where :math:`X(t)` counts repeat purchases in the first :math:`t` weeks after signup (every
    Gamma here has a shape and a rate). Spend follows the Gamma-Gamma model [2]_:

    .. math::

        \nu_i \sim \mathrm{Gamma}(q, v), \qquad z_{ij} \sim \mathrm{Gamma}(p, \nu_i), \qquad
        E[z_{ij}] = \frac{p v}{q - 1}.

    Referrers are earlier customers drawn :math:`\propto \phi_j`; about 10% of customers are
    referred, each at most once, shortly before their signup. Idea votes grow with the author's
    influence and implementation becomes likelier with votes.

    References
    ----------
    .. [1] Fader, P. S., Hardie, B. G. S. and Lee, K. L. (2005). "Counting Your Customers" the
       Easy Way: An Alternative to the Pareto/NBD Model. Marketing Science 24(2), 275-284.
    .. [2] Fader, P. S. and Hardie, B. G. S. (2013). The Gamma-Gamma Model of Monetary Value.
       http://www.brucehardie.com/notes/025/
    .. [3] Lancichinetti, A., Fortunato, S. and Radicchi, F. (2008). Benchmark graphs for
       testing community detection algorithms. Physical Review E 78, 046110.

    Examples
    --------
    >>> from socialcrm.datasets import synthetic_community
    >>> data = synthetic_community(500, seed=1, n_communities=4)
    >>> data.customers.shape
    (500, 5)
    >>> list(data.interactions.columns)
    ['source', 'target', 'timestamp', 'kind']
    >>> sorted(data.tables())  # doctest: +NORMALIZE_WHITESPACE
    ['customers', 'ideas', 'interactions', 'memberships', 'posts', 'referrals', 'staff',
     'transactions', 'votes']
    >>> data.staff.tolist()
    ['S001', 'S002', 'S003', 'S004', 'S005']
    >>> data.params["r"], data.params["alpha"], data.params["mixing"]
    (0.25, 4.0, 0.2)
    >>> data.transactions["customer"].nunique()
    500
    """
    n, k = n_customers, n_communities
    _check("n_customers", _is_int(n) and n >= 10, "an int >= 10", n)
    _check("seed", _is_int(seed) and seed >= 0, "a non-negative int", seed)
    _check("n_communities", _is_int(k) and 1 <= k <= n // 5, f"an int in 1..{n // 5}", k)
    real = isinstance(mixing, numbers.Real) and not isinstance(mixing, bool)
    _check("mixing", real and 0.0 <= mixing < 1.0, "a float in [0, 1)", mixing)
    _check("n_staff", _is_int(n_staff) and n_staff >= 0, "an int >= 0", n_staff)
    t0, t1 = _timestamp("start", start), _timestamp("end", end)
    _check("start", t0 < t1, f"before `end` ({t1})", start)

    t0_ns, t1_ns = t0.as_unit("ns").value, t1.as_unit("ns").value
    rngs = [np.random.default_rng(s) for s in np.random.SeedSequence(int(seed)).spawn(8)]
    w = _World(rngs[0], int(n), int(k), int(n_staff), float(mixing), t0_ns, (t1_ns - t0_ns) / 1e9)
    codes = np.arange(w.n)
    customers = w.frame(
        "customers", codes, _labels(_REGIONS, w.region), w.signup, w.community, w.influence
    )
    posts, answers = _posts(rngs[1], w)
    ideas, votes = _ideas(rngs[6], w)
    params = {
        **BGNBD_PARAMS,
        **GAMMA_GAMMA_PARAMS,
        "time_unit": "week",
        "mixing": w.mixing,
        "n_communities": w.k,
        "n_customers": w.n,
        "n_staff": w.n_staff,
        "start": t0,
        "end": t1,
        "communities": w.forums[: w.k],
    }
    return SyntheticCommunity(
        customers=customers,
        interactions=_interactions(rngs[2], w, answers),
        memberships=_memberships(rngs[3], w),
        posts=posts,
        transactions=_transactions(rngs[4], w),
        referrals=_referrals(rngs[5], w),
        ideas=ideas,
        votes=votes,
        staff=pd.Series(w.ids[w.n :].array, name="staff"),
        seed=int(seed),
        params=params,
    )


def _posts(rng, w: _World):
    nq = max(1, round(0.4 * w.n))
    asker = w.pick(rng, nq, w.activity)
    forum = np.where(rng.random(nq) < 0.85, w.community[asker], w.k)
    tq = w.after_signup(rng, asker)
    aq = np.repeat(np.arange(nq), np.where(rng.random(nq) < 0.85, 1 + rng.poisson(0.8, nq), 0))
    ta = tq[aq] + _delay(rng, aq.size, 2 * _HOUR, 1.8)
    ok = lambda r, c: (c != asker[aq[r]]) & (w.signup[c] <= ta[r])  # noqa: E731
    who = w.partners(rng, w.by_influence, w.community[asker[aq]], ok)
    who = np.where(rng.random(aq.size) < 0.1 * (w.n_staff > 0), w.staff(rng, aq.size), who)
    keep = (who >= 0) & (ta <= w.span)
    aq, ta, who = aq[keep], ta[keep], who[keep]
    # The asker accepts the best of score = influence x noise; staff count as 90th percentile.
    strength = np.append(w.influence, np.quantile(w.influence, 0.9))
    ranked = np.lexsort((strength[np.minimum(who, w.n)] * rng.exponential(size=aq.size), aq))
    best = ranked[np.diff(aq[ranked], append=-1) != 0]
    best = best[rng.random(best.size) < 0.55]
    accepted = np.full(nq, -1)
    accepted[aq[best]] = nq + best

    parent_q = np.concatenate((np.arange(nq), aq))
    parent = rng.integers(0, parent_q.size, round(0.5 * parent_q.size))
    tc = np.concatenate((tq, ta))[parent] + _delay(rng, parent.size, 6 * _HOUR, 1.5)
    ok = lambda r, c: w.signup[c] <= tc[r]  # noqa: E731
    commenter = w.partners(rng, w.by_activity, w.community[asker[parent_q[parent]]], ok)
    keep = (commenter >= 0) & (tc <= w.span)
    parent, tc, commenter = parent[keep], tc[keep], commenter[keep]

    t = np.floor(np.concatenate((tq, ta, tc)))
    order = np.argsort(t, kind="stable")
    post_id = np.empty(t.size, dtype=np.int64)
    post_id[order] = np.arange(1, t.size + 1)
    # -1 marks no parent / no accepted answer / not a question; IntegerArray masks those to <NA>.
    parent_all = np.concatenate((np.full(nq, -1), aq, parent))
    accepted_all = np.append(accepted, np.full(t.size - nq, -1))
    views = np.rint(40 * w.influence[asker] ** 0.5 * np.exp(0.8 * rng.normal(size=nq)))
    views = np.append(views + 15 * np.bincount(aq, minlength=nq), np.zeros(t.size - nq))
    frame = w.frame(
        "posts",
        post_id,
        _labels(["question", "answer", "comment"], np.repeat([0, 1, 2], [nq, aq.size, tc.size])),
        pd.arrays.IntegerArray(post_id[parent_all], parent_all < 0),
        np.concatenate((asker, who, commenter)),
        t,
        pd.arrays.IntegerArray(post_id[accepted_all], accepted_all < 0),
        np.append(_tags(rng, w, asker), np.full(t.size - nq, None)),
        pd.arrays.IntegerArray(views.astype(np.int64), np.arange(t.size) >= nq),
        _labels(w.forums, np.concatenate((forum, forum[aq], forum[parent_q[parent]]))),
    )
    return frame.iloc[order].reset_index(drop=True), (who, asker[aq], ta)


def _tags(rng, w: _World, asker: np.ndarray) -> np.ndarray:
    """1-3 distinct tags per question from the vocabulary of the asker's planted community."""
    words = ["", *(f"-{word}" for word in _TAG_WORDS)]
    picks = np.argsort(rng.random((asker.size, len(words))), axis=1)[:, :3]
    count = rng.integers(1, 4, asker.size).tolist()
    rows = zip(w.community[asker].tolist(), picks.tolist(), count, strict=True)
    return np.array(["|".join(w.topics[c] + words[j] for j in row[:m]) for c, row, m in rows])


def _interactions(rng, w: _World, answers) -> pd.DataFrame:
    src = w.pick(rng, round(6.5 * w.n), w.activity)
    tgt = w.partners(rng, w.by_influence, w.community[src], lambda r, c: c != src[r])
    reps = rng.geometric(0.45, src.size) * (tgt >= 0)
    src, tgt = np.repeat(src, reps), np.repeat(tgt, reps)
    lo = np.maximum(w.signup[src], w.signup[tgt])
    t = lo + rng.random(src.size) * (w.span - lo)
    kind = rng.choice(3, size=src.size, p=[0.55, 0.25, 0.2])
    back = np.flatnonzero(rng.random(src.size) < 0.3)
    t_back = t[back] + _delay(rng, back.size, 2 * _HOUR, 1.5)
    back, t_back = back[t_back <= w.span], t_back[t_back <= w.span]
    who, asker, t_ans = answers
    # Staff take part in about 5% of all events, forum answers included. Their other events are
    # replies and mentions, so the "answer" events are exactly the forum answers.
    n_cc = src.size + back.size + np.count_nonzero(who < w.n)
    n_extra = max(0, round(0.05 / 0.95 * n_cc) - np.count_nonzero(who >= w.n)) * (w.n_staff > 0)
    cust, staff = w.pick(rng, n_extra, w.activity), w.staff(rng, n_extra)
    outgoing = rng.random(n_extra) < 0.7
    time = np.concatenate((t, t_back, t_ans, w.after_signup(rng, cust)))
    source = np.concatenate((src, tgt[back], who, np.where(outgoing, staff, cust)))
    target = np.concatenate((tgt, src[back], asker, np.where(outgoing, cust, staff)))
    kinds = np.concatenate((kind, np.zeros(back.size, int), np.full(who.size, 3), 1 - outgoing))
    o = np.argsort(time, kind="stable")
    return w.frame("interactions", source[o], target[o], time[o], _labels(_KINDS, kinds[o]))


def _memberships(rng, w: _World) -> pd.DataFrame:
    n, k = w.n, w.k
    own = np.flatnonzero(rng.random(n) < 0.85)
    extra = np.repeat(np.arange(n), rng.choice(3, size=n, p=[0.75, 0.18, 0.07]) * (k > 1))
    extra_forum = (w.community[extra] + rng.integers(1, max(k, 2), extra.size)) % k
    social = np.sqrt(w.activity / np.median(w.activity))
    general = [
        np.flatnonzero(rng.random(n) < np.minimum(0.9, p * social)) for p in (0.3, 0.15, 0.08)
    ]
    cust = np.concatenate((own, extra, *general))
    general_forum = [np.full(g.size, k + j) for j, g in enumerate(general)]
    forum = np.concatenate((w.community[own], extra_forum, *general_forum))
    is_own = np.arange(cust.size) < own.size
    later = rng.random(cust.size) * 0.5 * (w.span - w.signup[cust])
    joined = w.signup[cust] + np.where(is_own, rng.exponential(3 * _DAY, cust.size), later)
    noise = np.exp(0.5 * rng.normal(size=cust.size))
    weight = w.activity[cust] * np.where(is_own, 1.0, 0.3) * noise
    _, first = np.unique(cust * len(w.forums) + forum, return_index=True)  # drop repeat joins
    o = first[np.lexsort((joined[first], cust[first]))]
    forums = _labels(w.forums, forum[o])
    return w.frame("memberships", cust[o], forums, np.minimum(joined[o], w.span), weight[o])


def _transactions(rng, w: _World) -> pd.DataFrame:
    r, alpha, a, b = (BGNBD_PARAMS[x] for x in ("r", "alpha", "a", "b"))
    p, q, v = (GAMMA_GAMMA_PARAMS[x] for x in ("p", "q", "v"))
    horizon = (w.span - w.signup) / _WEEK
    rate = rng.gamma(r, 1.0 / alpha, w.n)  # numpy takes a scale; alpha and v are rates
    dropout = np.clip(rng.beta(a, b, w.n), 1e-12, 1.0)
    # Alive for J ~ Geometric(p) repeat purchases; N(T) ~ Poisson(lambda T) would happen by T.
    n_poisson = rng.poisson(rate * horizon)
    count = np.minimum(n_poisson, rng.geometric(dropout))
    # The first `count` of N uniform arrival times on (0, T), from exponential spacings:
    # U_(j) = (E_1 + ... + E_j) / (E_1 + ... + E_{N+1}); the unused tail sum is Gamma(N+1-count).
    owner = np.repeat(np.arange(w.n), count)
    cum = np.concatenate(([0.0], np.cumsum(rng.exponential(size=owner.size))))
    ends = np.cumsum(count)
    base = cum[ends - count]
    total = cum[ends] - base + rng.gamma(n_poisson - count + 1.0)
    repeat_time = (cum[1:] - base[owner]) / total[owner] * horizon[owner]
    who = np.concatenate((np.arange(w.n), owner))
    time = np.concatenate((w.signup, w.signup[owner] + repeat_time * _WEEK))
    nu = rng.gamma(q, 1.0 / v, w.n)
    amount = np.maximum(0.01, np.round(rng.gamma(p, 1.0 / nu[who]), 2))
    o = np.argsort(time, kind="stable")
    return w.frame("transactions", who[o], time[o], amount[o])


def _referrals(rng, w: _World) -> pd.DataFrame:
    referee = 1 + rng.choice(w.n - 1, size=round(0.1 * w.n), replace=False)
    cum = np.cumsum(w.influence)
    # Codes follow signup order, so a draw below cum[referee - 1] is an earlier customer.
    referrer = np.searchsorted(cum, rng.random(referee.size) * cum[referee - 1], side="right")
    referrer = np.minimum(referrer, referee - 1)
    sent = w.signup[referee] - rng.exponential(_DAY, referee.size)
    time = np.maximum(sent, w.signup[referrer])
    incentive = np.where(rng.random(referee.size) < 0.7, 10.0, 20.0)
    anyway = np.round(rng.beta(2.0, 5.0, referee.size), 3)
    o = np.argsort(time, kind="stable")
    return w.frame("referrals", referrer[o], referee[o], time[o], incentive, anyway)


def _ideas(rng, w: _World):
    n_ideas = max(1, round(0.15 * w.n))
    author = w.pick(rng, n_ideas, w.activity)
    t_idea = w.after_signup(rng, author)
    popularity = w.influence[author] ** 0.8 * rng.gamma(2.0, 0.5, n_ideas)
    idea = np.repeat(np.arange(n_ideas), rng.poisson(4.0 * popularity))
    voter = w.pick(rng, idea.size, w.activity)
    t_vote = t_idea[idea] + _delay(rng, idea.size, 3 * _DAY, 1.2)
    kind = (rng.random(idea.size) < 0.2).astype(int)
    ok = (voter != author[idea]) & (t_vote <= w.span) & (w.signup[voter] <= t_vote)
    _, first = np.unique(idea[ok] * w.n + voter[ok], return_index=True)  # one per voter and idea
    idea, voter, t_vote, kind = (x[ok][first] for x in (idea, voter, t_vote, kind))

    n_votes = np.bincount(idea, minlength=n_ideas) + 0.5 * rng.random(n_ideas)
    implement = 0.03 + 0.25 * np.argsort(np.argsort(n_votes)) / n_ideas
    u = rng.random(n_ideas)
    status = np.select([u < implement, u < implement + 0.2, u < implement + 0.4], [2, 3, 1], 0)
    value = np.where(status == 2, np.round(2000.0 * np.exp(rng.normal(size=n_ideas)), 2), np.nan)
    # Staff comment on about half of the ideas they have looked at.
    reply = np.flatnonzero((status != 0) & (rng.random(n_ideas) < 0.5 * (w.n_staff > 0)))
    t_reply = t_idea[reply] + _delay(rng, reply.size, 2 * _DAY, 1.0)
    reply, t_reply = reply[t_reply <= w.span], t_reply[t_reply <= w.span]

    o = np.argsort(t_idea, kind="stable")
    idea_id = np.empty(n_ideas, dtype=np.int64)
    idea_id[o] = np.arange(1, n_ideas + 1)
    statuses = _labels(_STATUSES, status[o])
    ideas = w.frame("ideas", idea_id[o], author[o], t_idea[o], statuses, value[o])
    time = np.concatenate((t_vote, t_reply))
    v = np.argsort(time, kind="stable")
    voters = np.concatenate((voter, w.staff(rng, reply.size)))[v]
    kinds = _labels(["vote", "comment"], np.append(kind, np.ones(reply.size, int))[v])
    votes = w.frame("votes", idea_id[np.append(idea, reply)][v], voters, time[v], kinds)
    return ideas, votes

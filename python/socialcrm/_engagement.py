"""Customer engagement value (CEV): purchase, referral, influence and knowledge value."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ._value_inputs import value_series
from .exceptions import InputError

__all__ = ["engagement_value"]

_PARTS = (("clv", "buyer"), ("crv", "referrer"), ("civ", "influencer"), ("ckv", "contributor"))


def engagement_value(
    clv: Any = None, crv: Any = None, civ: Any = None, ckv: Any = None
) -> pd.DataFrame:
    """Customer engagement value: CEV = CLV + CRV + CIV + CKV (Kumar et al. 2010).

    Parameters
    ----------
    clv, crv, civ, ckv : pandas.Series or DataFrame, optional
        Each component per customer id: a Series, or a frame with a column of that name (as
        returned by :func:`referral_value`, :func:`influencer_value`,
        :func:`knowledge_value`). At least one is needed.

    Returns
    -------
    pandas.DataFrame
        Per customer of any component: ``clv``, ``crv``, ``civ``, ``ckv`` (0 where missing),
        ``cev`` (their sum) and ``dominant``: the label of the largest positive component,
        ``buyer`` (CLV), ``referrer`` (CRV), ``influencer`` (CIV) or ``contributor`` (CKV),
        ties to the first in that order, ``none`` when no component is positive.
        ``attrs["missing"]`` lists the components not given (counted 0) and
        ``attrs["notes"]`` the customers missing from a given component.

    Notes
    -----
    .. math:: \\mathrm{CEV}_i = \\mathrm{CLV}_i + \\mathrm{CRV}_i + \\mathrm{CIV}_i
        + \\mathrm{CKV}_i

    Double counting: the sum is meaningful only when the parts do not overlap. A referee's
    margin appears in their own CLV and in the referrer's CRV, and the influenced share of a
    customer's CLV in their influencers' CIV. Kumar et al. add the parts as distinct
    contributions; read CEV as the value a customer *drives*, not as revenue that adds up
    across customers. :func:`influencer_value` already credits only the influenced share;
    take CLV net of it (or CRV margins net of referees' CLV) when a company-wide total is
    wanted.

    References
    ----------
    .. [1] V. Kumar, L. Aksoy, B. Donkers, R. Venkatesan, T. Wiesel and S. Tillmanns,
       "Undervalued or Overvalued Customers: Capturing Total Customer Engagement Value",
       Journal of Service Research 13(3), 2010.

    Examples
    --------
    >>> import pandas as pd
    >>> from socialcrm.value import engagement_value
    >>> clv = pd.Series({"ann": 100.0, "bob": 20.0})
    >>> crv = pd.Series({"bob": 50.0})
    >>> engagement_value(clv=clv, crv=crv)
           clv   crv  civ  ckv    cev  dominant
    ann  100.0   0.0  0.0  0.0  100.0     buyer
    bob   20.0  50.0  0.0  0.0   70.0  referrer
    """
    given = {"clv": clv, "crv": crv, "civ": civ, "ckv": ckv}
    series: dict[str, pd.Series] = {}
    for name, x in given.items():
        if x is None:
            continue
        if isinstance(x, pd.DataFrame):
            if name not in x.columns:
                raise InputError(f"{name}: the frame given has no column '{name}'")
            x = x[name]
        series[name] = value_series(x, name)
    if not series:
        raise InputError("give at least one of clv, crv, civ, ckv")
    idx = pd.Index([])
    for s in series.values():
        idx = idx.append(s.index)
    idx = idx[~idx.duplicated()]
    try:
        idx = idx.sort_values()
    except TypeError:
        pass
    out = pd.DataFrame(index=idx)
    notes = []
    for name, _ in _PARTS:
        if name in series:
            s = series[name]
            missing = int((~idx.isin(s.index)).sum())
            if missing:
                notes.append(f"{name}: {missing} customers without a value counted as 0")
            out[name] = s.reindex(idx, fill_value=0.0).to_numpy(dtype=np.float64)
        else:
            out[name] = 0.0
    comps = out[[n for n, _ in _PARTS]].to_numpy()
    out["cev"] = comps.sum(axis=1)
    best = np.argmax(comps, axis=1) if len(out) else np.zeros(0, dtype=np.int64)
    labels = np.array([lab for _, lab in _PARTS], dtype=object)
    positive = comps.max(axis=1, initial=0.0) > 0 if len(out) else np.zeros(0, dtype=bool)
    out["dominant"] = np.where(positive, labels[best], "none")
    out.attrs["missing"] = [n for n, _ in _PARTS if n not in series]
    out.attrs["notes"] = notes
    return out

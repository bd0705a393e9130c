"""Customer knowledge value (CKV): the value of what customers teach the company and each
other."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ._ideation import IdeationResult
from ._peer_support import PeerSupportResult
from ._value_inputs import annuity, months, nonneg_float
from .exceptions import InputError, InputTypeError

__all__ = ["knowledge_value"]


def knowledge_value(
    peer_support_result: PeerSupportResult | None = None,
    ideation_result: IdeationResult | None = None,
    *,
    value_per_implemented_idea: float = 0.0,
    horizon: str | float = "12M",
    discount_rate: float = 0.01,
) -> pd.DataFrame:
    """Customer knowledge value (CKV): peer answers and implemented ideas, projected and
    discounted.

    Parameters
    ----------
    peer_support_result : PeerSupportResult, optional
        From :func:`peer_support`: each customer's ``deflection_value`` (support contacts their
        peer solutions saved) over its observation window.
    ideation_result : IdeationResult, optional
        From :func:`ideation`: each customer's implemented ideas over its window.
    value_per_implemented_idea : float, default 0.0
        Value of an implemented idea whose ``value`` is not given (or 0).
    horizon : str or float, default "12M"
        Projection horizon :math:`H` in months, or '12M', '2Y', '26W', '90D'.
    discount_rate : float, default 0.01
        Monthly discount rate :math:`d`, as in :func:`~socialcrm.value.clv`.

    Returns
    -------
    pandas.DataFrame
        Per customer of either result: ``deflection_value`` and ``idea_value`` (observed
        totals), ``monthly_value`` (:math:`m_i`) and ``ckv``. ``attrs`` holds ``annuity``
        (:math:`A`) and the windows used.

    Raises
    ------
    InputError
        Neither result given, or a bad parameter.

    Notes
    -----
    Kumar et al. (2010) define CKV as the value of customer feedback and knowledge to the firm
    but give no standard formula. Ours: the observed monthly rate of knowledge value, kept for
    the horizon and discounted monthly,

    .. math::

        m_i = \\frac{D_i}{T_{ps}} + \\frac{\\sum_{k \\in I_i} v_k}{T_{id}}, \\qquad
        \\mathrm{CKV}_i = m_i A, \\qquad A = \\sum_{t=1}^{H} (1 + d)^{-t},

    with :math:`D_i` the deflection value of :math:`i`'s peer solutions, :math:`I_i` their
    implemented ideas, :math:`v_k` an idea's ``value`` (else ``value_per_implemented_idea``),
    and :math:`T` the observation windows in months (at least 1). A fractional last month
    counts pro rata.

    References
    ----------
    .. [1] V. Kumar et al., "Undervalued or Overvalued Customers: Capturing Total Customer
       Engagement Value", Journal of Service Research 13(3), 2010.

    Examples
    --------
    >>> import pandas as pd
    >>> from socialcrm.value import ideation, knowledge_value
    >>> ideas = pd.DataFrame({"idea_id": [1, 2], "author": ["ann", "bob"],
    ...     "created_at": pd.to_datetime(["2024-01-01", "2024-01-02"]),
    ...     "status": ["implemented", "declined"]})
    >>> ckv = knowledge_value(ideation_result=ideation(ideas), value_per_implemented_idea=120,
    ...                       horizon=12, discount_rate=0.0)
    >>> ckv[["idea_value", "monthly_value", "ckv"]]
         idea_value  monthly_value     ckv
    ann       120.0          120.0  1440.0
    bob         0.0            0.0     0.0
    """
    if peer_support_result is None and ideation_result is None:
        raise InputError("give peer_support_result, ideation_result or both")
    if peer_support_result is not None and not isinstance(peer_support_result, PeerSupportResult):
        raise InputTypeError(
            "peer_support_result must be the result of peer_support(), got "
            f"{type(peer_support_result).__name__}"
        )
    if ideation_result is not None and not isinstance(ideation_result, IdeationResult):
        raise InputTypeError(
            f"ideation_result must be the result of ideation(), got "
            f"{type(ideation_result).__name__}"
        )
    per_idea = nonneg_float(value_per_implemented_idea, "value_per_implemented_idea")
    d = nonneg_float(discount_rate, "discount_rate")
    h = months(horizon)
    parts: list[pd.Series] = []
    monthly: list[pd.Series] = []
    windows: dict[str, float] = {}
    if peer_support_result is not None:
        dv = peer_support_result.customers["deflection_value"].astype(float)
        parts.append(dv.rename("deflection_value"))
        monthly.append(dv / peer_support_result.span_months)
        windows["peer_support_months"] = peer_support_result.span_months
    if ideation_result is not None:
        ideas = ideation_result.ideas
        v = ideas["value"].where(ideas["value"] > 0, per_idea).where(ideas["implemented"], 0.0)
        iv = v.groupby(ideas["author"]).sum().astype(float)
        iv = iv.reindex(ideation_result.customers.index, fill_value=0.0)
        parts.append(iv.rename("idea_value"))
        monthly.append(iv / ideation_result.span_months)
        windows["ideation_months"] = ideation_result.span_months
    idx = parts[0].index
    for s in parts[1:]:
        idx = idx.append(s.index)
    idx = idx[~idx.duplicated()]
    try:
        idx = idx.sort_values()
    except TypeError:
        pass
    out = pd.DataFrame(index=idx)
    out["deflection_value"] = 0.0
    out["idea_value"] = 0.0
    for s in parts:
        out[s.name] = s.reindex(idx, fill_value=0.0).to_numpy()
    m = np.zeros(len(idx))
    for s in monthly:
        m += s.reindex(idx, fill_value=0.0).to_numpy()
    # annuity() discounts month t by (1 + D)^(-t/12); D = (1 + d)^12 - 1 makes that (1 + d)^-t.
    a = annuity(h, (1.0 + d) ** 12 - 1.0)
    out["monthly_value"] = m
    out["ckv"] = m * a
    out.attrs.update(annuity=a, horizon_months=h, discount_rate=d, **windows)
    return out

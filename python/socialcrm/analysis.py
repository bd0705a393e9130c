"""One call from a company's raw tables to a Social CRM scorecard: :func:`analyze`.

:func:`analyze` takes whatever tables exist (interactions, customers, memberships, posts,
transactions, referrals, ideas, votes, staff) and runs every analysis they allow: the customer
graph and influence, communities and roles, membership segments, peer support and ideas, and the
value of each customer (CLV, CRV, CIV, CKV, CEV). It returns a :class:`Scorecard`.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from . import _memory, _parts
from ._progress import Steps
from .config import AnalysisConfig, as_config
from .exceptions import DataQualityWarning, InputError

__all__ = ["CUSTOMER_COLUMNS", "Scorecard", "analyze"]

#: The columns of :attr:`Scorecard.customers`, in order, and what they mean. A column is present
#: when the tables it needs were given.
CUSTOMER_COLUMNS: dict[str, str] = _parts.CUSTOMER_COLUMNS

TABLES = ("interactions", "customers", "memberships", "posts", "transactions", "referrals")
TABLES += ("ideas", "votes")


@dataclass(eq=False)
class Scorecard:
    """The result of :func:`analyze`.

    Attributes
    ----------
    customers : pandas.DataFrame
        One row per customer found in any input table, indexed by customer id; the columns are
        described in :data:`CUSTOMER_COLUMNS`.
    communities : pandas.DataFrame
        One row per detected community: size, internal density, conductance, health, value
        totals, top members and the latest change over time.
    advocates : pandas.DataFrame
        The recommended seed set of an advocate program, in order, with marginal and total
        expected reach.
    tables : dict of str to pandas.DataFrame
        Detail tables: community links, community events over time, community health per
        period, membership overlap, forum threads, support by period.
    notes : list of str
        Data-quality and coverage notes: inputs missing, rows left out, analyses skipped.
    config : AnalysisConfig
        The parameters of the run; saved with the results so the run can be repeated.
    figures : dict
        Key figures of the run (counts, totals, seconds per step).
    """

    customers: pd.DataFrame
    communities: pd.DataFrame
    advocates: pd.DataFrame
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    config: AnalysisConfig = field(default_factory=AnalysisConfig)
    figures: dict[str, Any] = field(default_factory=dict)

    def summary(self) -> pd.Series:
        """The key figures as a Series (customers, interactions, communities, value totals)."""
        keep = {k: v for k, v in self.figures.items() if not isinstance(v, dict)}
        return pd.Series(keep, name="value", dtype=object)

    def __repr__(self) -> str:
        f = self.figures
        return (
            f"Scorecard({f.get('customers', len(self.customers))} customers, "
            f"{len(self.communities)} communities, {len(self.advocates)} advocates, "
            f"{len(self.notes)} notes)"
        )

    # -- writing and reading --

    def _frames(self) -> dict[str, pd.DataFrame]:
        return {
            "customers": self.customers,
            "communities": self.communities,
            "advocates": self.advocates,
            **self.tables,
        }

    def _meta(self) -> str:
        meta = {"notes": self.notes, "figures": self.figures}
        return json.dumps(meta, indent=2, default=_json_default) + "\n"

    def to_parquet(self, out_dir: str | os.PathLike[str]) -> list[Path]:
        """Write every table as Parquet, plus ``config.json`` and ``notes.json``, into ``out_dir``.

        Files are written in a temporary directory and moved into place at the end, so an
        interrupted call leaves no half-written file. Returns the paths written.
        """
        return self._write(out_dir, ".parquet", lambda df, p: _plain(df).to_parquet(p))

    def to_csv(self, out_dir: str | os.PathLike[str]) -> list[Path]:
        """Write every table as CSV, plus ``config.json`` and ``notes.json``, into ``out_dir``."""
        return self._write(out_dir, ".csv", lambda df, p: _plain(df).to_csv(p))

    def to_excel(self, path: str | os.PathLike[str]) -> Path:
        """Write every table to one Excel workbook, one sheet per table (needs openpyxl)."""
        try:
            import openpyxl  # noqa: F401
        except ImportError as exc:
            raise ImportError("to_excel needs openpyxl: pip install 'socialcrm[excel]'") from exc
        final = Path(path)
        final.parent.mkdir(parents=True, exist_ok=True)
        with _temporary_sibling(final) as tmp:
            with pd.ExcelWriter(tmp, engine="openpyxl") as xl:
                for name, df in self._frames().items():
                    _plain(df, for_excel=True).to_excel(xl, sheet_name=name[:31])
                notes = pd.DataFrame({"note": self.notes or ["(none)"]})
                notes.to_excel(xl, sheet_name="notes", index=False)
                cfg = pd.json_normalize(self.config.to_dict()).T.rename(columns={0: "value"})
                cfg.astype(str).to_excel(xl, sheet_name="config")
            tmp.replace(final)
        return final

    def report(self, path: str | os.PathLike[str] = "report.html") -> Path:
        """Write the self-contained HTML report a marketer can open; returns its path."""
        from .report import write_report

        return write_report(self, path)

    def _write(
        self,
        out_dir: str | os.PathLike[str],
        suffix: str,
        write: Callable[[pd.DataFrame, Path], object],
    ) -> list[Path]:
        out = Path(out_dir)
        out.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".socialcrm-", dir=out))
        try:
            names = []
            for name, df in self._frames().items():
                write(df, staging / f"{name}{suffix}")
                names.append(f"{name}{suffix}")
            self.config.save(staging / "config.json")
            (staging / "notes.json").write_text(self._meta(), encoding="utf-8")
            names += ["config.json", "notes.json"]
            paths = []
            for name in names:
                (staging / name).replace(out / name)
                paths.append(out / name)
            return paths
        finally:
            shutil.rmtree(staging, ignore_errors=True)

    @classmethod
    def load(cls, out_dir: str | os.PathLike[str]) -> Scorecard:
        """Read a scorecard written by :meth:`to_parquet` (or :meth:`to_csv`)."""
        out = Path(out_dir)
        if not (out / "notes.json").exists():
            raise InputError(f"{out}: no socialcrm results here (notes.json is missing)")
        meta = json.loads((out / "notes.json").read_text(encoding="utf-8"))
        frames = {}
        for p in sorted(out.iterdir()):
            if p.suffix == ".parquet":
                frames[p.stem] = pd.read_parquet(p)
            elif p.suffix == ".csv" and p.stem not in frames:
                frames[p.stem] = pd.read_csv(p, index_col=0)
        return cls(
            customers=frames.pop("customers", pd.DataFrame()),
            communities=frames.pop("communities", pd.DataFrame()),
            advocates=frames.pop("advocates", pd.DataFrame()),
            tables=frames,
            notes=list(meta.get("notes", [])),
            config=AnalysisConfig.load(out / "config.json"),
            figures=dict(meta.get("figures", {})),
        )


def _json_default(value: Any) -> Any:
    if isinstance(value, (np.integer, np.floating, np.bool_)):
        return value.item()
    if isinstance(value, (pd.Timestamp, pd.Timedelta)):
        return str(value)
    raise TypeError(f"not JSON serializable: {type(value).__name__}")


def _plain(df: pd.DataFrame, for_excel: bool = False) -> pd.DataFrame:
    """Lists become comma-joined text and index names are kept, so every writer accepts it."""
    out = df.copy()
    for col in out.columns:
        if out[col].dtype == object and out[col].map(lambda v: isinstance(v, list)).any():
            out[col] = out[col].map(lambda v: ", ".join(map(str, v)) if isinstance(v, list) else v)
        if for_excel and isinstance(out[col].dtype, pd.DatetimeTZDtype):
            out[col] = out[col].dt.tz_localize(None)
    if isinstance(out.index, pd.MultiIndex) or out.index.name is None:
        return out
    return out


@contextmanager
def _temporary_sibling(path: Path) -> Iterator[Path]:
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        yield tmp
    finally:
        if tmp.exists():
            tmp.unlink()


def analyze(
    interactions: Any = None,
    customers: Any = None,
    memberships: Any = None,
    posts: Any = None,
    transactions: Any = None,
    referrals: Any = None,
    ideas: Any = None,
    votes: Any = None,
    staff: Any = None,
    config: AnalysisConfig | dict[str, Any] | str | os.PathLike[str] | None = None,
    *,
    progress: bool | None = None,
) -> Scorecard:
    """Run every analysis the given tables allow and return a :class:`Scorecard`.

    Parameters
    ----------
    interactions, customers, memberships, posts : table, optional
        The company's tables (see below).
    transactions, referrals, ideas, votes : table, optional
        The company's tables (pandas or polars DataFrames, pyarrow Tables) with the column names
        of the socialcrm data model (``source``/``target``/``timestamp`` for interactions,
        ``customer``/``timestamp``/``amount`` for transactions, ...). Rename columns first if
        yours differ. Every table is optional: a missing one skips its analyses with one note.
    staff : sequence of ids, optional
        The company's own accounts; they are flagged, left out of the advocate seed set, and
        measured by the company-centrality figures.
    config : AnalysisConfig, dict or path to a JSON file, optional
        The parameters (:class:`~socialcrm.config.AnalysisConfig`); defaults when omitted.
    progress : bool, optional
        Draw a progress bar per step; by default only in terminals and notebooks.

    Returns
    -------
    Scorecard
        ``.customers`` (one row per customer of any table), ``.communities``, ``.advocates``,
        detail ``.tables``, ``.notes`` and the ``.config`` used.

    What runs with which tables:

    - interactions (or posts, as answerer -> asker): the customer graph, influence measures,
      tie strength, advocate seed set, communities, roles, community profiles and links, and
      community tracking over time when the interactions have timestamps;
    - memberships (or the tags of posts): membership segments and bridging customers;
    - posts: peer support (answers, accepted answers, response times, support deflection) and
      community health;
    - transactions: CLV (BG/NBD and Gamma-Gamma);
    - referrals (with transactions): CRV and the CLV x CRV quadrants;
    - interactions and transactions: CIV; ideas (and votes): ideation and CKV;
    - everything given: CEV = CLV + CRV + CIV + CKV.

    Examples
    --------
    >>> import socialcrm
    >>> data = socialcrm.datasets.synthetic_community(300, seed=1)
    >>> card = socialcrm.analyze(
    ...     interactions=data.interactions, transactions=data.transactions, progress=False
    ... )
    >>> card.customers.index.name, "pagerank" in card.customers, "clv" in card.customers
    ('customer', True, True)
    >>> for note in card.notes[:2]:
    ...     print(note)
    no customers table: customer attributes are not carried into the scorecard
    no memberships table and no tags in posts: membership segments skipped
    """
    cfg = as_config(config)
    given = {
        "interactions": interactions,
        "customers": customers,
        "memberships": memberships,
        "posts": posts,
        "transactions": transactions,
        "referrals": referrals,
        "ideas": ideas,
        "votes": votes,
    }
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", DataQualityWarning)
        run = _parts.Run(cfg, given, staff)
        _memory.check_fits(*run.size())
        steps = Steps(run.step_names(), show=progress)
        for name, step in run.steps():
            with steps.step(name) as report:
                step(report)
        card = run.scorecard(steps.seconds)
    for w in caught:
        if issubclass(w.category, DataQualityWarning):
            card.notes.append(str(w.message))
        else:
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
    return card

"""An early check that a job fits in memory, so it fails with a message instead of being killed."""

from __future__ import annotations

import os

from .exceptions import ResourceError

# Peak bytes per input row or customer of a full analysis, on the safe side: for the benchmark's
# 10^6 customers / 2 x 10^7 interactions (benches/bench_analyze.py) they estimate 9.0 GB against
# a measured peak of 5.4 GiB.
BYTES_PER_INTERACTION = 160
BYTES_PER_ROW = 200
BYTES_PER_CUSTOMER = 4096


def available_bytes() -> int | None:
    """Memory the system can still give this process (Linux ``MemAvailable``), or None."""
    try:
        with open("/proc/meminfo", encoding="ascii") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        return int(os.sysconf("SC_AVPHYS_PAGES")) * int(os.sysconf("SC_PAGE_SIZE"))
    except (AttributeError, ValueError, OSError):
        return None


def estimate_bytes(n_interactions: int, n_other_rows: int, n_customers: int) -> int:
    """Estimated peak memory of an analysis of this size."""
    return (
        n_interactions * BYTES_PER_INTERACTION
        + n_other_rows * BYTES_PER_ROW
        + n_customers * BYTES_PER_CUSTOMER
    )


def check_fits(
    n_interactions: int, n_other_rows: int, n_customers: int, available: int | None = None
) -> int:
    """Raises ResourceError when the estimate exceeds 90% of the available memory.

    Returns the estimate in bytes.
    """
    need = estimate_bytes(n_interactions, n_other_rows, n_customers)
    have = available_bytes() if available is None else available
    if have is not None and need > 0.9 * have:
        raise ResourceError(
            f"this analysis needs about {need / 2**30:.1f} GiB ({n_customers:,} customers, "
            f"{n_interactions:,} interactions, {n_other_rows:,} other rows) but only "
            f"{have / 2**30:.1f} GiB is available; run it on a machine with more memory, or "
            "on a sample or a shorter period of the data"
        )
    return need

"""Communities: the segments customers form themselves.

Customers group around shared jobs and interests, implicitly (who talks with whom) and explicitly
(which forums and groups they join). This module detects those communities, scores how good a
segmentation is, gives each member a role, follows communities over time and profiles them.
"""

from __future__ import annotations

__all__: list[str] = []

# -- detection: leiden, louvain, label_propagation, resolution_profile, Partition --
from ._detection import label_propagation, leiden, louvain, resolution_profile
from ._partition import Partition

__all__ += ["Partition", "label_propagation", "leiden", "louvain", "resolution_profile"]

# -- evaluation: modularity, conductance, coverage, nmi, ari, variation_of_information --
from ._evaluation import (
    ari,
    conductance,
    coverage,
    modularity,
    nmi,
    variation_of_information,
)

__all__ += ["ari", "conductance", "coverage", "modularity", "nmi", "variation_of_information"]

# -- roles, memberships, tracking, profiles --
from ._memberships import Memberships, from_memberships
from ._profile import profile
from ._roles import ROLE_LABELS, roles
from ._tracking import Tracking, leiden_over_time, track

__all__ += [
    "ROLE_LABELS",
    "Memberships",
    "Tracking",
    "from_memberships",
    "leiden_over_time",
    "profile",
    "roles",
    "track",
]

"""Customer value: what customers buy, and the value they co-create with other customers.

Customer Engagement Value (Kumar et al. 2010) adds up four parts: purchase value (CLV), referral
value (CRV), influence value (CIV) and knowledge value (CKV).
"""

from __future__ import annotations

__all__: list[str] = []

# -- purchase value: rfm, calibration_holdout, BetaGeo, GammaGamma, ParetoNBD, clv --
from ._btyd import BetaGeo, GammaGamma
from ._clv import clv, clv_from_rfm
from ._rfm import calibration_holdout, rfm

__all__ += ["BetaGeo", "GammaGamma", "calibration_holdout", "clv", "clv_from_rfm", "rfm"]

# -- co-creation: referral_value, influencer_value, peer_support, ideation, knowledge_value,
#    community_health, company_centrality, engagement_value --
from ._company import company_centrality
from ._engagement import engagement_value
from ._health import community_health
from ._ideation import IdeationResult, gini, ideation
from ._influence_value import influencer_value
from ._knowledge import knowledge_value
from ._peer_support import PeerSupportResult, peer_support
from ._referral import referral_value, value_quadrants

__all__ += [
    "IdeationResult",
    "PeerSupportResult",
    "community_health",
    "company_centrality",
    "engagement_value",
    "gini",
    "ideation",
    "influencer_value",
    "knowledge_value",
    "peer_support",
    "referral_value",
    "value_quadrants",
]

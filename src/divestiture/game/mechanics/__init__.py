"""The lever mechanics, one entry per mechanic name the rules may give a lever."""

from __future__ import annotations

from divestiture.game.mechanics.base import Mechanic
from divestiture.game.mechanics.diligence import DueDiligence
from divestiture.game.mechanics.on_deal import BlockDeal, ClearDeal, EndorseDeal, OpposeDeal
from divestiture.game.mechanics.options import BriefPresident, OrderDivestiture, PutUpForSale
from divestiture.game.mechanics.plain import Effects, ExtendDeadline
from divestiture.game.mechanics.requirements import SetMitigations

MECHANICS: dict[str, Mechanic] = {
    m.name: m
    for m in (
        Effects(),
        ExtendDeadline(),
        OrderDivestiture(),
        SetMitigations(),
        BriefPresident(),
        EndorseDeal(),
        OpposeDeal(),
        ClearDeal(),
        BlockDeal(),
        DueDiligence(),
        PutUpForSale(),
    )
}

__all__ = ["MECHANICS", "Mechanic"]

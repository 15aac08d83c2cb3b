"""What the bots read from a rules file: the tags of tracks and levers, what each lever
is for, and the brief fields each role's bot needs.

Bots name no scenario's ids (ARCHITECTURE.md). A scenario says which of its tracks and
levers play which part with the small vocabularies below; ``scenario.py`` checks them
at load, and docs/RULES.md explains each one for teachers.
"""

from __future__ import annotations

from typing import Literal, get_args

from divestiture.game.types import Algorithm, Scope

# A track's part in the bots' reasoning (rules: ``tracks.<id>.tags``). The security
# risk and the value prices are anchored on are named elsewhere in the rules
# (``deal_risk.track``, ``term_sheets.value_track``).
TrackTag = Literal["ban_threat", "public_outcry", "political_pressure"]
TRACK_TAGS: tuple[TrackTag, ...] = get_args(TrackTag)
# Tags every scenario must give one track: the buyers' bots read them.
REQUIRED_TRACK_TAGS: tuple[TrackTag, ...] = ("ban_threat", "public_outcry")
# Which bots read each, for the loader's messages.
TRACK_TAG_READERS: dict[TrackTag, str] = {
    "ban_threat": "a buyer's bot bids lower as it climbs",
    "public_outcry": "a buyer's bot stays out of any deal while it runs high",
    "political_pressure": "a bot uses a lobbying lever when it runs high",
}

# What a plain-effects lever is for (rules: ``levers.<id>.tags``).
LeverTag = Literal["ban_order", "tighten", "ask_advice", "review", "safeguard", "lobbying"]
LEVER_TAGS: tuple[LeverTag, ...] = get_args(LeverTag)
# Tags the bots expect on one lever at most.
SINGLE_LEVER_TAGS: frozenset[LeverTag] = frozenset({"ban_order", "tighten", "ask_advice", "review"})
# Tags whose lever the bots know was used by the flags it sets.
FLAG_LEVER_TAGS: frozenset[LeverTag] = frozenset({"ask_advice", "review"})

Role = Literal["seller", "buyers", "president", "regulator"]
ROLES: tuple[Role, ...] = get_args(Role)
# A seat of each role, in a sentence.
ROLE_WORDS: dict[Role, str] = {
    "seller": "the seller",
    "buyers": "a buyer",
    "president": "the president",
    "regulator": "the regulator",
}
# The roles whose bots use a lever of each tag: the lever must be held by one of them.
LEVER_TAG_ROLES: dict[LeverTag, tuple[Role, ...]] = {
    "ban_order": ("president",),
    "tighten": ("president",),
    "ask_advice": ("president",),
    "review": ("regulator",),
    "safeguard": ("seller",),
    "lobbying": ("seller", "buyers"),
}

# What a lever with a mechanic is for: the mechanic says it, so it carries no tags.
Mechanic = Literal[
    "effects",
    "extend_deadline",
    "order_divestiture",
    "set_mitigations",
    "brief_president",
    "endorse_deal",
    "oppose_deal",
    "clear_deal",
    "block_deal",
    "due_diligence",
    "put_up_for_sale",
]
MechanicPurpose = Literal[
    "extend",
    "order",
    "require",
    "advise",
    "endorse",
    "oppose",
    "clear",
    "block",
    "investigate",
    "for_sale",
]
MECHANIC_PURPOSES: dict[Mechanic, MechanicPurpose] = {
    "extend_deadline": "extend",
    "order_divestiture": "order",
    "set_mitigations": "require",
    "brief_president": "advise",
    "endorse_deal": "endorse",
    "oppose_deal": "oppose",
    "clear_deal": "clear",
    "block_deal": "block",
    "due_diligence": "investigate",
    "put_up_for_sale": "for_sale",
}
# What a bot looks a lever up by: a mechanic's purpose or a plain lever's tag.
Purpose = MechanicPurpose | LeverTag

# What an option of an advice lever (mechanic ``brief_president``) recommends
# (rules: ``levers.<id>.option_tags``).
OptionTag = Literal["advise_deal", "advise_order", "advise_ban"]
OPTION_TAGS: tuple[OptionTag, ...] = get_args(OptionTag)

# The brief fields each role's bot reads: a number range, or for ``essential`` a choice
# of data and governance terms. Scoring reads several of them too.
BriefKind = Literal["number", "choice"]
ROLE_BRIEF_NEEDS: dict[Role, dict[str, BriefKind]] = {
    "seller": {f"reservation_{scope.value}": "number" for scope in Scope},
    "buyers": {"walk_away": "number"},
    "president": {"hawkishness": "number"},
    "regulator": {"risk_tolerance": "number", "essential": "choice"},
}
# Brief fields a buyer's bot reads when they are there (0 when not): numbers if given.
BUYER_BRIEF_EXTRAS: frozenset[str] = frozenset(
    {"capital", "mitigation_cost"}
    | {f"scope_bonus_{scope.value}" for scope in Scope}
    | {f"algorithm_bonus_{algorithm.value}" for algorithm in Algorithm}
)

# The traits each role's bot reads (rules: bots.personalities.<seat>.*.traits), each
# documented in the bot's module under game/bots/; a trait left out reads as its default.
_LOBBYING_TRAITS = ("lobby_chance", "lobby_heat")
ROLE_TRAITS: dict[Role, frozenset[str]] = {
    "seller": frozenset({"ban_fear", "propose_at", "mitigate", "widen", *_LOBBYING_TRAITS}),
    "buyers": frozenset(
        {
            "bid_at",
            "joint",
            "joint_share",
            "exploit",
            "transfer",
            "scope",
            "all_mitigations",
            "mess",
            *_LOBBYING_TRAITS,
        }
    ),
    "president": frozenset({"hawk", "ban_at", "tighten", "extend", "endorse_risk"}),
    "regulator": frozenset(
        {"slack", "extra_requirements", "order_at", "global_order", "ban_advice"}
    ),
}

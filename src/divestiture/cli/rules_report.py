"""``divest rules check``: a one-screen summary of a scenario, or every problem in it."""

from __future__ import annotations

from collections import Counter

from divestiture.game.scenario import Scenario
from divestiture.game.tags import ROLES


def summary(sc: Scenario, path: str) -> str:
    """A one-screen description of a valid scenario."""
    lines = [f"{path}: valid scenario '{sc.id}'", f"  {sc.title}", ""]
    per_seat = Counter(s for lv in sc.levers.values() for s in lv.seats)
    roles = {seat: role for role in ROLES for seat in sc.role_seats(role)}
    width = max(12, *(len(s.id) for s in sc.seats))
    lines.append("Seats")
    for seat in sc.seats:
        state = "" if seat.enabled else "  (optional, off)"
        n = per_seat.get(seat.id, 0)
        levers = f"{n} lever{'' if n == 1 else 's'}"
        role = f"  ({roles[seat.id].removesuffix('s')})" if seat.id in roles else ""
        lines.append(f"  {seat.id:<{width}} {seat.name:<22} {levers:<9}{role}{state}")
    lines.append("Tracks")
    width = max(14, *(len(tid) for tid in sc.tracks))
    for tid, t in sc.tracks.items():
        unit = f" {t.unit}" if t.unit else ""
        # What the bots read it as (docs/RULES.md, "What the bots read").
        parts: list[str] = [*t.tags]
        parts += ["deal risk"] if tid == sc.deal_risk.track else []
        parts += ["prices"] if tid == sc.term_sheets.value_track else []
        read = f"  ({', '.join(parts)})" if parts else ""
        lines.append(f"  {tid:<{width}} start {t.start:>3}{unit}  range {t.min}..{t.max}{read}")
    r = sc.rounds
    lines.append(
        f"Rounds       {r.count} ({', '.join(r.names[: r.count])}); "
        f"{r.negotiate_actions_per_seat} deal moves a seat per negotiation"
    )
    by_phase = Counter(str(lv.phase) for lv in sc.levers.values())
    lines.append(
        f"Levers       {len(sc.levers)}: "
        + ", ".join(f"{n} in {phase}" for phase, n in sorted(by_phase.items()))
    )
    lines.append(f"News deck    {len(sc.news.cards)} cards, each quoting {sc.source}")
    secrets = sum(len(b) for b in sc.briefs.values())
    lines.append(f"Briefs       {secrets} secret values for {len(sc.briefs)} seats")
    lines.append(f"Outcomes     {', '.join(o.id for o in sc.outcomes)}")
    if sc.timeline:
        first, last = sc.timeline[0].date, sc.timeline[-1].date
        lines.append(f"Timeline     {len(sc.timeline)} events, {first} to {last}")
    return "\n".join(lines)

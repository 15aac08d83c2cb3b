"""``divest rules check``: a one-screen summary of a scenario, or every problem in it."""

from __future__ import annotations

from collections import Counter

from divestiture.game.scenario import Scenario


def summary(sc: Scenario, path: str) -> str:
    """A one-screen description of a valid scenario."""
    lines = [f"{path}: valid scenario '{sc.id}'", f"  {sc.title}", ""]
    per_seat = Counter(s for lv in sc.levers.values() for s in lv.seats)
    lines.append("Seats")
    for seat in sc.seats:
        state = "" if seat.enabled else "  (optional, off)"
        n = per_seat.get(seat.id, 0)
        lines.append(f"  {seat.id:<12} {seat.name:<22} {n} lever{'' if n == 1 else 's'}{state}")
    lines.append("Tracks")
    for tid, t in sc.tracks.items():
        unit = f" {t.unit}" if t.unit else ""
        lines.append(f"  {tid:<14} start {t.start:>3}{unit}  range {t.min}..{t.max}")
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

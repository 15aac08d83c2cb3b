"""Records built without a second validation equal the validated ones."""

from __future__ import annotations

from divestiture.game.actions import Propose, Stake, Terms
from divestiture.game.records import trusted
from divestiture.game.state import ChatMessage, FeedItem, TermSheet
from divestiture.game.types import Algorithm, Scope, SeatId, SheetId, SheetStatus

TERMS = Terms(
    buyers=(Stake(seat=SeatId("microsoft"), percent=100),),
    seller_stake=0,
    scope=Scope.US,
    price=30,
    algorithm=Algorithm.LICENSE,
    rounds_to_close=2,
)


def test_made_records_equal_validated_ones() -> None:
    """``made`` fills defaults and gives the same record, dump and JSON as validation."""
    cases = [
        (ChatMessage, {"sender": "microsoft", "to": ("bytedance",), "text": "hi", "round": 1}),
        (FeedItem, {"round": 2, "kind": "news", "text": "A headline"}),
    ]
    for cls, fields in cases:
        made = cls.made(**fields)  # type: ignore[attr-defined]
        validated = cls.model_validate(fields)  # type: ignore[attr-defined]
        assert made == validated
        assert made.model_dump() == validated.model_dump()
        assert made.model_dump_json() == validated.model_dump_json()


def test_defaults_given_by_pydantic_fields_are_filled() -> None:
    """A field declared ``Field(default=...)`` gets its default, not the FieldInfo."""
    made = trusted(Propose, {"terms": TERMS, "replaces": SheetId("ts-1")})
    validated = Propose(terms=TERMS, replaces=SheetId("ts-1"))
    assert made == validated
    assert (made.version, made.rationale, made.note) == (None, "", "")
    assert made.model_dump_json() == validated.model_dump_json()


def test_new_sheet_and_its_changes_equal_validated_ones() -> None:
    """A proposed sheet, signed and given a new status, round-trips through validation."""
    sheet = TermSheet.new(SheetId("ts-1"), SeatId("microsoft"), TERMS, SeatId("bytedance"), 1)
    for record in (
        sheet,
        sheet.signed_by(SeatId("bytedance")),
        sheet.with_status(SheetStatus.LAPSED),
    ):
        again = TermSheet.model_validate_json(record.model_dump_json())
        assert again == record
        assert again.model_dump() == record.model_dump()
    assert sheet.status == SheetStatus.OPEN  # the original is unchanged
    assert sheet.signed_by(SeatId("bytedance")).signatures == ("bytedance", "microsoft")

"""The table screen's panels: each owns its pygame_gui widgets and posts intents."""

from __future__ import annotations

from pygame_gui.core import ObjectID


def oid(class_id: str | None = None, object_id: str | None = None) -> ObjectID:
    """A pygame_gui ObjectID: ``@class`` picks a style in assets/theme.json."""
    return ObjectID(object_id=object_id, class_id=class_id)

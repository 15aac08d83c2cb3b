"""The table screen's panels: each owns its pygame_gui widgets and posts intents."""

from __future__ import annotations

import pygame
import pygame_gui
from pygame_gui.core import ObjectID
from pygame_gui.elements import UIButton, UIWindow


def oid(class_id: str | None = None, object_id: str | None = None) -> ObjectID:
    """A pygame_gui ObjectID: ``@class`` picks a style in assets/theme.json."""
    return ObjectID(object_id=object_id, class_id=class_id)


def dismissed(event: pygame.event.Event, window: UIWindow, cancel: UIButton) -> bool:
    """Whether ``event`` closes a dialog: its window's close box, or its Cancel button."""
    if event.type == pygame_gui.UI_WINDOW_CLOSE:
        return bool(event.ui_element is window)
    return bool(event.type == pygame_gui.UI_BUTTON_PRESSED and event.ui_element is cancel)

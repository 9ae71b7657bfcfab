"""What happened in the hall, as messages for the screens and devices.

The service layer builds them inside its transaction (so they show the state
that was committed) and hands them out only after the commit.
"""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Message:
    """``name`` is the realtime event; ``zone``/``window``/``category``/``kiosk`` say whom it concerns."""
    name: str
    payload: dict
    zone: str | None = None
    category: str | None = None
    window: int | None = None
    kiosk: str | None = None
    agent: int | None = None
    audience: frozenset[str] = field(default_factory=frozenset)


# Audiences a message may be for; the realtime layer maps them to its rooms.
SUPERVISORS = "supervisors"    # consoles: everything
DESK = "desk"                  # counter terminals: their window's messages, else their categories' 
DISPLAYS = "displays"          # lobby screens: the hall's, and the message's zone's
WINDOW = "window"              # the screen above the message's window (and its pad)
PAD = "pad"                    # only the evaluation pad of the message's window
KIOSK = "kiosk"                # the kiosk named in the message
AGENTS = "agents"              # every device agent (they drive LED screens and keypads)
AGENT = "agent"                # the one agent named in the message
PUBLIC = "public"              # ticket track pages

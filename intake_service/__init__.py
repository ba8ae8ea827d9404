"""pos-intake: feedback intake for public bodies (see DESIGN.md in the steering repo)."""

from __future__ import annotations

__version__ = "0.1.0"

"""Messages of the citizen's follow-through: tracking (followup/)."""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {}

"""Messages of the citizen's follow-through: agency (followup/)."""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {}

"""Polls, votes and discussions: the words of the residents' pages, the badge's tab and the inline block (the shared ones are in `polls.py`)."""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {}

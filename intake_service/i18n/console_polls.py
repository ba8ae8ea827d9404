"""Polls, votes and discussions: the words of the console's pages for operators (the shared ones are in `polls.py`)."""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {}

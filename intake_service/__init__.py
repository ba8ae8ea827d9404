"""pos-intake: feedback intake for public bodies (README.md says how to use it, ARCHITECTURE.md how it is built)."""

from __future__ import annotations

__version__ = "0.1.0"

"""`python -m intake_service` is the same as the `pos-intake` command."""

from __future__ import annotations

from intake_service.cli import main

raise SystemExit(main())

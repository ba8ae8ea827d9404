"""The appeal form: its page (page.py), its token renewed (renewal.py), the appeals already
filed at the place chosen (similar.py) and its submission (submission.py), with the loader
and the old ПОС banner's ids (pos_banner.py)."""

from __future__ import annotations

from starlette.routing import Route

from intake_service.assets import embed_js
from intake_service.form.page import form_page
from intake_service.form.pos_banner import ROUTES as POS_BANNER_ROUTES
from intake_service.form.renewal import renew_token
from intake_service.form.similar import follow, similar
from intake_service.form.submission import submit

ROUTES = [
    Route("/embed.js", embed_js, methods=["GET"]),
    Route("/w/{org}/form", form_page, methods=["GET"]),
    Route("/w/{org}/form/token", renew_token, methods=["POST"]),
    Route("/w/{org}/similar", similar, methods=["POST"]),
    Route("/w/{org}/follow", follow, methods=["POST"]),
    Route("/w/{org}/appeals", submit, methods=["POST"]),
    *POS_BANNER_ROUTES,
]

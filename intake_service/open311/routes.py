"""The GeoReport v2 routes, gathered for `create_app`. Each resource takes `.json` or `.xml`."""

from __future__ import annotations

from starlette.routing import Route

from intake_service.open311 import PREFIX
from intake_service.open311.requests import get_request, get_requests, get_token, post_request
from intake_service.open311.services import discovery, service_definition, services

ROUTES = [
    Route(PREFIX + "/discovery.{fmt}", discovery, methods=["GET"]),
    Route(PREFIX + "/services.{fmt}", services, methods=["GET"]),
    Route(PREFIX + "/services/{code}.{fmt}", service_definition, methods=["GET"]),
    Route(PREFIX + "/requests.{fmt}", get_requests, methods=["GET"]),
    Route(PREFIX + "/requests.{fmt}", post_request, methods=["POST"]),
    Route(PREFIX + "/requests/{id}.{fmt}", get_request, methods=["GET"]),
    Route(PREFIX + "/tokens/{token}.{fmt}", get_token, methods=["GET"]),
]

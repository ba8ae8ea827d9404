"""The JSON API under /api/v1 and the tracking link."""

from __future__ import annotations

from starlette.routing import Route

from intake_service.api import appeals, queue, replies
from intake_service.api.requests import ROW_ID
from intake_service.followup import tracking_routes

ROUTES = [
    Route("/api/v1/appeals", appeals.create_appeal, methods=["POST"], name="create_appeal"),
    Route("/api/v1/categories", appeals.list_categories, methods=["GET"], name="categories"),
    Route(
        f"/api/v1/appeals/{{id:uuid}}/photos/{{n:{ROW_ID}}}",
        appeals.appeal_photo,
        methods=["GET"],
        name="photo",
    ),
    Route("/api/v1/appeals/{appeal}/status", replies.status, methods=["POST"], name="reply_status"),
    Route("/api/v1/appeals/{appeal}/answer", replies.answer, methods=["POST"], name="reply_answer"),
    *tracking_routes.ROUTES,
    Route("/api/v1/queue", queue.pull, methods=["GET"], name="queue_pull"),
    Route("/api/v1/queue/ack", queue.ack, methods=["POST"], name="queue_ack"),
]

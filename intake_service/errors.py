"""The error tree: every refusal the service gives is an `IntakeError` with a status and a stable
problem `type`, rendered by one handler (`intake_service.problems`) as RFC 9457 problem+json.

A subclass names what went wrong; `reason` is the short word that goes into the intake log's
`rejected` event and the rejection metric, so that operators can count and filter by it.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from intake_service.i18n import t

# RFC 9457 suggests a tag URI for types that need not be dereferenceable; each is listed in the
# README with what a client should do about it.
PROBLEM_BASE = "tag:pos-intake,2026:problem/"
STREAM_RETRY_SECONDS = 10


class IntakeError(Exception):
    status: int = 500
    slug: str = "internal"
    title_key: str = "problem.internal"
    logged: bool = True  # written to the intake log as `rejected`

    def __init__(
        self, detail_key: str | None = None, *, reason: str | None = None, **values: Any
    ) -> None:
        super().__init__(detail_key or self.slug)
        self.detail_key = detail_key
        self.values = values
        self.reason = reason or self.slug

    @property
    def type(self) -> str:
        return PROBLEM_BASE + self.slug

    def headers(self) -> dict[str, str]:
        return {}

    def body(self, lang: str) -> dict[str, Any]:
        body: dict[str, Any] = {
            "type": self.type,
            "title": t(self.title_key, lang),
            "status": self.status,
        }
        if self.detail_key:
            body["detail"] = t(self.detail_key, lang, **self.values)
        return body


class Unauthorized(IntakeError):
    status, slug, title_key = 401, "unauthorized", "problem.unauthorized"

    def headers(self) -> dict[str, str]:
        return {"WWW-Authenticate": 'Bearer realm="pos-intake"'}


class SignInRequired(IntakeError):
    """A console page or call without a live session: a browser is sent to the sign-in page
    (and back afterwards), a script gets 401. Not a refused appeal: not written to the log."""

    status, slug, title_key = 401, "sign-in-required", "problem.sign-in-required"
    logged = False

    def __init__(self, next_path: str = "/console", *, expired: bool = False) -> None:
        super().__init__("detail.sign-in-required")
        self.next_path = next_path
        self.expired = expired  # the request named a session that has run out

    @property
    def location(self) -> str:
        """Where a browser is sent: the sign-in page, which comes back here afterwards (and
        says the session ran out, when it did)."""
        return (
            "/console/signin?next="
            + quote(self.next_path, safe="/")
            + ("&expired=1" if self.expired else "")
        )


class CsrfFailed(IntakeError):
    """A console change without the session's CSRF token, or from another site."""

    status, slug, title_key = 403, "csrf", "problem.csrf"


class MetricsUnauthorized(Unauthorized):
    """/metrics with POS_METRICS_TOKEN set, and no or another token: the same problem type as a
    missing API key, with a title that does not send the scraper looking for one."""

    title_key = "problem.metrics-unauthorized"

    def __init__(self) -> None:
        super().__init__("detail.metrics-token", reason="metrics-token")


class BadJSON(IntakeError):
    status, slug, title_key = 400, "bad-json", "problem.bad-json"


class BadForm(IntakeError):
    """A form body the parser could not read: a field past the parser's part size, too many
    fields or files, broken multipart framing. The client's error, never an internal one."""

    status, slug, title_key = 400, "bad-form", "problem.bad-form"


class Forbidden(IntakeError):
    """The organisation does not allow this origin, or the request did not come from our form."""

    status, slug, title_key = 403, "forbidden", "problem.forbidden"


class FormExpired(IntakeError):
    status, slug, title_key = 400, "form-expired", "problem.form-expired"


class FormInvalid(IntakeError):
    """A form token that is not ours, belongs to another organisation, or was already used."""

    status, slug, title_key = 400, "form-invalid", "problem.form-invalid"


class PollNotOpen(IntakeError):
    """A ballot or comment for a poll that has closed or not opened yet."""

    status, slug, title_key = 409, "poll-not-open", "problem.poll-not-open"


class AlreadyVoted(IntakeError):
    """A second ballot of the same voter (the poll's identity level): nothing counted twice."""

    status, slug, title_key = 409, "already-voted", "problem.already-voted"

    def body(self, lang: str) -> dict[str, Any]:
        body = super().body(lang)
        if self.values.get("answers") is not None:  # the voter's own choice, shown back to them
            body["answers"] = self.values["answers"]
        return body


class ResultsHidden(IntakeError):
    """Results asked for before the poll lets them be shown (shown at closing or published)."""

    status, slug, title_key = 403, "results-hidden", "problem.results-hidden"


class IdentityRequired(IntakeError):
    """A ballot without the identity the poll's level asks for (a confirmed e-mail, a sign-in
    at the identity provider)."""

    status, slug, title_key = 403, "identity-required", "problem.identity-required"


class Spam(IntakeError):
    status, slug, title_key = 422, "spam", "problem.spam"


class NotFound(IntakeError):
    status, slug, title_key = 404, "not-found", "problem.not-found"


class MethodNotAllowed(IntakeError):
    status, slug, title_key = 405, "method-not-allowed", "problem.method-not-allowed"


class PayloadTooLarge(IntakeError):
    status, slug, title_key = 413, "payload-too-large", "problem.payload-too-large"


class HeadersTooLarge(IntakeError):
    status, slug, title_key = 431, "headers-too-large", "problem.headers-too-large"

    def __init__(self, *, limit: int) -> None:
        super().__init__("detail.headers-too-large", limit=limit)


class UnsupportedMediaType(IntakeError):
    status, slug, title_key = 415, "unsupported-media-type", "problem.unsupported-media-type"


class ValidationFailed(IntakeError):
    """Per-field errors: each `(field, message_key, values)`; all are reported, not just the first."""

    status, slug, title_key = 422, "validation", "problem.validation"

    def __init__(self, errors: list[tuple[str, str, dict[str, Any]]]) -> None:
        fields = ", ".join(dict.fromkeys(field for field, _, _ in errors))
        codes = ",".join(dict.fromkeys(f"{field}:{key.split('.')[-1]}" for field, key, _ in errors))
        super().__init__("detail.validation", reason=f"validation {codes}", fields=fields)
        self.errors = errors

    def body(self, lang: str) -> dict[str, Any]:
        body = super().body(lang)
        body["errors"] = [
            {
                "field": field,
                "pointer": "#/" + field.replace(".", "/"),
                "code": key.split(".", 1)[1],
                "detail": t(key, lang, **values),
            }
            for field, key, values in self.errors
        ]
        return body


class BadParameter(IntakeError):
    """A request to the embedded queue whose parameters are out of range: each error names the
    parameter and, in words, what it takes. Not `validation`, whose title speaks of an appeal."""

    status, slug, title_key = 400, "bad-parameter", "problem.bad-parameter"

    def __init__(self, errors: list[tuple[str, str, dict[str, Any]]]) -> None:
        names = ", ".join(dict.fromkeys(name for name, _, _ in errors))
        super().__init__("detail.bad-parameter", reason=f"bad-parameter {names}", names=names)
        self.errors = errors

    def body(self, lang: str) -> dict[str, Any]:
        body = super().body(lang)
        body["errors"] = [
            {"parameter": name, "code": key.split(".", 1)[1], "detail": t(key, lang, **values)}
            for name, key, values in self.errors
        ]
        return body


class QueueOff(IntakeError):
    """A pull from an organisation whose embedded queue is turned off, once nothing is left in
    it: a consumer polling in vain is told so instead of getting empty lists forever."""

    status, slug, title_key = 409, "queue-off", "problem.queue-off"

    def __init__(self, org: str) -> None:
        super().__init__("detail.queue-off", org=org)


class IdempotencyConflict(IntakeError):
    status, slug, title_key = 422, "idempotency-conflict", "problem.idempotency-conflict"


class RateLimited(IntakeError):
    status, slug, title_key = 429, "rate-limited", "problem.rate-limited"

    def __init__(self, retry_after: int, *, scope: str) -> None:
        super().__init__("detail.rate-limited", reason=f"rate-limited {scope}", seconds=retry_after)
        self.retry_after = retry_after

    def headers(self) -> dict[str, str]:
        return {"Retry-After": str(self.retry_after)}


class TooManyStreams(RateLimited):
    """A console live stream past the cap of its session or client address
    (console/streams.py): the same problem type as any rate limit, with words that say to close
    other tabs; a slot frees as soon as another stream of theirs ends."""

    def __init__(self, limit: int, *, scope: str) -> None:
        IntakeError.__init__(
            self, "detail.too-many-streams", reason=f"rate-limited {scope}", limit=limit
        )
        self.retry_after = STREAM_RETRY_SECONDS


class Unavailable(IntakeError):
    status, slug, title_key = 503, "unavailable", "problem.unavailable"

    def __init__(self, detail: str, *, retry_after: int = 5) -> None:
        super().__init__(None, reason=f"unavailable {detail}")
        self.retry_after = retry_after

    def headers(self) -> dict[str, str]:
        return {"Retry-After": str(self.retry_after)}

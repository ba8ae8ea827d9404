"""Signed tokens (itsdangerous).

A tracking token is the appeal's id with a signature: it needs no table, cannot be guessed or
forged, and stays valid across restarts because the key is kept (settings.secret_key or the one
generated into the database).

A form token is issued with every form page. It binds the organisation, the embedding origin the
service verified, the page URL, the loader version, a one-time nonce and the issue time, so that
the submission is tagged from what the service itself saw when it served the form — never from
fields the browser sends back. The iframe keeps no cookie: this token is its whole state.

The issue time travels in the payload in milliseconds: the serializer's own timestamp (used for
expiry) has whole seconds only, and a truncated issue time would make the form look up to a second
older than it is — enough for a robot to slip under the minimum fill time.

A form token also names the database that issued it (`store.instance_id`): its nonce is spent in
that database's `form_nonces`, so on another node, with the same key but its own database, the
same token could file once more. Another node's token is refused as `other-node`.
"""

from __future__ import annotations

import hashlib
import hmac
import uuid
from dataclasses import dataclass

from itsdangerous import BadSignature, SignatureExpired, Signer, URLSafeTimedSerializer


class FormTokenError(Exception):
    """The form token is not one of ours (`forged`), too old (`expired`), or issued by another
    node (`other-node`)."""

    def __init__(self, why: str) -> None:
        super().__init__(why)
        self.why = why


@dataclass(frozen=True)
class FormGrant:
    org: str
    origin: str  # "" when the form was opened as a full page, not embedded
    page_url: str | None
    loader_version: str | None
    nonce: str
    issued_at: float


@dataclass(frozen=True)
class Citizen:
    """A citizen signed in at the identity provider, as its verified claims said: what an
    identified appeal records (`citizen_sub`) and what fills its name and e-mail."""

    sub: str
    name: str
    email: str | None
    issuer: str


# The cookie a poll's page gets its voter's sign-in back in (followup/signin_routes.py sets it,
# polls/ reads it): an identity token, path /p, for a few minutes.
POLL_IDENTITY_COOKIE = "pos_poll_identity"


class Tokens:
    def __init__(self, secret_key: str, issuer: str = "") -> None:
        self._tracking = Signer(secret_key, salt="pos-intake.tracking")
        self._form = URLSafeTimedSerializer(secret_key, salt="pos-intake.form")
        self._identity = URLSafeTimedSerializer(secret_key, salt="pos-intake.identity")
        self._confirm = URLSafeTimedSerializer(secret_key, salt="pos-intake.confirm")
        self._signin = URLSafeTimedSerializer(secret_key, salt="pos-intake.signin")
        self._cabinet = URLSafeTimedSerializer(secret_key, salt="pos-intake.cabinet")
        self._follow = URLSafeTimedSerializer(secret_key, salt="pos-intake.follow")
        self._ballot = URLSafeTimedSerializer(secret_key, salt="pos-intake.ballot")
        self._voter = hmac.new(secret_key.encode(), b"pos-intake.voter", hashlib.sha256).digest()
        self.issuer = issuer

    def identity(self, citizen: Citizen) -> str:
        """The signed proof of a sign-in that the popup hands the form (by postMessage) and the
        form sends with the appeal: the iframe keeps no cookie, this token is its state."""
        return self._identity.dumps([citizen.sub, citizen.name, citizen.email, citizen.issuer])

    def read_identity(self, token: str, max_age: float) -> Citizen | None:
        """The citizen of an identity token, or None if forged or older than `max_age`."""
        try:
            sub, name, email, issuer = self._identity.loads(token, max_age=max_age)
        except (BadSignature, UnicodeError, ValueError, TypeError):
            return None
        return Citizen(str(sub), str(name), str(email) if email else None, str(issuer))

    def signin_state(self, state: dict[str, str]) -> str:
        """The sign-in's state, nonce, PKCE verifier and purpose, kept in the popup's own
        short-lived cookie between leaving for the identity provider and coming back."""
        return self._signin.dumps(state)

    def read_signin_state(self, token: str, max_age: float) -> dict[str, str] | None:
        try:
            state = self._signin.loads(token, max_age=max_age)
        except (BadSignature, UnicodeError, ValueError):
            return None
        return state if isinstance(state, dict) else None

    def cabinet(self, sub: str, email: str | None) -> str:
        """The "my appeals" session: the signed-in citizen's subject and the e-mail address the
        provider verified (None if it vouched for none), nothing else."""
        return self._cabinet.dumps([sub, email])

    def read_cabinet(self, token: str, max_age: float) -> tuple[str, str | None] | None:
        try:
            value = self._cabinet.loads(token, max_age=max_age)
        except (BadSignature, UnicodeError, ValueError):
            return None
        if isinstance(value, str):  # a session from before the e-mail was carried
            return value, None
        if isinstance(value, list) and len(value) == 2 and isinstance(value[0], str):
            return value[0], value[1] if isinstance(value[1], str) else None
        return None

    def confirm(self, held_id: str) -> str:
        """The e-mail confirmation link's token of a held appeal (expiry: the held row's own
        `expires_at`; reuse: its state)."""
        return self._confirm.dumps(held_id)

    def read_confirm(self, token: str) -> str | None:
        try:
            held_id = self._confirm.loads(token)
        except (BadSignature, UnicodeError, ValueError):
            return None
        return held_id if isinstance(held_id, str) else None

    def follow(self, follow_id: int) -> str:
        """The token of a follower's links (followup/follows.py): confirming, within
        `max_age` of the e-mail; stopping, at any time."""
        return self._follow.dumps(follow_id)

    def read_follow(self, token: str, max_age: float | None = None) -> int | None:
        try:
            follow_id = self._follow.loads(token, max_age=max_age)
        except (BadSignature, UnicodeError, ValueError):
            return None
        return follow_id if isinstance(follow_id, int) and not isinstance(follow_id, bool) else None

    def ballot(self, kind: str, row_id: int | str) -> str:
        """A link or cookie naming one row of the polls' tables: `confirm` (a held ballot's
        e-mailed link), `browser` (the browser's own voter id, a random string), `comment` (an
        author's link to their comment). Expiry is the caller's `max_age` or the row's own."""
        return self._ballot.dumps([kind, row_id])

    def read_ballot(self, kind: str, token: str, max_age: float | None = None) -> int | str | None:
        try:
            value = self._ballot.loads(token, max_age=max_age)
        except (BadSignature, UnicodeError, ValueError):
            return None
        if not (isinstance(value, list) and len(value) == 2 and value[0] == kind):
            return None
        row_id = value[1]
        return row_id if isinstance(row_id, int | str) and not isinstance(row_id, bool) else None

    def voter(self, level: str, identity: str) -> str:
        """The identity a ballot is counted under, as stored: keyed with the service's secret,
        so the table of ballots names no address and no subject, and a list of addresses
        cannot be hashed to find who voted."""
        digest = hmac.new(self._voter, f"{level}:{identity}".encode(), hashlib.sha256)
        return f"{level}:{digest.hexdigest()[:40]}"

    def tracking(self, appeal_id: str) -> str:
        return self._tracking.sign(uuid.UUID(appeal_id).hex).decode()

    def appeal_id(self, tracking_token: str) -> str | None:
        """The appeal a tracking token names, or None if it is not one of ours."""
        try:
            raw = self._tracking.unsign(tracking_token.encode()).decode()
            return str(uuid.UUID(hex=raw))
        except (BadSignature, ValueError, UnicodeError):
            return None

    def form(self, grant: FormGrant) -> str:
        payload = [
            grant.org,
            grant.origin,
            grant.page_url,
            grant.loader_version,
            grant.nonce,
            round(grant.issued_at * 1000),
            self.issuer,
        ]
        return self._form.dumps(payload)

    def read_form(self, token: str, max_age: float) -> FormGrant:
        try:
            payload = self._form.loads(token, max_age=max_age)
        except SignatureExpired:
            raise FormTokenError("expired") from None
        except (BadSignature, UnicodeError, ValueError):
            raise FormTokenError("forged") from None
        # A token of the six-field format of earlier versions has no issuer: it reads as forged
        # (a form opened before the upgrade is refused once and must be reloaded).
        if not (isinstance(payload, list) and len(payload) == 7 and isinstance(payload[5], int)):
            raise FormTokenError("forged")
        org, origin, page_url, version, nonce, issued_ms, issuer = payload
        if issuer != self.issuer:
            raise FormTokenError("other-node")
        return FormGrant(org, origin, page_url, version, nonce, issued_ms / 1000)

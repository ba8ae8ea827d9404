"""OpenID Connect sign-in at the deployment's identity provider (an ESIA-like IdP): the
authorization code flow with PKCE (S256), a nonce and a state.

The provider is found through its discovery document. The ID token's signature is checked
against the provider's published keys (joserfc), and its issuer, audience, expiry and nonce
against what this sign-in sent; the name and e-mail come from its claims or, if absent, from
the userinfo endpoint — an e-mail only when the provider says it is verified.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import time
from typing import Any
from urllib.parse import urlencode

import httpx
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from intake_service.settings import Settings
from intake_service.tokens import Citizen

TIMEOUT = 10.0
CLOCK_SKEW = 120


class SignInFailed(Exception):
    """The provider refused or answered something we cannot trust; `why` goes to the log."""

    def __init__(self, why: str) -> None:
        super().__init__(why)
        self.why = why


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class OidcClient:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._metadata: dict[str, Any] | None = None
        self._keys: KeySet | None = None
        # One TLS context for every call: httpx builds one per client otherwise, loading the CA
        # bundle each time — about 20 ms of CPU on the event loop, twice per sign-in.
        self._tls = httpx.create_ssl_context() if self.configured else None

    def _client(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(timeout=TIMEOUT, verify=self._tls or True)

    @property
    def configured(self) -> bool:
        return bool(self.settings.oidc_issuer and self.settings.oidc_client_id)

    async def _get(self, url: str) -> dict[str, Any]:
        async with self._client() as client:
            reply = await client.get(url)
        if reply.status_code != 200:
            raise SignInFailed(f"HTTP {reply.status_code} from {url}")
        return reply.json()

    async def metadata(self) -> dict[str, Any]:
        if self._metadata is None:
            issuer = self.settings.oidc_issuer.rstrip("/")
            self._metadata = await self._get(f"{issuer}/.well-known/openid-configuration")
        return self._metadata

    async def start(self, redirect_uri: str) -> tuple[str, dict[str, str]]:
        """(the provider's authorization URL, what the callback must check)."""
        meta = await self.metadata()
        state, nonce, verifier = (secrets.token_urlsafe(32) for _ in range(3))
        challenge = _b64(hashlib.sha256(verifier.encode()).digest())
        query = urlencode(
            {
                "response_type": "code",
                "client_id": self.settings.oidc_client_id,
                "redirect_uri": redirect_uri,
                "scope": self.settings.oidc_scopes,
                "state": state,
                "nonce": nonce,
                "code_challenge": challenge,
                "code_challenge_method": "S256",
            }
        )
        url = f"{meta['authorization_endpoint']}?{query}"
        return url, {"state": state, "nonce": nonce, "verifier": verifier}

    async def finish(self, code: str, redirect_uri: str, kept: dict[str, str]) -> Citizen:
        meta = await self.metadata()
        s = self.settings
        async with self._client() as client:
            reply = await client.post(
                meta["token_endpoint"],
                data={
                    "grant_type": "authorization_code",
                    "code": code,
                    "redirect_uri": redirect_uri,
                    "code_verifier": kept["verifier"],
                },
                auth=(s.oidc_client_id, s.oidc_client_secret),
            )
            if reply.status_code != 200:
                raise SignInFailed(f"token endpoint answered HTTP {reply.status_code}")
            tokens = reply.json()
            claims = await self._verified(str(tokens.get("id_token") or ""), kept["nonce"])
            if ("name" not in claims or "email" not in claims) and meta.get("userinfo_endpoint"):
                info = await client.get(
                    meta["userinfo_endpoint"],
                    headers={"Authorization": f"Bearer {tokens.get('access_token', '')}"},
                )
                if info.status_code == 200 and info.json().get("sub") == claims["sub"]:
                    claims = {**info.json(), **claims}
        name = claims.get("name") or " ".join(
            str(claims[k]) for k in ("family_name", "given_name", "middle_name") if claims.get(k)
        )
        email = claims.get("email") if claims.get("email_verified") is True else None
        return Citizen(str(claims["sub"]), str(name or claims["sub"]), email, s.oidc_issuer)

    async def _verified(self, id_token: str, nonce: str) -> dict[str, Any]:
        if not id_token:
            raise SignInFailed("no id_token")
        meta = await self.metadata()
        if self._keys is None:
            self._keys = KeySet.import_key_set(await self._get(meta["jwks_uri"]))
        try:
            claims = dict(jwt.decode(id_token, self._keys).claims)
        except (JoseError, ValueError) as exc:
            self._keys = None  # the provider may have rotated its keys: fetch them next time
            raise SignInFailed(f"id_token not verified: {type(exc).__name__}") from None
        audience = claims.get("aud")
        audiences = audience if isinstance(audience, list) else [audience]
        if claims.get("iss") != meta.get("issuer"):
            raise SignInFailed("id_token from another issuer")
        if self.settings.oidc_client_id not in audiences:
            raise SignInFailed("id_token for another client")
        if float(claims.get("exp") or 0) < time.time() - CLOCK_SKEW:
            raise SignInFailed("id_token expired")
        if claims.get("nonce") != nonce:
            raise SignInFailed("id_token nonce does not match")
        if not claims.get("sub"):
            raise SignInFailed("id_token without a subject")
        return claims

"""A real OpenID Connect provider for the tests: oidc-provider-mock in its own process (it is
not imported here: its imports warn, and warnings are errors in this suite)."""

from __future__ import annotations

import json
import subprocess
import sys
import time

import httpx

from conftest import free_port

CITIZENS = (
    {
        "sub": "citizen-anna",
        "name": "Анна Петрова",
        "email": "anna@example.ru",
        "email_verified": True,
    },
    {
        "sub": "citizen-boris",
        "name": "Борис Иванов",
        "email": "boris@example.ru",
        "email_verified": True,
    },
    {
        "sub": "citizen-vera",
        "name": "Вера Соколова",
        "email": "vera@почта.рф",  # a Cyrillic domain, as the provider stores it
        "email_verified": True,
    },
)


class IdentityProvider:
    def __init__(self) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._process: subprocess.Popen | None = None

    @property
    def env(self) -> dict[str, str]:
        return {
            "POS_OIDC_ISSUER": self.url,
            "POS_OIDC_CLIENT_ID": "pos-intake",
            "POS_OIDC_CLIENT_SECRET": "client-secret-for-tests",
        }

    def start(self) -> IdentityProvider:
        args = [sys.executable, "-W", "ignore", "-m", "oidc_provider_mock", "-p", str(self.port)]
        for citizen in CITIZENS:
            args += ["--user-claims", json.dumps(citizen, ensure_ascii=False)]
        self._process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                if httpx.get(self.url + "/.well-known/openid-configuration").status_code == 200:
                    return self
            except httpx.TransportError:
                time.sleep(0.1)
        raise AssertionError("the identity provider did not start")

    def stop(self) -> None:
        if self._process is not None:
            self._process.terminate()
            self._process.wait(10)

"""Allowed site origins of an organisation: exact (`https://mo-manturovo.ru`), with a wildcard
host part (`https://*.kostroma.ru`, which does not match the bare `kostroma.ru`) or with a
wildcard port (`http://localhost:*`). Patterns are checked when they are added so that a typo is
refused with a message instead of silently never matching."""

from __future__ import annotations

import re
from dataclasses import dataclass

_LABEL = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
_HOST = re.compile(rf"^(?:\*\.)?{_LABEL}(?:\.{_LABEL})*$")
_IPV6 = re.compile(r"^\[[0-9a-f:.]+\]$")
_DEFAULT_PORTS = {"http": 80, "https": 443}


class OriginError(ValueError):
    """Not an origin pattern; the message says what is wrong and shows the right form."""


@dataclass(frozen=True)
class OriginPattern:
    scheme: str
    host: str  # may start with "*."
    port: int | None  # None means any port ("*")

    def __str__(self) -> str:
        port = "*" if self.port is None else str(self.port)
        if self.port == _DEFAULT_PORTS[self.scheme]:
            return f"{self.scheme}://{self.host}"
        return f"{self.scheme}://{self.host}:{port}"

    def matches(self, origin: str) -> bool:
        try:
            other = parse_origin(origin)
        except OriginError:
            return False
        if other.scheme != self.scheme or other.host.startswith("*."):
            return False
        if self.port is not None and other.port != self.port:
            return False
        if self.host.startswith("*."):
            return other.host.endswith(self.host[1:]) and other.host != self.host[2:]
        return other.host == self.host


def parse_origin(text: str) -> OriginPattern:
    """Parse `scheme://host[:port]`; raise OriginError with a readable reason."""
    raw = text.strip()
    hint = "write it as https://example.ru, https://*.example.ru or http://localhost:*"
    scheme, sep, rest = raw.partition("://")
    scheme = scheme.lower()
    if not sep or scheme not in _DEFAULT_PORTS:
        raise OriginError(
            f"{raw!r} is not an origin: it must start with http:// or https://; {hint}"
        )
    if not rest or any(c in rest for c in "/?#@ "):
        raise OriginError(f"{raw!r} is not an origin: no path, query or user part; {hint}")
    rest = rest.lower()
    if rest.startswith("["):
        host, _, port_text = rest.partition("]")
        host += "]"
        port_text = port_text[1:] if port_text.startswith(":") else port_text
        if not _IPV6.match(host):
            raise OriginError(f"{raw!r}: {host} is not an IPv6 address")
    else:
        host, _, port_text = rest.partition(":")
        if not _HOST.match(host):
            raise OriginError(f"{raw!r}: {host!r} is not a host name; {hint}")
    if port_text == "*":
        port = None
    elif port_text == "":
        port = _DEFAULT_PORTS[scheme]
    elif port_text.isdigit() and 0 < int(port_text) < 65536:
        port = int(port_text)
    else:
        raise OriginError(f"{raw!r}: the port must be a number from 1 to 65535 or *")
    return OriginPattern(scheme, host, port)


def normalise_origin(text: str) -> str:
    """The canonical spelling stored and shown for a pattern (lower case, default port dropped)."""
    return str(parse_origin(text))


def origin_allowed(origin: str, patterns: list[str]) -> bool:
    return any(parse_origin(p).matches(origin) for p in patterns)

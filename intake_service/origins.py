"""Allowed site origins of an organisation: exact (`https://mo-manturovo.ru`), with a wildcard
host part (`https://*.kostroma.ru`, which does not match the bare `kostroma.ru`) or with a
wildcard port (`http://localhost:*`). Patterns are checked when they are added so that a typo is
refused with a message instead of silently never matching.

International domain names (`https://мантурово.рф`) are stored and matched in the ASCII
(punycode) form, because that is what browsers put in `Origin`, `location.origin` and what a
`frame-ancestors` source must be; people are shown the Unicode spelling next to it
(`display_origin`). Either spelling is accepted wherever an origin is read.

A wildcard directly under a public suffix (`*.ru`, `*.msk.ru`, `*.github.io`) is refused when a
pattern is added (`normalise_pattern`): it would let every site under that suffix embed the form.
That is a registry rule, not a parsing rule, so patterns stored before it still parse and match
(and can be removed)."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

import idna

if TYPE_CHECKING:
    from publicsuffixlist import PublicSuffixList

_LABEL = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
_HOST = re.compile(rf"(?:\*\.)?{_LABEL}(?:\.{_LABEL})*")
_IPV6 = re.compile(r"\[[0-9a-f:.]+\]")
# ASCII digits only: str.isdigit() also takes "²" or "٣", which int() then refuses.
_PORT = re.compile(r"[0-9]{1,5}")
_DEFAULT_PORTS = {"http": 80, "https": 443}
# "https://", a host name of at most 253 characters, ":" and a port: anything longer is no origin
ORIGIN_MAX = 8 + 253 + 6
_HINT = "write it as https://example.ru, https://*.example.ru or http://localhost:*"


class OriginError(ValueError):
    """Not an origin pattern; the message says what is wrong and shows the right form."""


@dataclass(frozen=True)
class OriginPattern:
    scheme: str
    host: str  # ASCII (punycode) form; may start with "*."
    port: int | None  # None means any port ("*")

    def __str__(self) -> str:
        return self.spell(self.host)

    def spell(self, host: str) -> str:
        """This pattern's scheme and port around another spelling of the host."""
        if self.port == _DEFAULT_PORTS[self.scheme]:
            return f"{self.scheme}://{host}"
        port = "*" if self.port is None else str(self.port)
        return f"{self.scheme}://{host}:{port}"

    @property
    def wildcard(self) -> bool:
        return self.host.startswith("*.")

    def matches(self, origin: str) -> bool:
        try:
            other = parse_origin(origin)
        except OriginError:
            return False
        if other.scheme != self.scheme or other.wildcard:
            return False
        if self.port is not None and other.port != self.port:
            return False
        if self.wildcard:
            return other.host.endswith(self.host[1:]) and other.host != self.host[2:]
        return other.host == self.host


@functools.lru_cache(maxsize=4096)
def parse_origin(text: str) -> OriginPattern:
    """Parse `scheme://host[:port]`; raise OriginError with a readable reason.

    Cached: the form parses the organisation's stored patterns on every request, and an IDN
    host costs an IDNA round trip."""
    if len(text) > ORIGIN_MAX:
        # before any parsing, pattern or IDNA work, and before the text is echoed in the error
        raise OriginError(f"an origin has at most {ORIGIN_MAX} characters; {_HINT}")
    raw = text.strip()
    scheme, sep, rest = raw.partition("://")
    scheme = scheme.lower()
    if not sep or scheme not in _DEFAULT_PORTS:
        raise OriginError(
            f"{raw!r} is not an origin: it must start with http:// or https://; {_HINT}"
        )
    if not rest or any(c in rest for c in "/?#@ \\"):
        raise OriginError(f"{raw!r} is not an origin: no path, query or user part; {_HINT}")
    if rest.startswith("["):
        host, _, port_text = rest.lower().partition("]")
        host += "]"
        port_text = port_text[1:] if port_text.startswith(":") else port_text
        if not _IPV6.fullmatch(host):
            raise OriginError(f"{raw!r}: {host} is not an IPv6 address")
    else:
        host, _, port_text = rest.partition(":")
        host = _ascii_host(raw, host)
    if port_text == "*":
        port = None
    elif port_text == "":
        port = _DEFAULT_PORTS[scheme]
    elif _PORT.fullmatch(port_text) and 0 < int(port_text) < 65536:
        port = int(port_text)
    else:
        raise OriginError(
            f"{raw!r}: the port must be a number from 1 to 65535 (digits 0-9) or *; {_HINT}"
        )
    return OriginPattern(scheme, host, port)


def _split_wildcard(host: str) -> tuple[str, str]:
    """("*.", the rest) of a wildcard host, ("", host) of any other."""
    return ("*.", host[2:]) if host.startswith("*.") else ("", host)


def _ascii_host(raw: str, host: str) -> str:
    """The host as browsers send it: lower case, international labels in punycode (IDNA 2008
    with the UTS 46 mapping, so `МАНТУРОВО.РФ` and `мантурово.рф` are the same host)."""
    prefix, name = _split_wildcard(host)
    if name.isascii():
        name = name.lower()
    else:
        try:
            name = idna.encode(name, uts46=True).decode("ascii")
        except UnicodeError as exc:
            raise OriginError(
                f"{raw!r}: {name!r} is not a valid international domain name ({exc}); {_HINT}"
            ) from None
    if not _HOST.fullmatch(prefix + name):
        raise OriginError(f"{raw!r}: {host!r} is not a host name; {_HINT}")
    for label in name.split("."):
        if label.startswith("xn--"):
            # A mistyped punycode label would never match what a browser sends.
            try:
                idna.decode(label)
            except UnicodeError as exc:
                raise OriginError(
                    f"{raw!r}: {label!r} is not a valid punycode label ({exc}); "
                    "paste the domain in Cyrillic instead, e.g. https://мантурово.рф"
                ) from None
    return prefix + name


def normalise_origin(text: str) -> str:
    """The canonical spelling stored and matched (lower case, punycode, default port dropped)."""
    return str(parse_origin(text))


def normalise_pattern(text: str) -> str:
    """`normalise_origin` plus the registry's rule for new patterns: no wildcard directly under a
    public suffix, and no origin whose host is itself one (`https://ru` is nobody's site)."""
    pattern = parse_origin(text)
    if pattern.host.startswith("["):
        return str(pattern)
    base = _split_wildcard(pattern.host)[1]
    # accept_unknown=False: names not in the list (localhost, *.test) are not suffixes here.
    if _public_suffixes().is_public(base, accept_unknown=False):
        shown = _unicode_host(base)
        own = ("example." if shown.isascii() else "пример.") + shown
        if pattern.wildcard:
            raise OriginError(
                f"{pattern.spell('*.' + shown)} would let every site under .{shown} embed the "
                f"form; name your own domain: {pattern.spell('*.' + own)}"
            )
        raise OriginError(
            f"{pattern.spell(shown)} is a public suffix, not a site; name your own domain: "
            f"{pattern.spell(own)}"
        )
    return str(pattern)


@functools.cache
def _public_suffixes() -> PublicSuffixList:
    """Built once, on first use (reading the bundled list takes ~0.1 s): only adding a pattern
    needs it, never matching a request."""
    from publicsuffixlist import PublicSuffixList

    return PublicSuffixList()


def _unicode_host(host: str) -> str:
    prefix, name = _split_wildcard(host)
    if not any(label.startswith("xn--") for label in name.split(".")):
        return host
    try:
        return prefix + idna.decode(name)
    except UnicodeError:
        return host


def display_origin(stored: str) -> str:
    """How a stored pattern is shown to people: the Unicode spelling with the ASCII host the
    browsers send in brackets (`https://мантурово.рф (xn--80ae2affblpj.xn--p1ai)`); plain ASCII
    origins unchanged. Showing both keeps a look-alike Unicode host from passing unnoticed."""
    try:
        pattern = parse_origin(stored)
    except OriginError:
        return stored
    shown = _unicode_host(pattern.host)
    if shown == pattern.host:
        return str(pattern)
    return f"{pattern.spell(shown)} ({pattern.host})"


def origin_allowed(origin: str, patterns: list[str]) -> bool:
    return any(_pattern_matches(p, origin) for p in patterns)


def _pattern_matches(pattern: str, origin: str) -> bool:
    """A stored pattern that no longer parses (stricter rules than when it was added) matches
    nothing rather than turning every request into an error."""
    try:
        return parse_origin(pattern).matches(origin)
    except OriginError:
        return False


def embedding_origin(raw: str, allowed: list[str]) -> tuple[str, bool]:
    """The origin a loader reported for the page that frames us, and whether the organisation
    allows it: normalised, or — when it is no origin at all — what the client wrote, short and on
    one printable line, for the log's reason. An empty origin (a full page) is allowed."""
    if not raw:
        return "", True
    try:
        origin = normalise_origin(raw)
    except OriginError:
        return "".join(c if c.isprintable() else "?" for c in raw[:100]), False
    return origin, origin_allowed(origin, allowed)

"""Who a ballot is counted under — the identity the poll's level asks for, never a cookie alone
above the lowest level:

- `anyone`: one per browser — a random voter id the browser keeps (a cookie on the full pages,
  the badge's storage in the dialog) — and, since a browser can forget it, a budget per poll
  and client address (polls' own rate limiter) that bounds what one address can add;
- `email`: one per confirmed address — the address as written in any case is one voter, and
  the ballot counts only when the link mailed to it is opened (ballots.py `confirm_op`);
- `identified`: one per subject of the identity provider — the sign-in's signed identity token
  (the popup's, as the official appeal's form uses, or the poll page's sign-in).

The stored key is keyed with the service's secret (`Tokens.voter`): deleting a cabinet session,
clearing a browser's cookies or writing the address in capitals gives the same key for the
same identity, and the ballots table names no one.
"""

from __future__ import annotations

from dataclasses import dataclass

from intake_service.tokens import Citizen, Tokens

BROWSER_ID_BYTES = 18


@dataclass(frozen=True)
class Voter:
    key: str  # as stored in poll_ballots.voter
    email: str | None = None  # the e-mail level's address, where the confirmation goes
    citizen: Citizen | None = None  # the identified level's sign-in


def by_browser(tokens: Tokens, browser_id: str) -> Voter:
    return Voter(tokens.voter("browser", browser_id))


def by_email(tokens: Tokens, email: str) -> Voter:
    """The confirmed-address voter: one key for an address in any case (RFC 5321 lets the
    local part be case-sensitive, but no mail system in use treats it so, and a voter who
    writes it in capitals must not vote twice)."""
    address = email.strip()
    return Voter(tokens.voter("email", address.casefold()), email=address)


def by_citizen(tokens: Tokens, citizen: Citizen) -> Voter:
    return Voter(tokens.voter("subject", f"{citizen.issuer}|{citizen.sub}"), citizen=citizen)

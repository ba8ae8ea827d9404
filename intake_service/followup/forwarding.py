"""To whom an operator may forward an appeal by hand: the bodies its organisation works with —
the organisations its own routing rules name as competent, and its parent's tree (the parent,
its siblings and everything below them; an organisation without a parent: its own tree) — or,
for a platform admin, any organisation.

Another organisation's rules are not this one's business: an organisation some unrelated body
routes to is not offered (it would then read an appeal, and its history, that nothing linked
it to). What the receiving organisation sees of the sender's handling is decided by the one
rule of visibility (intake_service/visibility.py) and the appeal page's history, which shows
another organisation's events without their internal notes or operators' e-mails."""

from __future__ import annotations

from intake_service.console.auth import Operator
from intake_service.directory import OrgDirectory
from intake_service.orgs import Org


def forward_candidates(directory: OrgDirectory, operator: Operator, org_id: int) -> list[Org]:
    orgs = directory.orgs()
    if operator.user.platform:
        return sorted((o for o in orgs if o.id != org_id), key=lambda o: o.name)
    own = directory.org(org_id)
    root = directory.org_by_slug(own.parent) if own.parent else None
    near = set(directory.family((root or own).id))
    near |= directory.route_targets(org_id)
    near.discard(org_id)
    return sorted((o for o in orgs if o.id in near), key=lambda o: o.name)

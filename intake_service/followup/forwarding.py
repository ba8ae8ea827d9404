"""To whom an operator may forward an appeal by hand: the bodies an organisation works with —
its parent, its children, its siblings under the same parent, and every organisation some
routing rule names as competent — or, for a platform admin, any organisation."""

from __future__ import annotations

from intake_service.console.auth import Operator
from intake_service.directory import OrgDirectory
from intake_service.orgs import Org


def forward_candidates(directory: OrgDirectory, operator: Operator, org_id: int) -> list[Org]:
    orgs = directory.orgs()
    if operator.user.platform:
        return sorted((o for o in orgs if o.id != org_id), key=lambda o: o.name)
    own = directory.org(org_id)
    near = {o.id for o in orgs if o.slug == own.parent}
    near |= {o.id for o in orgs if o.parent and o.parent in (own.slug, own.parent)}
    near |= directory.route_targets()
    near.discard(org_id)
    return sorted((o for o in orgs if o.id in near), key=lambda o: o.name)

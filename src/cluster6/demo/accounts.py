"""One demo account per role, with a fixed, documented password (docs/demo-data.md).

The passwords are public. `setup_demo` therefore refuses to run when settings.DEBUG is off unless it is
forced: these accounts must never reach a production database by accident.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Case, Count, IntegerField, Value, When

from cluster6.accounts.constants import Role
from cluster6.accounts.models import Membership, User
from cluster6.audit.services import audit_record
from cluster6.registry.constants import CLUSTER6, DataOrigin, OrganisationKind
from cluster6.registry.models import Organisation, ProductionLocation

from . import geography as geo
from .generator import FOUNDATION_NAME, MINISTRY_NAME, RVO_NAME, DemoOrganisation, grid_key, province_key
from .loader import institutions_ensure, provinces_ensure

#: The grid operator of the demo netbeheerder account.
DEMO_GRID_OPERATOR = "Liander"


def demo_username(role: str) -> str:
    return f"demo-{role}"


def demo_password(role: str) -> str:
    """The fixed demo password of a role (public; see the module docstring)."""
    return f"cluster6-{role}"


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: str
    organisation: str
    password: str
    created: bool


def _demo_company(user: User | None) -> Organisation | None:
    """The demo company account's organisation: the one it has, else the company with the most cluster-6
    locations in Gelderland (demo companies first, then by name)."""
    if user is not None:
        current = (
            Membership.objects.filter(
                user=user, role=Role.BEDRIJF, organisation__kind=OrganisationKind.COMPANY
            )
            .select_related("organisation")
            .order_by("pk")
            .first()
        )
        if current is not None:
            return current.organisation
    best = (
        ProductionLocation.objects.filter(
            province__code=geo.GELDERLAND, cluster=CLUSTER6, operator__kind=OrganisationKind.COMPANY
        )
        .values("operator")
        .annotate(
            n=Count("pk"),
            demo=Case(
                When(operator__origin=DataOrigin.DEMO, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            ),
        )
        .order_by("demo", "-n", "operator__name")
        .first()
    )
    return Organisation.objects.get(pk=best["operator"]) if best else None


@transaction.atomic
def demo_accounts_ensure() -> list[DemoAccount]:
    """Make sure there is one active demo user per role with its membership and documented password.
    Idempotent: a second call creates nothing and returns the same accounts. Audited per change."""
    provinces = provinces_ensure()
    gelderland = provinces[geo.GELDERLAND]
    institutions = institutions_ensure(
        [
            DemoOrganisation("ministry", MINISTRY_NAME, OrganisationKind.MINISTRY),
            DemoOrganisation("rvo", RVO_NAME, OrganisationKind.RVO),
            DemoOrganisation("foundation", FOUNDATION_NAME, OrganisationKind.FOUNDATION),
            DemoOrganisation(
                grid_key(DEMO_GRID_OPERATOR), DEMO_GRID_OPERATOR, OrganisationKind.GRID_OPERATOR
            ),
            DemoOrganisation(
                province_key(gelderland.code),
                f"Provincie {gelderland.name}",
                OrganisationKind.PROVINCE,
                province_code=gelderland.code,
            ),
        ]
    )
    organisation_of: dict[str, Organisation | None] = {
        Role.MINISTERIE: institutions["ministry"],
        Role.RVO: institutions["rvo"],
        Role.CLUSTERREGISSEUR: institutions["foundation"],
        Role.REGIOMANAGER: institutions["foundation"],
        Role.PROVINCIE: institutions[province_key(gelderland.code)],
        Role.NETBEHEERDER: institutions[grid_key(DEMO_GRID_OPERATOR)],
        Role.BEDRIJF: _demo_company(User.objects.filter(username=demo_username(Role.BEDRIJF)).first()),
    }
    accounts: list[DemoAccount] = []
    for role in Role:
        organisation = organisation_of[role]
        if organisation is None:
            continue  # no company with locations in Gelderland: no demo company account
        username, password = demo_username(role), demo_password(role)
        user = User.objects.filter(username=username).first()
        created = user is None
        if user is None:
            user = User.objects.create_user(
                username=username,
                password=password,
                first_name="Demo",
                last_name=str(role.label),
                is_staff=role == Role.MINISTERIE,
            )
            audit_record(actor=None, verb="demo.account_created", target=user, changes={"role": str(role)})
        else:
            changed = []
            if not user.check_password(password):
                user.set_password(password)
                changed.append("password")
            if not user.is_active:
                user.is_active = True
                changed.append("is_active")
            if role == Role.MINISTERIE and not user.is_staff:
                user.is_staff = True
                changed.append("is_staff")
            if changed:
                user.save()
                audit_record(
                    actor=None, verb="demo.account_restored", target=user, changes={"fields": changed}
                )
        membership = Membership.objects.filter(user=user, organisation=organisation, role=role).first()
        if membership is None:
            membership = Membership(user=user, organisation=organisation, role=role)
            membership.full_clean()
            membership.save()
            audit_record(
                actor=None,
                verb="demo.membership_created",
                target=membership,
                changes={"role": str(role), "organisation": organisation.name},
            )
        elif not membership.is_active:
            membership.is_active = True
            membership.save(update_fields=["is_active", "updated_at"])
        accounts.append(DemoAccount(username, str(role), organisation.name, password, created))
    return accounts

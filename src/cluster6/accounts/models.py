"""Users and their memberships of organisations, each with one role."""

from __future__ import annotations

from functools import cached_property

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cluster6.core.models import TimeStampedModel

from .constants import Role


class User(AbstractUser):
    """A person who logs in. What they may see follows from their memberships (see cluster6.authz)."""

    @cached_property
    def active_memberships(self) -> list[Membership]:
        return list(
            self.memberships.filter(is_active=True).select_related("organisation", "organisation__province")
        )

    @property
    def role_set(self) -> frozenset[str]:
        return frozenset(m.role for m in self.active_memberships)

    def has_role(self, *roles: str) -> bool:
        return bool(self.role_set & set(roles))


class Membership(TimeStampedModel):
    """A user's role within an organisation. A provincie membership belongs to a province organisation;
    a netbeheerder membership to a grid operator; a bedrijf membership to a company."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("gebruiker")
    )
    organisation = models.ForeignKey(
        "registry.Organisation",
        on_delete=models.PROTECT,
        related_name="memberships",
        verbose_name=_("organisatie"),
    )
    role = models.CharField(_("rol"), max_length=32, choices=Role.choices)
    is_active = models.BooleanField(_("actief"), default=True)

    class Meta:
        verbose_name = _("lidmaatschap")
        verbose_name_plural = _("lidmaatschappen")
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation", "role"], name="membership_unique_role"),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()} ({self.organisation})"

    def clean(self) -> None:
        from cluster6.registry.constants import OrganisationKind

        required = {
            Role.PROVINCIE: OrganisationKind.PROVINCE,
            Role.NETBEHEERDER: OrganisationKind.GRID_OPERATOR,
            Role.BEDRIJF: OrganisationKind.COMPANY,
        }.get(Role(self.role))
        if required and self.organisation_id and self.organisation.kind != required:
            raise ValidationError(
                {
                    "organisation": _("Deze rol hoort bij een organisatie van het type %(kind)s.")
                    % {"kind": required.label}
                }
            )
        if self.role == Role.PROVINCIE and self.organisation_id and not self.organisation.province_id:
            raise ValidationError(
                {"organisation": _("Een provincie-organisatie moet aan een provincie gekoppeld zijn.")}
            )


class ApiToken(models.Model):
    """A named API key of a user. Only a SHA-256 hash of the key is stored: the key itself is shown once,
    when it is made. A token stops working when it expires or is revoked (docs/api.md, Authentication)."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("gebruiker")
    )
    name = models.CharField(_("naam"), max_length=100)
    prefix = models.CharField(_("begin van de sleutel"), max_length=8, editable=False)
    key_hash = models.CharField(_("hash van de sleutel"), max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("aangemaakt op"), auto_now_add=True)
    expires_at = models.DateTimeField(_("verloopt op"))
    last_used_at = models.DateTimeField(_("laatst gebruikt"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("ingetrokken op"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("API-token")
        verbose_name_plural = _("API-tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()

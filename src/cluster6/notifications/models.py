"""Notifications: a message to an organisation (every user of it) or to one user, about a change that
concerns it. Today: a background refresh of the analysis changed the answer for one of the company's
plans (its connection year, its realisation year or its class). The `user` field lets a later kind go
to one person only, such as the case owner of a plan (issue 9), without a new model.

A notification is shown on the start page until someone it is for marks it as read, and e-mailed once
(`emailed_at`) by the background task that made it."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class NotificationKind(models.TextChoices):
    CONNECTION_YEAR = "connection_year", _("Aansluitjaar veranderd")
    REALISATION_YEAR = "realisation_year", _("Realisatiejaar veranderd")
    FEASIBILITY = "feasibility", _("Uitkomst veranderd")


class Notification(models.Model):
    organisation = models.ForeignKey(
        "registry.Organisation",
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("organisatie"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
        verbose_name=_("gebruiker"),
        help_text=_("Leeg: voor iedere gebruiker van de organisatie."),
    )
    kind = models.CharField(_("soort"), max_length=20, choices=NotificationKind.choices)
    plan = models.ForeignKey(
        "plans.Plan", on_delete=models.CASCADE, related_name="notifications", verbose_name=_("plan")
    )
    run = models.ForeignKey(
        "analysis.AnalysisRun",
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("analyserun"),
    )
    result = models.ForeignKey(
        "analysis.PlanResult",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("uitkomst"),
    )
    old_value = models.CharField(_("oude waarde"), max_length=32, blank=True)
    new_value = models.CharField(_("nieuwe waarde"), max_length=32, blank=True)
    #: Every field of the answer that changed: {field: [old, new]}.
    details = models.JSONField(_("wijzigingen"), default=dict, blank=True)
    created_at = models.DateTimeField(_("aangemaakt op"), auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("gelezen op"), null=True, blank=True)
    read_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("gelezen door"),
    )
    emailed_at = models.DateTimeField(_("gemaild op"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("melding")
        verbose_name_plural = _("meldingen")
        indexes = [models.Index(fields=["organisation", "read_at"], name="notification_org_unread")]

    def __str__(self) -> str:
        return self.message()

    @property
    def slipped(self) -> bool:
        """The connection or realisation year moved later (or away)."""
        if self.kind not in (NotificationKind.CONNECTION_YEAR, NotificationKind.REALISATION_YEAR):
            return False
        if not self.new_value:
            return bool(self.old_value)
        return bool(self.old_value) and int(self.new_value) > int(self.old_value)

    def _plan_label(self) -> str:
        return f"{self.plan.reference} ({self.plan.location.name})"

    def message(self) -> str:
        """The notification as one Dutch (or English) sentence."""
        values = {"plan": self._plan_label(), "old": self.old_value, "new": self.new_value}
        if self.kind == NotificationKind.CONNECTION_YEAR:
            if not self.old_value:
                return gettext("Plan %(plan)s heeft nu een verwacht aansluitjaar: %(new)s.") % values
            if not self.new_value:
                return (
                    gettext("Voor plan %(plan)s is er geen verwacht aansluitjaar meer (was %(old)s).")
                    % values
                )
            if self.slipped:
                return (
                    gettext("Uw aansluitjaar voor plan %(plan)s is verschoven van %(old)s naar %(new)s.")
                    % values
                )
            return (
                gettext("Uw aansluitjaar voor plan %(plan)s is vervroegd van %(old)s naar %(new)s.") % values
            )
        if self.kind == NotificationKind.REALISATION_YEAR:
            unknown = gettext("onbekend")
            values = {**values, "old": self.old_value or unknown, "new": self.new_value or unknown}
            return (
                gettext(
                    "Het verwachte realisatiejaar van plan %(plan)s is veranderd van %(old)s naar %(new)s."
                )
                % values
            )
        from cluster6.analysis.constants import Feasibility  # labels only (analysis imports this app)

        labels = dict(Feasibility.choices)
        values = {
            **values,
            "old": str(labels.get(self.old_value, self.old_value)),
            "new": str(labels.get(self.new_value, self.new_value)),
        }
        return gettext("De uitkomst voor plan %(plan)s is veranderd van ‘%(old)s’ naar ‘%(new)s’.") % values

"""Append-only logs: what changed (AuditEvent), who read confidential data (ReadLog), imports (ImportRun)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AppendOnlyModel(models.Model):
    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not self._state.adding:
            raise RuntimeError(f"{type(self).__name__} is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise RuntimeError(f"{type(self).__name__} is append-only")


class AuditEvent(AppendOnlyModel):
    created_at = models.DateTimeField(_("tijdstip"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("door"),
    )
    actor_label = models.CharField(_("door (naam)"), max_length=200, blank=True)
    verb = models.CharField(_("handeling"), max_length=80, db_index=True)
    target_type = models.CharField(_("soort object"), max_length=80, blank=True)
    target_id = models.CharField(_("object"), max_length=80, blank=True)
    target_label = models.CharField(_("object (naam)"), max_length=300, blank=True)
    changes = models.JSONField(_("wijzigingen"), default=dict, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("auditgebeurtenis")
        verbose_name_plural = _("auditgebeurtenissen")
        indexes = [models.Index(fields=["target_type", "target_id"])]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_label} {self.verb} {self.target_label}"


class ReadLog(AppendOnlyModel):
    """A read of an organisation's confidential data by someone outside that organisation: one row per
    read (a page, an API call, an export) per organisation whose data it showed, with the number of its
    rows shown (`row_count`) and their ids (`target_ids`; `target_id` is the id when there is one)."""

    created_at = models.DateTimeField(_("tijdstip"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("door"),
    )
    actor_label = models.CharField(_("door (naam)"), max_length=200, blank=True)
    actor_organisation = models.ForeignKey(
        "registry.Organisation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organisatie van lezer"),
    )
    owner = models.ForeignKey(
        "registry.Organisation",
        on_delete=models.CASCADE,
        related_name="read_log",
        verbose_name=_("eigenaar van de gegevens"),
    )
    target_type = models.CharField(_("soort object"), max_length=80)
    target_id = models.CharField(_("object"), max_length=80)
    target_label = models.CharField(_("object (naam)"), max_length=300, blank=True)
    purpose = models.CharField(_("doel"), max_length=200, blank=True)
    channel = models.CharField(_("kanaal"), max_length=10, default="web")
    row_count = models.PositiveIntegerField(_("aantal gelezen rijen"), default=1)
    target_ids = models.JSONField(_("gelezen objecten"), default=list, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("leesregistratie")
        verbose_name_plural = _("leesregistraties")
        indexes = [models.Index(fields=["owner", "-created_at"], name="readlog_owner_recent")]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_label} las {self.target_label}"


class ImportRun(AppendOnlyModel):
    """One run of an importer, from the command line or the upload page, with its summary."""

    class Status(models.TextChoices):
        APPLIED = "toegepast", _("Toegepast")
        DRY_RUN = "proef", _("Proefrun (niets opgeslagen)")
        REJECTED = "afgewezen", _("Afgewezen")

    created_at = models.DateTimeField(_("tijdstip"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("door"),
    )
    kind = models.CharField(_("soort"), max_length=20)
    file_names = models.JSONField(_("bestanden"), default=list)
    status = models.CharField(_("resultaat"), max_length=12, choices=Status.choices)
    summary = models.JSONField(_("samenvatting"), default=dict)
    errors = models.JSONField(_("fouten"), default=list, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("importrun")
        verbose_name_plural = _("importruns")

    def __str__(self) -> str:
        return f"{self.kind} {self.created_at:%Y-%m-%d %H:%M} {self.status}"

"""Forms of the submission pages: a plan (built from the round's columns, grouped), the upload, the
confirmation of submitting and the reopening by RVO or Stichting Cluster 6.

Numbers and years are read with the same parser as the files (Dutch notation, the same messages)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from cluster6.core.safefiles import file_limits

from .intake import (
    DEFAULTS,
    GROUP_LABELS,
    CellError,
    Column,
    Group,
    IntakeContext,
    Kind,
    format_number,
    is_empty,
    parse_number,
    parse_year,
)


class DutchNumberField(forms.CharField):
    """A number in Dutch notation ("1.234,5") or with a decimal point; optionally not negative."""

    def __init__(self, *, minimum: float | None = None, **kwargs: Any) -> None:
        self.minimum = minimum
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal", "class": "input--number"}))
        super().__init__(**kwargs)

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, int | float) and not isinstance(value, bool):
            return format_number(value)
        return value

    def clean(self, value: Any) -> float | None:
        text = super().clean(value)
        if is_empty(text):
            return None
        try:
            number = parse_number(text)
        except CellError as exc:
            raise forms.ValidationError(str(exc)) from None
        if self.minimum is not None and number < self.minimum:
            raise forms.ValidationError(_("Dit getal mag niet negatief zijn."))
        return number


class YearField(forms.CharField):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "numeric", "class": "input--year"}))
        super().__init__(**kwargs)

    def prepare_value(self, value: Any) -> Any:
        return str(value) if isinstance(value, int) else value

    def clean(self, value: Any) -> int | None:
        text = super().clean(value)
        if is_empty(text):
            return None
        try:
            return parse_year(text)
        except CellError as exc:
            raise forms.ValidationError(str(exc)) from None


def _field(column: Column, context: IntakeContext) -> forms.Field:
    common: dict[str, Any] = {"label": column.header, "help_text": column.help, "required": column.required}
    if column.kind == Kind.LOCATION:
        choices = [("", "—")] + [
            (
                str(info.pk),
                f"{info.name} ({info.ets_installation_id})" if info.ets_installation_id else info.name,
            )
            for info in context.locations.values()
        ]
        common["label"] = column.label
        return forms.ChoiceField(choices=choices, **common)
    if column.kind in (Kind.TEXT, Kind.REFERENCE):
        return forms.CharField(max_length=column.max_length, **common)
    if column.kind == Kind.LONGTEXT:
        return forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), **common)
    if column.kind == Kind.NUMBER:
        return DutchNumberField(minimum=column.minimum, **common)
    if column.kind == Kind.YEAR:
        return YearField(**common)
    if column.kind == Kind.BOOL:
        common["required"] = False
        return forms.BooleanField(**common)
    if column.kind == Kind.DATE:
        return forms.DateField(
            widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            input_formats=["%Y-%m-%d", "%d-%m-%Y"],
            **common,
        )
    assert column.choices is not None
    choices = list(column.choices.choices)
    if DEFAULTS.get(column.name) not in ("", None):  # the model always has a value (a default)
        common["required"] = True
    if not common["required"]:
        choices = [("", "—"), *choices]
    if column.name == "priority_class":
        return forms.TypedChoiceField(choices=choices, coerce=int, **common)
    return forms.ChoiceField(choices=choices, **common)


class PlanForm(forms.Form):
    """One plan of a draft, with the fields the round asks for. A new plan chooses its location and may
    give a reference; an existing plan's identity (location, reference) is shown, not edited."""

    def __init__(
        self,
        data: Any = None,
        *,
        context: IntakeContext,
        new: bool,
        initial: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(data, initial=initial)
        self.new = new
        self.columns = [c for c in context.columns if new or c.kind not in (Kind.LOCATION, Kind.REFERENCE)]
        for column in self.columns:
            self.fields[column.name] = _field(column, context)

    def groups(self) -> list[tuple[str, list[forms.BoundField]]]:
        """The fields per group (project, planning, energy and infrastructure, costs, status)."""
        out: list[tuple[str, list[forms.BoundField]]] = []
        for group in Group:
            bound = [self[c.name] for c in self.columns if c.group == group]
            if bound:
                out.append((str(GROUP_LABELS[group]), bound))
        return out

    def values(self) -> dict[str, Any]:
        """The cleaned values as service data (empty optional choices become "", empty numbers the
        model's default: 0, or None where the field has none)."""
        data: dict[str, Any] = {}
        for column in self.columns:
            value = self.cleaned_data.get(column.name)
            if value is None and column.kind == Kind.NUMBER:
                value = DEFAULTS.get(column.name)
            if value is None and column.kind in (Kind.CHOICE, Kind.TEXT, Kind.LONGTEXT, Kind.REFERENCE):
                value = ""
            data[column.name] = value
        return data

    def add_service_errors(self, errors: dict[str, list[str]]) -> None:
        for name, messages in errors.items():
            target = name if name in self.fields else None
            for message in messages:
                self.add_error(target, message)


def initial_from(values: dict[str, Any]) -> dict[str, Any]:
    """Form initial values from a version's values (dates as ISO, the rest as they are)."""
    return {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in values.items()}


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("Ingevuld sjabloon (XLSX) of CSV"),
        help_text=_("Het bestand vervangt alle plannen van uw concept. Bij één fout wordt niets opgeslagen."),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )

    def clean_file(self) -> UploadedFile[Any]:
        upload: UploadedFile[Any] = self.cleaned_data["file"]
        max_bytes = file_limits("plan").max_bytes
        if upload.size is not None and upload.size > max_bytes:
            raise forms.ValidationError(
                _("Het bestand is groter dan %(mb)s MB.") % {"mb": max_bytes // (1024 * 1024)}
            )
        return upload


class SubmitForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("Ik bevestig dat deze gegevens juist en volledig zijn."),
        error_messages={"required": _("Bevestig eerst dat de gegevens juist en volledig zijn.")},
    )
    no_plans = forms.BooleanField(
        label=_("Wij hebben in deze ronde geen verduurzamingsplannen."), required=False
    )


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label=_("Reden"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2, "placeholder": _("Reden van heropening")}),
        help_text=_("Het bedrijf ziet deze reden; zij komt in het auditlogboek."),
        error_messages={"required": _("Geef een reden voor de heropening.")},
    )

"""Forms of the sharing pages: the consent grant form, the shared-plans filters, the read-log filters and
the export choice. They parse input only; the services and selectors decide."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cluster6.registry.models import Organisation

from .constants import ConsentPurpose, PlanStatus, Route
from .models import SurveyRound
from .sharing import CHANNELS, ReadLogFilters, SharedPlanFilters, SharedPlanOptions


class OrganisationChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Organisation) -> str:
        return f"{obj.name} ({obj.get_kind_display()})"


class ConsentGrantForm(forms.Form):
    """Grant a requester organisation read access for a purpose and period (default: one year from
    today)."""

    owner = forms.ModelChoiceField(label=_("Namens"), queryset=Organisation.objects.none(), empty_label=None)
    grantee = OrganisationChoiceField(
        label=_("Organisatie"),
        queryset=Organisation.objects.none(),
        empty_label=_("Kies een organisatie"),
        help_text=_("Netbeheerder, provincie, ministerie, RVO of Stichting Cluster 6."),
    )
    purpose = forms.ChoiceField(label=_("Doel"), choices=[("", _("Kies een doel")), *ConsentPurpose.choices])
    valid_from = forms.DateField(
        label=_("Geldig vanaf"), widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
    )
    valid_until = forms.DateField(
        label=_("Geldig tot en met"), widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
    )

    def __init__(
        self,
        data: Any = None,
        *,
        owners: models.QuerySet[Organisation],
        grantees: models.QuerySet[Organisation],
    ) -> None:
        today = timezone.localdate()
        initial = {
            "valid_from": today,
            "valid_until": today.replace(year=today.year + 1) - datetime.timedelta(days=1),
        }
        super().__init__(data, initial=initial)
        owner_field = self.fields["owner"]
        assert isinstance(owner_field, forms.ModelChoiceField)
        owner_field.queryset = owners
        grantee_field = self.fields["grantee"]
        assert isinstance(grantee_field, forms.ModelChoiceField)
        grantee_field.queryset = grantees
        first_two = list(owners.values_list("pk", flat=True)[:2])
        if first_two:
            self.initial["owner"] = first_two[0]
        self.single_owner = len(first_two) <= 1

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("valid_from"), data.get("valid_until")
        if start and end and end < start:
            self.add_error("valid_until", _("De einddatum ligt voor de begindatum."))
        return data


class SharedPlanFilterForm(forms.Form):
    """The filters of the shared plans (query string). Invalid values are ignored, with a message."""

    ronde = forms.TypedChoiceField(label=_("Ronde"), required=False, coerce=int, empty_value=None)
    provincie = forms.RegexField(
        label=_("Provincie"),
        required=False,
        regex=r"^PV\d{2}$",
        error_messages={"invalid": _("Kies een provincie uit de lijst.")},
    )
    route = forms.ChoiceField(
        label=_("Route"), required=False, choices=[("", _("Alle routes")), *Route.choices]
    )
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("Alle statussen")), *PlanStatus.choices]
    )
    gebied = forms.TypedChoiceField(label=_("Voedingsgebied"), required=False, coerce=int, empty_value=None)
    doel = forms.ChoiceField(label=_("Doel"), required=False)

    def __init__(self, data: Any = None, *, options: SharedPlanOptions) -> None:
        super().__init__(data)
        self.options = options
        self._choices("ronde", _("Alle rondes"), [(r.pk, r.name) for r in options.rounds])
        self._choices("gebied", _("Alle voedingsgebieden"), options.grid_areas)
        self._choices("doel", _("Elk doel"), options.purposes)
        self.province_options = [(p.code, p.name) for p in options.provinces]

    def _choices(self, name: str, empty: Any, choices: list[tuple[Any, str]]) -> None:
        field = self.fields[name]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", empty), *choices]

    def filters(self) -> SharedPlanFilters:
        self.is_valid()
        d = self.cleaned_data
        return SharedPlanFilters(
            round=d.get("ronde"),
            province=d.get("provincie") or "",
            route=d.get("route") or "",
            status=d.get("status") or "",
            grid_area=d.get("gebied"),
            purpose=d.get("doel") or "",
        )

    @property
    def is_filtered(self) -> bool:
        self.is_valid()
        return any(v not in (None, "") for v in self.cleaned_data.values())


class ReadLogFilterForm(forms.Form):
    kanaal = forms.ChoiceField(
        label=_("Kanaal"),
        required=False,
        choices=[("", _("Alle kanalen")), *[(c, c) for c in CHANNELS]],
    )

    def filters(self) -> ReadLogFilters:
        self.is_valid()
        return ReadLogFilters(channel=self.cleaned_data.get("kanaal") or "")


class GridDemandForm(forms.Form):
    """The export's round and (for the ministry) grid operator, from the query string."""

    ronde = forms.TypedChoiceField(label=_("Uitvraagronde"), required=False, coerce=int, empty_value=None)
    netbeheerder = forms.TypedChoiceField(
        label=_("Netbeheerder"), required=False, coerce=int, empty_value=None
    )

    def __init__(
        self,
        data: Any = None,
        *,
        rounds: list[SurveyRound],
        operators: list[Organisation],
        choose_operator: bool,
    ) -> None:
        super().__init__(data)
        ronde = self.fields["ronde"]
        assert isinstance(ronde, forms.ChoiceField)
        ronde.choices = [("", _("Laatste ronde met inzendingen")), *[(r.pk, r.name) for r in rounds]]
        operator = self.fields["netbeheerder"]
        assert isinstance(operator, forms.ChoiceField)
        operator.choices = [("", _("Kies een netbeheerder")), *[(o.pk, o.name) for o in operators]]
        self.choose_operator = choose_operator
        if not choose_operator:
            del self.fields["netbeheerder"]

    def round_id(self) -> int | None:
        self.is_valid()
        round_id: int | None = self.cleaned_data.get("ronde")
        return round_id

    def operator_id(self) -> int | None:
        self.is_valid()
        operator_id: int | None = self.cleaned_data.get("netbeheerder")
        return operator_id

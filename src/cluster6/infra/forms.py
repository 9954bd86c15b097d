"""Forms of the infrastructure pages: the service-area and the rollout filters (query string)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .constants import Carrier, Certainty, OperatorType
from .selectors import GridAreaFilters, RolloutFilters

SORT_CHOICES = [
    ("naam", _("Naam (A–Z)")),
    ("-naam", _("Naam (Z–A)")),
    ("-wachtrij", _("Wachtrij (groot–klein)")),
    ("wachtrij", _("Wachtrij (klein–groot)")),
    ("-capaciteit", _("Capaciteit (groot–klein)")),
    ("capaciteit", _("Capaciteit (klein–groot)")),
    ("einde", _("Einde congestie (vroeg–laat)")),
    ("-einde", _("Einde congestie (laat–vroeg)")),
    ("-projecten", _("Aantal projecten (veel–weinig)")),
]
SORT_KEYS = {
    "naam": "name",
    "wachtrij": "queue",
    "capaciteit": "capacity",
    "einde": "end_year",
    "projecten": "projects",
}


def province_field() -> forms.RegexField:
    """The `provincie` filter: a CBS province code, picked from the form's `province_options`."""
    return forms.RegexField(
        label=_("Provincie"),
        required=False,
        regex=r"^PV\d{2}$",
        error_messages={"invalid": _("Kies een provincie uit de lijst.")},
    )


class ProvinceFilterForm(forms.Form):
    """A filter form with a province menu: `provinces` are the (code, name) pairs it offers."""

    def __init__(self, data: Any = None, *, provinces: list[tuple[str, str]] | None = None) -> None:
        super().__init__(data)
        self.province_options = provinces or []


class AreaFilterForm(ProvinceFilterForm):
    """Filters of the service-area list; invalid values give a Dutch message, valid ones still apply."""

    q = forms.CharField(label=_("Zoeken"), required=False, max_length=100, strip=True)
    provincie = province_field()
    soort = forms.ChoiceField(
        label=_("Netbeheerder"),
        required=False,
        choices=[("", _("Alle netbeheerders")), *OperatorType.choices],
    )
    congestie = forms.ChoiceField(
        label=_("Congestie"),
        required=False,
        choices=[("", _("Alle gebieden")), ("ja", _("Met congestie")), ("nee", _("Zonder congestie"))],
    )
    sortering = forms.ChoiceField(label=_("Sorteren op"), required=False, choices=SORT_CHOICES)

    def filters(self) -> GridAreaFilters:
        self.is_valid()
        data = self.cleaned_data
        return GridAreaFilters(
            q=data.get("q") or "",
            province=data.get("provincie") or "",
            operator_type=data.get("soort") or "",
            congested={"ja": True, "nee": False}.get(data.get("congestie") or ""),
        )

    def sort(self) -> tuple[str, bool]:
        self.is_valid()
        value = self.cleaned_data.get("sortering") or "naam"
        return SORT_KEYS[value.lstrip("-")], value.startswith("-")


class RolloutFilterForm(ProvinceFilterForm):
    """Filters of the rollout page; invalid values give a Dutch message, valid ones still apply."""

    drager = forms.ChoiceField(
        label=_("Drager"), required=False, choices=[("", _("Alle dragers")), *Carrier.choices]
    )
    provincie = province_field()
    zekerheid = forms.ChoiceField(
        label=_("Zekerheid"), required=False, choices=[("", _("Alle zekerheden")), *Certainty.choices]
    )

    def filters(self) -> RolloutFilters:
        self.is_valid()
        data = self.cleaned_data
        return RolloutFilters(
            carrier=data.get("drager") or "",
            province=data.get("provincie") or "",
            certainty=data.get("zekerheid") or "",
        )

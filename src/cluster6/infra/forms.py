"""Forms of the grid pages: the service-area filters (query string)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .constants import OperatorType
from .selectors import GridAreaFilters

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


class AreaFilterForm(forms.Form):
    """Filters of the service-area list; invalid values give a Dutch message, valid ones still apply."""

    q = forms.CharField(label=_("Zoeken"), required=False, max_length=100, strip=True)
    provincie = forms.RegexField(
        label=_("Provincie"),
        required=False,
        regex=r"^PV\d{2}$",
        error_messages={"invalid": _("Kies een provincie uit de lijst.")},
    )
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

    def __init__(self, data: Any = None, *, provinces: list[tuple[str, str]] | None = None) -> None:
        super().__init__(data)
        self.province_options = provinces or []

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

"""Forms of the registry pages: the location filters (query string) and the cluster override."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .constants import Cluster, Sector
from .selectors import LocationFilters

YES_NO = [("", _("Alle")), ("ja", _("Ja")), ("nee", _("Nee"))]


def _yes_no(value: str) -> bool | None:
    return {"ja": True, "nee": False}.get(value)


SORT_CHOICES = [
    ("naam", _("Naam (A–Z)")),
    ("-naam", _("Naam (Z–A)")),
    ("-uitstoot", _("Uitstoot (hoog–laag)")),
    ("uitstoot", _("Uitstoot (laag–hoog)")),
    ("sector", _("Sector (A–Z)")),
    ("-sector", _("Sector (Z–A)")),
    ("provincie", _("Provincie (A–Z)")),
    ("-provincie", _("Provincie (Z–A)")),
]
#: Query-string sort values (Dutch, user-facing) to selector sort keys.
SORT_KEYS = {"naam": "name", "uitstoot": "emissions", "sector": "sector", "provincie": "province"}


class LocationFilterForm(forms.Form):
    """The filters of the location list and the map, read from the query string.

    Invalid values give a Dutch message on the page; the valid filters still apply."""

    q = forms.CharField(label=_("Zoeken"), required=False, max_length=100, strip=True)
    sector = forms.ChoiceField(
        label=_("Sector"), required=False, choices=[("", _("Alle sectoren")), *Sector.choices]
    )
    provincie = forms.RegexField(
        label=_("Provincie"),
        required=False,
        regex=r"^PV\d{2}$",
        error_messages={"invalid": _("Kies een provincie uit de lijst.")},
    )
    cluster = forms.TypedChoiceField(
        label=_("Cluster"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", _("Alle clusters")), *Cluster.choices],
    )
    ets = forms.ChoiceField(label=_("EU ETS"), required=False, choices=YES_NO)
    lces = forms.ChoiceField(label=_("L-CES-scope"), required=False, choices=YES_NO)
    jaar = forms.IntegerField(
        label=_("Emissiejaar"),
        required=False,
        min_value=1990,
        max_value=2100,
        error_messages={"invalid": _("Geef een jaartal, bijvoorbeeld 2022.")},
    )
    sortering = forms.ChoiceField(label=_("Sorteren op"), required=False, choices=SORT_CHOICES)

    def __init__(
        self,
        data: Any = None,
        *,
        years: list[int] | None = None,
        sector_counts: dict[str, int] | None = None,
        provinces: list[tuple[str, str, int]] | None = None,
    ) -> None:
        super().__init__(data)
        self.years = years or []
        self.year_options = list(reversed(self.years))
        # The menus offer what the actor can find (with counts); validation accepts every known value.
        counts = sector_counts or {}
        self.sector_options = [
            (value, label, counts.get(value, 0))
            for value, label in Sector.choices
            if sector_counts is None or value in counts
        ]
        self.province_options = provinces or []

    @property
    def default_year(self) -> int | None:
        return self.years[-1] if self.years else None

    def filters(self) -> LocationFilters:
        """The valid filters as the selector's LocationFilters (invalid fields are left out)."""
        self.is_valid()
        data = self.cleaned_data
        year = data.get("jaar") or self.default_year
        kwargs: dict[str, Any] = {
            "q": data.get("q") or "",
            "sector": data.get("sector") or "",
            "province": data.get("provincie") or "",
            "cluster": data.get("cluster"),
            "is_ets": _yes_no(data.get("ets") or ""),
            "in_lces_scope": _yes_no(data.get("lces") or ""),
        }
        if year is not None:
            kwargs["emission_year"] = year
        return LocationFilters(**kwargs)

    def sort(self) -> tuple[str, bool]:
        """(selector sort key, descending) from `sortering`; by name when absent or invalid."""
        self.is_valid()
        value = self.cleaned_data.get("sortering") or "naam"
        return SORT_KEYS[value.lstrip("-")], value.startswith("-")

    @property
    def sort_value(self) -> str:
        self.is_valid()
        return self.cleaned_data.get("sortering") or "naam"

    @property
    def year(self) -> int | None:
        self.is_valid()
        return self.cleaned_data.get("jaar") or self.default_year

    @property
    def is_filtered(self) -> bool:
        """Whether any filter (other than year and sort order) is set."""
        self.is_valid()
        names = ("q", "sector", "provincie", "cluster", "ets", "lces")
        return any(self.cleaned_data.get(k) not in (None, "") for k in names)


class ClusterOverrideForm(forms.Form):
    """Set or clear the manual cluster of a location, with a reason."""

    cluster = forms.TypedChoiceField(
        label=_("Cluster"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", _("Geen handmatige indeling (afgeleide cluster gebruiken)")), *Cluster.choices],
    )
    reason = forms.CharField(
        label=_("Reden"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Verplicht bij een handmatige indeling; komt in het auditlogboek."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("cluster") is not None and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Geef een reden voor de handmatige clusterindeling."))
        return data

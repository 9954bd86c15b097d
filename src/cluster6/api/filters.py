"""Query parameters of the list endpoints: input serializers that validate them (400 on bad input) and
turn them into the selectors' filter objects. The filtering itself happens in the selectors."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
from rest_framework.request import Request

from cluster6.infra.constants import OperatorType, ProjectPhase
from cluster6.infra.selectors import GridAreaFilters, GridProjectFilters
from cluster6.registry.constants import Cluster, EmissionSource, Sector
from cluster6.registry.selectors import DEFAULT_EMISSION_YEAR, EmissionFilters, LocationFilters

#: Largest id accepted in a filter (a signed 64-bit integer, the database's limit).
MAX_ID = 2**63 - 1
YEAR_MIN, YEAR_MAX = 1990, 2100


def parse_query[S: serializers.Serializer[Any]](serializer_class: type[S], request: Request) -> S:
    """Validate the query string with `serializer_class`; raises a 400 ValidationError when invalid.
    A repeated parameter counts with its last value."""
    serializer = serializer_class(data=request.query_params.dict())
    serializer.is_valid(raise_exception=True)
    return serializer


def _id(help_text: str) -> serializers.IntegerField:
    return serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID, help_text=help_text)


def _year(help_text: str, **kwargs: Any) -> serializers.IntegerField:
    return serializers.IntegerField(min_value=YEAR_MIN, max_value=YEAR_MAX, help_text=help_text, **kwargs)


# --- Locations ---------------------------------------------------------------------------------------

#: `ordering` values of the location list -> sort key of `location_list_ordered`.
LOCATION_ORDERING = {
    "name": "name",
    "emission_tco2e": "emissions",
    "sector": "sector",
    "province": "province",
}


class EmissionYearQuerySerializer(serializers.Serializer[Any]):
    emission_year = _year(
        f"The year of `emission_tco2e` (default {DEFAULT_EMISSION_YEAR}).",
        required=False,
        default=DEFAULT_EMISSION_YEAR,
    )


class LocationQuerySerializer(EmissionYearQuerySerializer):
    q = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=200,
        help_text="Search: part of the name, operator or city, or an exact ETS installation or NEa "
        "permit id.",
    )
    sector = serializers.ChoiceField(choices=Sector.choices, required=False)
    province = serializers.RegexField(
        r"^PV\d{2}$", required=False, help_text="CBS province code, e.g. `PV25` (Gelderland)."
    )
    cluster = serializers.ChoiceField(
        choices=Cluster.choices, required=False, help_text="Geographic cluster (override or derived)."
    )
    is_ets = serializers.BooleanField(required=False, help_text="EU ETS participant or not.")
    in_lces_scope = serializers.BooleanField(
        required=False, help_text="In L-CES scope (more than 1 million m³ gas or 10 GWh electricity a year)."
    )
    grid_operator = _id("Organisation id of the grid operator.")
    ordering = serializers.ChoiceField(
        choices=[key for name in LOCATION_ORDERING for key in (name, f"-{name}")],
        required=False,
        default="name",
        help_text="Sort field; `-` for descending. Empty values (no emission figure, no province) come "
        "last either way; ties are broken by name and id.",
    )

    def filters(self) -> LocationFilters:
        d = self.validated_data
        return LocationFilters(
            q=d.get("q", "").strip(),
            sector=d.get("sector", ""),
            province=d.get("province", ""),
            cluster=d.get("cluster"),
            is_ets=d.get("is_ets"),
            in_lces_scope=d.get("in_lces_scope"),
            grid_operator=d.get("grid_operator"),
            emission_year=d["emission_year"],
        )

    def sort(self) -> tuple[str, bool]:
        """(sort key for `location_list_ordered`, descending)."""
        value: str = self.validated_data["ordering"]
        return LOCATION_ORDERING[value.removeprefix("-")], value.startswith("-")


# --- Emissions ---------------------------------------------------------------------------------------


class LocationEmissionQuerySerializer(serializers.Serializer[Any]):
    year = _year("Only this year.", required=False)
    year_min = _year("From this year (inclusive).", required=False)
    year_max = _year("Up to this year (inclusive).", required=False)
    # A declared field named like Field.source: DRF's metaclass takes it out of the class attributes.
    source = serializers.ChoiceField(  # type: ignore[assignment]
        choices=EmissionSource.choices, required=False
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        lo, hi = attrs.get("year_min"), attrs.get("year_max")
        if lo is not None and hi is not None and lo > hi:
            raise serializers.ValidationError({"year_max": [_("Moet gelijk aan of na year_min liggen.")]})
        return attrs

    def filters(self, location: int | None = None) -> EmissionFilters:
        d = self.validated_data
        return EmissionFilters(
            location=location if location is not None else d.get("location"),
            year=d.get("year"),
            year_min=d.get("year_min"),
            year_max=d.get("year_max"),
            source=d.get("source", ""),
        )


class EmissionQuerySerializer(LocationEmissionQuerySerializer):
    location = _id("Location id.")


# --- Grid ----------------------------------------------------------------------------------------------


class GridAreaQuerySerializer(serializers.Serializer[Any]):
    q = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=200,
        help_text="Search: part of the name or the operator names, or the exact area code.",
    )
    operator_type = serializers.ChoiceField(choices=OperatorType.choices, required=False)
    province = serializers.RegexField(r"^PV\d{2}$", required=False, help_text="CBS province code.")
    operator = _id("Organisation id of a grid operator of the area.")
    congested = serializers.BooleanField(
        required=False,
        help_text="Congested: a waiting list (MW, withdrawal or injection) or a shortage status (3).",
    )

    def filters(self) -> GridAreaFilters:
        d = self.validated_data
        return GridAreaFilters(
            q=d.get("q", "").strip(),
            operator_type=d.get("operator_type", ""),
            province=d.get("province", ""),
            operator=d.get("operator"),
            congested=d.get("congested"),
        )


class GridProjectQuerySerializer(serializers.Serializer[Any]):
    area = _id("Service area id.")
    operator_type = serializers.ChoiceField(choices=OperatorType.choices, required=False)
    phase = serializers.ChoiceField(choices=ProjectPhase.choices, required=False)
    completion_year_min = serializers.IntegerField(
        required=False, min_value=1900, max_value=YEAR_MAX, help_text="Expected ready in or after this year."
    )
    completion_year_max = serializers.IntegerField(
        required=False, min_value=1900, max_value=YEAR_MAX, help_text="Expected ready in or before this year."
    )

    def filters(self) -> GridProjectFilters:
        d = self.validated_data
        return GridProjectFilters(
            area=d.get("area"),
            operator_type=d.get("operator_type", ""),
            phase=d.get("phase", ""),
            completion_year_min=d.get("completion_year_min"),
            completion_year_max=d.get("completion_year_max"),
        )

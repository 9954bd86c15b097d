"""Forms of the analysis pages: the parameters of a rerun, the filters of the plan results and the unlock
ranking, and the scenario editor (a form with four sets of rows).

They parse input only: the services check the parameters and scenarios again (the engine's format), the
selectors decide what is visible. Numbers are read in Dutch notation ("1.234,5") like the plan forms.
Every problem of the scenario editor is reported with its section, row and field, in Dutch."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cluster6.plans.constants import Route
from cluster6.plans.forms import DutchNumberField
from cluster6.registry.constants import Sector

from .adapters import CONGESTION_END_PREFIX, VIRTUAL_TENNET
from .constants import DIMENSIONS, Bottleneck, Feasibility, ProjectKind
from .models import AnalysisRun, Scenario
from .selectors import ResultFilters

#: The carriers other than electricity, as the engine names them, with their Dutch labels.
CARRIER_LABELS: dict[str, Any] = {
    "hydrogen": gettext_lazy("Waterstof"),
    "co2": gettext_lazy("CO₂"),
    "green_gas": gettext_lazy("Groen gas"),
    "heat": gettext_lazy("Warmte"),
}

#: Certainty of an extra capacity row (the engine's values).
CERTAINTY_CHOICES = [
    ("firm", gettext_lazy("Vast")),
    ("planned", gettext_lazy("Gepland")),
    ("uncertain", gettext_lazy("Onzeker")),
]

EARLIER, LATER = "eerder", "later"
DIRECTION_CHOICES = [(EARLIER, gettext_lazy("eerder")), (LATER, gettext_lazy("later"))]

#: Prefix of the unlock-ranking code of an end of congestion (the engine's project id).
MAX_SHIFT = 50


class PercentField(DutchNumberField):
    """A percentage from 0 to 100 in Dutch notation."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(minimum=0, **kwargs)

    def clean(self, value: Any) -> float | None:
        number = super().clean(value)
        if number is not None and number > 100:
            raise forms.ValidationError(_("Vul een percentage van 0 tot en met 100 in."))
        return number


def _choice_field(form: forms.Form, name: str) -> forms.ChoiceField:
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)
    return field


# --------------------------------------------------------------------------------------- parameters


class ParameterForm(forms.Form):
    """The parameters of a rerun of the baseline analysis; the others keep their defaults."""

    base_year = forms.IntegerField(
        label=gettext_lazy("Basisjaar"),
        min_value=2000,
        max_value=2100,
        help_text=gettext_lazy("Het eerste jaar van de tijdlijn (‘nu’)."),
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    flexible_share = PercentField(
        label=gettext_lazy("Niet-vast deel bij een flexibel contract (%)"),
        help_text=gettext_lazy("Het deel van de aanvraag dat niet in de wachtrij hoeft (0–100)."),
    )
    distance_hydrogen = DutchNumberField(label=gettext_lazy("Maximale afstand waterstof (km)"), minimum=0)
    distance_co2 = DutchNumberField(label=gettext_lazy("Maximale afstand CO₂ (km)"), minimum=0)
    distance_green_gas = DutchNumberField(label=gettext_lazy("Maximale afstand groen gas (km)"), minimum=0)
    distance_heat = DutchNumberField(label=gettext_lazy("Maximale afstand warmte (km)"), minimum=0)
    unlock_years_earlier = forms.IntegerField(
        label=gettext_lazy("Jaren eerder (ontsluitingsrangorde)"),
        min_value=0,
        max_value=MAX_SHIFT,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    miek_threshold_mw = DutchNumberField(label=gettext_lazy("Drempel kandidaat-MIEK (MW)"), minimum=0)

    @classmethod
    def for_run(cls, run: AnalysisRun | None, defaults: Mapping[str, Any]) -> ParameterForm:
        """An unbound form showing the parameters of `run` (or the defaults)."""
        p = dict(defaults)
        if run is not None:
            p.update(run.parameters)
        distances = p.get("max_distance_km") or {}
        return cls(
            initial={
                "base_year": p.get("base_year"),
                "flexible_share": round(float(p.get("flexible_share", 0)) * 100, 4),
                "distance_hydrogen": distances.get("hydrogen"),
                "distance_co2": distances.get("co2"),
                "distance_green_gas": distances.get("green_gas"),
                "distance_heat": distances.get("heat"),
                "unlock_years_earlier": p.get("unlock_years_earlier"),
                "miek_threshold_mw": p.get("miek_threshold_mw"),
            }
        )

    def params(self) -> dict[str, Any]:
        """The parameters for `analysis_run` (the engine's format); empty fields keep the defaults."""
        d = self.cleaned_data
        out: dict[str, Any] = {}
        if d.get("base_year") is not None:
            out["base_year"] = d["base_year"]
        if d.get("flexible_share") is not None:
            out["flexible_share"] = round(d["flexible_share"] / 100, 6)
        distances = {
            carrier: d[f"distance_{carrier}"]
            for carrier in CARRIER_LABELS
            if d.get(f"distance_{carrier}") is not None
        }
        if distances:
            out["max_distance_km"] = distances
        if d.get("unlock_years_earlier") is not None:
            out["unlock_years_earlier"] = d["unlock_years_earlier"]
        if d.get("miek_threshold_mw") is not None:
            out["miek_threshold_mw"] = d["miek_threshold_mw"]
        return out


# ----------------------------------------------------------------------------------------- filters


class DimensionForm(forms.Form):
    per = forms.ChoiceField(choices=list(DIMENSIONS.items()), required=False)

    def dimension(self) -> str:
        if self.is_valid() and self.cleaned_data.get("per"):
            return str(self.cleaned_data["per"])
        return "province"


class ResultFilterForm(forms.Form):
    """The filters of the plan results (query string, Dutch names)."""

    klasse = forms.ChoiceField(label=gettext_lazy("Klasse"), required=False)
    provincie = forms.ChoiceField(label=gettext_lazy("Provincie"), required=False)
    sector = forms.ChoiceField(label=gettext_lazy("Sector"), required=False)
    route = forms.ChoiceField(label=gettext_lazy("Route"), required=False)
    knelpunt = forms.ChoiceField(label=gettext_lazy("Knelpunt"), required=False)
    gebied = forms.CharField(label=gettext_lazy("Voedingsgebied (code)"), required=False, max_length=100)
    q = forms.CharField(label=gettext_lazy("Zoeken"), required=False, max_length=100)
    field_order = ["q", "klasse", "knelpunt", "provincie", "sector", "route", "gebied"]

    def __init__(self, data: Any = None, *, provinces: Sequence[str] = ()) -> None:
        super().__init__(data)
        _choice_field(self, "klasse").choices = [("", _("Alle klassen")), *Feasibility.choices]
        _choice_field(self, "provincie").choices = [("", _("Alle provincies")), *((p, p) for p in provinces)]
        _choice_field(self, "sector").choices = [("", _("Alle sectoren")), *Sector.choices]
        _choice_field(self, "route").choices = [("", _("Alle routes")), *Route.choices]
        _choice_field(self, "knelpunt").choices = [("", _("Alle knelpunten")), *Bottleneck.choices]

    def filters(self) -> ResultFilters:
        if not self.is_valid():
            return ResultFilters()
        d = self.cleaned_data
        return ResultFilters(
            feasibility=d["klasse"],
            province=d["provincie"],
            sector=d["sector"],
            route=d["route"],
            bottleneck=d["knelpunt"],
            grid_area=d["gebied"].strip(),
            q=d["q"].strip(),
        )

    def is_filtered(self) -> bool:
        f = self.filters()
        return any(getattr(f, name) for name in ResultFilters.__dataclass_fields__)


class UnlockFilterForm(forms.Form):
    soort = forms.ChoiceField(label=gettext_lazy("Soort project"), required=False)
    drager = forms.ChoiceField(label=gettext_lazy("Drager"), required=False)

    def __init__(self, data: Any = None) -> None:
        super().__init__(data)
        _choice_field(self, "soort").choices = [("", _("Alle soorten")), *ProjectKind.choices]
        _choice_field(self, "drager").choices = [("", _("Alle dragers")), *CARRIER_LABELS.items()]

    def values(self) -> tuple[str, str]:
        if not self.is_valid():
            return "", ""
        return self.cleaned_data["soort"], self.cleaned_data["drager"]


# ----------------------------------------------------------------------------------- scenario editor


class ScenarioForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Naam"), max_length=120)
    description = forms.CharField(
        label=gettext_lazy("Omschrijving"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    flexible_share = PercentField(
        label=gettext_lazy("Niet-vast deel bij een flexibel contract (%)"),
        required=False,
        help_text=gettext_lazy("Leeg: de parameter van de analyse (standaard 30%)."),
    )
    all_plans_flexible = forms.BooleanField(
        label=gettext_lazy("Alle plannen accepteren een flexibel contract"), required=False
    )


class _RowForm(forms.Form):
    """A row of the editor: empty when its key fields are blank (then it is skipped, also when it was a
    stored row: clearing a row removes it)."""

    key_fields: tuple[str, ...] = ()

    def has_changed(self) -> bool:
        if not self.is_bound:
            return False
        return any(str(self.data.get(self.add_prefix(name), "")).strip() for name in self.key_fields)


class _RowFormSet(forms.BaseFormSet):  # type: ignore[type-arg]
    """Every row may be empty (a stored row too): an empty row is skipped, not checked."""

    def get_form_kwargs(self, index: int | None) -> dict[str, Any]:
        return {**super().get_form_kwargs(index), "empty_permitted": True}


class _ShiftForm(_RowForm):
    direction = forms.ChoiceField(label=gettext_lazy("Richting"), choices=DIRECTION_CHOICES, initial=EARLIER)
    years = forms.IntegerField(
        label=gettext_lazy("Aantal jaren"),
        min_value=1,
        max_value=MAX_SHIFT,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "class": "input--short"}),
    )

    def shift(self) -> int:
        years = int(self.cleaned_data["years"])
        return -years if self.cleaned_data["direction"] == EARLIER else years


class ProjectShiftForm(_ShiftForm):
    project = forms.ChoiceField(label=gettext_lazy("Project"))
    key_fields = ("project", "years")
    field_order = ["project", "direction", "years"]

    def __init__(self, *args: Any, project_choices: Sequence[Any] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choice_field(self, "project").choices = [("", _("Kies een project")), *project_choices]


class CongestionShiftForm(_ShiftForm):
    area = forms.CharField(
        label=gettext_lazy("Gebiedscode"),
        max_length=100,
        widget=forms.TextInput(attrs={"list": "congestion-areas", "autocomplete": "off"}),
    )
    key_fields = ("area", "years")
    field_order = ["area", "direction", "years"]


class RolloutShiftForm(_ShiftForm):
    rollout = forms.ChoiceField(label=gettext_lazy("Uitrolfase"))
    key_fields = ("rollout", "years")
    field_order = ["rollout", "direction", "years"]

    def __init__(self, *args: Any, rollout_choices: Sequence[Any] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choice_field(self, "rollout").choices = [("", _("Kies een uitrolfase")), *rollout_choices]


class ExtraCapacityForm(_RowForm):
    key_fields = ("area", "year", "mw")
    area = forms.CharField(
        label=gettext_lazy("Gebiedscode"),
        max_length=100,
        widget=forms.TextInput(attrs={"list": "grid-areas", "autocomplete": "off"}),
    )
    year = forms.IntegerField(
        label=gettext_lazy("Jaar"),
        min_value=2000,
        max_value=2100,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "class": "input--year"}),
    )
    mw = DutchNumberField(label=gettext_lazy("Vermogen (MW)"), minimum=0)
    certainty = forms.ChoiceField(
        label=gettext_lazy("Zekerheid"), choices=CERTAINTY_CHOICES, initial="planned"
    )

    def clean_mw(self) -> float | None:
        value = self.cleaned_data.get("mw")
        if value is not None and value <= 0:
            raise forms.ValidationError(_("Vul een vermogen groter dan 0 MW in."))
        return value


ProjectShiftFormSet = forms.formset_factory(ProjectShiftForm, formset=_RowFormSet, extra=1)
CongestionShiftFormSet = forms.formset_factory(CongestionShiftForm, formset=_RowFormSet, extra=1)
RolloutShiftFormSet = forms.formset_factory(RolloutShiftForm, formset=_RowFormSet, extra=1)
ExtraCapacityFormSet = forms.formset_factory(ExtraCapacityForm, formset=_RowFormSet, extra=1)


class ScenarioOptions:
    """What the editor offers: the projects of the latest baseline run's unlock ranking (by kind), the
    rollouts, the areas with an end of congestion, and the grid areas (code, name)."""

    def __init__(self, ranking: Sequence[Mapping[str, Any]], areas: Sequence[tuple[str, str]]) -> None:
        self.projects = {str(e["code"]): dict(e) for e in ranking}
        self.areas = list(areas)
        self.area_codes = {code for code, _name in self.areas}
        self.congestion_areas = {
            code.removeprefix(CONGESTION_END_PREFIX): e
            for code, e in self.projects.items()
            if e["kind"] == ProjectKind.CONGESTION_END
        }
        self.rollouts = {
            code: e for code, e in self.projects.items() if e["kind"] == ProjectKind.CARRIER_ROLLOUT
        }

    @staticmethod
    def label(e: Mapping[str, Any]) -> str:
        where = e.get("area_name") or ""
        return f"{e['name']} – {where} ({e['year']})" if where else f"{e['name']} ({e['year']})"

    def project_choices(self, extra: Sequence[str] = ()) -> list[Any]:
        groups: list[Any] = []
        for kind, label in ProjectKind.choices:
            options = [(code, self.label(e)) for code, e in self.projects.items() if e["kind"] == kind]
            if options:
                groups.append((str(label), options))
        unknown = [(code, _("%(code)s (niet in de laatste analyse)") % {"code": code}) for code in extra]
        if unknown:
            groups.append((_("Overig"), unknown))
        return groups

    def rollout_choices(self, extra: Sequence[str] = ()) -> list[tuple[str, str]]:
        options = [(code, self.label(e)) for code, e in self.rollouts.items()]
        options += [(code, _("%(code)s (niet in de laatste analyse)") % {"code": code}) for code in extra]
        return options

    def congestion_options(self) -> list[tuple[str, str]]:
        return [(code, self.label(e)) for code, e in self.congestion_areas.items()]

    def kind_of(self, code: str) -> str:
        e = self.projects.get(code)
        return str(e["kind"]) if e else ProjectKind.GRID_REINFORCEMENT

    def is_area(self, code: str) -> bool:
        return code in self.area_codes or code.removeprefix(VIRTUAL_TENNET) in self.area_codes


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _shift_row(key: str, years: int, field: str) -> dict[str, Any]:
    return {field: key, "direction": EARLIER if years < 0 else LATER, "years": abs(int(years))}


class ScenarioEditor:
    """The scenario form and its rows: projects earlier or later (from the unlock ranking), shifts of the
    end of congestion per area, shifts of carrier rollouts, and extra capacity per area."""

    SECTIONS = (
        ("projects", gettext_lazy("Projecten eerder of later")),
        ("congestion", gettext_lazy("Einde congestie verschuiven")),
        ("rollouts", gettext_lazy("Uitrol van dragers verschuiven")),
        ("extra", gettext_lazy("Extra capaciteit")),
    )

    def __init__(
        self,
        data: Any = None,
        *,
        options: ScenarioOptions,
        scenario: Scenario | None = None,
        prefill: Mapping[str, Any] | None = None,
    ) -> None:
        self.options = options
        initial_main: dict[str, Any] = {}
        projects: list[dict[str, Any]] = []
        congestion: list[dict[str, Any]] = []
        rollouts: list[dict[str, Any]] = []
        extra: list[dict[str, Any]] = []
        if scenario is not None:
            initial_main = {
                "name": scenario.name,
                "description": scenario.description,
                "flexible_share": (
                    round(scenario.flexible_share * 100, 4) if scenario.flexible_share is not None else None
                ),
                "all_plans_flexible": scenario.all_plans_flexible,
            }
            projects = [_shift_row(k, v, "project") for k, v in (scenario.reinforcement_shifts or {}).items()]
            congestion = [_shift_row(k, v, "area") for k, v in (scenario.congestion_end_shifts or {}).items()]
            rollouts = [_shift_row(k, v, "rollout") for k, v in (scenario.rollout_shifts or {}).items()]
            extra = [
                {
                    "area": x.get("area_id", ""),
                    "year": x.get("year"),
                    "mw": x.get("mw"),
                    "certainty": x.get("certainty", "planned"),
                }
                for x in (scenario.extra_capacity or [])
            ]
        elif prefill:
            code = str(prefill.get("project") or "")
            if code in options.projects:
                try:
                    years = int(prefill.get("years") or 2)
                except ValueError:  # ?jaren= is not a whole number
                    years = 2
                projects = [{"project": code, "direction": EARLIER, "years": years}]
                e = options.projects[code]
                initial_main["name"] = _("%(name)s %(n)s jaar eerder") % {"name": e["name"], "n": years}
        unknown_projects = [r["project"] for r in projects if r["project"] not in options.projects]
        if data is not None:
            unknown_projects += [
                v
                for k, v in data.items()
                if k.startswith("project-") and k.endswith("-project") and v and v not in options.projects
            ]
        unknown_rollouts = [r["rollout"] for r in rollouts if r["rollout"] not in options.rollouts]
        self.form = ScenarioForm(data, initial=initial_main)
        self.projects = ProjectShiftFormSet(
            data,
            prefix="project",
            initial=projects or None,
            form_kwargs={"project_choices": options.project_choices(sorted(set(unknown_projects)))},
        )
        self.congestion = CongestionShiftFormSet(data, prefix="congestion", initial=congestion or None)
        self.rollouts = RolloutShiftFormSet(
            data,
            prefix="rollout",
            initial=rollouts or None,
            form_kwargs={"rollout_choices": options.rollout_choices(sorted(set(unknown_rollouts)))},
        )
        self.extra = ExtraCapacityFormSet(data, prefix="extra", initial=extra or None)
        self._values: dict[str, Any] | None = None
        self._errors: list[str] = []

    @property
    def formsets(self) -> list[tuple[str, str, forms.BaseFormSet[Any]]]:
        sets = {
            "projects": self.projects,
            "congestion": self.congestion,
            "rollouts": self.rollouts,
            "extra": self.extra,
        }
        return [(key, str(label), sets[key]) for key, label in self.SECTIONS]

    # -- validation

    def is_valid(self) -> bool:
        """Check everything at once: the fields of every row, then the codes and duplicates of the rows
        that are well-formed, so that one pass reports every problem."""
        valid = self.form.is_valid()
        for _key, _label, formset in self.formsets:
            valid = formset.is_valid() and valid
        self._values = self._collect()
        self._errors = self._row_errors()
        return valid and not self._errors

    def _collect(self) -> dict[str, Any]:
        """The scenario values from valid rows, checking codes and duplicates across the rows."""
        opts = self.options
        reinforcement: dict[str, int] = {}
        congestion: dict[str, int] = {}
        rollout: dict[str, int] = {}
        seen: dict[tuple[str, str], str] = {}

        def row_name(section: str, i: int) -> str:
            return _("%(section)s, rij %(row)s") % {"section": dict(self.SECTIONS)[section], "row": i + 1}

        def claim(target: str, key: str, where: str, form: forms.Form, field: str) -> bool:
            if (target, key) in seen:
                form.add_error(field, _("staat al in %(other)s") % {"other": seen[(target, key)]})
                return False
            seen[(target, key)] = where
            return True

        for i, f in enumerate(self.projects.forms):
            if not f.has_changed() or f.errors:
                continue
            code = f.cleaned_data["project"]
            kind = opts.kind_of(code)
            where = row_name("projects", i)
            if kind == ProjectKind.CONGESTION_END:
                key = code.removeprefix(CONGESTION_END_PREFIX)
                if claim("congestion", key, where, f, "project"):
                    congestion[key] = f.shift()
            elif kind == ProjectKind.CARRIER_ROLLOUT:
                if claim("rollout", code, where, f, "project"):
                    rollout[code] = f.shift()
            elif claim("reinforcement", code, where, f, "project"):
                reinforcement[code] = f.shift()
        for i, f in enumerate(self.congestion.forms):
            if not f.has_changed() or f.errors:
                continue
            code = f.cleaned_data["area"].strip()
            if opts.congestion_areas and code not in opts.congestion_areas:
                f.add_error(
                    "area",
                    _("gebied ‘%(code)s’ heeft geen verwacht einde van de congestie in de laatste analyse")
                    % {"code": code},
                )
                continue
            if claim("congestion", code, row_name("congestion", i), f, "area"):
                congestion[code] = f.shift()
        for i, f in enumerate(self.rollouts.forms):
            if not f.has_changed() or f.errors:
                continue
            code = f.cleaned_data["rollout"]
            if claim("rollout", code, row_name("rollouts", i), f, "rollout"):
                rollout[code] = f.shift()
        extra: list[dict[str, Any]] = []
        for i, f in enumerate(self.extra.forms):
            if not f.has_changed() or f.errors:
                continue
            code = f.cleaned_data["area"].strip()
            if opts.area_codes and not opts.is_area(code):
                f.add_error("area", _("onbekend voedingsgebied ‘%(code)s’") % {"code": code})
                continue
            extra.append(
                {
                    "area_id": code,
                    "year": f.cleaned_data["year"],
                    "mw": f.cleaned_data["mw"],
                    "certainty": f.cleaned_data["certainty"],
                    "id": f"extra-{i + 1}",
                }
            )
        main = getattr(self.form, "cleaned_data", {})
        share = main.get("flexible_share")
        return {
            "name": str(main.get("name", "")).strip(),
            "description": main.get("description", ""),
            "reinforcement_shifts": reinforcement,
            "congestion_end_shifts": congestion,
            "rollout_shifts": rollout,
            "extra_capacity": extra,
            "flexible_share": round(share / 100, 6) if share is not None else None,
            "all_plans_flexible": bool(main.get("all_plans_flexible")),
        }

    def _row_errors(self) -> list[str]:
        out = []
        for _key, label, formset in self.formsets:
            for i, f in enumerate(formset.forms):
                for field, errors in f.errors.items():
                    name = f.fields[field].label if field in f.fields else ""
                    for error in errors:
                        out.append(
                            _("%(section)s, rij %(row)s, %(field)s: %(error)s")
                            % {
                                "section": label,
                                "row": i + 1,
                                "field": _lower_first(str(name)),
                                "error": error,
                            }
                            if name
                            else _("%(section)s, rij %(row)s: %(error)s")
                            % {"section": label, "row": i + 1, "error": error}
                        )
            for error in formset.non_form_errors():
                out.append(f"{label}: {error}")
        return out

    def values(self) -> dict[str, Any]:
        assert self._values is not None, "call is_valid() first"
        return self._values

    def error_list(self) -> list[str]:
        """Every problem, one Dutch line each: the main fields, then each row with its section and field."""
        out = []
        for field, errors in self.form.errors.items():
            label = self.form.fields[field].label if field in self.form.fields else ""
            for error in errors:
                out.append(f"{label}: {error}" if label else str(error))
        return out + (self._errors or self._row_errors())

    def add_errors(self, messages: Sequence[str]) -> None:
        """Problems found by the service (the engine's scenario format)."""
        for message in messages:
            self.form.add_error(None, message)

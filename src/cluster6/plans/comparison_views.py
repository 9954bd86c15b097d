"""The page "Vergelijking uitvraagrondes": two survey rounds compared, as a waterfall of the reduction before
2030 and a table per sector, province or route (issue 3, point 2). Aggregates only: no plan or company
appears on the page; groups of fewer than three companies are suppressed (docs/plans.md).

The view parses the form, calls the `plan_comparison` selector and renders."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.formats import number_format
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from cluster6.authz.policies import can_view_aggregates
from cluster6.core.charts import figure_html
from cluster6.core.disclosure import MIN_COMPANIES

from .comparison import (
    Figures,
    GroupBy,
    RoundComparison,
    comparison_default_rounds,
    comparison_provinces,
    comparison_rounds,
    plan_comparison,
)
from .constants import TARGET_YEAR
from .models import SurveyRound

#: The `per` values of the page (Dutch) -> the selector's dimensions.
PER_CHOICES = {"sector": GroupBy.SECTOR, "provincie": GroupBy.PROVINCE, "route": GroupBy.ROUTE}

PER_LABELS = {
    "sector": gettext_lazy("Sector"),
    "provincie": gettext_lazy("Provincie"),
    "route": gettext_lazy("Route"),
}

#: Chart colours (Rijkshuisstijl): totals dark blue, losses red, gains green.
TOTAL_COLOUR, LOSS_COLOUR, GAIN_COLOUR = "#154273", "#d52b1e", "#39870c"


class ComparisonForm(forms.Form):
    van = forms.ChoiceField(label=gettext_lazy("Eerdere ronde (A)"))
    naar = forms.ChoiceField(label=gettext_lazy("Latere ronde (B)"))
    per = forms.ChoiceField(
        label=gettext_lazy("Uitsplitsen naar"),
        choices=list(PER_LABELS.items()),
    )
    provincie = forms.ChoiceField(label=gettext_lazy("Alleen provincie"), required=False)

    def __init__(
        self, data: Any, *, rounds: list[SurveyRound], provinces: list[tuple[str, str]], **kwargs: Any
    ) -> None:
        super().__init__(data, **kwargs)
        self.rounds = {r.code: r for r in rounds}
        round_choices = [(r.code, r.name) for r in rounds]
        self.choice_field("van").choices = round_choices
        self.choice_field("naar").choices = round_choices
        self.choice_field("provincie").choices = [("", _("Alle provincies")), *provinces]

    def choice_field(self, name: str) -> forms.ChoiceField:
        field = self.fields[name]
        assert isinstance(field, forms.ChoiceField)
        return field

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("van") and data.get("van") == data.get("naar"):
            raise forms.ValidationError(_("Kies twee verschillende uitvraagrondes."))
        return data


def _kt(value: float) -> float:
    return value / 1000.0


def waterfall_steps(figures: Figures, label_a: str, label_b: str) -> list[dict[str, Any]]:
    """The bars of the waterfall from the reduction before 2030 in A to B (kt/yr; losses negative)."""
    steps: list[dict[str, Any]] = [
        {"label": label_a, "value": _kt(figures.before_a_t), "measure": "absolute"},
        {"label": _("Uitstel"), "value": -_kt(figures.postponed_t), "measure": "relative"},
        {"label": _("Afstel"), "value": -_kt(figures.cancelled_t), "measure": "relative"},
        {"label": _("Nieuwe plannen"), "value": _kt(figures.new_t), "measure": "relative"},
        {"label": _("Versneld"), "value": _kt(figures.accelerated_t), "measure": "relative"},
        {"label": _("Gewijzigde reductie"), "value": _kt(figures.changed_t), "measure": "relative"},
    ]
    if figures.not_resubmitted_t:
        steps.append(
            {
                "label": _("Niet opnieuw ingediend"),
                "value": -_kt(figures.not_resubmitted_t),
                "measure": "relative",
            }
        )
    steps.append({"label": label_b, "value": _kt(figures.before_b_t), "measure": "total"})
    return steps


def waterfall_chart(steps: list[dict[str, Any]]) -> str:
    """The waterfall as a Plotly fragment (plotly.js is loaded by the page from the local static files)."""
    import plotly.graph_objects as go

    dutch = (get_language() or "nl").startswith("nl")
    unit = _("kt CO₂/jaar")

    def fmt(step: dict[str, Any]) -> str:
        value = round(step["value"], 1) + 0.0  # no "-0,0"
        text = number_format(value, decimal_pos=1, force_grouping=True)
        return f"+{text}" if step["measure"] == "relative" and value > 0 else text

    texts = [fmt(s) for s in steps]
    fig = go.Figure(
        go.Waterfall(
            x=[s["label"] for s in steps],
            y=[s["value"] for s in steps],
            measure=[s["measure"] for s in steps],
            text=texts,
            textposition="outside",
            cliponaxis=False,
            hovertemplate=f"%{{x}}: %{{text}} {unit}<extra></extra>",
            decreasing={"marker": {"color": LOSS_COLOUR}},
            increasing={"marker": {"color": GAIN_COLOUR}},
            totals={"marker": {"color": TOTAL_COLOUR}},
            connector={"line": {"color": "#8c8c8c", "width": 1, "dash": "dot"}},
        )
    )
    fig.update_layout(
        separators=",." if dutch else ".,",
        height=380,
        margin={"l": 70, "r": 16, "t": 28, "b": 60},
        paper_bgcolor="#ffffff",
        plot_bgcolor="#ffffff",
        font={"family": "system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif", "size": 13},
        yaxis={"title": {"text": unit}, "gridcolor": "#e6e6e6", "rangemode": "tozero", "tickformat": ",.0f"},
        xaxis={"showgrid": False},
        showlegend=False,
    )
    return figure_html(fig, "comparison-waterfall")


def _form_data(request: HttpRequest, rounds: list[SurveyRound]) -> dict[str, str]:
    """The query string with the defaults filled in: the latest answered round and the one before it."""
    data = {key: request.GET.get(key, "") for key in ("van", "naar", "per", "provincie")}
    earlier, later = comparison_default_rounds(rounds)
    if not data["naar"] and later is not None:
        data["naar"] = later.code
    if not data["van"] and earlier is not None:
        data["van"] = earlier.code
    data["per"] = data["per"] or "sector"
    return data


@login_required
@require_GET
def comparison_page(request: HttpRequest) -> HttpResponse:
    if not can_view_aggregates(request.user):
        raise PermissionDenied
    rounds = comparison_rounds()
    form = ComparisonForm(_form_data(request, rounds), rounds=rounds, provinces=comparison_provinces())
    comparison: RoundComparison | None = None
    steps: list[dict[str, Any]] = []
    chart = ""
    if rounds and form.is_valid():
        comparison = plan_comparison(
            actor=request.user,
            round_from=form.rounds[form.cleaned_data["van"]],
            round_to=form.rounds[form.cleaned_data["naar"]],
            group_by=PER_CHOICES[form.cleaned_data["per"]],
            province_code=form.cleaned_data["provincie"] or None,
        )
        if comparison.totals is not None:
            steps = waterfall_steps(comparison.totals, comparison.round_from.name, comparison.round_to.name)
            chart = waterfall_chart(steps)
    group_header = str(PER_LABELS.get(form.data.get("per", "sector"), _("Groep")))
    context = {
        "form": form,
        "rounds": rounds,
        "comparison": comparison,
        "steps": steps,
        "chart": chart,
        "group_header": group_header,
        "target_year": TARGET_YEAR,
        "min_companies": comparison.min_companies if comparison is not None else MIN_COMPANIES,
    }
    return render(request, "plans/comparison.html", context)

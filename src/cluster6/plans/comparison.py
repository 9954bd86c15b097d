"""Round-to-round comparison of plans (issue 3, point 2; the rules with examples are in docs/plans.md).

Two layers:

- A pure core on plain values: `classify_plan` compares what one plan looked like in an earlier round A and
  a later round B, and `summarise` / `group_figures` add the results up, with the disclosure rule. They
  know nothing of the database and are tested with hand-made cases and property tests.
- Selectors: `plan_comparison` reads the latest *submitted* revision of every organisation's submission in
  both rounds and feeds the core. The aggregates reveal no single company, so they are computed over ALL
  submitted versions (not through PlanVersionPolicy) and are open to every programme role without consent;
  plan-level rows never leave this module, and groups of fewer than `MIN_COMPANIES` companies are
  suppressed.

"Reduction before 2030" is the CO2 reduction (t/yr) of the plans that are active (not cancelled) and in
operation by `TARGET_YEAR`. The change of that figure between A and B is split exactly into what was lost
to postponement (uitstel), lost to cancellation (afstel), came in through new plans, was gained through
acceleration, came from changed reduction figures, and dropped out because the organisation did not
submit in B. So for every plan, and so for every sum of plans:

    before_b = before_a - postponed - cancelled + new + accelerated + changed - not_resubmitted
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, OuterRef
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from cluster6.authz.policies import Actor, can_view_aggregates, visible_to
from cluster6.core.disclosure import MIN_COMPANIES, configured_rule, suppression
from cluster6.registry.constants import Sector
from cluster6.registry.models import Province

from .constants import TARGET_YEAR, Change, PlanStatus, Route, SubmissionStatus
from .models import PlanVersion, Submission, SurveyRound

#: A reduction counts as changed when it moves by more than both of these (1 t/yr and 1%).
ABS_TOLERANCE_T = 1.0
REL_TOLERANCE = 0.01
#: The label of `PlanChange.change is None`: the organisation did not submit in round B.
NOT_RESUBMITTED = "niet_ingediend"


class GroupBy:
    """The dimensions the aggregates are broken down by."""

    SECTOR = "sector"
    PROVINCE = "province"
    ROUTE = "route"
    ALL = (SECTOR, PROVINCE, ROUTE)


# ------------------------------------------------------------------------------------------ pure core


@dataclass(frozen=True)
class PlanState:
    """What one submitted version says about a plan, as far as the comparison needs it."""

    in_operation_year: int
    co2_reduction_t: float
    status: str = PlanStatus.FEASIBILITY

    @property
    def active(self) -> bool:
        return self.status != PlanStatus.CANCELLED

    def reduction_before(self, year: int = TARGET_YEAR) -> float:
        """The reduction this version counts before `year` (t/yr): all of it when active and in operation
        by then, else nothing."""
        return self.co2_reduction_t if self.active and self.in_operation_year <= year else 0.0


@dataclass(frozen=True)
class PlanChange:
    """How one plan changed from round A to round B.

    `change` is the primary class (precedence cancelled > new > postponed > accelerated > reduction change >
    unchanged), None when the organisation did not submit in B (the plan is not compared). The *_t fields
    split the change of the reduction before 2030 by cause; they are all >= 0 except `changed_t`."""

    change: Change | None
    past_2030: bool = False
    reduction_delta_t: float | None = None  # B - A of the whole reduction (new: +B, cancelled: -A)
    before_a_t: float = 0.0
    before_b_t: float = 0.0
    postponed_t: float = 0.0  # lost: in operation by 2030 in A, later in B
    cancelled_t: float = 0.0  # lost: cancelled (or dropped) in B
    new_t: float = 0.0  # gained: not in A (or cancelled there)
    accelerated_t: float = 0.0  # gained: after 2030 in A, by 2030 in B
    changed_t: float = 0.0  # signed: a different reduction figure for a plan in operation by 2030 in B
    not_resubmitted_t: float = 0.0  # out of the comparison: the organisation did not submit in B

    @property
    def other_t(self) -> float:
        return self.accelerated_t + self.changed_t


def reduction_changed(before: float, after: float) -> bool:
    """True when a reduction moved by more than the tolerance (1 t/yr and 1% of the earlier figure)."""
    return abs(after - before) > max(ABS_TOLERANCE_T, REL_TOLERANCE * abs(before))


def classify_plan(
    a: PlanState | None, b: PlanState | None, *, responded_in_b: bool, target_year: int = TARGET_YEAR
) -> PlanChange | None:
    """Compare a plan's version in round A (`a`, None when absent) with its version in round B (`b`).

    `responded_in_b`: the organisation that submitted the plan in A also submitted in B. A plan absent from
    B counts as cancelled (afstel) only then; otherwise it is "not resubmitted" (`change` None).
    Returns None when there is nothing to compare: the plan is absent or cancelled in both rounds."""
    a_active = a is not None and a.active
    b_active = b is not None and b.active
    if not a_active and not b_active:
        return None
    if a_active and not b_active:
        assert a is not None
        before_a = a.reduction_before(target_year)
        if b is None and not responded_in_b:
            return PlanChange(change=None, before_a_t=before_a, not_resubmitted_t=before_a)
        return PlanChange(
            change=Change.CANCELLED,
            reduction_delta_t=-a.co2_reduction_t,
            before_a_t=before_a,
            cancelled_t=before_a,
        )
    assert b is not None
    before_b = b.reduction_before(target_year)
    if not a_active:
        return PlanChange(
            change=Change.NEW, reduction_delta_t=b.co2_reduction_t, before_b_t=before_b, new_t=before_b
        )
    assert a is not None
    before_a = a.reduction_before(target_year)
    # Split the change: first the year moves (at A's reduction), then the reduction changes (at B's year).
    a_by_target = a.in_operation_year <= target_year
    b_by_target = b.in_operation_year <= target_year
    postponed = a.co2_reduction_t if a_by_target and not b_by_target else 0.0
    accelerated = a.co2_reduction_t if b_by_target and not a_by_target else 0.0
    changed = b.co2_reduction_t - a.co2_reduction_t if b_by_target else 0.0
    if b.in_operation_year > a.in_operation_year or (
        b.status == PlanStatus.POSTPONED and a.status != PlanStatus.POSTPONED
    ):
        change = Change.POSTPONED
    elif b.in_operation_year < a.in_operation_year:
        change = Change.ACCELERATED
    elif reduction_changed(a.co2_reduction_t, b.co2_reduction_t):
        change = Change.REDUCTION_UP if b.co2_reduction_t > a.co2_reduction_t else Change.REDUCTION_DOWN
    else:
        change = Change.UNCHANGED
    return PlanChange(
        change=change,
        past_2030=change == Change.POSTPONED and a_by_target and not b_by_target,
        reduction_delta_t=b.co2_reduction_t - a.co2_reduction_t,
        before_a_t=before_a,
        before_b_t=before_b,
        postponed_t=postponed,
        accelerated_t=accelerated,
        changed_t=changed,
    )


@dataclass(frozen=True)
class ComparedPlan:
    """One classified plan with what it is grouped by and the company it belongs to (the group parent
    when there is one). Never leaves this module's callers as a row: only its sums do."""

    change: PlanChange
    group: str
    company: int


#: The counters of `Figures.counts`: the classes, the "not resubmitted" plans, and those moved past 2030.
COUNT_KEYS: tuple[str, ...] = (*[c.value for c in Change], NOT_RESUBMITTED, "past_2030")


@dataclass
class Figures:
    """The sums over a set of compared plans (t/yr); see the module docstring for the identity."""

    plans: int = 0
    companies: int = 0
    before_a_t: float = 0.0
    before_b_t: float = 0.0
    postponed_t: float = 0.0
    cancelled_t: float = 0.0
    new_t: float = 0.0
    accelerated_t: float = 0.0
    changed_t: float = 0.0
    not_resubmitted_t: float = 0.0
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(COUNT_KEYS, 0))

    @property
    def other_t(self) -> float:
        """Accelerated plans and changed reduction figures together."""
        return self.accelerated_t + self.changed_t

    @property
    def net_t(self) -> float:
        return self.before_b_t - self.before_a_t

    @property
    def net_share(self) -> float | None:
        """The net change as a share of the reduction before 2030 in A (None when that is zero)."""
        return self.net_t / self.before_a_t if self.before_a_t else None

    def reconciliation_error(self) -> float:
        """before_b minus what the identity gives; zero up to rounding."""
        expected = (
            self.before_a_t
            - self.postponed_t
            - self.cancelled_t
            + self.new_t
            + self.accelerated_t
            + self.changed_t
            - self.not_resubmitted_t
        )
        return self.before_b_t - expected


def summarise(items: Iterable[ComparedPlan]) -> Figures:
    """The sums over `items` (plans, distinct companies, t/yr per cause and counts per class)."""
    figures = Figures()
    companies: set[int] = set()
    for item in items:
        c = item.change
        figures.plans += 1
        companies.add(item.company)
        figures.before_a_t += c.before_a_t
        figures.before_b_t += c.before_b_t
        figures.postponed_t += c.postponed_t
        figures.cancelled_t += c.cancelled_t
        figures.new_t += c.new_t
        figures.accelerated_t += c.accelerated_t
        figures.changed_t += c.changed_t
        figures.not_resubmitted_t += c.not_resubmitted_t
        figures.counts[c.change.value if c.change is not None else NOT_RESUBMITTED] += 1
        if c.past_2030:
            figures.counts["past_2030"] += 1
    figures.companies = len(companies)
    return figures


@dataclass(frozen=True)
class GroupFigures:
    """One group (a sector, province or route): its figures, or None when suppressed."""

    key: str
    figures: Figures | None
    # "" (shown), "primary" (too few companies), "dominance" (one company holds most) or "secondary"
    # (protects a suppressed one)
    suppression: str = ""

    @property
    def suppressed(self) -> bool:
        return self.figures is None


def contributions(items: Iterable[ComparedPlan]) -> dict[int, tuple[float, float, float]]:
    """Per company, what it contributes to the figures of `items`: (plans, reduction before 2030 in A,
    in B), the measures the disclosure rule checks for dominance."""
    out: dict[int, tuple[float, float, float]] = {}
    for item in items:
        n, a, b = out.get(item.company, (0.0, 0.0, 0.0))
        out[item.company] = (n + 1, a + item.change.before_a_t, b + item.change.before_b_t)
    return out


def group_figures(
    items: Iterable[ComparedPlan],
    *,
    min_companies: int | None = None,
    max_share: float | None = None,
    known: frozenset[int] = frozenset(),
) -> list[GroupFigures]:
    """The figures per group, by key, with the disclosure rule applied (cluster6.core.disclosure):
    primary suppression of a group resting on fewer than `min_companies` companies ("primary") or on one
    company holding more than the maximum share ("dominance"); secondary suppression until the
    suppressed groups together (what the total minus the shown groups gives) pass the rule as well.
    `known`: the companies whose plans the viewer may read in full (they protect nothing from it)."""
    by_group: dict[str, list[ComparedPlan]] = defaultdict(list)
    for item in items:
        by_group[item.group].append(item)
    sums = {key: summarise(members) for key, members in by_group.items()}
    cells = {key: contributions(members) for key, members in by_group.items()}
    reasons = suppression(cells, rule=configured_rule(min_companies, max_share), known=frozenset(known))
    return [
        GroupFigures(key=key, figures=None if key in reasons else f, suppression=reasons.get(key, ""))
        for key, f in sorted(sums.items())
    ]


def totals_reason(items: Iterable[ComparedPlan], *, known: frozenset[int] = frozenset()) -> str:
    """Why the totals of a comparison are suppressed ("" when shown)."""
    return configured_rule().check(contributions(items), frozenset(known))


# ------------------------------------------------------------------------------------------- selectors


def comparison_rounds() -> list[SurveyRound]:
    """The survey rounds, oldest first (round metadata is not confidential)."""
    return list(SurveyRound.objects.order_by("opens_on", "code"))


def comparison_provinces() -> list[tuple[str, str]]:
    """(code, name) of the provinces, by name, for the province filter (not confidential)."""
    return [
        (str(code), str(name)) for code, name in Province.objects.order_by("name").values_list("code", "name")
    ]


def comparison_default_rounds(
    rounds: Sequence[SurveyRound],
) -> tuple[SurveyRound | None, SurveyRound | None]:
    """The pair to show first: the latest round that has a submitted submission, and its previous round
    (or else the round before it)."""
    with_answers = set(
        Submission.objects.filter(status=SubmissionStatus.SUBMITTED).values_list("round_id", flat=True)
    )
    answered = [r for r in rounds if r.pk in with_answers]
    if not answered:
        return None, None
    later = answered[-1]
    if later.previous_id is not None:
        earlier = next((r for r in rounds if r.pk == later.previous_id), None)
    else:
        index = list(rounds).index(later)
        earlier = rounds[index - 1] if index > 0 else None
    return earlier, later


@dataclass(frozen=True)
class GroupRow(GroupFigures):
    """A group's figures with the label to show for its key."""

    label: str = ""


@dataclass(frozen=True)
class RoundComparison:
    """The aggregates of a comparison of two rounds: totals (None when suppressed) and one row per group."""

    round_from: SurveyRound
    round_to: SurveyRound
    group_by: str
    province: Province | None
    totals: Figures | None
    groups: list[GroupRow]
    target_year: int = TARGET_YEAR
    min_companies: int = MIN_COMPANIES

    @property
    def suppressed_groups(self) -> int:
        return sum(1 for g in self.groups if g.suppressed)


#: The columns read per version: plan, organisation, round, the three compared fields, and what the plan
#: is grouped by.
_COLUMNS = (
    "plan_id",
    "submission__organisation_id",
    "submission__round_id",
    "in_operation_year",
    "co2_reduction_t",
    "status",
    "route",
    "plan__location__sector",
    "plan__location__province__code",
    "plan__location__operator_id",
    "plan__location__operator__parent_id",
)


@dataclass
class _PlanRounds:
    a: PlanState | None = None
    b: PlanState | None = None
    a_org: int | None = None
    route_a: str = ""
    route_b: str = ""
    sector: str = ""
    province: str = ""
    company: int = 0


def _latest_submitted_rows(round_ids: Sequence[int], province_code: str | None) -> Iterable[tuple[Any, ...]]:
    """The versions of the latest submitted revision of each organisation's submission in the rounds."""
    newer = Submission.objects.filter(
        organisation=OuterRef("submission__organisation"),
        round=OuterRef("submission__round"),
        status=SubmissionStatus.SUBMITTED,
        revision__gt=OuterRef("submission__revision"),
    )
    qs = PlanVersion.objects.filter(
        submission__round_id__in=round_ids, submission__status=SubmissionStatus.SUBMITTED
    ).filter(~Exists(newer))
    if province_code:
        qs = qs.filter(plan__location__province__code=province_code)
    # Oldest submission first, so that when two organisations report one plan in a round the latest wins.
    return qs.order_by("submission__submitted_at", "pk").values_list(*_COLUMNS).iterator(chunk_size=5000)


def compared_plans(
    *, round_from: SurveyRound, round_to: SurveyRound, group_by: str, province_code: str | None = None
) -> list[ComparedPlan]:
    """Every plan of the two rounds, classified, with its group key and company (no actor check: callers
    are the aggregate selectors, which check it and never hand out these rows)."""
    if group_by not in GroupBy.ALL:
        raise ValueError(f"unknown group_by {group_by!r}")
    plans: dict[int, _PlanRounds] = defaultdict(_PlanRounds)
    rows = _latest_submitted_rows([round_from.pk, round_to.pk], province_code)
    for (
        plan_id,
        org_id,
        round_id,
        year,
        reduction,
        status,
        route,
        sector,
        province,
        operator_id,
        parent_id,
    ) in rows:
        entry = plans[plan_id]
        state = PlanState(in_operation_year=int(year), co2_reduction_t=float(reduction), status=str(status))
        if round_id == round_from.pk:
            entry.a, entry.a_org, entry.route_a = state, int(org_id), str(route)
        else:
            entry.b, entry.route_b = state, str(route)
        entry.sector = str(sector)
        entry.province = str(province or "")
        entry.company = int(parent_id or operator_id)
    responded = set(
        Submission.objects.filter(round=round_to, status=SubmissionStatus.SUBMITTED).values_list(
            "organisation_id", flat=True
        )
    )
    result: list[ComparedPlan] = []
    for entry in plans.values():
        change = classify_plan(entry.a, entry.b, responded_in_b=entry.a_org in responded)
        if change is None:
            continue
        if group_by == GroupBy.SECTOR:
            key = entry.sector
        elif group_by == GroupBy.PROVINCE:
            key = entry.province
        else:
            key = entry.route_b or entry.route_a
        result.append(ComparedPlan(change=change, group=key, company=entry.company))
    return result


def readable_companies(
    *, actor: Actor, round_ids: Sequence[int], province_code: str | None = None
) -> frozenset[int]:
    """The companies (as `ComparedPlan.company`: the location's operator or its parent) every compared
    version of which the actor may read, by the policy layer (`PlanVersionPolicy`: the ministry all,
    others with the company's consent). The disclosure rule does not hide these from it."""
    memo: dict[tuple[Any, ...], frozenset[int]] = actor.__dict__.setdefault("_cluster6_comparison_known", {})
    memo_key = (tuple(sorted(round_ids)), province_code or "")
    if memo_key in memo:  # once a request (the page asks for the national and the province's)
        return memo[memo_key]
    qs = PlanVersion.objects.filter(
        submission__round_id__in=round_ids, submission__status=SubmissionStatus.SUBMITTED
    )
    if province_code:
        qs = qs.filter(plan__location__province__code=province_code)

    def per_company(q: Any) -> dict[int, int]:
        # counted in the database: the versions of each company, and those the actor may read
        rows = (
            q.order_by()
            .annotate(company=Coalesce("plan__location__operator__parent_id", "plan__location__operator_id"))
            .values("company")
            .annotate(n=Count("pk", distinct=True))
            .values_list("company", "n")
        )
        return {int(c): int(n) for c, n in rows if c is not None}

    every = per_company(qs)
    visible = visible_to(actor, qs)
    # the same query (the ministry reads every version): the same counts
    seen = every if str(visible.query) == str(qs.query) else per_company(visible)
    memo[memo_key] = out = frozenset(c for c, n in every.items() if seen.get(c) == n)
    return out


def group_labels(group_by: str) -> dict[str, str]:
    """Key -> display label of the groups of a dimension."""
    if group_by == GroupBy.SECTOR:
        return {str(value): str(label) for value, label in Sector.choices}
    if group_by == GroupBy.ROUTE:
        return {str(value): str(label) for value, label in Route.choices}
    return dict(Province.objects.values_list("code", "name"))


def _province_reason(
    *, actor: Actor, round_from: SurveyRound, round_to: SurveyRound, code: str | None
) -> str:
    """Why the province `code` is blanked in the national comparison per province ("" when shown, or
    without a province)."""
    if not code:
        return ""
    national = compared_plans(round_from=round_from, round_to=round_to, group_by=GroupBy.PROVINCE)
    known = readable_companies(actor=actor, round_ids=[round_from.pk, round_to.pk])
    row = next((g for g in group_figures(national, known=known) if g.key == code), None)
    return row.suppression if row is not None else ""


def plan_comparison(
    *,
    actor: Actor,
    round_from: SurveyRound,
    round_to: SurveyRound,
    group_by: str = GroupBy.SECTOR,
    province_code: str | None = None,
) -> RoundComparison:
    """The aggregates of the comparison of `round_from` (A) with `round_to` (B), per `group_by`, optionally
    within one province. Raises PermissionDenied for actors without an aggregate role (company users)."""
    if not can_view_aggregates(actor):
        raise PermissionDenied
    province = Province.objects.filter(code=province_code).first() if province_code else None
    items = compared_plans(
        round_from=round_from, round_to=round_to, group_by=group_by, province_code=province_code
    )
    known = readable_companies(
        actor=actor, round_ids=[round_from.pk, round_to.pk], province_code=province_code
    )
    labels = group_labels(group_by)
    unknown = _("Onbekend")
    # one province's figures are a row of the national table per province: blanked there (the national
    # total minus the shown provinces would give it), they are blanked here too, with every group
    blanked = _province_reason(actor=actor, round_from=round_from, round_to=round_to, code=province_code)
    groups = [
        GroupRow(
            key=g.key,
            label=labels.get(g.key, g.key or unknown),
            figures=None if blanked else g.figures,
            suppression=g.suppression or blanked,
        )
        for g in group_figures(items, known=known)
    ]
    groups.sort(key=lambda g: (g.suppressed, -(g.figures.before_a_t if g.figures else 0.0), g.label))
    totals = summarise(items)
    return RoundComparison(
        round_from=round_from,
        round_to=round_to,
        group_by=group_by,
        province=province,
        totals=None if blanked or totals_reason(items, known=known) else totals,
        groups=groups,
        min_companies=configured_rule().min_companies,
    )

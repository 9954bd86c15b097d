"""Load benchmark of the web pages and API of the analysis, plans and registry apps (issue 8, point 5).

Run from the repository root: `.venv/bin/python bench/web.py` (also run by `make bench`). For every scale it
starts a throw-away PostgreSQL server (the logic of scripts/with-postgres.sh: Debian's postgresql in a
temporary folder, on a free port), loads the demo data (`cluster6 demo --seed 1 --scale N`, the demo
accounts of `cluster6 setup_demo`, a run of `cluster6 analyse`), starts gunicorn (production settings,
--workers sync workers) on a free port, logs in as the company, the ministry, the grid operator and the
province, and drives --users concurrent users (threads with http.client) over every GET page and API
endpoint of the three apps (the URL list is checked against the URLconfs: a GET route that the list misses
is printed). Each (role, URL) is first fetched once, one user alone (the pairs a role may not see,
403/404, are left out), then the users fetch them at random for --seconds.

Users behave as users (locust's default style): after each response a user waits a think time drawn
uniformly from --think (default "1-3" seconds) before the next request; `--think 0` drops the wait and
measures saturation (every user fires back to back at the workers) instead of concurrent users.

It prints per page: the number of requests, p50, p95 and max (ms), the p95 time to the first byte, the
slowest first fetch alone, the response size, and PASS/FAIL against the target (the 95th percentile under
300 ms at scale 10, under 1 s at scale 100), then the peak RSS of the workers and a summary line per scale
(how many pages pass). Downloads (a response with Content-Disposition: attachment: the CSV and XLSX
exports) are streamed, so they are judged by their time to the first byte (column `judged` says `ttfb`);
their total time is printed too (p50/p95/max). Other pages are judged by their total time.

Without PostgreSQL (no /usr/lib/postgresql/*/bin/initdb) it says so and skips (exit 0): install it with
`apt-get install postgresql` (scripts/with-postgres.sh does so when run as root).

    .venv/bin/python bench/web.py [--scales 10,100] [--users 10] [--workers 3] [--seconds 60]
                                  [--think 1-3]          # seconds between a user's requests; 0: saturation
                                  [--pages REGEX]        # only the pages whose name matches
                                  [--timeout 30]         # a request is given up after this
                                  [--database-url URL]   # reuse a loaded database (one scale)
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

from support.postgres import Postgres, free_port  # bench/support/postgres.py

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
CLUSTER6 = str(BIN / "cluster6")
GUNICORN = str(BIN / "gunicorn")

#: p95 target per scale (seconds); scales not listed use the nearest smaller one.
TARGET_P95_S = {1: 0.3, 10: 0.3, 100: 1.0}
#: A (role, URL) whose first fetch takes longer than this is not repeated (its one sample is reported).
SLOW_S = 8.0
REQUEST_TIMEOUT_S = 30.0

ROLES = {
    "bedrijf": ("demo-bedrijf", "cluster6-bedrijf"),
    "ministerie": ("demo-ministerie", "cluster6-ministerie"),
    "netbeheerder": ("demo-netbeheerder", "cluster6-netbeheerder"),
    "provincie": ("demo-provincie", "cluster6-provincie"),
}

#: The URLconfs whose GET routes are benchmarked (and checked for coverage).
APP_URLCONFS = ("cluster6.analysis.urls", "cluster6.plans.urls", "cluster6.registry.urls")
#: API routes of the three apps (by URL name in the api namespace).
API_NAMES = {
    "location-list",
    "location-detail",
    "location-emissions",
    "emission-list",
    "plan-list",
    "plan-detail",
    "consent-list",
    "analysis-run-list",
    "analysis-run-detail",
    "analysis-run-latest",
    "analysis-run-plans",
    "analysis-run-unlock-ranking",
    "analysis-run-miek-candidates",
    "analysis-run-export",
    "analysis-scenario-list",
    "analysis-scenario-detail",
    "analysis-plan-connection",
    "grid-demand",
    "plan-comparison",
}
#: GET routes that are not benchmarked, with the reason.
NOT_BENCHMARKED = {
    "imports/": "upload page (no data read)",
    "scenarios/nieuw/": "form to create a scenario",
    "scenarios/<int:pk>/bewerken/": "form to edit a scenario",
    # POST only
    "scenarios/<int:pk>/archiveren/": "POST",
    "delen/toestemming/": "POST",
    "delen/toestemming/<int:pk>/intrekken/": "POST",
    "rondes/<slug:code>/starten/": "POST",
    "rondes/<slug:code>/plannen/<int:pk>/verwijderen/": "POST",
    "rondes/<slug:code>/uploaden/": "POST",
    "inzendingen/<int:pk>/heropenen/": "POST",
    "locaties/<int:pk>/cluster/": "POST",
}


def log(msg: str) -> None:
    print(msg, flush=True)


# ------------------------------------------------------------------------------------------ postgres


def load_demo(url: str, scale: int) -> None:
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "cluster6.config.settings.dev"}
    for args in (
        ["migrate", "--no-input"],
        ["demo", "--seed", "1", "--scale", str(scale)],
        ["setup_demo"],
        ["analyse"],
    ):
        t0 = time.perf_counter()
        subprocess.run([CLUSTER6, *args], check=True, env=env, stdout=subprocess.DEVNULL)  # noqa: S603
        log(f"  cluster6 {' '.join(args)}: {time.perf_counter() - t0:.1f} s")


# ------------------------------------------------------------------------------------------- gunicorn

BENCH_SETTINGS = '''"""Production settings for the web benchmark: plain HTTP, the apps' static files."""
from cluster6.config.settings.production import *  # noqa: F403

SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
AXES_ENABLED = False
'''


class Gunicorn:
    def __init__(self, url: str, workers: int) -> None:
        self.port = free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="cluster6-benchweb-app-"))
        (self.dir / "cluster6_bench_settings.py").write_text(BENCH_SETTINGS)
        env = {
            **os.environ,
            "DATABASE_URL": url,
            "DJANGO_SETTINGS_MODULE": "cluster6_bench_settings",
            "DJANGO_SECRET_KEY": "bench-only-" + "x" * 50,
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "PYTHONPATH": f"{self.dir}:{os.environ.get('PYTHONPATH', '')}",
        }
        self.log = open(self.dir / "gunicorn.log", "w")  # noqa: SIM115
        self.proc = subprocess.Popen(  # noqa: S603
            [
                GUNICORN,
                "cluster6.config.wsgi:application",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(workers),
                "--timeout",
                str(int(REQUEST_TIMEOUT_S) + 5),
                "--backlog",
                "256",
            ],
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                status, _body, _h = request(self.port, "GET", "/accounts/login/", {})
                if status == 200:
                    return
            except OSError:
                pass
            if self.proc.poll() is not None:
                break
            time.sleep(0.3)
        raise RuntimeError(f"gunicorn did not start: see {self.dir / 'gunicorn.log'}")

    def workers(self) -> list[int]:
        """The worker processes (children of the gunicorn master), from /proc."""
        pids = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except (OSError, IndexError):
                continue
            if int(fields[1]) == self.proc.pid:
                pids.append(int(stat.parent.name))
        return pids

    @staticmethod
    def peak_rss_mb(pid: int) -> float:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
        except OSError:
            pass
        return 0.0

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
        self.log.close()
        shutil.rmtree(self.dir, ignore_errors=True)


# ------------------------------------------------------------------------------------------- http


LAST_TTFB = threading.local()


def request(
    port: int, method: str, path: str, cookies: dict[str, str], body: str | None = None
) -> tuple[int, bytes, list[tuple[str, str]]]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=REQUEST_TIMEOUT_S)
    headers = {"Host": "127.0.0.1", "Accept-Language": "nl"}
    if cookies:
        headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
    if body is not None:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    try:
        t0 = time.perf_counter()
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        LAST_TTFB.value = time.perf_counter() - t0  # the headers are in: the first byte
        data = response.read()
        return response.status, data, response.getheaders()
    finally:
        conn.close()


def _set_cookies(headers: list[tuple[str, str]], cookies: dict[str, str]) -> None:
    for name, value in headers:
        if name.lower() == "set-cookie":
            key, _, rest = value.partition("=")
            cookies[key.strip()] = rest.split(";", 1)[0]


def login(port: int, username: str, password: str) -> dict[str, str]:
    cookies: dict[str, str] = {}
    status, body, headers = request(port, "GET", "/accounts/login/", cookies)
    _set_cookies(headers, cookies)
    match = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body)
    if status != 200 or match is None:
        raise RuntimeError(f"login page: {status}")
    form = urlencode(
        {"csrfmiddlewaretoken": match.group(1).decode(), "username": username, "password": password}
    )
    status, _body, headers = request(port, "POST", "/accounts/login/", cookies, form)
    _set_cookies(headers, cookies)
    if status != 302 or "sessionid" not in cookies:
        raise RuntimeError(f"login as {username} failed ({status})")
    return cookies


# ------------------------------------------------------------------------------------------- urls


@dataclass
class Target:
    page: str  # label in the table
    path: str
    roles: tuple[str, ...] = tuple(ROLES)


def _django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cluster6.config.settings.dev")
    import django

    django.setup()


def targets(url: str) -> tuple[list[Target], list[str]]:
    """The URLs to fetch (with ids of real rows of the demo) and the GET routes of the three apps that the
    list misses."""
    _django(url)
    from django.urls import URLPattern, URLResolver, get_resolver, reverse

    from cluster6.accounts.models import User
    from cluster6.analysis.models import AnalysisRun, PlanResult
    from cluster6.authz.policies import visible_to
    from cluster6.plans.models import PlanVersion, Submission, SurveyRound
    from cluster6.registry.models import Organisation, ProductionLocation, Province

    run = AnalysisRun.objects.filter(kind="basis").order_by("-created_at", "-id").first()
    run = run or AnalysisRun.objects.order_by("-created_at", "-id").first()
    assert run is not None, "no analysis run"
    company = User.objects.get(username=ROLES["bedrijf"][0])
    operator = User.objects.get(username=ROLES["netbeheerder"][0])
    own_result = visible_to(company, PlanResult.objects.filter(run=run)).order_by("id").first()
    shared_result = visible_to(operator, PlanResult.objects.filter(run=run)).order_by("id").first()
    any_result = PlanResult.objects.filter(run=run).order_by("id").first()
    location = visible_to(company, ProductionLocation.objects.all()).order_by("id").first()
    big_location = ProductionLocation.objects.order_by("id").first()
    rnd = SurveyRound.objects.order_by("-opens_on", "-pk").first()
    shared_version = (
        visible_to(operator, PlanVersion.objects.filter(submission__status="ingediend"))
        .order_by("id")
        .first()
    )
    province = Province.objects.filter(code="PV25").first() or Province.objects.order_by("code").first()
    submission = Submission.objects.filter(organisation__memberships__user=company).order_by("-pk").first()
    if not (any_result and location and big_location and rnd):
        raise SystemExit("the demo data is incomplete")
    r = run.pk
    liander = Organisation.objects.filter(name="Liander").values_list("pk", flat=True).first()
    rounds = list(SurveyRound.objects.order_by("opens_on", "pk").values_list("code", flat=True))
    A = ("ministerie", "netbeheerder", "provincie")  # the aggregate roles among the four
    pv = province.code if province else "PV25"
    pname = province.name if province else "Gelderland"

    def api(name: str, *args: Any, **query: Any) -> str:
        path = reverse(f"api:{name}", args=args)
        return f"{path}?{urlencode(query)}" if query else path

    t = [
        # analysis
        Target("analysis: overzicht", reverse("analysis:overview"), A),
        Target("analysis: overzicht per sector", reverse("analysis:overview") + "?indeling=sector", A),
        Target("analysis: kaart locaties", reverse("analysis:map_locations") + f"?run={r}", A),
        Target("analysis: kaart gebieden", reverse("analysis:map_areas") + f"?run={r}", A),
        Target("analysis: export xlsx", reverse("analysis:export_xlsx") + f"?run={r}", A),
        Target(
            "analysis: export plannen.csv", reverse("analysis:export_csv", args=["plannen"]) + f"?run={r}", A
        ),
        Target(
            "analysis: export groepen.csv", reverse("analysis:export_csv", args=["groepen"]) + f"?run={r}", A
        ),
        Target("analysis: plannen", reverse("analysis:results") + f"?run={r}", A),
        Target(
            "analysis: plannen gefilterd",
            reverse("analysis:results") + "?" + urlencode({"run": r, "klasse": "cannot", "provincie": pname}),
            A,
        ),
        Target("analysis: plannen pagina 3", reverse("analysis:results") + f"?run={r}&pagina=3", A),
        Target("analysis: mijn aansluiting", reverse("analysis:company"), ("bedrijf",)),
        Target("analysis: scenario's", reverse("analysis:scenarios"), A),
        Target("analysis: ontsluiting", reverse("analysis:unlock") + f"?run={r}", A),
    ]
    if own_result is not None:
        t.append(
            Target(
                "analysis: plan (eigen)",
                reverse("analysis:result_detail", args=[own_result.pk]),
                ("bedrijf",),
            )
        )
    if shared_result is not None:
        t.append(
            Target(
                "analysis: plan (gedeeld)",
                reverse("analysis:result_detail", args=[shared_result.pk]),
                ("netbeheerder", "ministerie"),
            )
        )
    t.append(
        Target(
            "analysis: plan (ander)", reverse("analysis:result_detail", args=[any_result.pk]), ("ministerie",)
        )
    )
    scenario = (
        run.scenario_id
        or AnalysisRun.objects.filter(scenario__isnull=False).values_list("scenario_id", flat=True).first()
    )
    if scenario:
        t.append(Target("analysis: scenario", reverse("analysis:scenario_detail", args=[scenario]), A))
    # plans
    t += [
        Target("plans: delen (toestemming)", reverse("plans:consents")),
        Target("plans: gedeeld", reverse("plans:shared_list")),
        Target("plans: gedeeld gefilterd", reverse("plans:shared_list") + f"?provincie={pv}"),
        Target("plans: export", reverse("plans:export")),
        Target("plans: export netvraag.csv", reverse("plans:export_csv"), ("ministerie", "netbeheerder")),
        Target("plans: export netvraag.xlsx", reverse("plans:export_xlsx"), ("ministerie", "netbeheerder")),
        Target("plans: mijn rondes", reverse("plans:my_rounds"), ("bedrijf",)),
        Target("plans: ronde", reverse("plans:round_detail", args=[rnd.code]), ("bedrijf",)),
        Target("plans: ronde sjabloon.xlsx", reverse("plans:round_template", args=[rnd.code]), ("bedrijf",)),
        Target(
            "plans: ronde sjabloon.csv", reverse("plans:round_template_csv", args=[rnd.code]), ("bedrijf",)
        ),
        Target("plans: ronde indienen", reverse("plans:round_submit", args=[rnd.code]), ("bedrijf",)),
        Target("plans: ronde overzicht", reverse("plans:round_overview", args=[rnd.code]), A),
        Target("plans: vergelijking", reverse("plans:comparison")),
    ]
    if submission is not None:
        sub_round = SurveyRound.objects.get(pk=submission.round_id)
        t.append(
            Target(
                "plans: revisie",
                reverse("plans:revision_detail", args=[sub_round.code, submission.revision]),
                ("bedrijf",),
            )
        )
    if shared_version is not None:
        t.append(
            Target(
                "plans: gedeeld plan",
                reverse("plans:shared_detail", args=[shared_version.pk]),
                ("netbeheerder", "ministerie"),
            )
        )
        pv_edit = (
            PlanVersion.objects.filter(submission=submission).order_by("pk").first() if submission else None
        )
        if pv_edit is not None:
            t.append(
                Target(
                    "plans: plan bewerken",
                    reverse("plans:plan_edit", args=[sub_round.code, pv_edit.plan_id]),
                    ("bedrijf",),
                )
            )
    t.append(Target("plans: plan toevoegen", reverse("plans:plan_add", args=[rnd.code]), ("bedrijf",)))
    # registry
    t += [
        Target("registry: home", reverse("home")),
        Target("registry: afbakening", reverse("scope"), ("ministerie",)),
        Target("registry: locaties", reverse("location_list")),
        Target("registry: locaties pagina 5", reverse("location_list") + "?pagina=5"),
        Target(
            "registry: locaties gefilterd",
            reverse("location_list") + f"?provincie={pv}&ets=ja&sort=-uitstoot",
        ),
        Target("registry: locaties zoeken", reverse("location_list") + "?q=fabriek"),
        Target(
            "registry: locatie",
            reverse("location_detail", args=[location.pk] if location else [big_location.pk]),
            ("bedrijf",),
        ),
        Target(
            "registry: locatie (ministerie)",
            reverse("location_detail", args=[big_location.pk]),
            ("ministerie",),
        ),
        Target("registry: kaart", reverse("map")),
        Target("registry: kaart locaties", reverse("map_locations")),
        Target("registry: kaart locaties gefilterd", reverse("map_locations") + f"?provincie={pv}"),
        Target("registry: kaart provincies", reverse("map_provinces")),
    ]
    # api
    loc = (location or big_location).pk
    t += [
        Target("api: locations", api("location-list")),
        Target("api: locations filtered", api("location-list", province=pv, is_ets="true")),
        Target("api: location", api("location-detail", loc), ("bedrijf",)),
        Target("api: location emissions", api("location-emissions", loc), ("bedrijf",)),
        Target("api: emissions", api("emission-list")),
        Target("api: emissions filtered", api("emission-list", year=2024)),
        Target("api: plans", api("plan-list")),
        Target("api: consents", api("consent-list")),
        Target("api: runs", api("analysis-run-list"), A),
        Target("api: run", api("analysis-run-detail", r), A),
        Target("api: run latest", api("analysis-run-latest"), A),
        Target("api: run plans", api("analysis-run-plans", r)),
        Target("api: run plans filtered", api("analysis-run-plans", r, province=pv, **{"class": "cannot"})),
        Target("api: run unlock ranking", api("analysis-run-unlock-ranking", r), A),
        Target("api: run miek", api("analysis-run-miek-candidates", r), A),
        Target("api: run export plannen.csv", api("analysis-run-export", r, table="plannen"), A),
        Target("api: run export xlsx", api("analysis-run-export", r, format="xlsx"), A),
        Target("api: scenarios", api("analysis-scenario-list"), A),
        Target("api: grid demand", api("grid-demand"), ("netbeheerder",)),
        Target("api: grid demand (ministerie)", api("grid-demand", operator=liander), ("ministerie",)),
    ]
    if len(rounds) >= 2:
        comparison = api("plan-comparison", **{"from": rounds[-2], "to": rounds[-1]})
        t.append(Target("api: plans comparison", comparison))
    if own_result is not None:
        t.append(
            Target("api: plan connection", api("analysis-plan-connection", own_result.plan_id), ("bedrijf",))
        )
        t.append(Target("api: plan", api("plan-detail", own_result.plan_version_id), ("bedrijf",)))
    if scenario:
        t.append(Target("api: scenario", api("analysis-scenario-detail", scenario), A))

    # coverage: every GET route of the three apps' URLconfs and the API names above
    covered = {urlsplit(x.path).path for x in t}
    patterns: list[str] = []

    def walk(resolver: Any, prefix: str = "") -> None:
        for p in resolver.url_patterns:
            if isinstance(p, URLResolver):
                walk(p, prefix + str(p.pattern))
            elif isinstance(p, URLPattern):
                patterns.append(prefix + str(p.pattern))

    for conf in APP_URLCONFS:
        walk(get_resolver(conf))
    shapes = {re.sub(r"\d+", "<n>", c.lstrip("/")) for c in covered}
    missing = []
    for p in patterns:
        shape = re.sub(r"<[^>]+>", "<n>", p)
        if any(
            re.fullmatch(re.escape(shape).replace("<n>", r"[^/]+"), re.sub(r"^(analyse|plannen)/", "", c))
            for c in shapes
        ):
            continue
        if p in NOT_BENCHMARKED:
            continue
        missing.append(p)
    return t, missing


# ------------------------------------------------------------------------------------------- driver


@dataclass
class Stats:
    times: list[float] = field(default_factory=list)
    ttfb: list[float] = field(default_factory=list)
    single: list[float] = field(default_factory=list)  # the first fetch of each role, one user alone
    single_ttfb: list[float] = field(default_factory=list)  # its time to the first byte
    sizes: list[int] = field(default_factory=list)
    errors: int = 0
    slow: bool = False
    export: bool = False  # a download (Content-Disposition: attachment): judged by time to first byte


def _pct(values: list[float], q: float) -> float:
    s = sorted(values)
    if not s:
        return float("nan")
    k = min(len(s) - 1, max(0, round(q * (len(s) - 1))))
    return s[k]


def parse_think(text: str) -> tuple[float, float]:
    """`"1-3"` -> (1.0, 3.0); `"0"` -> (0.0, 0.0); `"2"` -> (2.0, 2.0)."""
    lo, _, hi = text.partition("-")
    a, b = float(lo), float(hi or lo)
    if a < 0 or b < a:
        raise argparse.ArgumentTypeError(f"--think: expected MIN-MAX seconds, got {text!r}")
    return a, b


def _is_download(headers: list[tuple[str, str]]) -> bool:
    return any(k.lower() == "content-disposition" and "attachment" in v.lower() for k, v in headers)


def drive(
    port: int,
    sessions: dict[str, dict[str, str]],
    tlist: list[Target],
    users: int,
    seconds: float,
    think: tuple[float, float] = (1.0, 3.0),
) -> dict[str, Stats]:
    stats: dict[str, Stats] = defaultdict(Stats)
    lock = threading.Lock()
    # warm-up: each (role, URL) once, one at a time; keep the pairs the role may fetch
    pairs: list[tuple[str, Target]] = []
    for target in tlist:
        for role in target.roles:
            t0 = time.perf_counter()
            try:
                status, body, headers = request(port, "GET", target.path, sessions[role])
            except (OSError, http.client.HTTPException) as exc:
                log(f"  ! {target.page} as {role}: {exc}")
                stats[target.page].errors += 1
                continue
            dt = time.perf_counter() - t0
            if status in (403, 404, 302):
                continue
            if status != 200:
                log(f"  ! {target.page} as {role}: HTTP {status}")
                stats[target.page].errors += 1
                continue
            st = stats[target.page]
            st.single.append(dt)
            st.single_ttfb.append(LAST_TTFB.value)
            st.export |= _is_download(headers)
            if dt > SLOW_S:
                st.times.append(dt)
                st.sizes.append(len(body))
                st.slow = True
                log(f"  {target.page} as {role}: {dt:.1f} s (not repeated)")
                continue
            pairs.append((role, target))
    wait = f"think time {think[0]:g}-{think[1]:g} s" if think[1] > 0 else "no think time (saturation)"
    log(f"  {len(pairs)} (role, URL) pairs; {users} users for {seconds:.0f} s, {wait}")
    # each URL equally often: users take the next pair of one shuffled round-robin
    deadline = time.perf_counter() + seconds
    order = list(pairs)
    random.Random(0).shuffle(order)
    counter = [0]

    def user(seed: int) -> None:
        rng = random.Random(seed)
        # users start spread over the first think time, as locust's do
        time.sleep(rng.uniform(0, think[1]))
        while time.perf_counter() < deadline:
            with lock:
                i = counter[0]
                counter[0] += 1
            role, target = order[i % len(order)]
            t0 = time.perf_counter()
            try:
                status, body, _h = request(port, "GET", target.path, sessions[role])
                ok = status == 200
            except (OSError, http.client.HTTPException):
                ok, body = False, b""
            dt = time.perf_counter() - t0
            with lock:
                st = stats[target.page]
                if ok:
                    st.times.append(dt)
                    st.ttfb.append(LAST_TTFB.value)
                    st.sizes.append(len(body))
                else:
                    st.errors += 1
            if think[1] > 0:
                time.sleep(rng.uniform(*think))

    threads = [threading.Thread(target=user, args=(i,)) for i in range(users)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    return stats


def report(
    scale: int, stats: dict[str, Stats], tlist: list[Target], rss: list[float], think: tuple[float, float]
) -> bool:
    target = TARGET_P95_S[max(s for s in TARGET_P95_S if s <= scale)] if scale >= 1 else 0.3
    wait = f"think time {think[0]:g}-{think[1]:g} s" if think[1] > 0 else "no think time (saturation)"
    log("")
    log(f"Scale {scale}: target p95 < {target * 1000:.0f} ms ({wait})")
    log(
        "n, p50, p95, max: requests and their total times under load; ttfb95: p95 time to the first byte; "
        "1 user: the slowest first fetch of a role, alone (ttfb/total for downloads); bytes: mean size; "
        "judged: the p95 held against the target (ttfb for the streamed CSV/XLSX downloads, else total)"
    )
    log(
        f"{'page':<40} {'n':>5} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'ttfb95':>8} {'1 user':>11} "
        f"{'bytes':>10} {'judged':>7}  result"
    )
    all_ok = True
    passed = failed = 0
    for page in dict.fromkeys(x.page for x in tlist):
        st = stats.get(page)
        if st is None or (not st.times and not st.errors and not st.single):
            log(f"{page:<40} {'-':>5}  (no role may fetch it)")
            continue
        alone = f"{max(st.single, default=0) * 1000:.0f}"
        if st.export:
            alone = f"{max(st.single_ttfb, default=0) * 1000:.0f}/{alone}"
        if not st.times and not st.errors:
            # fetched alone but not under load within the time (the workers were busy)
            blank = f"{'':>8} {'':>8} {'':>8} {'':>8}"
            log(f"{page:<40} {0:>5} {blank} {alone:>11} {'':>10} {'':>7}  (not reached)")
            all_ok = False
            failed += 1
            continue
        p95 = _pct(st.times, 0.95)
        ttfb95 = _pct(st.ttfb, 0.95) if st.ttfb else p95
        judged = ttfb95 if st.export else p95
        ok = bool(st.times) and judged < target and not st.errors
        all_ok &= ok
        passed += ok
        failed += not ok
        size = int(sum(st.sizes) / len(st.sizes)) if st.sizes else 0
        err = f" ({st.errors} errors)" if st.errors else ""
        slow = " (1 sample: too slow to repeat)" if st.slow else ""
        log(
            f"{page:<40} {len(st.times):>5} {_pct(st.times, 0.5) * 1000:>8.0f} {p95 * 1000:>8.0f} "
            f"{max(st.times, default=0) * 1000:>8.0f} {ttfb95 * 1000:>8.0f} {alone:>11} {size:>10} "
            f"{'ttfb' if st.export else 'total':>7}  {'PASS' if ok else 'FAIL'}{err}{slow}"
        )
    peaks = ", ".join(f"{x:.0f}" for x in rss)
    log(f"peak RSS of the gunicorn workers: {peaks} MB (max {max(rss, default=0):.0f} MB)")
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    log(f"load average at the end: {load} ({os.cpu_count()} CPUs)")
    log(
        f"Scale {scale}: {'PASS' if all_ok else 'FAIL'}: {passed} of {passed + failed} pages PASS, "
        f"{failed} FAIL (p95 < {target * 1000:.0f} ms, {wait})"
    )
    return all_ok


def targets_in_child(url: str) -> tuple[list[Target], list[str]]:
    """`targets` in a child process (each scale has its own database; Django is set up once a process)."""
    out = subprocess.run(  # noqa: S603
        [sys.executable, __file__, "--list-targets", url], capture_output=True, text=True, check=True
    )
    data = json.loads(out.stdout.strip().splitlines()[-1])
    return [Target(p, u, tuple(r)) for p, u, r in data["targets"]], list(data["missing"])


def bench_scale(url: str, scale: int, args: argparse.Namespace) -> bool:
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "cluster6.config.settings.dev"}
    subprocess.run([CLUSTER6, "migrate", "--no-input"], check=True, env=env, stdout=subprocess.DEVNULL)  # noqa: S603
    tlist, missing = targets_in_child(url)
    if args.pages:
        tlist = [t for t in tlist if re.search(args.pages, t.page)]
    if missing:
        log(f"  GET routes not in the benchmark: {', '.join(missing)}")
    app = Gunicorn(url, args.workers)
    try:
        sessions = {role: login(app.port, *cred) for role, cred in ROLES.items()}
        stats = drive(app.port, sessions, tlist, args.users, args.seconds, args.think)
        rss = [Gunicorn.peak_rss_mb(pid) for pid in app.workers()]
    finally:
        app.stop()
    return report(scale, stats, tlist, rss, args.think)


def main() -> int:
    global REQUEST_TIMEOUT_S
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scales", default=os.environ.get("BENCH_WEB_SCALES", "10,100"))
    parser.add_argument("--users", type=int, default=10)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=60.0, help="Duration of the concurrent phase.")
    parser.add_argument(
        "--timeout", type=float, default=REQUEST_TIMEOUT_S, help="Seconds before a request is given up."
    )
    parser.add_argument(
        "--think",
        type=parse_think,
        default=(1.0, 3.0),
        help='Think time between a user\'s requests, MIN-MAX seconds (default "1-3"); 0: saturation.',
    )
    parser.add_argument("--pages", default="", help="Only the pages whose name matches this regex.")
    parser.add_argument("--database-url", default="", help="Use this loaded database (one scale) instead.")
    parser.add_argument("--list-targets", default="", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.list_targets:
        tlist, missing = targets(args.list_targets)
        print(json.dumps({"targets": [(x.page, x.path, x.roles) for x in tlist], "missing": missing}))
        return 0
    scales = [int(s) for s in args.scales.split(",") if s.strip()]
    REQUEST_TIMEOUT_S = args.timeout
    # stopped (SIGTERM): still stop gunicorn and PostgreSQL (the finally blocks)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    ok = True
    if args.database_url:
        return 0 if bench_scale(args.database_url, scales[0], args) else 1
    try:
        pg = Postgres(prefix="cluster6-benchweb-")
    except FileNotFoundError:
        log("bench/web.py: SKIPPED: PostgreSQL is not installed (apt-get install postgresql).")
        return 0
    try:
        pg.start()
        for scale in scales:
            log(f"Scale {scale}: loading the demo data on PostgreSQL (port {pg.port})")
            url = pg.create(f"bench{scale}")
            load_demo(url, scale)
            ok &= bench_scale(url, scale, args)
    finally:
        pg.stop()
    log(f"bench/web.py: {'PASS' if ok else 'FAIL'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

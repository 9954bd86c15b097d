"""The embedded database under concurrent requests (docs/runbook.md, "SQLite"): parallel readers whose
requests write read-log rows, and a double click on "Opslaan als concept", against a file-based SQLite
database with the connection options of the settings (WAL, IMMEDIATE transactions, busy timeout).

Each thread gets its own connection to a copy of the test database in a file (SQLite's backup API), as
the threads of a web server do; the requests go through the real views and services."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.db import connection, connections
from django.db.backends.sqlite3.base import DatabaseWrapper
from django.test import Client
from django.urls import reverse

from cluster6.accounts.constants import Role
from cluster6.audit.models import ReadLog
from cluster6.plans.models import PlanVersion
from cluster6.plans.services import submission_start
from tests.factories import user_with_role

pytestmark = [
    pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's locking only"),
    pytest.mark.django_db(transaction=True),
]

THREADS = 8


def file_copy(tmp_path: Path) -> dict[str, Any]:
    """The settings of a file copy of the test database as it is now, with the project's OPTIONS."""
    path = tmp_path / "concurrency.sqlite3"
    path.unlink(missing_ok=True)
    target = sqlite3.connect(path)
    connection.ensure_connection()
    connection.connection.backup(target)
    # a real database is in WAL mode from its first connection on (the mode is stored in the file); the
    # copy of the in-memory test database is not, and eight first connections switching it at the same
    # moment race for the lock that the switch needs, which is no part of what these tests measure
    target.execute("PRAGMA journal_mode=WAL")
    target.close()
    return {**connections["default"].settings_dict, "NAME": str(path)}


def run_parallel(settings_dict: dict[str, Any], work: Callable[[int], Any], n: int = THREADS) -> list[Any]:
    """Run work(i) in n threads at once, each with its own connection to the file database; returns each
    result or the exception it raised."""
    results: list[Any] = [None] * n
    start = threading.Barrier(n)

    def run(i: int) -> None:
        wrapper = DatabaseWrapper(settings_dict, alias="default")
        connections["default"] = wrapper  # thread-local, as in a server thread
        try:
            start.wait()
            results[i] = work(i)
        except Exception as exc:  # reported by the test
            results[i] = exc
        finally:
            wrapper.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def file_count(settings_dict: dict[str, Any], sql: str, params: tuple[Any, ...] = ()) -> int:
    with sqlite3.connect(settings_dict["NAME"]) as db:
        return int(db.execute(sql, params).fetchone()[0])


def test_the_settings_turn_on_wal_immediate_transactions_and_a_busy_timeout(tmp_path):
    wrapper = DatabaseWrapper(file_copy(tmp_path), alias="probe")
    try:
        with wrapper.cursor() as cursor:
            assert cursor.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
            assert cursor.execute("PRAGMA synchronous").fetchone()[0] == 1  # NORMAL
            assert cursor.execute("PRAGMA busy_timeout").fetchone()[0] >= 5000
        assert wrapper.transaction_mode == "IMMEDIATE"
    finally:
        wrapper.close()


def test_parallel_readers_that_write_read_log_rows_never_hit_database_is_locked(tmp_path):
    # given: two companies' submitted plans and a ministry user, whose every read of them is logged
    from tests.plans.sharing_world import build_world

    build_world()
    ministry = user_with_role(Role.MINISTERIE, username="minister")
    file_db = file_copy(tmp_path)
    rounds = 6

    # when: 8 threads each request the shared-plans list and the API list 6 times, at the same moment
    def work(i: int) -> list[int]:
        client = Client(raise_request_exception=True)
        client.force_login(ministry)
        codes = []
        for k in range(rounds):
            path = reverse("plans:shared_list") if (i + k) % 2 else "/api/plans/"
            codes.append(client.get(path).status_code)
        return codes

    results = run_parallel(file_db, work)

    # then: every request answered 200 and wrote its read-log rows
    errors = [r for r in results if isinstance(r, Exception)]
    assert not errors, errors[:3]
    assert all(code == 200 for codes in results for code in codes), results
    per_request = 2  # plans A-1 and B-1 (the draft is not shared)
    assert ReadLog._meta.db_table == "audit_readlog"
    assert file_count(file_db, "SELECT COUNT(*) FROM audit_readlog") == (THREADS * rounds * per_request)


def _plan_post(location_id: int, **changes: str) -> dict[str, str]:
    from tests.plans.test_views_submission import plan_post

    return plan_post(location=str(location_id), **changes)


def test_a_double_click_on_save_gives_no_server_error(tmp_path):
    # given: a company with an open draft
    from tests.plans.submission_world import build_world

    world = build_world()
    draft = submission_start(organisation=world.company, round=world.current, actor=world.user)
    existing = PlanVersion.objects.get(submission=draft)
    file_db = file_copy(tmp_path)
    code = world.current.code
    add_url = reverse("plans:plan_add", args=[code])
    edit_url = reverse("plans:plan_edit", args=[code, existing.pk])

    def post(url: str, data: dict[str, str]) -> Callable[[int], tuple[int, str]]:
        def work(i: int) -> tuple[int, str]:
            client = Client(raise_request_exception=True)
            client.force_login(world.user)
            response = client.post(url, data)
            return response.status_code, response.content.decode()

        return work

    # when: the same new plan (with its reference) is saved twice at the same moment
    new = run_parallel(file_db, post(add_url, _plan_post(world.boiler.pk, reference="WP-1")), n=2)
    # and: the same change to an existing plan is saved twice at the same moment
    edit = run_parallel(
        file_db,
        post(edit_url, _plan_post(world.kiln.pk, title="Elektrische oven", co2_reduction_t="12.500")),
        n=2,
    )

    # then: no server error; the new plan exists once and the second click is told so
    assert not [r for r in new + edit if isinstance(r, Exception)], new + edit
    statuses = sorted(status for status, _ in new)
    assert statuses == [302, 400], statuses
    refused = next(body for status, body in new if status == 400)
    assert "Dit kenmerk bestaat al voor deze locatie in uw concept." in refused
    assert file_count(file_db, "SELECT COUNT(*) FROM plans_plan WHERE reference = 'WP-1'") == 1
    # and: saving the same change twice is idempotent
    assert [status for status, _ in edit] == [302, 302]
    assert (
        file_count(
            file_db,
            "SELECT COUNT(*) FROM plans_planversion WHERE submission_id = ? AND co2_reduction_t = 12500",
            (draft.pk,),
        )
        == 1
    )

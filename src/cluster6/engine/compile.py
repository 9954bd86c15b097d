"""Bulk compilation of columnar inputs (issue 8: national scale).

At national scale the engine's input is mostly the queue requests of others: the published waiting list of
every area, about 150,000 requests at demo scale 100. Given as a `QueueTable` (columns) they are validated
and compiled with a few numpy operations instead of one Python object per request; the results are the same
as for the same requests given one by one (tests/engine/test_tables.py).
"""

from __future__ import annotations

import numpy as np

from .arrays import IntArray, to_kw_array
from .model import NO_DAY, QueueTable


def queue_table_arrays(
    table: QueueTable, area_index: dict[str, int], undated_day: int
) -> tuple[IntArray, IntArray, IntArray, IntArray, list[str]]:
    """(kW, area index, priority class, day, id) of every request of a validated table; a request without a
    date gets `undated_day`. The same values compile_demand reads from QueueRequest objects."""
    labels = np.fromiter((area_index[a] for a in table.area_labels), np.int64, len(table.area_labels))
    area = labels[table.area_code] if len(table) else np.zeros(0, dtype=np.int64)
    day = np.where(table.day == NO_DAY, undated_day, table.day).astype(np.int64)
    return to_kw_array(table.mw), area.astype(np.int64), table.priority.astype(np.int64), day, list(table.ids)

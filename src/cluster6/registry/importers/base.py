"""What every importer shares: the two-phase interface and batched, counted writes."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, ClassVar

from django.db import models
from django.utils import timezone

from cluster6.core.importing import EntityCounts, ImportReport, InputFile

BATCH_SIZE = 500


class Importer[P](ABC):
    """An importer validates every row of its files into a plan (phase 1, no writes), then writes the
    plan (phase 2, inside the transaction that `cluster6.core.importing.execute` opens)."""

    kind: ClassVar[str]

    def __init__(self, report: ImportReport, *, progress: bool | None = None) -> None:
        self.report = report
        self.progress = progress

    @abstractmethod
    def validate(self, files: Sequence[InputFile]) -> P | None:
        """Read and check every row; record every problem in the report; write nothing."""

    @abstractmethod
    def write(self, plan: P) -> None:
        """Write the plan; count what was created, updated and left unchanged."""

    @staticmethod
    def sheet(files: Sequence[InputFile], source: InputFile) -> str | None:
        """The file name to put in errors: only when several files are imported together."""
        return source.name if len(files) > 1 else None


def assign(obj: models.Model, values: Mapping[str, Any]) -> list[str]:
    """Set `values` on `obj`; return the names of the fields that changed."""
    changed: list[str] = []
    for name, value in values.items():
        if getattr(obj, name) != value:
            setattr(obj, name, value)
            changed.append(name)
    return changed


class Batch[M: models.Model]:
    """Collects new and changed objects of one model, counts them, and writes them in bulk."""

    def __init__(self, model: type[M], counts: EntityCounts) -> None:
        self.model = model
        self.counts = counts
        self.new: list[M] = []
        self.changed: list[M] = []
        self.fields: set[str] = set()

    def create(self, obj: M) -> M:
        self.new.append(obj)
        self.counts.created += 1
        return obj

    def update(self, obj: M, fields: Iterable[str]) -> None:
        names = list(fields)
        if names:
            self.changed.append(obj)
            self.fields.update(names)
            self.counts.updated += 1
        else:
            self.counts.unchanged += 1

    def upsert(self, existing: M | None, values: Mapping[str, Any], **create_kwargs: Any) -> M:
        """Update `existing` with `values`, or create a new object from them."""
        if existing is None:
            return self.create(self.model(**values, **create_kwargs))
        self.update(existing, assign(existing, values))
        return existing

    def flush(self) -> None:
        """Insert the new objects (their primary keys are set afterwards) and update the changed ones."""
        if self.new:
            self.model._default_manager.bulk_create(self.new, batch_size=BATCH_SIZE)
        if self.changed:
            fields = set(self.fields)
            if any(f.name == "updated_at" for f in self.model._meta.concrete_fields):
                now = timezone.now()
                for obj in self.changed:
                    obj.updated_at = now  # type: ignore[attr-defined]
                fields.add("updated_at")
            self.model._default_manager.bulk_update(self.changed, sorted(fields), batch_size=BATCH_SIZE)
        self.new, self.changed, self.fields = [], [], set()

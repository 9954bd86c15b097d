"""Domain errors that services raise and views turn into messages."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class RowError:
    """One problem in an input file: where it is, which field, and why (in Dutch for the UI)."""

    line: int | None
    field: str
    message: str
    sheet: str | None = None

    def as_dict(self) -> dict[str, object]:
        return {"sheet": self.sheet, "line": self.line, "field": self.field, "message": self.message}

    def __str__(self) -> str:
        where = f"blad {self.sheet}, " if self.sheet else ""
        line = f"regel {self.line}" if self.line is not None else "bestand"
        return f"{where}{line}, veld '{self.field}': {self.message}"


@dataclass
class ValidationFailed(Exception):
    """Input was rejected as a whole; `errors` names every problem."""

    errors: list[RowError] = field(default_factory=list)

    def __str__(self) -> str:
        return f"{len(self.errors)} fout(en): " + "; ".join(str(e) for e in self.errors[:5])

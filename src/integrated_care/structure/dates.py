"""Effective-dated intervals: [start, end) with an open end meaning "still in force"."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True, slots=True)
class Period:
    start: date
    end: date | None = None  # exclusive; None = open-ended

    def __post_init__(self) -> None:
        if self.end is not None and self.end <= self.start:
            raise ValueError(
                f"period ends ({self.end.isoformat()}) on or before it starts "
                f"({self.start.isoformat()})"
            )

    def contains(self, day: date) -> bool:
        return self.start <= day and (self.end is None or day < self.end)

    def overlaps(self, other: Period) -> bool:
        starts_before_other_ends = other.end is None or self.start < other.end
        ends_after_other_starts = self.end is None or other.start < self.end
        return starts_before_other_ends and ends_after_other_starts

    def describe(self) -> str:
        end = self.end.isoformat() if self.end else "open"
        return f"{self.start.isoformat()} to {end}"

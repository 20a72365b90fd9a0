"""What a catalog run did, or would do: the dry-run diff.

A real run and a dry run build the same :class:`CatalogDiff`, so "dry-run
reports the same diff a real run then applies" is something a test can
check.  ``before`` values are filled only when the run fetched them (a dry
run asks WooCommerce for the current values of products it would update).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Literal

__all__ = ["REAL_RUN_LISTED", "Action", "CatalogDiff", "DiffEntry", "FieldChange"]

Action = Literal["create", "update", "unchanged", "skip"]
_COUNTED = ("create", "update", "skip")
REAL_RUN_LISTED = 2_000  # entries a real (not dry) run keeps for its summary


@dataclass(frozen=True)
class FieldChange:
    field: str
    after: Any
    before: Any = None


@dataclass(frozen=True)
class DiffEntry:
    action: Action
    entity: str  # "product", "category", "stock"
    key: str  # SKU for products, back-office id for categories
    name: str = ""
    woo_id: int | None = None
    changes: tuple[FieldChange, ...] = ()
    reason: str = ""

    def describe(self) -> str:
        if self.action == "skip":
            return f"skip   {self.entity} {self.key}: {self.reason}"
        if self.action == "unchanged":
            return f"same   {self.entity} {self.key}"
        parts = [f"{c.field}: {_short(c.before)} → {_short(c.after)}" for c in self.changes]
        return f"{self.action:<6} {self.entity} {self.key} {self.name}".rstrip() + (
            "\n         " + "\n         ".join(parts) if parts else ""
        )


def _plural(entity: str) -> str:
    return entity[:-1] + "ies" if entity.endswith("y") else entity + "s"


def _short(value: Any, width: int = 60) -> str:
    text = "∅" if value is None else str(value)
    return text if len(text) <= width else text[: width - 1] + "…"


@dataclass
class CatalogDiff:
    """Entries of a run, listed up to ``limit`` and counted always.

    A dry run lists everything (the admin asked to see it); a real run keeps
    the first ``limit`` entries for the summary and the log, because listing
    every field of 100,000 created products would cost more memory than the
    whole sync.
    """

    entries: list[DiffEntry] = field(default_factory=list)
    unchanged: int = 0  # counted, not listed: a no-op run over 100k products stays small
    limit: int | None = None
    not_listed: int = 0
    _counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(_COUNTED, 0))
    # per entity ("product", "category"): each action counted, in order of first sight
    _by_entity: dict[str, Counter[str]] = field(default_factory=dict)

    def add(self, entry: DiffEntry) -> None:
        self._by_entity.setdefault(entry.entity, Counter())[entry.action] += 1
        if entry.action == "unchanged":
            self.unchanged += 1
            return
        self._counts[entry.action] += 1
        if self.limit is not None and len(self.entries) >= self.limit:
            self.not_listed += 1
        else:
            self.entries.append(entry)

    def of(self, action: Action, entity: str | None = None) -> list[DiffEntry]:
        return [e for e in self.entries if e.action == action and entity in (None, e.entity)]

    def summary(self) -> dict[str, int]:
        return {**self._counts, "unchanged": self.unchanged}

    def counts_of(self, entity: str) -> dict[str, int]:
        """``{"create": n, "update": n, "unchanged": n, "skip": n}`` for one entity."""
        seen = self._by_entity.get(entity, Counter())
        return {action: seen[action] for action in (*_COUNTED[:2], "unchanged", "skip")}

    def render(self) -> str:
        """The changes one by one, the set-aside ones grouped by reason, then one count
        line per entity (its "unchanged" is what the run's summary table counts)."""
        lines = [e.describe() for e in self.entries if e.action != "skip"]
        lines += self.skip_lines()
        if self.not_listed:
            lines.append(f"… and {self.not_listed} more not listed")
        for entity in self._by_entity:
            c = self.counts_of(entity)
            lines.append(
                f"{_plural(entity)}: {c['create']} to create, {c['update']} to update, "
                f"{c['unchanged']} unchanged, {c['skip']} skipped"
            )
        return "\n".join(lines)

    def skip_lines(self) -> list[str]:
        """One line per reason: 288 products with one unmapped tax code are one line."""
        groups: dict[tuple[str, str], list[DiffEntry]] = {}
        for entry in self.of("skip"):
            groups.setdefault((entry.entity, entry.reason), []).append(entry)
        return [
            group[0].describe()
            if len(group) == 1
            else f"skip   {len(group)} {_plural(entity)}: {reason}"
            for (entity, reason), group in groups.items()
        ]

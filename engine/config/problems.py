"""Configuration problems and the compact message an admin reads at 3 a.m.

Every problem names the file (or environment variable), the key as a dotted
path, what is wrong, and an example of a right value::

    tillsync: 2 configuration errors in /home/shop/.config/tillsync/config.toml
      connections.shop1.backend.account_id: must be the account's UUID, shown in …
        example: account_id = "3f2c1a9e-8b7d-4c6e-9f10-2a3b4c5d6e7f"
      engine.timezone: unknown time zone 'Europe/Bratislav' (did you mean …?)
        example: timezone = "Europe/Bratislava"
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from engine.config.keys import key_info
from engine.errors import ConfigError

__all__ = ["ConfigFileError", "ConfigProblem", "format_config_error"]


@dataclass(frozen=True)
class ConfigProblem:
    """One thing wrong with the configuration; ``key`` is () for a whole-file problem."""

    key: tuple[str, ...]
    problem: str
    example: str | None = None
    source: str = ""  # a file path, or "environment variable TILLSYNC_…"
    line: int | None = None
    column: int | None = None
    excerpt: str | None = None  # the offending line, secrets masked

    @property
    def dotted(self) -> str:
        return ".".join(self.key)

    def with_example(self) -> ConfigProblem:
        """Fill in the example from the key's field definition when none was given."""
        if self.example is not None or not self.key:
            return self
        info = key_info(self.key)
        if info is None or info.example is None:
            return self
        return replace(self, example=f"{self.key[-1]} = {info.example}")


class ConfigFileError(ConfigError):
    """A configuration that failed to load; ``problems`` lists every issue found."""

    def __init__(self, problems: Sequence[ConfigProblem]) -> None:
        self.problems = tuple(problem.with_example() for problem in problems)
        super().__init__(
            _format_problems(self.problems),
            hint="fix the file as shown, then start tillsync again",
        )


def format_config_error(error: BaseException | Sequence[ConfigProblem]) -> str:
    """A compact multi-line message for a config failure, ready to print."""
    if isinstance(error, ConfigFileError):
        return error.message
    if isinstance(error, ConfigError) and getattr(error, "check", None):
        return f"✗ {error.check}: {error.message}\n    → {error.hint}"  # doctor's line
    if isinstance(error, ConfigError):
        return f"tillsync: configuration error: {error.message}\n  {error.hint}"
    if isinstance(error, BaseException):
        return f"tillsync: configuration error: {error}"
    return _format_problems(tuple(problem.with_example() for problem in error))


def _format_problems(problems: Sequence[ConfigProblem]) -> str:
    lines: list[str] = []
    for source in dict.fromkeys(problem.source for problem in problems):
        group = [problem for problem in problems if problem.source == source]
        lines.append(_heading(source, group))
        for problem in group:
            lines.extend(_describe(problem))
    return "\n".join(lines)


def _heading(source: str, group: Sequence[ConfigProblem]) -> str:
    where = f" in {source}" if source else ""
    if len(group) == 1 and group[0].line is not None:
        return f"tillsync: TOML syntax error{where}, {_position(group[0])}"
    count = f"{len(group)} configuration errors" if len(group) > 1 else "configuration error"
    return f"tillsync: {count}{where}"


def _position(problem: ConfigProblem) -> str:
    if problem.column is None:
        return f"line {problem.line}"
    return f"line {problem.line}, column {problem.column}"


def _describe(problem: ConfigProblem) -> list[str]:
    lead = f"{problem.dotted}: " if problem.key else ""
    lines = [f"  {lead}{problem.problem}"]
    if problem.excerpt is not None and problem.line is not None:
        lines.append(f"    {problem.line} | {problem.excerpt}")
        if problem.column is not None and problem.column <= len(problem.excerpt) + 1:
            lines.append("    " + " " * (len(str(problem.line)) + 3 + problem.column - 1) + "^")
    if problem.example:
        lines.append(f"    example: {problem.example}")
    return lines

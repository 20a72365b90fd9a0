"""The connection test's answers: one line per check, ✓ or ✗ with the fix.

The checks are the engine's ``doctor`` (the same as ``tillsync doctor``), so
the console and the command line never disagree about what is wrong.
"""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Static

from engine.runtime import DoctorReport

__all__ = ["CheckList"]

_MARK = {"ok": ("✓", "$success"), "warn": ("!", "$warning"), "fail": ("✗", "bold $error")}


class CheckList(Static):
    def __init__(self) -> None:
        super().__init__(Content.styled("Press t to test both connections.", "$text-muted"))

    def show(self, report: DoctorReport) -> None:
        lines = []
        for check in report.checks:
            mark, style = _MARK.get(str(check.status.value), ("?", ""))
            line = Content.assemble((f"{mark} ", style), (f"{check.name}: ", "bold"), check.message)
            lines.append(line)
            if check.hint and not check.ok:
                lines.append(Content.styled(f"  → {check.hint}", "$text-muted"))
        self.update(Content("\n").join(lines))

    def show_error(self, message: str) -> None:
        self.update(Content.styled(f"✗ {message}", "$error"))

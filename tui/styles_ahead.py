"""Every widget's default styles in the stylesheet before the console shows (issue 21).

WHY: Textual adds a widget class's ``DEFAULT_CSS`` to the stylesheet the
first time a widget of that class is mounted, and the next style look-up
then re-parses the *whole* stylesheet.  In the console that happened in a
sync's first second: the dashboard's job cards (their progress bars) arrive
with the first data, the first toast with the first notification, each
re-parse 50-280 ms on the UI's loop while a key press waited.  Adding the
default styles of every imported widget class once, while the startup screen
shows, leaves nothing to parse later.

Only classes whose default styles are all *scoped* are added: scoped rules
apply inside a widget of that class only, so adding them early cannot change
the look of anything that is not one; unscoped ones still load on first use.
"""

from __future__ import annotations

from collections.abc import Iterator
from types import SimpleNamespace

from textual.css.stylesheet import Stylesheet
from textual.dom import DOMNode
from textual.widget import Widget

__all__ = ["add_default_styles"]

_PACKAGES = ("tui.", "textual.")


def add_default_styles(stylesheet: Stylesheet) -> int:
    """Add the default styles Textual would add at each class's first mount; how many."""
    added = 0
    for cls in _widget_classes(Widget):
        sources = _default_css(cls)
        if any(scope == "" for *_, scope in sources):
            continue  # unscoped: could style other widgets, so left to Textual
        for read_from, css, tie_breaker, scope in sources:
            if not stylesheet.has_source(*read_from):
                stylesheet.add_source(
                    css,
                    read_from=read_from,
                    is_default_css=True,
                    tie_breaker=tie_breaker,
                    scope=scope,
                )
                added += 1
    return added


def _widget_classes(base: type[Widget]) -> Iterator[type[Widget]]:
    """Imported widget classes (screens and dialogs among them) of the console and Textual."""
    for cls in base.__subclasses__():
        if cls.__module__.startswith(_PACKAGES):
            yield cls
        yield from _widget_classes(cls)


def _default_css(cls: type[Widget]) -> list[tuple[tuple[str, str], str, int, str]]:
    """What ``DOMNode._get_default_css`` gives an instance of ``cls``, without making one."""
    bases = SimpleNamespace(_node_bases=DOMNode._css_bases(cls))
    return DOMNode._get_default_css(bases)  # type: ignore[arg-type]

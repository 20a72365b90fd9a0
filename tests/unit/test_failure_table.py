"""The one failure table: one row per kind, and every reader follows it."""

from __future__ import annotations

from collections import Counter

import pytest

from engine.backends.korona.errors import KoronaConfigError
from engine.errors import ConfigError, FailureKind, ValidationError
from engine.failure_table import FAILURE_ROWS, INTERNAL, failure_kind, held, rule_for
from engine.notify import Severity
from engine.transport import STATUS_RULES, Action


def test_every_kind_has_exactly_one_row_and_no_row_is_unknown() -> None:
    listed = Counter(str(kind) for kind, _ in FAILURE_ROWS)
    assert {kind for kind, count in listed.items() if count > 1} == set()
    assert set(listed) == {kind.value for kind in FailureKind} | {INTERNAL}


def test_severities_are_alert_levels() -> None:
    for _, rule in FAILURE_ROWS:
        assert rule.severity is None or Severity(rule.severity)


@pytest.mark.parametrize("kind", list(FailureKind))
def test_the_transport_resends_a_status_only_when_its_kind_says_so(kind: FailureKind) -> None:
    rows = [rule for rule in STATUS_RULES.values() if rule.error and rule.error.kind is kind]
    for rule in rows:
        assert (rule.action is Action.RETRY) is rule_for(kind).resend
    assert kind.retryable is rule_for(kind).resend


def test_only_a_setting_we_lack_holds_an_order() -> None:
    assert held(ConfigError("no payment method mapped"))
    assert not held(KoronaConfigError("POS is not external"))  # the remote refused: retry, stop
    assert not held(ValidationError("refused")) and not held(RuntimeError("bug"))


def test_unknown_kinds_are_bugs_and_bugs_are_dead_letters() -> None:
    assert failure_kind(RuntimeError("bug")) == INTERNAL
    assert rule_for("no-such-kind") is rule_for(INTERNAL) is rule_for(None)
    assert not rule_for(INTERNAL).retry and not rule_for(INTERNAL).stop


@pytest.mark.parametrize(
    ("kind", "stops"),
    [("transient", True), ("rate_limited", True), ("auth", True), ("config", True),
     ("validation", False), ("not_found", False), ("conflict", False)],
)  # fmt: skip
def test_kinds_that_stop_the_drain(kind: str, stops: bool) -> None:
    assert rule_for(kind).stop is stops

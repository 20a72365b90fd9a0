import pytest

from engine.sync.ordering import OrderedCommits


def test_cursor_waits_for_earlier_pages() -> None:
    commits: OrderedCommits[int] = OrderedCommits()
    first, second, third = commits.register(), commits.register(), commits.register()
    assert commits.finish(second, 20) is None
    assert commits.finish(third, 30) is None
    assert commits.pending == 3
    assert commits.finish(first, 10) == 30
    assert commits.pending == 0


def test_pages_without_cursor_do_not_hide_earlier_ones() -> None:
    commits: OrderedCommits[int] = OrderedCommits()
    a, b = commits.register(), commits.register()
    assert commits.finish(a, 5) == 5
    assert commits.finish(b, None) is None


def test_double_finish_is_a_bug() -> None:
    commits: OrderedCommits[int] = OrderedCommits()
    seq = commits.register()
    commits.finish(seq, 1)
    with pytest.raises(ValueError):
        commits.finish(seq, 1)


def test_an_incomplete_page_stops_the_cursor_for_the_rest_of_the_run() -> None:
    commits: OrderedCommits[int] = OrderedCommits()
    a, b, c = commits.register(), commits.register(), commits.register()
    assert commits.finish(a, 1) == 1
    assert commits.finish(b, 2, complete=False) is None
    assert commits.finish(c, 3) is None

import asyncio

from engine.events import EventBus, JobProgress, LogEvent


async def test_subscribers_receive_published_events_in_order() -> None:
    bus = EventBus()
    with bus.subscribe() as sub:
        bus.publish(LogEvent(text="one"))
        bus.publish(LogEvent(text="two"))
        first = await asyncio.wait_for(anext(sub), 1)
        second = await asyncio.wait_for(anext(sub), 1)
    assert [first.message, second.message] == ["one", "two"]
    assert bus._subscribers == []


async def test_full_queue_drops_progress_before_other_events() -> None:
    bus = EventBus()
    sub = bus.subscribe(maxsize=3)
    bus.publish(LogEvent(text="keep-1"))
    bus.publish(JobProgress(job="catalog", run_id=1, done=1))
    bus.publish(LogEvent(text="keep-2"))
    bus.publish(LogEvent(text="keep-3"))
    got = [await anext(sub) for _ in range(3)]
    assert [e.message for e in got] == ["keep-1", "keep-2", "keep-3"]
    assert sub.dropped == 1


def test_event_record_is_json_ready() -> None:
    record = LogEvent(text="hello", job="stock", data={"n": 1}).to_record()
    assert record["type"] == "LogEvent"
    assert record["message"] == "hello"
    assert isinstance(record["at"], str)

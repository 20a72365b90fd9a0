"""Reading a request body without ever holding more than the configured limit.

A webhook URL is public; a client that streams gigabytes must cost us at
most ``limit`` bytes of memory.  A declared ``Content-Length`` over the limit
is refused before a single byte is read, and a chunked body is cut off as
soon as the next chunk would cross the limit.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

__all__ = ["BodyTooLarge", "read_limited"]


class BodyTooLarge(Exception):
    """The body is (or declares to be) larger than the receiver accepts."""


def _declared_length(content_length: str | None) -> int | None:
    try:
        return int(content_length) if content_length else None
    except ValueError:
        return None


async def read_limited(
    chunks: AsyncIterator[bytes], *, limit: int, content_length: str | None = None
) -> bytes:
    """Collect ``chunks`` into bytes, raising :class:`BodyTooLarge` past ``limit``."""
    declared = _declared_length(content_length)
    if declared is not None and declared > limit:
        raise BodyTooLarge(f"declared {declared} bytes")
    buffer = bytearray()
    async for chunk in chunks:
        if len(buffer) + len(chunk) > limit:
            raise BodyTooLarge(f"more than {limit} bytes")
        buffer += chunk
    return bytes(buffer)

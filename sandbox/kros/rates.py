"""The two official daily rate feeds, in their real formats, at sandbox URLs.

- ECB ``eurofxref-daily.xml``: a gesmes envelope, ``<Cube time='YYYY-MM-DD'>``
  holding ``<Cube currency='USD' rate='1.0921'/>`` (units per 1 EUR).
- CNB ``denni_kurz.txt``: ``DD.MM.YYYY #n``, a header line
  ``země|měna|množství|kód|kurz``, then one line a currency with a decimal
  comma (CZK per ``množství`` units).

Neither bank publishes on weekends and holidays: the feed then still shows
the last business day's date, which the ``weekend`` knob reproduces; the
``malformed`` knob serves a broken document.
"""

from __future__ import annotations

from datetime import date, timedelta

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from sandbox.kros.company import KrosSandbox

__all__ = ["CNB_PATH", "CNB_RATES", "ECB_PATH", "ECB_RATES", "rate_routes"]

ECB_PATH = "/feeds/ecb/eurofxref-daily.xml"
CNB_PATH = "/feeds/cnb/denni_kurz.txt"
ECB_RATES = {"USD": "1.0921", "CZK": "25.210", "GBP": "0.85830", "HUF": "385.40", "PLN": "4.2650"}
# (amount, CZK for that amount)
CNB_RATES = {
    "EUR": (1, "25,210"), "USD": (1, "23,085"), "GBP": (1, "29,372"),
    "HUF": (100, "6,541"), "JPY": (100, "15,602"),
}  # fmt: skip
_CNB_NAMES = {"EUR": ("EMU", "euro"), "USD": ("USA", "dolar"), "GBP": ("Velká Británie", "libra"),
              "HUF": ("Maďarsko", "forint"), "JPY": ("Japonsko", "jen")}  # fmt: skip


def published_on(today: date, mode: str) -> date:
    """The feed's date: today, or (``weekend``) the Friday before."""
    if mode != "weekend":
        return today
    return today - timedelta(days=(today.weekday() - 4) % 7 or 7)


def ecb_document(day: date) -> str:
    cubes = "\n".join(f"\t\t\t<Cube currency='{c}' rate='{r}'/>" for c, r in ECB_RATES.items())
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<gesmes:Envelope xmlns:gesmes="http://www.gesmes.org/xml/2002-08-01" '
        'xmlns="http://www.ecb.int/vocabulary/2002-08-01/eurofxref">\n'
        "\t<gesmes:subject>Reference rates</gesmes:subject>\n"
        "\t<gesmes:Sender>\n\t\t<gesmes:name>European Central Bank</gesmes:name>\n"
        "\t</gesmes:Sender>\n\t<Cube>\n"
        f"\t\t<Cube time='{day.isoformat()}'>\n{cubes}\n\t\t</Cube>\n\t</Cube>\n"
        "</gesmes:Envelope>\n"
    )


def cnb_document(day: date) -> str:
    lines = [f"{day:%d.%m.%Y} #{day.timetuple().tm_yday}", "země|měna|množství|kód|kurz"]
    for code, (amount, rate) in CNB_RATES.items():
        country, name = _CNB_NAMES[code]
        lines.append(f"{country}|{name}|{amount}|{code}|{rate}")
    return "\n".join(lines) + "\n"


def rate_routes(kb: KrosSandbox) -> list[Route]:
    """No auth: the banks' feeds are public."""

    async def ecb(request: Request) -> Response:
        with kb.lock:
            kb.stats.feed_requests += 1
        mode = kb.knobs.ecb_feed
        if mode == "malformed":
            return Response("<gesmes:Envelope><Cube><Cube time=", media_type="text/xml")
        text = ecb_document(published_on(kb.clock().date(), mode))
        return Response(text, media_type="text/xml")

    async def cnb(request: Request) -> Response:
        with kb.lock:
            kb.stats.feed_requests += 1
        mode = kb.knobs.cnb_feed
        if mode == "malformed":
            return Response("<html>Služba není dostupná</html>", media_type="text/plain")
        text = cnb_document(published_on(kb.clock().date(), mode))
        return Response(text, media_type="text/plain; charset=utf-8")

    return [Route(ECB_PATH, ecb), Route(CNB_PATH, cnb)]

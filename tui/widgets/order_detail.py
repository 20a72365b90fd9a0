"""The failed-order debugger's right-hand side: everything about one order.

Order as WooCommerce sent it, the lines as the back office would get them
(ids resolved by the engine's own booking check), what is missing, the
error kind with its hint, the last request and response (already redacted
when they were captured) and the order's history.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Static

from engine.runtime import OutboxState, WriteBackState
from engine.runtime.views import OrderDetail, pretty_capture

__all__ = ["OrderDetailPane"]

Part = str | tuple[str, str]
_STATE = {OutboxState.FAILED: "bold $error", OutboxState.HELD: "bold $warning"}


def _section(title: str) -> Content:
    return Content.styled(f"\n{title}", "bold $accent")


def _summary(d: OrderDetail) -> list[Content]:
    e, row = d.entry, d.row
    lines = [
        Content.assemble(
            (f"Order #{e.woo_order_id}", "bold"),
            f"  {d.order.get('status', '?')} in WooCommerce · {row.customer} · {row.total}",
        ),
        Content.assemble(
            "Outbox ",
            (e.state.value, _STATE.get(e.state, "bold")),
            f" after {e.attempts} attempt(s)",
        ),
    ]
    if e.last_error:
        kind = f"{e.last_error_kind}: " if e.last_error_kind else ""
        lines.append(Content.assemble(("Error ", "bold"), (f"{kind}{e.last_error}", "$error")))
    for text in d.explained:  # the line at fault, in words
        lines.append(Content.assemble(("Why ", "bold $error"), f"{text} — p shows it"))
    if d.hint:
        lines.append(Content.assemble(("Hint ", "bold"), d.hint))
    if d.unreadable:
        lines.append(Content.assemble(("Unreadable ", "bold $error"), d.unreadable))
    for item in d.missing:
        lines.append(Content.assemble(("Needs ", "bold $warning"), f"{item.label} — press m"))
    if e.backoffice_ref:
        lines.append(Content.assemble(("Back office ", "bold"), f"receipt {e.backoffice_ref}"))
    if e.void_ref:
        lines.append(Content.assemble(("Reversed ", "bold"), f"by {e.void_ref}"))
    return lines + _writeback(d)


def _writeback(d: OrderDetail) -> list[Content]:
    """The receipt number owed to WooCommerce, when it is not there yet."""
    debt = d.writeback
    if debt is None:
        return []
    if debt.state is WriteBackState.DEAD:
        lines = [
            Content.assemble(("Write-back ", "bold $error"), f"refused: {debt.last_error}"),
            Content.assemble(("Hint ", "bold"), debt.hint),
        ]
    else:
        waiting = f"waiting: {debt.last_error}" if debt.last_error else "due"
        lines = [Content.assemble(("Write-back ", "bold $warning"), waiting)]
    tries = f"after {debt.attempts} attempt(s) — " if debt.attempts else ""
    lines.append(Content.styled(f"{tries}w retries it now, d gives it up", "$text-muted"))
    return lines


def short_id(value: str) -> str:
    """A UUID cut to its first block (enough to tell ids apart on screen)."""
    return f"{value[:8]}…" if len(value) == 36 and value.count("-") == 4 else value


def _booking(d: OrderDetail) -> list[Content]:
    lines = [_section("As the back office gets it")]
    payment = short_id(d.backoffice_payment) if d.backoffice_payment else "✗ not mapped"
    lines.append(Content(f"payment {d.row.payment} → {payment}"))
    gone = {p.line for p in d.line_problems if not p.deactivated}
    for number, b in enumerate(d.booked_lines, start=1):
        target = f"→ {short_id(b.backoffice_product)}" if b.backoffice_product else "→ ✗ not linked"
        if number in gone:  # its own product is gone: the fallback books it, or nothing
            gone_to = "→ ✗ missing in back office"
            target = f"{target} (fallback)" if b.backoffice_product else gone_to
        lines.append(
            Content(f"{b.quantity} × {b.sku or '(no SKU)'}  {b.name}  {b.total}  {target}")
        )
    return lines


def _exchange(d: OrderDetail) -> list[Content]:
    lines: list[Content] = []
    for title, text in (
        ("Last request (redacted)", d.entry.last_request),
        ("Last response", d.entry.last_response),
    ):
        if text:
            lines += [_section(title), Content(pretty_capture(text))]
    return lines


def _history(d: OrderDetail, tz: ZoneInfo) -> list[Content]:
    lines = [_section("History")]
    for step in d.history:
        was = step.from_state.value if step.from_state else "new"
        stamp = step.at.astimezone(tz).strftime("%m-%d %H:%M:%S")
        lines.append(
            Content.assemble(
                (stamp, "$text-muted"),
                f"  {was} → ",
                (step.to_state.value, "bold"),
                f"  {step.detail}",
            )
        )
    return lines


class OrderDetailPane(VerticalScroll, can_focus=True):
    def __init__(self) -> None:
        super().__init__(id="order-detail")
        self.border_title = "Order"

    def compose(self) -> ComposeResult:
        yield Static(Content.styled("Select an order.", "$text-muted"), id="order-text")

    def show(self, detail: OrderDetail | None, tz: ZoneInfo) -> None:
        text = self.query_one("#order-text", Static)
        if detail is None:  # an empty tab: no title left over from the last order
            self.border_title = "Order"
            text.update(Content.styled("No order selected.", "$text-muted"))
            return
        self.border_title = f"Order #{detail.entry.woo_order_id}"
        parts = [*_summary(detail), *_booking(detail), *_exchange(detail), *_history(detail, tz)]
        parts += [_section("In WooCommerce"), Content(f"{detail.admin_url}  (o)")]
        text.update(Content("\n").join(parts))

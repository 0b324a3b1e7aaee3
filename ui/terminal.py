"""`tailtalk chat` on screen: answers rendered (markdown), products as a table, a comparison as
columns side by side, one product as a panel; a spinner says what the agent is doing meanwhile.

Rendering only: the loop that reads the shopper's lines is in cli_agent.py. Catalogue text is
shown as text: never rich markup, never a terminal escape.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from rich import box
from rich.console import Console, Group, RenderableType
from rich.live import Live
from rich.markdown import Markdown
from rich.panel import Panel
from rich.spinner import Spinner
from rich.table import Table
from rich.text import Text

from agent.render import format_price
from agent.types import AgentEvent, EventKind, ProductCard, Reply
from ui.transcript import TOOL_STATUS, short_title, shown


def rating(card: ProductCard) -> str:
    return f"★ {card.rating:.1f} ({card.rating_count})" if card.rating is not None else ""


def price(card: ProductCard) -> str:
    return format_price(card.price, card.currency) if card.price is not None else "–"


def results_table(cards: Sequence[ProductCard]) -> Table:
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, expand=False)
    table.add_column("#", justify="right", style="bold")
    table.add_column("Product", ratio=3, min_width=18)
    table.add_column("Price", justify="right", style="bold green", no_wrap=True)
    table.add_column("Rating", no_wrap=True, style="yellow")
    table.add_column("Why", ratio=2, style="dim")
    for card in cards:
        name = Text(short_title(card.title), style="bold")
        if card.is_long_tail:
            name.append("  long-tail pick", style="magenta")
        name.append(f"\n{card.brand + ' · ' if card.brand else ''}{card.id}", style="dim")
        table.add_row(str(card.rank), name, price(card), rating(card), Text(card.why))
    return table


def comparison_table(cards: Sequence[ProductCard]) -> Table:
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
    table.add_column("", style="dim", no_wrap=True)
    for card in cards:
        table.add_column(Text(short_title(card.title, 40)), style="", overflow="fold")
    table.add_row("Price", *(Text(price(c), style="bold green") for c in cards))
    table.add_row("Rating", *(rating(c) or "–" for c in cards))
    table.add_row("Brand", *(Text(c.brand or "–") for c in cards))
    keys = list(dict.fromkeys(k for c in cards for k in c.attributes))[:8]
    for key in keys:
        values = [c.attributes.get(key, "–") for c in cards]
        differs = len({v.casefold() for v in values}) > 1
        table.add_row(Text(key), *(Text(v, style="bold" if differs else "") for v in values))
    table.add_row("Id", *(Text(c.id, style="dim") for c in cards))
    return table


def detail_panel(card: ProductCard) -> Panel:
    facts = Table.grid(padding=(0, 2))
    facts.add_column(style="dim")
    facts.add_column()
    facts.add_row("Price", Text(price(card), style="bold green"))
    if card.rating is not None:
        facts.add_row("Rating", rating(card))
    if card.brand:
        facts.add_row("Brand", Text(card.brand))
    for key, value in list(card.attributes.items())[:8]:
        facts.add_row(Text(key), Text(value))
    parts: list[RenderableType] = [facts]
    if card.copy_text:
        parts.append(Text(card.copy_text, style="italic"))
    if card.why:
        parts.append(Text(card.why, style="dim"))
    if card.url:
        parts.append(Text(card.url, style="cyan underline"))
    subtitle = "long-tail pick" if card.is_long_tail else None
    return Panel(Group(*parts), title=Text(card.title), title_align="left", subtitle=subtitle)


def products(reply: Reply) -> RenderableType | None:
    # Catalogue text on one line, without control characters (no terminal escapes), and as
    # Text everywhere, never rich markup ("[link=...]" in a title stays those characters).
    cards = [shown(c) for c in reply.recommendations]
    if not cards:
        return None
    if reply.list_kind == "featured":
        return comparison_table(cards) if len(cards) > 1 else detail_panel(cards[0])
    return results_table(cards)


class TurnView:
    """One answer as it comes: a spinner with the status, the text growing under it, then the
    rendered answer and its products."""

    def __init__(self, console: Console, llm: bool) -> None:
        self.console = console
        self.llm = llm
        self.said: list[str] = []
        self.status = "asking the language model…" if llm else "searching the catalogue…"
        self.notice = ""

    def _view(self) -> RenderableType:
        parts: list[RenderableType] = []
        if self.notice:
            parts.append(Text(self.notice, style="yellow"))
        if self.said:
            parts.append(Markdown(" ".join(self.said)))
        parts.append(Spinner("dots", text=Text(self.status, style="dim")))
        return Group(*parts)

    def show(self, events: Iterable[AgentEvent]) -> Reply | None:
        live = Live(self._view(), console=self.console, transient=True, refresh_per_second=12)
        with live:
            for event in events:
                if event.reply is not None:
                    live.stop()
                    self.final(event.reply)
                    return event.reply
                self.fold(event)
                live.update(self._view())
        return None

    def fold(self, event: AgentEvent) -> None:
        if event.kind is EventKind.TEXT:
            self.said.append(event.text.strip())
        elif event.kind is EventKind.STATUS:
            self.notice = event.text
        elif event.kind is EventKind.TOOL_CALL and event.tool is not None:
            self.status = TOOL_STATUS.get(event.tool.name, "Working on it…").lower()
        elif event.kind is EventKind.TOOL_RESULT:
            then = "asking the language model…" if self.llm else "writing the answer…"
            self.status = f"{event.text}; {then}" if event.text else then

    def final(self, reply: Reply) -> None:
        if self.notice:
            self.console.print(Text(self.notice, style="yellow"))
        self.console.print(Markdown(reply.text))
        listed = products(reply)
        if listed is not None:
            self.console.print(listed)
        self.console.print(Text(f"answered by {reply.backend}", style="dim"), justify="right")

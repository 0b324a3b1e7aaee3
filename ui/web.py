"""The Gradio chat UI: streaming answers, product cards with feedback, what the agent understood.

It is a thin view over the agent's stream: text events grow the answer, the final Reply fills
the cards (title, price, rating, a badge for long-tail picks, the why-line, generated copy) and
the side panel (parsed preferences, which backend answered). Like / dislike / add-to-cart on a
card go to the session log. Each browser tab is its own session; "New conversation" starts
another.
"""

from __future__ import annotations

import html
import uuid
from collections.abc import Iterator
from functools import partial
from typing import Any

import gradio as gr

from agent.agent import Agent
from agent.render import format_price
from agent.settings import Settings
from agent.types import EventKind, ProductCard, Reply
from retrieval.errors import TailTalkError

CSS = """
.tt-card { border: 1px solid #d0d7de; border-radius: 10px; padding: 10px 12px; }
.tt-card h4 { margin: 0 0 4px 0; font-size: 15px; }
.tt-meta { color: #555; font-size: 13px; }
.tt-why { font-size: 13px; margin-top: 6px; }
.tt-copy { font-size: 13px; margin-top: 6px; font-style: italic; color: #444; }
.tt-badge { background: #0a7d55; color: white; border-radius: 6px; padding: 1px 7px;
            font-size: 12px; margin-left: 6px; }
"""
FEEDBACK = (("like", "Like"), ("dislike", "Not for me"), ("cart", "Add to cart"))


def card_html(card: ProductCard) -> str:
    e = html.escape
    badge = '<span class="tt-badge">long-tail pick</span>' if card.is_long_tail else ""
    rating = f" · ★ {card.rating:.1f} ({card.rating_count})" if card.rating is not None else ""
    brand = f" · {e(card.brand)}" if card.brand else ""
    parts = [
        f'<div class="tt-card" data-product="{e(card.id)}">',
        f"<h4>{card.rank}. {e(card.title)}{badge}</h4>",
        f'<div class="tt-meta">{e(format_price(card.price, card.currency))}{rating}{brand}</div>',
    ]
    if card.why:
        parts.append(f'<div class="tt-why">{e(card.why)}</div>')
    if card.copy_text:
        parts.append(f'<div class="tt-copy">{e(card.copy_text)}</div>')
    parts.append("</div>")
    return "".join(parts)


def _shown(key: str, value: Any) -> str:
    if key.endswith("price"):
        return format_price(value)
    if isinstance(value, dict):
        return "; ".join(f"{k}: {' or '.join(v)}" for k, v in value.items())
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    return str(value)


def panel_markdown(reply: Reply) -> str:
    prefs = reply.preferences.model_dump(exclude_defaults=True, mode="json")
    blocks = [f"**Answered by:** `{reply.backend}`"]
    if reply.trace.fallback_reason:
        blocks.append(f"**Fallback:** {reply.trace.fallback_reason}")
    if prefs:
        items = "\n".join(
            f"- {key.replace('_', ' ')}: {_shown(key, value)}" for key, value in prefs.items()
        )
        blocks.append(f"**Preferences so far:**\n\n{items}")
    else:
        blocks.append("**Preferences so far:** none yet")
    removed = reply.trace.guardrail.total
    if removed:
        blocks.append(f"**Guardrail:** {removed} statement(s) removed")
    blocks.append(f"_{reply.trace.latency_ms:.0f} ms_")
    return "\n\n".join(blocks)


def build_ui(agent: Agent, settings: Settings) -> gr.Blocks:
    slots_n = settings.agent.k
    with gr.Blocks(title="TailTalk") as ui:
        session = gr.State("")
        shown = gr.State([])  # the cards on screen, as dicts
        gr.Markdown(
            "## TailTalk\nTell me what you are looking for: the kind of product, a budget, what "
            "you like or want to avoid. I also show relevant products few shoppers have found yet."
        )
        with gr.Row():
            with gr.Column(scale=3):
                chat = gr.Chatbot(label="Chat", height=480, elem_id="chat")
                with gr.Row():
                    box = gr.Textbox(
                        placeholder="e.g. a fragrance-free moisturizer under $40",
                        show_label=False,
                        scale=5,
                        elem_id="ask",
                    )
                    send = gr.Button("Send", variant="primary", scale=1, elem_id="send")
                reset = gr.Button("New conversation", elem_id="reset")
            with gr.Column(scale=2):
                status = gr.Markdown("", elem_id="status")
                groups, cards, buttons = [], [], []
                for i in range(slots_n):
                    with gr.Group(visible=False) as group:
                        card = gr.HTML(elem_id=f"card-{i}")
                        with gr.Row():
                            row = [
                                gr.Button(label, size="sm", elem_id=f"{kind}-{i}")
                                for kind, label in FEEDBACK
                            ]
                    groups.append(group)
                    cards.append(card)
                    buttons.append(row)
                with gr.Accordion("What I understood", open=True):
                    panel = gr.Markdown("No conversation yet.", elem_id="panel")
                with gr.Accordion("Returning shopper", open=False):
                    shopper = gr.Textbox(label="Shopper id (optional)", elem_id="shopper")
                    with gr.Row():
                        show_profile = gr.Button("Show my profile", size="sm")
                        clear_profile = gr.Button("Clear my profile", size="sm")
                    profile = gr.Markdown("", elem_id="profile")

        card_outputs: list[Any] = [*groups, *cards]
        outputs = [chat, box, status, panel, shown, *card_outputs]

        def card_updates(items: list[ProductCard]) -> list[Any]:
            visible = [gr.update(visible=i < len(items)) for i in range(slots_n)]
            content = [card_html(items[i]) if i < len(items) else "" for i in range(slots_n)]
            return [*visible, *content]

        def unchanged() -> list[Any]:
            return [gr.skip()] * len(card_outputs)

        def ask(text: str, history: list[dict[str, Any]], sid: str, who: str) -> Iterator[list]:
            text, who, history = text or "", who or "", history or []
            if not text.strip():
                yield [history, "", gr.skip(), gr.skip(), gr.skip(), *unchanged()]
                return
            sid = sid or uuid.uuid4().hex
            history = [
                *history,
                {"role": "user", "content": text},
                {"role": "assistant", "content": "…"},
            ]
            yield [history, "", "", gr.skip(), gr.skip(), *unchanged()]
            answer = ""
            try:
                for event in agent.stream(sid, text, who.strip() or None):
                    if event.kind is EventKind.TEXT:
                        answer = f"{answer} {event.text}".strip()
                        history[-1] = {"role": "assistant", "content": answer}
                        yield [history, "", gr.skip(), gr.skip(), gr.skip(), *unchanged()]
                    elif event.kind is EventKind.STATUS:
                        yield [history, "", f"_{event.text}_", gr.skip(), gr.skip(), *unchanged()]
                    elif event.reply is not None:
                        reply = event.reply
                        history[-1] = {"role": "assistant", "content": reply.text}
                        items = reply.recommendations
                        yield [
                            history,
                            "",
                            "",
                            panel_markdown(reply),
                            [c.model_dump() for c in items],
                            *card_updates(items),
                        ]
            except TailTalkError as exc:
                history[-1] = {
                    "role": "assistant",
                    "content": f"Sorry, something went wrong: {exc}",
                }
                yield [history, "", "", gr.skip(), gr.skip(), *unchanged()]

        def new_session() -> str:
            return uuid.uuid4().hex

        def start_over(sid: str) -> list[Any]:
            if sid:
                agent.reset(sid)
            return [[], "", "", "No conversation yet.", [], new_session(), *card_updates([])]

        def record(kind: str, slot: int, items: list[dict[str, Any]], sid: str) -> str:
            if slot >= len(items):
                return ""
            item = items[slot]
            try:
                agent.feedback(sid, item["id"], kind)
            except TailTalkError as exc:
                return f"Could not record that: {exc}"
            verb = {"like": "liked", "dislike": "did not like", "cart": "added to cart"}[kind]
            return f"Noted: you {verb} **{html.escape(item['title'])}**."

        def profile_text(who: str) -> str:
            who = who or ""
            if not who.strip():
                return "Enter a shopper id first."
            mine = agent.profile(who.strip())
            if not mine.product_ids:
                return "Your profile is empty."
            titles = {p.id: p.title for p in agent.shop.get_many(mine.product_ids)}
            names = {pid: titles.get(pid, pid) for pid in mine.product_ids}
            lines = [f"- liked: {names[i]}" for i in mine.liked]
            lines += [f"- in cart: {names[i]}" for i in mine.carted]
            lines += [f"- bought: {names[i]}" for i in mine.bought]
            return "\n".join(lines)

        def forget(who: str) -> str:
            who = who or ""
            if not who.strip():
                return "Enter a shopper id first."
            agent.clear_profile(who.strip())
            return "Your profile is cleared."

        ui.load(new_session, outputs=session)
        inputs = [box, chat, session, shopper]
        box.submit(ask, inputs, outputs)
        send.click(ask, inputs, outputs)
        reset.click(
            start_over, [session], [chat, box, status, panel, shown, session, *card_outputs]
        )
        for slot, row in enumerate(buttons):
            for (kind, _), button in zip(FEEDBACK, row, strict=True):
                button.click(partial(record, kind, slot), [shown, session], status)
        show_profile.click(profile_text, [shopper], profile)
        clear_profile.click(forget, [shopper], profile)
    return ui

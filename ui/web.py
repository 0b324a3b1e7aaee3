"""The Gradio chat UI: a conversation whose answers carry their own products, streamed as they come.

It is a thin view over the agent's event stream: a status line while the agent searches or waits
for the language model, text events grow the answer, the final Reply puts the products into that
turn (a card strip, a detail card or a comparison table, ui/transcript.py) together with what the
agent understood and which backend answered. Feedback icons on a card go straight to the session
log (a server function, so a click never waits behind a streaming answer). Each browser tab is
its own session; "New chat" starts another. Fonts are the device's own (no web fonts).

With keys set, the page is behind ui/auth.py like everything else (the login cookie or a bearer
key): sessions are issued by the server to the key that signed in, feedback is checked and rate
limited as on /v1, and "Returning shopper" takes a shopper token (or, signed in with a service
key, a bare shopper id).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import gradio as gr
from fastapi import FastAPI

from agent.agent import Agent
from agent.errors import RequestError
from agent.render import TITLE_CHARS, markdown_text
from agent.settings import Settings
from agent.types import AgentEvent, EventKind, Reply
from retrieval.errors import TailTalkError
from ui.auth import Access, AuthError, ForbiddenError, Principal
from ui.transcript import TOOL_STATUS, ChatTurn, render, understood

STATIC = Path(__file__).resolve().parent / "static"
log = logging.getLogger("tailtalk.ui")
FONTS = [
    "-apple-system",
    "BlinkMacSystemFont",
    "Segoe UI",
    "Roboto",
    "Helvetica Neue",
    "Arial",
    "Noto Sans",
    "Liberation Sans",
    "DejaVu Sans",
    "sans-serif",
]
MONO = ["ui-monospace", "SFMono-Regular", "Menlo", "Consolas", "Liberation Mono", "monospace"]
HEADER = (
    '<div class="tt-brandmark"><div class="tt-logo">TT</div><div>'
    '<div class="tt-name">TailTalk</div>'
    '<div class="tt-tagline">Your shopping assistant: favourites and hidden gems</div>'
    "</div></div>"
)


def theme() -> gr.themes.Base:
    # Gradio's default theme ships a subset of IBM Plex Sans whose semi-bold cut lacks some
    # capitals, so bold text showed letters from another font. Device fonts have every glyph.
    return gr.themes.Base(
        primary_hue="teal", neutral_hue="slate", radius_size="lg", font=FONTS, font_mono=MONO
    ).set(
        button_primary_background_fill="#0f766e",
        button_primary_background_fill_hover="#115e59",
        button_primary_text_color="#ffffff",
    )


def page_css() -> str:
    return (STATIC / "cards.css").read_text() + "\n" + (STATIC / "chat.css").read_text()


def suggestions(agent: Agent, count: int = 4) -> list[str]:
    """Conversation starters from the shop's own categories."""
    return [f"Show me {c.casefold()}" for c in agent.shop.categories()[:count]]


def answered(reply: Reply, notice: str) -> ChatTurn:
    if reply.trace.fallback_reason and not notice:
        notice = "The language model did not answer; the rules backend answered instead."
    return ChatTurn(
        role="assistant",
        text=reply.text,
        cards=list(reply.recommendations),
        list_kind=reply.list_kind,
        outcome=reply.outcome.value,
        notice=notice,
        understood=understood(reply.preferences),
        backend=reply.backend,
    )


def progress(turn: ChatTurn, event: AgentEvent, llm: bool, said: list[str]) -> bool:
    """Folds one event into the pending turn; True when there is something new to show."""
    if event.kind is EventKind.TEXT:
        said.append(event.text)
        turn.text = " ".join(s.strip() for s in said)
    elif event.kind is EventKind.STATUS:
        turn.notice = event.text
    elif event.kind is EventKind.TOOL_CALL and event.tool is not None:
        turn.status = TOOL_STATUS.get(event.tool.name, "Working on it…")
    elif event.kind is EventKind.TOOL_RESULT:
        found = event.text if event.tool is not None and event.tool.ok else ""
        then = "asking the language model…" if llm else "writing the answer…"
        turn.status = f"{found.capitalize()}; {then}" if found else then.capitalize()
    else:
        return False
    return True


def _looks_like_token(text: str) -> bool:
    return text.startswith("eyJ") and text.count(".") == 2  # a JWT: base64url of '{"...'


def build_ui(agent: Agent, settings: Settings, access: Access | None = None) -> gr.Blocks:
    llm = agent.backend != "rules"
    starters = suggestions(agent)
    access = access or Access(settings)

    def view(turns: list[ChatTurn], sid: str) -> str:
        return render(turns, sid, starters)

    def caller(request: gr.Request | None) -> Principal:
        """Who this page belongs to (the middleware let the request in, so one is known)."""
        # gr.Request hands on the HTTP request's headers, cookies and client.
        headers = {k.lower(): v for k, v in dict(getattr(request, "headers", None) or {}).items()}
        cookies = dict(getattr(request, "cookies", None) or {})
        host = getattr(getattr(request, "client", None), "host", None) or "unknown"
        who = access.from_headers(headers, cookies, True, str(host))
        if who is None:
            raise AuthError("your sign-in has expired; reload the page and sign in again")
        return who

    def shopper_of(who: Principal, given: str) -> str | None:
        given = (given or "").strip()
        if not given:
            return None
        if _looks_like_token(given):
            return access.tokens.verify(given)
        if who.is_service:
            return given
        raise ForbiddenError(
            "signed in with a client key, a returning shopper needs the token the shop's sign-in "
            "gives (a bare shopper id is not enough)",
            code="shopper_token_required",
        )

    def feedback(given: dict[str, Any], request: gr.Request) -> dict[str, Any]:
        """Called from the page as server.feedback({session, product, kind})."""
        session_id, product_id, kind = (
            str(given.get(k) or "") for k in ("session", "product", "kind")
        )
        try:
            if not session_id:
                raise RequestError("no conversation yet", param="session")
            access.feedback_allowed(caller(request), session_id)
            agent.feedback(session_id, product_id, kind)
        except TailTalkError as exc:
            return {"ok": False, "error": str(exc)}
        return {"ok": True}

    with gr.Blocks(title="TailTalk: shopping assistant") as ui:
        session = gr.State("")
        turns_state = gr.State([])
        with gr.Row(elem_id="tt-header"):
            gr.HTML(HEADER, elem_id="brand")
            reset = gr.Button("+ New chat", elem_id="reset", size="sm", scale=0)
        chat = gr.HTML(
            view([], ""),
            elem_id="chat",
            js_on_load=(STATIC / "chat.js").read_text(),
            server_functions=[feedback],
            apply_default_css=False,
        )
        with gr.Row(elem_id="composer"):
            box = gr.Textbox(
                placeholder="What are you looking for?",
                show_label=False,
                container=False,
                lines=1,
                max_lines=4,
                elem_id="ask",
                scale=1,
                autofocus=True,
            )
            send = gr.Button("Send", variant="primary", elem_id="send", scale=0)

        with gr.Accordion("Returning shopper", open=False, elem_id="tt-shopper"):
            shopper = gr.Textbox(
                label="Shopper token, or shopper id with a service key (optional)",
                elem_id="shopper",
                type="password" if settings.api.auth_enabled else "text",
            )
            with gr.Row():
                show_profile = gr.Button("Show my profile", size="sm")
                clear_profile = gr.Button("Clear my profile", size="sm")
            profile = gr.Markdown("", elem_id="profile")

        def ask(
            text: str, turns: list[ChatTurn], sid: str, who: str, request: gr.Request
        ) -> Iterator[list[Any]]:
            text = (text or "").strip()
            if not text:
                yield [gr.skip(), "", turns, sid]
                return
            caller_ = caller(request)
            sid = sid or access.new_session(caller_)
            first = "Asking the language model…" if llm else "Searching the catalogue…"
            pending = ChatTurn(role="assistant", pending=True, status=first)
            turns = [*turns, ChatTurn(role="user", text=text), pending]
            yield [view(turns, sid), "", turns, sid]
            said: list[str] = []
            try:
                for event in agent.stream(sid, text, shopper_of(caller_, who)):
                    if event.reply is not None:
                        turns[-1] = answered(event.reply, pending.notice)
                        yield [view(turns, sid), "", turns, sid]
                    elif progress(pending, event, llm, said):
                        yield [view(turns, sid), gr.skip(), turns, sid]
            except TailTalkError as exc:
                turns[-1] = ChatTurn(
                    role="assistant", text=f"Sorry, something went wrong: {exc}", failed=True
                )
                yield [view(turns, sid), gr.skip(), turns, sid]
            except Exception:
                # Not the shopper's doing: say so on the page, keep the details for the log.
                log.exception("a turn of session %s failed", sid)
                turns[-1] = ChatTurn(
                    role="assistant",
                    text="Sorry, something went wrong on our side. Please try again.",
                    failed=True,
                )
                yield [view(turns, sid), gr.skip(), turns, sid]

        def ask_suggested(
            turns: list[ChatTurn], sid: str, who: str, event: gr.EventData, request: gr.Request
        ) -> Iterator[list[Any]]:
            text = str((getattr(event, "_data", None) or {}).get("ask", ""))
            yield from ask(text, turns, sid, who, request)

        def start_over(sid: str, request: gr.Request) -> list[Any]:
            if sid:
                agent.reset(sid)
            fresh = access.new_session(caller(request))
            return [view([], fresh), "", [], fresh]

        def profile_text(who: str, request: gr.Request) -> str:
            try:
                shopper_id = shopper_of(caller(request), who)
            except TailTalkError as exc:
                return str(exc)
            if shopper_id is None:
                return "Enter your shopper token first."
            mine = agent.profile(shopper_id)
            if not mine.product_ids:
                return "Your profile is empty."
            # Titles are catalogue text: one line each, as text, never markdown of their own.
            titles = {p.id: _markdown_line(p.title) for p in agent.shop.get_many(mine.product_ids)}
            lines = [f"- liked: {titles.get(i, _markdown_line(i))}" for i in mine.liked]
            lines += [f"- in cart: {titles.get(i, _markdown_line(i))}" for i in mine.carted]
            lines += [f"- bought: {titles.get(i, _markdown_line(i))}" for i in mine.bought]
            return "\n".join(lines)

        def forget(who: str, request: gr.Request) -> str:
            try:
                shopper_id = shopper_of(caller(request), who)
            except TailTalkError as exc:
                return str(exc)
            if shopper_id is None:
                return "Enter your shopper token first."
            agent.clear_profile(shopper_id)
            return "Your profile is cleared."

        def new_session(request: gr.Request) -> list[Any]:
            sid = access.new_session(caller(request))
            return [view([], sid), sid]

        outputs = [chat, box, turns_state, session]
        ui.load(new_session, outputs=[chat, session])
        box.submit(ask, [box, turns_state, session, shopper], outputs)
        send.click(ask, [box, turns_state, session, shopper], outputs)
        chat.click(ask_suggested, [turns_state, session, shopper], outputs)
        reset.click(start_over, [session], outputs)
        show_profile.click(profile_text, [shopper], profile)
        clear_profile.click(forget, [shopper], profile)
    return ui


def _markdown_line(text: str) -> str:
    """Catalogue text inside markdown: one line, escaped, so it is never a link or an image."""
    return markdown_text(text, TITLE_CHARS)


def mount_ui(app: FastAPI, agent: Agent, settings: Settings, access: Access | None = None) -> None:
    """The chat UI at / of the server's app."""
    gr.mount_gradio_app(
        app,
        build_ui(agent, settings, access),
        path="/",
        theme=theme(),
        css=page_css(),
        footer_links=[],
    )

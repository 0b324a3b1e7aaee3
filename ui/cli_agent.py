"""The `tailtalk` commands that talk: serve (HTTP API and chat UI), chat (terminal), and
export-sessions (the session log as benchmark sessions)."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import uuid

from agent.settings import Settings
from retrieval.errors import TailTalkError


def add_commands(commands: argparse._SubParsersAction, ensure_index: object) -> None:
    serve = commands.add_parser("serve", help="the chat UI and the OpenAI-compatible API")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--no-ui", action="store_true", help="the API only, without the chat UI")
    serve.add_argument(
        "--workers",
        type=int,
        default=1,
        help="API worker processes sharing the data folder (above 1 needs --no-ui)",
    )
    serve.set_defaults(run=run_serve, ensure_index=ensure_index)

    chat = commands.add_parser("chat", help="chat in the terminal")
    chat.add_argument("--session", help="continue this session (default: a new one)")
    chat.add_argument("--shopper", help="a stable shopper id, for a returning shopper's profile")
    chat.set_defaults(run=run_chat, ensure_index=ensure_index)

    export = commands.add_parser(
        "export-sessions", help="write logged sessions as benchmark sessions (JSONL)"
    )
    export.add_argument("--out", required=True, help="the JSONL file to write")
    export.add_argument("--session", action="append", help="only these sessions")
    export.set_defaults(run=run_export)


def run_serve(args: argparse.Namespace, settings: Settings) -> int:
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    import uvicorn

    from agent.factory import build_agent
    from ui.server import LOG_FORMAT, create_app

    if args.workers < 1:
        print(f"error: --workers must be 1 or more (got {args.workers})", file=sys.stderr)
        return 2
    if args.workers > 1 and not args.no_ui:
        # Gradio keeps each browser's queue and state in the process that served its page; with
        # several workers the next request of that browser may land in another one.
        print(
            "error: --workers above 1 needs --no-ui (run the chat UI as its own `tailtalk serve`)",
            file=sys.stderr,
        )
        return 2
    logging.basicConfig(level=logging.INFO, format=LOG_FORMAT)
    args.ensure_index(settings)
    where = f"http://{args.host}:{args.port}"
    if args.workers > 1:
        # Each worker builds its own agent from the same TAILTALK_* settings; the session log
        # and the exposure ledger are SQLite files in WAL mode, safe to share between them.
        print(f"TailTalk API on {where}/v1 with {args.workers} workers")
        uvicorn.run(
            "ui.server:app_from_environment",
            factory=True,
            host=args.host,
            port=args.port,
            workers=args.workers,
            log_level="info",
        )
        return 0
    agent = build_agent(settings)
    app = create_app(settings, agent, ui=not args.no_ui)
    print(f"TailTalk on {where}  (chat UI: {where}/, API: {where}/v1, backend: {agent.backend})")
    uvicorn.run(app, host=args.host, port=args.port, log_level="info")
    return 0


def run_chat(args: argparse.Namespace, settings: Settings) -> int:
    from rich.console import Console

    from agent.factory import build_agent
    from ui.terminal import TurnView

    console = Console(highlight=False)
    args.ensure_index(settings)
    agent = build_agent(settings)
    session = args.session or uuid.uuid4().hex
    console.print(
        f"[bold]TailTalk[/bold] ({agent.backend} backend), session {session}. "
        "Empty line, /quit, Ctrl-D or Ctrl-C to leave; /reset to start over; Ctrl-C during an "
        "answer stops it.",
        soft_wrap=True,
    )
    while True:
        try:
            text = input("you> ").strip()
        except (EOFError, KeyboardInterrupt):
            console.print()
            break
        if not text or text == "/quit":
            break
        if text == "/reset":
            session = uuid.uuid4().hex
            console.print(f"(new session {session})")
            continue
        view = TurnView(console, llm=agent.backend != "rules")
        events = agent.stream(session, text, args.shopper)
        try:
            view.show(events)
        except KeyboardInterrupt:
            events.close()  # type: ignore[attr-defined]
            console.print("[dim](stopped)[/dim]")
        except TailTalkError as exc:
            console.print(f"[red]error:[/red] {exc}", soft_wrap=True)
    console.print("Bye.")
    return 0


def run_export(args: argparse.Namespace, settings: Settings) -> int:
    from agent.factory import open_log
    from agent.log import export_sessions

    log = open_log(settings)
    count = with_targets = 0
    with open(args.out, "w", encoding="utf-8") as out:
        for record in export_sessions(log, args.session):
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
            count += 1
            with_targets += bool(record["targets"])
    print(
        f"wrote {count} turns ({with_targets} with liked, carted or bought products) to {args.out}"
    )
    return 0

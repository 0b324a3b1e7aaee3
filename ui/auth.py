"""Who may do what, on every surface of the server: keys, roles, sessions, shoppers.

With no key configured everything is open, as on loopback. With any key set (TAILTALK_API__KEYS
or __SERVICE_KEYS, __CLIENT_KEYS) every path needs one, except what a page or a load balancer
must reach without: /health, the login page, the widget's script and styles, placeholder images,
and /docs + /openapi.json when TAILTALK_API__DOCS=public.

- /v1 takes `Authorization: Bearer <key>`. Browser pages (the chat UI at / with its Gradio API,
  /docs) take the same bearer header, or the HttpOnly cookie that /login sets from a key; an
  unauthenticated page view is sent to /login.
- A service key may name any session (X-Session-Id or `user`) and any shopper (X-Shopper-Id),
  read and clear any profile, and mint shopper tokens. A client key (the widget's, the chat UI's)
  may continue only a session the server issued to it (X-Session-Id of an earlier answer), and
  names a shopper only by a token the shop's backend signed (X-Shopper-Token); a profile is
  theirs to read or clear only with that shopper's token.
- Keys are compared with every configured key, in constant time, on every request.
"""

from __future__ import annotations

import hmac
import html
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING
from urllib.parse import parse_qs, urlencode

from fastapi import Security
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.requests import HTTPConnection, Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

from retrieval.errors import TailTalkError
from ui import protocol
from ui.identity import ShopperTokens, Signer, server_secret
from ui.limits import FeedbackLimits

if TYPE_CHECKING:
    from collections.abc import Mapping

    from fastapi import FastAPI

    from agent.settings import Settings

COOKIE = "tailtalk_ui"
SHOPPER_HEADER = "x-shopper-id"
TOKEN_HEADER = "x-shopper-token"
SESSION_HEADER = "x-session-id"
_ALWAYS_PUBLIC = ("/health", "/login", "/logout", "/widget.js")
_PUBLIC_PREFIXES = ("/tailtalk/", "/images/placeholder/")
_DOCS = ("/docs", "/docs/oauth2-redirect", "/openapi.json")


class AuthError(TailTalkError):
    status_code = 401
    error_type = "authentication_error"
    code = "invalid_api_key"


class ForbiddenError(TailTalkError):
    status_code = 403
    error_type = "permission_error"


class Role(StrEnum):
    SERVICE = "service"
    CLIENT = "client"


@dataclass(frozen=True)
class Principal:
    """Who is calling: the role of their key, the key's fingerprint (sessions are issued to it),
    and the name their rate limits count under."""

    role: Role
    owner: str
    limit_name: str

    @property
    def is_service(self) -> bool:
        return self.role is Role.SERVICE


class Access:
    """The one policy every surface asks: who is this, which session, which shopper."""

    def __init__(self, settings: Settings) -> None:
        api = settings.api
        configured = api.session_secret.get_secret_value() if api.session_secret else None
        self.signer = Signer(server_secret(settings.data_dir, configured))
        token_secret = (
            api.shopper_token_secret.get_secret_value().encode()
            if api.shopper_token_secret
            else self.signer.derived("shopper-token")
        )
        self.tokens = ShopperTokens(token_secret, api.shopper_token_max_ttl)
        self.limits = FeedbackLimits(
            api.feedback_per_session_per_minute, api.feedback_per_key_per_minute
        )
        self.enabled = api.auth_enabled
        self.docs = api.docs
        self.login_seconds = api.ui_login_hours * 3600
        service = [k.get_secret_value() for k in [*api.keys, *api.service_keys]]
        client = [k.get_secret_value() for k in api.client_keys]
        self._keys = [(k.encode(), Role.SERVICE) for k in service]
        self._keys += [(k.encode(), Role.CLIENT) for k in client]
        self._owners = [self.signer.fingerprint(k) for k in [*service, *client]]
        self._roles = {o: role for o, (_, role) in zip(self._owners, self._keys, strict=True)}

    # Who is calling --------------------------------------------------------------------------

    def from_key(self, given: str) -> Principal | None:
        raw = given.encode()
        matched: int | None = None
        # Compare with every key, always: the time taken says nothing about which one matched.
        for i, (key, _) in enumerate(self._keys):
            if hmac.compare_digest(raw, key) and matched is None:
                matched = i
        if matched is None:
            return None
        owner = self._owners[matched]
        return Principal(self._keys[matched][1], owner, owner)

    def from_headers(
        self, headers: Mapping[str, str], cookies: Mapping[str, str], page: bool, address: str
    ) -> Principal | None:
        """The caller of a request: anyone (a service) with no keys configured; else the bearer
        key's holder, or, on a page, the holder of a valid login cookie; None: not let in."""
        if not self.enabled:
            return Principal(Role.SERVICE, "open", f"address:{address}")
        scheme, _, token = headers.get("authorization", "").partition(" ")
        if scheme.lower() == "bearer" and token.strip():
            return self.from_key(token.strip())
        if page and cookies.get(COOKIE):
            read = self.signer.read_cookie(cookies[COOKIE])
            if read is not None and read[1] in self._roles:  # a key since removed logs out
                role, owner = Role(read[0]), read[1]
                if self._roles[owner] is role:
                    return Principal(role, owner, owner)
        return None

    def is_public(self, path: str) -> bool:
        if not self.enabled or path in _ALWAYS_PUBLIC or path.startswith(_PUBLIC_PREFIXES):
            return True
        return self.docs == "public" and path in _DOCS

    # Which session, which shopper ----------------------------------------------------------

    def new_session(self, who: Principal) -> str:
        return self.signer.new_session(who.owner)

    def session(self, who: Principal, given: str | None, param: str = "X-Session-Id") -> str:
        """The session a request continues, or a new one the server issues. A client key may
        only continue sessions issued to it."""
        if not given:
            return self.new_session(who)
        if who.is_service or self.signer.issued_to(given, who.owner):
            return given
        raise ForbiddenError(
            f"the session '{given[:64]}' was not issued to this key; send no session id to start "
            "a new conversation (the answer's X-Session-Id header carries the one to send next)",
            param=param,
            code="session_not_yours",
        )

    def shopper(self, who: Principal, headers: Mapping[str, str]) -> str | None:
        """The returning shopper a request speaks for: from a signed token (any key), or from a
        bare X-Shopper-Id (service keys only)."""
        token = headers.get(TOKEN_HEADER)
        if token:
            return self.tokens.verify(token)
        bare = headers.get(SHOPPER_HEADER)
        if not bare:
            return None
        if who.is_service:
            return bare
        raise ForbiddenError(
            "a client key cannot name a shopper with X-Shopper-Id; send X-Shopper-Token, a token "
            "the shop's backend signs (POST /v1/shopper_tokens with a service key)",
            param="X-Shopper-Id",
            code="shopper_token_required",
        )

    def profile_owner(self, who: Principal, shopper_id: str, headers: Mapping[str, str]) -> None:
        """Refuses unless the caller may read or clear this shopper's profile."""
        if who.is_service:
            return
        token = headers.get(TOKEN_HEADER)
        if not token:
            raise ForbiddenError(
                "a client key reads or clears a profile only with that shopper's token in "
                "X-Shopper-Token",
                param="X-Shopper-Token",
                code="shopper_token_required",
            )
        if self.tokens.verify(token) != shopper_id:
            raise ForbiddenError(
                "the shopper token is for another shopper",
                param="shopper_id",
                code="not_your_profile",
            )

    def require_service(self, who: Principal, what: str) -> None:
        if not who.is_service:
            raise ForbiddenError(
                f"{what} needs a service key (TAILTALK_API__SERVICE_KEYS), not a client key",
                code="service_key_required",
            )

    def feedback_allowed(self, who: Principal, session_id: str) -> None:
        """The session must be the caller's (client keys), and within the rate limits."""
        self.session(who, session_id, param="session_id")
        self.limits.check(session_id, who.limit_name)


# Only so that /docs offers "Authorize" for a bearer key; the middleware does the checking.
_BEARER = Security(HTTPBearer(auto_error=False, description="a service or client key"))


def principal_of(request: Request, _: HTTPAuthorizationCredentials | None = _BEARER) -> Principal:
    """What the middleware found out about this request's caller."""
    who = request.scope.get("state", {}).get("tailtalk_principal")
    if not isinstance(who, Principal):  # only paths the middleware let through without a key
        raise AuthError("this endpoint needs a key; send 'Authorization: Bearer <key>'")
    return who


class AuthMiddleware:
    """Lets a request in when its path is public or its caller is known (see the module
    docstring); otherwise a 401 envelope, or, for a page view, a redirect to the login page."""

    def __init__(self, app: ASGIApp, access: Access) -> None:
        self.app = app
        self.access = access

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        request = HTTPConnection(scope)
        path = scope["path"]
        api = path.startswith("/v1/") or path == "/v1"
        address = request.client.host if request.client else "unknown"
        who = self.access.from_headers(request.headers, request.cookies, not api, address)
        if who is not None:
            scope.setdefault("state", {})["tailtalk_principal"] = who
        if who is None and not self.access.is_public(path):
            if scope["type"] == "websocket":  # closing before accepting refuses the handshake
                await send({"type": "websocket.close", "code": 1008})
                return
            await self._refuse(request, api)(scope, receive, send)
            return
        await self.app(scope, receive, send)

    def _refuse(self, request: HTTPConnection, api: bool) -> Response:
        accepts_html = "text/html" in request.headers.get("accept", "")
        if not api and request.scope.get("method") == "GET" and accepts_html:
            target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
            return RedirectResponse("/login?" + urlencode({"next": target}), status_code=303)
        body = protocol.error(
            "missing or wrong API key; send 'Authorization: Bearer <key>' with a service or "
            "client key (TAILTALK_API__SERVICE_KEYS, __CLIENT_KEYS); in a browser, sign in at "
            "/login",
            "authentication_error",
            None,
            "invalid_api_key",
        )
        return JSONResponse(
            body.model_dump(mode="json"),
            status_code=401,
            headers={"WWW-Authenticate": 'Bearer realm="tailtalk"'},
        )


def add_login_routes(app: FastAPI, access: Access) -> None:
    """GET /login (a form for a key), POST /login (sets the cookie), GET|POST /logout."""

    @app.get("/login", include_in_schema=False)
    def login_form(next: str = "/") -> HTMLResponse:
        return HTMLResponse(_login_page(_local(next), ""))

    @app.post("/login", include_in_schema=False)
    async def login(request: Request) -> Response:
        form = parse_qs((await request.body()).decode("utf-8", "replace"))
        key = (form.get("key") or [""])[0].strip()
        target = _local((form.get("next") or ["/"])[0])
        who = access.from_key(key) if access.enabled else None
        if who is None:
            return HTMLResponse(_login_page(target, "That key is not valid."), status_code=401)
        response = RedirectResponse(target, status_code=303)
        secure = (
            request.url.scheme == "https" or request.headers.get("x-forwarded-proto") == "https"
        )
        response.set_cookie(
            COOKIE,
            access.signer.cookie(who.role.value, who.owner, access.login_seconds),
            max_age=int(access.login_seconds),
            httponly=True,
            samesite="lax",
            secure=secure,
            path="/",
        )
        return response

    @app.api_route("/logout", methods=["GET", "POST"], include_in_schema=False)
    def logout() -> Response:
        response = RedirectResponse("/login", status_code=303)
        response.delete_cookie(COOKIE, path="/")
        return response


def _local(target: str) -> str:
    """Where to go after logging in: a path on this server, never another site."""
    if target.startswith("/") and not target.startswith(("//", "/\\")):
        return target
    return "/"


def _login_page(target: str, problem: str) -> str:
    note = f'<p class="problem" role="alert">{html.escape(problem)}</p>' if problem else ""
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Sign in: TailTalk</title>
<style>body{{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;background:#f8fafc;
color:#0f172a;display:grid;place-items:center;min-height:100vh;margin:0}}form{{background:#fff;
padding:28px;border-radius:14px;box-shadow:0 2px 12px #0002;width:min(360px,90vw)}}
h1{{font-size:20px;margin:0 0 14px}}input{{width:100%;box-sizing:border-box;padding:10px;
font-size:16px;border:1px solid #cbd5e1;border-radius:8px}}button{{margin-top:14px;width:100%;
padding:10px;font-size:16px;border:0;border-radius:8px;background:#0f766e;color:#fff}}
.problem{{color:#b91c1c}}</style></head><body><form method="post" action="/login">
<h1>TailTalk</h1><label for="key">Access key</label>{note}
<input id="key" name="key" type="password" autocomplete="current-password" required autofocus>
<input type="hidden" name="next" value="{html.escape(target)}">
<button type="submit">Sign in</button></form></body></html>"""

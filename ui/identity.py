"""Identities in signed form: the session ids the server issues, the shopper tokens the shop's
backend signs, and the chat UI's login cookie.

- A session id is `s_<nonce>.<mac>`: 16 random bytes and an HMAC-SHA256 over them and the
  fingerprint of the key it was issued to (base64url). It cannot be guessed, and it is only good
  with that key.
- A shopper token is an HS256 JWT (PyJWT) with `sub` (the shopper id), `exp` and the audience
  `tailtalk`; the shop's backend signs it with TAILTALK_API__SHOPPER_TOKEN_SECRET, or asks
  POST /v1/shopper_tokens for one.
- The UI cookie carries the role and key fingerprint of the key that logged in, and an expiry,
  HMAC-signed.

The server secret comes from the settings, or is generated once and kept in the data folder, so
every worker and every restart on that folder signs alike. MACs are compared in constant time.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
import time
from pathlib import Path

import jwt

from retrieval.errors import TailTalkError

SECRET_FILE = "server_secret"
TOKEN_AUDIENCE = "tailtalk"
_NONCE_BYTES = 16
_MAC_BYTES = 16
_LEEWAY = 30  # seconds of clock skew a token's expiry may have


class ShopperTokenError(TailTalkError):
    status_code = 401
    error_type = "authentication_error"
    code = "invalid_shopper_token"


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _unb64(text: str) -> bytes | None:
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (ValueError, TypeError):
        return None


def server_secret(data_dir: Path, configured: str | None = None) -> bytes:
    """The configured secret, else the one kept in <data_dir>/server_secret (made on first use;
    two processes starting at once end up with the same one)."""
    if configured:
        return configured.encode()
    path = data_dir / SECRET_FILE
    if not path.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        scratch = path.with_name(f".{SECRET_FILE}.{os.getpid()}.{secrets.token_hex(4)}")
        fd = os.open(scratch, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as out:
            out.write(secrets.token_hex(32))
        try:
            os.link(scratch, path)  # atomic, and never over a secret another process made
        except FileExistsError:
            pass
        finally:
            scratch.unlink()
    text = path.read_text().strip()
    if len(text) < 32:
        raise TailTalkError(
            f"{path} holds no usable secret; delete it (a new one is made) or set "
            "TAILTALK_API__SESSION_SECRET"
        )
    return text.encode()


class Signer:
    """HMAC-SHA256 under the server secret, one purpose per kind of thing signed."""

    def __init__(self, secret: bytes) -> None:
        self._secret = secret

    def mac(self, purpose: str, *parts: str) -> bytes:
        message = "\x00".join((purpose, *parts)).encode()
        return hmac.new(self._secret, message, hashlib.sha256).digest()

    def derived(self, purpose: str) -> bytes:
        """A secret of its own for another use (shopper tokens when none is configured)."""
        return self.mac("derive", purpose)

    def fingerprint(self, key: str) -> str:
        """Names a key in session ids and cookies without revealing it."""
        return _b64(self.mac("key", key)[:12])

    # Sessions ---------------------------------------------------------------------------------

    def new_session(self, owner: str) -> str:
        nonce = _b64(secrets.token_bytes(_NONCE_BYTES))
        return f"s_{nonce}.{_b64(self.mac('session', owner, nonce)[:_MAC_BYTES])}"

    def issued_to(self, session_id: str, owner: str) -> bool:
        """Whether the server issued this session id to the key `owner` names."""
        nonce, _, given = session_id.removeprefix("s_").partition(".")
        raw = _unb64(given)
        if not session_id.startswith("s_") or not nonce or raw is None or len(raw) != _MAC_BYTES:
            return False
        return hmac.compare_digest(raw, self.mac("session", owner, nonce)[:_MAC_BYTES])

    # The chat UI's cookie ----------------------------------------------------------------------

    def cookie(self, role: str, owner: str, lifetime: float) -> str:
        body = f"{role}.{owner}.{int(time.time() + lifetime)}"
        return f"{body}.{_b64(self.mac('cookie', body))}"

    def read_cookie(self, value: str) -> tuple[str, str] | None:
        """(role, key fingerprint) from a cookie this server signed and that has not expired."""
        body, _, given = value.rpartition(".")
        raw = _unb64(given)
        parts = body.split(".")
        if raw is None or len(parts) != 3 or not parts[2].isdigit():
            return None
        if not hmac.compare_digest(raw, self.mac("cookie", body)):
            return None
        if int(parts[2]) < time.time():
            return None
        return parts[0], parts[1]


class ShopperTokens:
    """HS256 JWTs naming a shopper, with an expiry no further off than `max_ttl`."""

    def __init__(self, secret: bytes, max_ttl: int) -> None:
        self._secret = secret
        self.max_ttl = max_ttl

    def issue(self, shopper_id: str, ttl: int | None = None) -> tuple[str, int]:
        now = int(time.time())
        expires = now + min(ttl or self.max_ttl, self.max_ttl)
        claims = {"sub": shopper_id, "iat": now, "exp": expires, "aud": TOKEN_AUDIENCE}
        return jwt.encode(claims, self._secret, algorithm="HS256"), expires

    def verify(self, token: str) -> str:
        """The shopper id of a valid token, or ShopperTokenError saying what is wrong."""
        try:
            claims = jwt.decode(
                token,
                self._secret,
                algorithms=["HS256"],  # pinned: never "none", never a key the token names
                audience=TOKEN_AUDIENCE,
                leeway=_LEEWAY,
                options={"require": ["exp", "sub"]},
            )
        except jwt.ExpiredSignatureError:
            raise ShopperTokenError(
                "the shopper token has expired; get a fresh one from the shop's backend"
            ) from None
        except jwt.InvalidTokenError as exc:
            raise ShopperTokenError(
                f"the shopper token is not valid ({exc}); send X-Shopper-Token as signed by the "
                "shop's backend (POST /v1/shopper_tokens, or HS256 with "
                "TAILTALK_API__SHOPPER_TOKEN_SECRET)"
            ) from None
        issued = claims.get("iat")
        if isinstance(issued, int | float) and claims["exp"] - issued > self.max_ttl + _LEEWAY:
            raise ShopperTokenError(
                f"the shopper token lives longer than {self.max_ttl} s "
                "(TAILTALK_API__SHOPPER_TOKEN_MAX_TTL); sign one with a shorter expiry"
            )
        if claims["exp"] - time.time() > self.max_ttl + _LEEWAY:
            raise ShopperTokenError(
                f"the shopper token expires more than {self.max_ttl} s from now "
                "(TAILTALK_API__SHOPPER_TOKEN_MAX_TTL); sign one with a shorter expiry"
            )
        subject = claims["sub"]
        if not isinstance(subject, str) or not subject or len(subject) > 256:
            raise ShopperTokenError("the shopper token's `sub` must be the shopper id (a string)")
        return subject

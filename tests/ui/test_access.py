"""Every surface behind the keys, on a real server: the API, the chat UI and its Gradio API, the
docs; service and client keys; the login cookie; sessions the server issues; shoppers named by
signed tokens; feedback only for what a session showed, once, within its rate limits."""

from __future__ import annotations

import time

import httpx
import jwt
import openai
import pytest

from agent.log import SessionLog
from retrieval.popularity import Band, PopularityBands, catalogue_counts, combined_counts

SERVICE, CLIENT, OTHER_CLIENT = "service-key-1", "client-key-1", "client-key-2"
TOKEN_SECRET = "shop-backend-signing-secret-0123456789"
ASK = {"model": "tailtalk", "messages": [{"role": "user", "content": "a yoga mat under $40"}]}


def keyed(running, key: str, **headers: str) -> httpx.Client:
    return httpx.Client(
        base_url=running.url, headers={"Authorization": f"Bearer {key}", **headers}, timeout=60
    )


@pytest.fixture
def shop(start_server):
    return start_server(
        service_keys=[SERVICE],
        client_keys=[CLIENT, OTHER_CLIENT],
        ui=True,
        shopper_token_secret=TOKEN_SECRET,
        feedback_per_session_per_minute=6,
        feedback_per_key_per_minute=10,
    )


def test_every_surface_needs_a_key(shop):
    anonymous = httpx.Client(base_url=shop.url, timeout=30)
    page = anonymous.get("/", headers={"Accept": "text/html"}, follow_redirects=False)
    assert page.status_code == 303 and page.headers["location"] == "/login?next=%2F"
    for method, path in [
        ("GET", "/"),
        ("GET", "/config"),
        ("GET", "/gradio_api/info"),
        ("POST", "/gradio_api/queue/join"),
        ("POST", "/gradio_api/run/ask"),
        ("POST", "/gradio_api/call/profile_text"),
        ("GET", "/gradio_api/queue/data?session_hash=x"),
        ("POST", "/gradio_api/component_server"),
        ("GET", "/docs"),
        ("GET", "/openapi.json"),
        ("GET", "/v1/models"),
        ("POST", "/v1/feedback"),
        ("GET", "/v1/profile/ann"),
        ("DELETE", "/v1/profile/ann"),
        ("POST", "/v1/shopper_tokens"),
    ]:
        response = anonymous.request(method, path, json={})
        assert response.status_code == 401, (method, path, response.status_code)
        assert response.json()["error"]["code"] == "invalid_api_key"
        assert response.headers["www-authenticate"].startswith("Bearer")
    wrong = anonymous.get("/gradio_api/info", headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 401
    product = shop.agent.shop.products()[0].id
    for path in ["/health", "/login", "/widget.js", "/tailtalk/cards.css"]:
        assert anonymous.get(path).status_code == 200, path
    assert anonymous.get(f"/images/placeholder/{product}.svg").status_code == 200
    for key in (SERVICE, CLIENT):
        with keyed(shop, key) as client:
            assert client.get("/gradio_api/info").status_code == 200
            assert client.get("/openapi.json").status_code == 200
            assert client.get("/v1/models").status_code == 200


@pytest.mark.parametrize(("docs", "status"), [("public", 200), ("off", 404)])
def test_docs_public_or_off(start_server, docs, status):
    running = start_server(keys=[SERVICE], docs=docs)
    assert httpx.get(f"{running.url}/openapi.json").status_code == (401 if docs == "off" else 200)
    keyed_status = httpx.get(
        f"{running.url}/openapi.json", headers={"Authorization": f"Bearer {SERVICE}"}
    ).status_code
    assert keyed_status == status
    assert httpx.get(f"{running.url}/v1/models").status_code == 401  # the API stays keyed


def test_the_gradio_api_honours_roles(shop):
    from gradio_client import Client

    with pytest.raises(Exception):  # noqa: B017 - whatever gradio_client raises on a 401
        Client(shop.url, verbose=False)
    ann = shop.agent.shop.products()[0].id
    shop.agent.log.log_turn("seed", "x", _reply_with(shop, ann), shopper_id="ann")
    shop.agent.log.feedback("seed", ann, "like")
    client = Client(shop.url, headers={"Authorization": f"Bearer {CLIENT}"}, verbose=False)
    refused = client.predict("ann", api_name="/profile_text")
    assert "client key" in refused and "token" in refused
    assert "cleared" not in client.predict("ann", api_name="/forget")
    token = _token(shop, "ann")
    assert "liked:" in client.predict(token, api_name="/profile_text")
    service = Client(shop.url, headers={"Authorization": f"Bearer {SERVICE}"}, verbose=False)
    assert "liked:" in service.predict("ann", api_name="/profile_text")
    assert service.predict("ann", api_name="/forget") == "Your profile is cleared."
    assert shop.agent.profile("ann").product_ids == ()


def test_login_sets_an_http_only_cookie_for_pages_only(shop):
    browser = httpx.Client(base_url=shop.url, timeout=30, follow_redirects=False)
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    bad = browser.post("/login", content="key=wrong&next=%2F", headers=form)
    assert bad.status_code == 401 and "not valid" in bad.text and not bad.cookies
    login = browser.post("/login", content=f"key={CLIENT}&next=%2F%2Fevil.example", headers=form)
    assert login.status_code == 303 and login.headers["location"] == "/"  # never off-site
    cookie = login.headers["set-cookie"]
    assert "tailtalk_ui=" in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie
    assert CLIENT not in cookie  # the cookie is signed, it does not carry the key
    assert browser.get("/", headers={"Accept": "text/html"}).status_code == 200
    assert browser.get("/gradio_api/info").status_code == 200
    assert browser.get("/v1/models").status_code == 401  # the API takes bearer keys only
    value = browser.cookies["tailtalk_ui"]
    role, owner, expires, mac = value.split(".")
    for forged in (
        f"service.{owner}.{expires}.{mac}",  # another role
        f"{role}.{owner}.{int(expires) + 9999}.{mac}",  # a longer life
        f"{role}.{owner}.{expires}.{mac[:-2]}AA",
    ):
        again = httpx.get(f"{shop.url}/gradio_api/info", cookies={"tailtalk_ui": forged})
        assert again.status_code == 401, forged
    browser.get("/logout")
    assert browser.get("/gradio_api/info").status_code == 401


def test_sessions_are_issued_by_the_server_and_bound_to_their_key(shop):
    with keyed(shop, CLIENT) as client, keyed(shop, OTHER_CLIENT) as other:
        first = client.post("/v1/chat/completions", json=ASK)
        assert first.status_code == 200
        session = first.headers["x-session-id"]
        assert session.startswith("s_") and len(session) > 40
        assert first.json()["tailtalk"]["session_id"] == session
        again = client.post("/v1/chat/completions", json=ASK, headers={"X-Session-Id": session})
        assert again.status_code == 200 and again.headers["x-session-id"] == session
        streamed = client.post(
            "/v1/chat/completions",
            json={**ASK, "stream": True},
            headers={"X-Session-Id": session},
        )
        assert streamed.status_code == 200 and streamed.headers["x-session-id"] == session
        assert len(SessionLog(shop.settings.log_path).turns(session)) == 3
        for intruder, given, param in [
            (other, {"X-Session-Id": session}, "X-Session-Id"),  # another client key
            (client, {"X-Session-Id": "fb-1"}, "X-Session-Id"),  # made up
            (client, {"X-Session-Id": session[:-3] + "AAA"}, "X-Session-Id"),  # forged
        ]:
            refused = intruder.post("/v1/chat/completions", json=ASK, headers=given)
            assert refused.status_code == 403, given
            error = refused.json()["error"]
            assert (error["code"], error["param"]) == ("session_not_yours", param)
        with_user = client.post("/v1/chat/completions", json={**ASK, "user": "ticket-9"})
        assert with_user.status_code == 403 and with_user.json()["error"]["param"] == "user"
    with keyed(shop, SERVICE) as service:  # a service key names any session
        named = service.post("/v1/chat/completions", json=ASK, headers={"X-Session-Id": "T-1"})
        assert named.status_code == 200 and named.headers["x-session-id"] == "T-1"
        assert service.post("/v1/chat/completions", json=ASK, headers={"X-Session-Id": session})


def test_the_openai_client_continues_an_issued_session(shop):
    api = openai.OpenAI(base_url=f"{shop.url}/v1", api_key=CLIENT, max_retries=0)
    raw = api.chat.completions.with_raw_response.create(model="tailtalk", messages=ASK["messages"])
    session = raw.headers["x-session-id"]
    follow = api.chat.completions.create(
        model="tailtalk",
        messages=ASK["messages"],
        extra_headers={"X-Session-Id": session},
    )
    assert follow.model_extra["tailtalk"]["session_id"] == session
    with pytest.raises(openai.PermissionDeniedError):
        api.chat.completions.create(
            model="tailtalk", messages=ASK["messages"], extra_headers={"X-Session-Id": "mine"}
        )


def _token(running, shopper: str) -> str:
    with keyed(running, SERVICE) as service:
        response = service.post("/v1/shopper_tokens", json={"shopper_id": shopper})
    assert response.status_code == 200
    body = response.json()
    assert body["shopper_id"] == shopper and body["expires_at"] > time.time() + 3600
    return body["token"]


def _reply_with(running, *ids):
    from agent.types import ProductCard, Reply

    products = running.agent.shop.get_many(list(ids))
    cards = [ProductCard(id=p.id, title=p.title, price=p.price) for p in products]
    return Reply(text="Here.", recommendations=cards, backend="rules")


def test_shoppers_are_named_by_signed_tokens(shop):
    now = int(time.time())
    ann = _token(shop, "ann")
    signed_by_shop = jwt.encode(
        {"sub": "bob", "exp": now + 600, "aud": "tailtalk"}, TOKEN_SECRET, algorithm="HS256"
    )
    with keyed(shop, CLIENT) as client:
        bare = client.post("/v1/chat/completions", json=ASK, headers={"X-Shopper-Id": "ann"})
        assert bare.status_code == 403
        assert bare.json()["error"]["code"] == "shopper_token_required"
        minted = client.post("/v1/shopper_tokens", json={"shopper_id": "ann"})
        assert minted.status_code == 403
        assert minted.json()["error"]["code"] == "service_key_required"
        turn = client.post("/v1/chat/completions", json=ASK, headers={"X-Shopper-Token": ann})
        assert turn.status_code == 200
        session = turn.headers["x-session-id"]
        log = SessionLog(shop.settings.log_path)
        assert log.shopper_of(session) == "ann"
        as_bob = client.post(
            "/v1/chat/completions",
            json=ASK,
            headers={"X-Shopper-Token": signed_by_shop, "X-Session-Id": session},
        )
        assert as_bob.status_code == 403  # ann's session does not become bob's
        assert (
            client.post(
                "/v1/chat/completions", json=ASK, headers={"X-Shopper-Token": signed_by_shop}
            ).status_code
            == 200
        )
        for bad, says in [
            (
                jwt.encode({"sub": "ann", "exp": now - 120, "aud": "tailtalk"}, TOKEN_SECRET),
                "expired",
            ),
            (jwt.encode({"sub": "ann", "exp": now + 60, "aud": "tailtalk"}, "x" * 40), "not valid"),
            (jwt.encode({"sub": "ann", "aud": "tailtalk"}, TOKEN_SECRET), "not valid"),
            (jwt.encode({"sub": "ann", "exp": now + 60}, TOKEN_SECRET), "not valid"),
            (
                jwt.encode(
                    {"sub": "ann", "exp": now + 86_400 * 60, "aud": "tailtalk"}, TOKEN_SECRET
                ),
                "86400 s",
            ),
            (_unsigned({"sub": "ann", "exp": now + 60, "aud": "tailtalk"}), "not valid"),
            ("eyJhbGciOi.garbage.here", "not valid"),
        ]:
            refused = client.post(
                "/v1/chat/completions", json=ASK, headers={"X-Shopper-Token": bad}
            )
            assert refused.status_code == 401, says
            error = refused.json()["error"]
            assert error["code"] == "invalid_shopper_token" and says in error["message"]
        # Profiles: only with that shopper's token.
        assert client.get("/v1/profile/ann").status_code == 403
        not_hers = client.get("/v1/profile/ann", headers={"X-Shopper-Token": signed_by_shop})
        assert (
            not_hers.status_code == 403 and not_hers.json()["error"]["code"] == "not_your_profile"
        )
        mine = client.get("/v1/profile/ann", headers={"X-Shopper-Token": ann})
        assert mine.status_code == 200 and mine.json()["shopper_id"] == "ann"
        assert client.delete("/v1/profile/bob", headers={"X-Shopper-Token": ann}).status_code == 403
        assert client.delete("/v1/profile/ann", headers={"X-Shopper-Token": ann}).status_code == 200
    with keyed(shop, SERVICE) as service:
        assert service.get("/v1/profile/bob").status_code == 200
        named = service.post("/v1/chat/completions", json=ASK, headers={"X-Shopper-Id": "cy"})
        assert SessionLog(shop.settings.log_path).shopper_of(named.headers["x-session-id"]) == "cy"


def _unsigned(claims: dict) -> str:
    """A token with alg "none": no signature at all."""
    import base64
    import json

    def part(value: dict) -> str:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()

    return f"{part({'alg': 'none', 'typ': 'JWT'})}.{part(claims)}."


def test_feedback_only_for_shown_products_once_and_rate_limited(shop):
    with keyed(shop, CLIENT) as client, keyed(shop, OTHER_CLIENT) as other:
        turn = client.post("/v1/chat/completions", json=ASK)
        session = turn.headers["x-session-id"]
        shown = [p["id"] for p in turn.json()["tailtalk"]["recommendations"]]
        unseen = next(p.id for p in shop.agent.shop.products() if p.id not in shown)

        def send(who, product, kind="purchase", sid=session):
            return who.post(
                "/v1/feedback", json={"session_id": sid, "product_id": product, "kind": kind}
            )

        refused = send(client, unseen)
        assert refused.status_code == 400
        assert refused.json()["error"]["code"] == "product_not_shown"
        assert send(other, shown[0]).status_code == 403  # not this key's session
        first = send(client, shown[0])
        assert first.status_code == 200
        assert send(client, shown[0]).json()["id"] == first.json()["id"]  # idempotent
        # 300 purchases in a burst: the session's bucket (6, two spent above, one on the
        # refused product) runs dry; the rest are 429 (a token comes back every 10 s).
        statuses = [send(client, shown[0]).status_code for _ in range(300)]
        assert statuses[:3] == [200, 200, 200] and statuses[3] == 429
        assert statuses.count(200) <= 4 and set(statuses) == {200, 429}
        limited = send(client, shown[1], "like")
        assert limited.status_code == 429 and int(limited.headers["retry-after"]) >= 1
        assert "TAILTALK_API__FEEDBACK_PER_SESSION_PER_MINUTE" in limited.json()["error"]["message"]
        # Another session of the same key has a bucket of its own, but the key's (10) is
        # nearly spent: the key's limit answers first.
        second = client.post("/v1/chat/completions", json=ASK).headers["x-session-id"]
        answers = []
        for product in shown:
            for kind in ("like", "cart", "purchase"):
                answers.append(send(client, product, kind, second))
                if answers[-1].status_code != 200:
                    break
            if answers[-1].status_code != 200:
                break
        assert 3 <= len(answers) - 1 <= 5 and answers[-1].status_code == 429
        message = answers[-1].json()["error"]["message"]
        assert "TAILTALK_API__FEEDBACK_PER_KEY_PER_MINUTE" in message
    log = SessionLog(shop.settings.log_path)
    purchases = [e for e in log.feedback_events(session) if e.kind == "purchase"]
    assert len(purchases) == 1
    # The band of the product cannot be swung: one shopper, one count. Had the 300 purchases
    # counted, the same product would have moved up to the head.
    products = shop.agent.shop.products()
    catalogue = catalogue_counts(products)
    tail = next(
        pid for pid in catalogue if PopularityBands.from_counts(catalogue).band(pid) is Band.TAIL
    )
    log.log_turn("band-check", "x", _reply_with(shop, tail))
    assert len({log.feedback("band-check", tail, "purchase") for _ in range(300)}) == 1
    log.feedback("band-check", tail, "like")
    logged = log.interaction_counts()
    assert logged[tail] == 1.0
    assert PopularityBands.from_counts(combined_counts(catalogue, logged)).band(tail) is Band.TAIL
    burst = combined_counts(catalogue, {tail: 300.0})
    assert PopularityBands.from_counts(burst).band(tail) is Band.HEAD

"""The advisor console over HTTP: login, session cookie, CSRF, actions, and their refusals."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from bot.core import Core
from servers import AdvisorServer, advisor_server


@pytest.fixture
def server(tmp_path: Path, core: Core) -> Iterator[AdvisorServer]:
    with advisor_server(tmp_path / "console.db", core) as s:
        yield s


def login(server: AdvisorServer, name: str) -> tuple[httpx.Client, str]:
    browser = httpx.Client(base_url=server.base, timeout=10)
    response = browser.post("/advisor/login", data={"token": server.tokens[name]})
    assert response.status_code == 303 and response.headers["location"] == "/advisor/"
    page = browser.get("/advisor/")
    csrf = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
    return browser, csrf


def test_pages_need_a_login_and_a_wrong_token_is_refused(server: AdvisorServer) -> None:
    with httpx.Client(base_url=server.base, timeout=10) as browser:
        assert browser.get("/advisor/").headers["location"] == "/advisor/login"
        assert browser.get("/advisor/partials/queue").status_code == 401
        refused = browser.post("/advisor/login", data={"token": "mdg_guess"})
        assert refused.status_code == 401 and "madoguchi_session" not in refused.cookies
        page = browser.get("/advisor/login")
        assert page.status_code == 200 and "content-security-policy" in page.headers


def test_the_session_cookie_is_httponly_and_samesite(server: AdvisorServer) -> None:
    with httpx.Client(base_url=server.base, timeout=10) as browser:
        response = browser.post("/advisor/login", data={"token": server.tokens["aiko"]})
        cookie = response.headers["set-cookie"]
        assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Path=/" in cookie
        assert server.tokens["aiko"] not in cookie                      # the token is never the session


def test_queue_and_actions_through_the_console(server: AdvisorServer) -> None:
    cid = server.user_says("Tôi muốn nói chuyện với người thật", user="vi-user")
    browser, csrf = login(server, "aiko")
    queue = browser.get("/advisor/partials/queue").text
    assert f'href="/advisor/conversations/{cid}"' in queue and "ベトナム語" in queue and "相談員を希望" in queue

    assert browser.post(f"/advisor/conversations/{cid}/claim", data={}).status_code == 403           # no CSRF token
    assert browser.post(f"/advisor/conversations/{cid}/claim", data={"csrf": "forged"}).status_code == 403
    evil = browser.post(f"/advisor/conversations/{cid}/claim", data={"csrf": csrf},
                        headers={"Origin": "https://evil.example"})
    assert evil.status_code == 403
    assert browser.post(f"/advisor/conversations/{cid}/claim", data={"csrf": csrf}).status_code == 303

    page = browser.get(f"/advisor/conversations/{cid}").text
    assert "Xin chào, mình là tư vấn viên" in page              # reply templates in the user's language
    sent = browser.post(f"/advisor/conversations/{cid}/messages", data={"csrf": csrf, "text": "Xin chào, mình ở đây."})
    assert sent.status_code == 303
    assert "Xin chào, mình ở đây." in browser.get(f"/advisor/partials/conversations/{cid}").text

    ben, ben_csrf = login(server, "ben")
    taken = ben.post(f"/advisor/conversations/{cid}/close", data={"csrf": ben_csrf})
    assert taken.status_code == 403 and "another advisor" in taken.text
    assert ben.post(f"/advisor/conversations/{cid}/launch", data={"csrf": ben_csrf}).status_code == 404

    closed = browser.post(f"/advisor/conversations/{cid}/close", data={"csrf": csrf})
    assert closed.status_code == 303 and closed.headers["location"] == "/advisor/"

    browser.post("/advisor/logout", data={"csrf": csrf})
    assert browser.get("/advisor/").status_code == 303                   # the session is gone server-side

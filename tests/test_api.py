"""The advisor JSON API on a real server and a real SQLite file, driven over HTTP."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from bot.core import Core

from servers import AdvisorServer, advisor_server


@pytest.fixture
def server(tmp_path: Path, core: Core) -> Iterator[AdvisorServer]:
    with advisor_server(tmp_path / "api.db", core) as s:
        yield s


def test_requests_without_a_valid_token_get_401(server: AdvisorServer) -> None:
    with httpx.Client(base_url=server.base, timeout=10) as anonymous:
        for headers in ({}, {"Authorization": "Bearer mdg_wrong"}, {"Authorization": "Basic abc"},
                        {"Authorization": f"Bearer {server.tokens['aiko']}x"}):
            response = anonymous.get("/api/advisor/queue", headers=headers)
            assert response.status_code == 401 and response.headers["www-authenticate"] == "Bearer"
            assert anonymous.post("/api/advisor/conversations/1/claim", headers=headers).status_code == 401


def test_queue_claim_talk_release_close(server: AdvisorServer) -> None:
    plain = server.user_says("I want to talk to a human please", user="plain")
    urgent = server.user_says("My boss hits me and took my passport", user="urgent")
    aiko, ben = server.client("aiko"), server.client("ben")

    queue = aiko.get("/api/advisor/queue").json()["conversations"]
    assert [c["id"] for c in queue] == [urgent, plain]
    first = queue[0]
    assert {"id", "channel", "lang", "urgent", "status", "waiting_since", "last_message"} <= first.keys()
    assert first["urgent"] is True and first["status"] == "waiting" and first["channel"] == "console"
    assert first["lang"] == "en" and first["last_message"] == "My boss hits me and took my passport"
    assert dt.datetime.fromisoformat(first["waiting_since"].replace("Z", "+00:00"))
    assert first["topics"][0] == {"intent": "help.abuse", "ja": "人権侵害・虐待の訴え（緊急）", "en": "Abuse at work (urgent)"}

    claimed = aiko.post(f"/api/advisor/conversations/{urgent}/claim")
    assert claimed.status_code == 200 and claimed.json()["conversation"]["status"] == "claimed"
    assert ben.post(f"/api/advisor/conversations/{urgent}/claim").status_code == 409
    assert ben.post(f"/api/advisor/conversations/{urgent}/messages", json={"text": "hi"}).status_code == 403
    assert ben.post(f"/api/advisor/conversations/{urgent}/close").status_code == 403
    assert ben.post(f"/api/advisor/conversations/{urgent}/release").status_code == 403

    sent = aiko.post(f"/api/advisor/conversations/{urgent}/messages", json={"text": "I am here. Are you safe?"})
    assert sent.status_code == 201
    server.user_says("yes I am safe now", user="urgent")                   # the bot says nothing to this
    messages = aiko.get(f"/api/advisor/conversations/{urgent}/messages").json()["messages"]
    assert [(m["author"], m["direction"]) for m in messages][-3:] == [("system", "out"), ("advisor", "out"), ("user", "in")]
    assert messages[-2]["text"] == "I am here. Are you safe?" and messages[-2]["lang"] == "en"
    newer = aiko.get(f"/api/advisor/conversations/{urgent}/messages", params={"after": messages[-2]["id"]}).json()
    assert [m["text"] for m in newer["messages"]] == ["yes I am safe now"]

    assert aiko.post(f"/api/advisor/conversations/{urgent}/release").json()["conversation"]["status"] == "waiting"
    assert ben.post(f"/api/advisor/conversations/{urgent}/claim").status_code == 200
    closed = ben.post(f"/api/advisor/conversations/{urgent}/close")
    assert closed.status_code == 200 and closed.json()["conversation"]["status"] == "closed"
    assert [c["id"] for c in aiko.get("/api/advisor/queue").json()["conversations"]] == [plain]


def test_bad_requests_are_refused_with_a_reason(server: AdvisorServer) -> None:
    cid = server.user_says("talk to a human please")
    aiko = server.client("aiko")
    assert aiko.post("/api/advisor/conversations/999/claim").status_code == 404
    assert aiko.get("/api/advisor/conversations/999/messages").status_code == 404
    assert aiko.post(f"/api/advisor/conversations/{cid}/messages", json={"text": "hi"}).status_code == 409  # not claimed
    aiko.post(f"/api/advisor/conversations/{cid}/claim")
    for body in (b"not json", b'["text"]', b'{"text": 5}', b"\xff\xfe"):
        response = aiko.post(f"/api/advisor/conversations/{cid}/messages", content=body)
        assert response.status_code == 400 and "error" in response.json()
    assert aiko.post(f"/api/advisor/conversations/{cid}/messages", json={"text": "  "}).status_code == 400
    assert aiko.post(f"/api/advisor/conversations/{cid}/messages", json={"text": "x" * 6000}).status_code == 400
    assert aiko.get(f"/api/advisor/conversations/{cid}/messages", params={"after": "x"}).status_code == 400
    assert aiko.post(f"/api/advisor/conversations/{cid}/close").status_code == 200
    assert aiko.post(f"/api/advisor/conversations/{cid}/close").status_code == 409
    assert aiko.get("/healthz").json()["status"] == "ok"

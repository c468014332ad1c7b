"""`python -m bot serve` as a PaaS runs it: a real process, configured only by the environment."""

from __future__ import annotations

import base64
import contextlib
import hashlib
import hmac
import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx

from servers import free_port, serving
from standins import Recorder, line_api

ROOT = Path(__file__).resolve().parent.parent


@contextlib.contextmanager
def serve(env: dict[str, str], tmp_path: Path) -> Iterator[tuple[str, subprocess.Popen]]:
    port = free_port()
    log = (tmp_path / "serve.log").open("w+")
    full = {**os.environ, "PORT": str(port), "DATABASE_URL": f"sqlite:///{tmp_path / 'serve.db'}", **env}
    proc = subprocess.Popen([sys.executable, "-m", "bot", "serve", "--host", "127.0.0.1"], cwd=ROOT, env=full,
                            stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                httpx.get(f"{base}/healthz", timeout=2)
                break
            except httpx.TransportError:
                assert proc.poll() is None, (tmp_path / "serve.log").read_text()
                assert time.monotonic() < deadline, "server did not start"
                time.sleep(0.2)
        yield base, proc
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        log.close()


@contextlib.contextmanager
def serve_line(tmp_path: Path, **env: str) -> Iterator[tuple[str, Recorder, dict[str, str]]]:
    """`serve` with LINE configured against a local stand-in: (base URL, stand-in, environment)."""
    recorder = Recorder()
    with serving(line_api(recorder)) as api_base:
        env = {"LINE_CHANNEL_SECRET": "s3cret", "LINE_CHANNEL_ACCESS_TOKEN": "tok", "LINE_API_BASE_URL": api_base,
               **env}
        with serve(env, tmp_path) as (base, _):
            yield base, recorder, env


def signed_line_body(event_id: str, reply_token: str, user: str, text: str, secret: bytes = b"s3cret") -> tuple[bytes, str]:
    event = {"type": "message", "mode": "active", "timestamp": 1, "webhookEventId": event_id,
             "deliveryContext": {"isRedelivery": False}, "replyToken": reply_token,
             "source": {"type": "user", "userId": user},
             "message": {"id": "1", "type": "text", "text": text, "quoteToken": "q"}}
    raw = json.dumps({"destination": "U", "events": [event]}).encode()
    return raw, base64.b64encode(hmac.new(secret, raw, hashlib.sha256).digest()).decode()


def test_serve_with_no_tokens_answers_healthz_and_mounts_no_webhook(tmp_path: Path) -> None:
    with serve({}, tmp_path) as (base, _):
        response = httpx.get(f"{base}/healthz", timeout=2)
        assert response.status_code == 200 and response.json()["status"] == "ok"
        assert response.json()["schema"] >= 2
        assert httpx.post(f"{base}/webhooks/line", content=b"{}", timeout=2).status_code == 404
        assert httpx.get(f"{base}/nope", timeout=2).status_code == 404
    log = (tmp_path / "serve.log").read_text()
    assert "webhook not mounted" in log and "channel=line" in log


def test_serve_configured_by_environment_answers_line(tmp_path: Path) -> None:
    with serve_line(tmp_path, MADOGUCHI_ENV="production") as (base, recorder, _):
        raw, signature = signed_line_body("01HWEB", "rt", "Uweb", "secret words about my visa")
        response = httpx.post(f"{base}/webhooks/line", content=raw, headers={"X-Line-Signature": signature})
        assert response.status_code == 200
        [reply] = recorder.wait("/v2/bot/message/reply", 1, timeout=20)
        assert reply.body["replyToken"] == "rt"
    log = (tmp_path / "serve.log").read_text()
    assert "secret words" not in log                                  # production logs carry no message text


def test_a_malformed_variable_stops_the_start_with_its_name(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "bot", "serve"], cwd=ROOT, capture_output=True, text=True,
                            env={**os.environ, "LINE_CHANNEL_SECRET": "only-the-secret"}, timeout=60)
    assert result.returncode == 2 and "LINE_CHANNEL_ACCESS_TOKEN" in result.stderr


def test_procfile_web_and_worker_share_the_work(tmp_path: Path) -> None:
    """web only accepts (MADOGUCHI_WEB_PROCESSING=off); the worker process answers and delivers."""
    with serve_line(tmp_path, MADOGUCHI_WEB_PROCESSING="off") as (base, recorder, env):
        raw, signature = signed_line_body("01HWORKER", "rt-worker", "Uworker", "hello")
        assert httpx.post(f"{base}/webhooks/line", content=raw, headers={"X-Line-Signature": signature}).status_code == 200
        time.sleep(1.0)
        assert recorder.sent("/v2/bot/message/") == []                     # the web process did not answer
        worker = subprocess.Popen([sys.executable, "-m", "bot", "worker"], cwd=ROOT,
                                  env={**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'serve.db'}", **env},
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            [reply] = recorder.wait("/v2/bot/message/reply", 1, timeout=60)
            assert reply.body["replyToken"] == "rt-worker"
        finally:
            worker.terminate()
            worker.wait(timeout=10)

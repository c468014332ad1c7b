"""End-to-end load on the LINE webhook, on loopback: signed webhook in -> reply at the API stand-in.

Starts `python -m bot serve` (a real process, a fresh SQLite file) and a LINE API stand-in (another
process), posts N single-event webhooks from C concurrent clients, and prints:
  - events per second, first webhook sent -> last reply received by the stand-in
  - webhook response time (what LINE measures; it wants < 2 s): median, p99
  - webhook -> reply latency: median, p99
Targets on the 2-core reference machine: >= 500 events/s, p99 webhook response <= 50 ms.

    python benchmarks/line_webhook.py [--events 3000] [--concurrency 32] [--users 300]
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import hashlib
import hmac
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
SECRET = "bench-secret"
TEXTS = [
    "How long can a technical intern stay in Japan?", "Can I change my company with tokutei ginou?",
    "Thực tập sinh có được chuyển công ty không?", "특정기능 1호는 몇 년까지 있을 수 있어요?",
    "Ikusei shuro mulai kapan?", "¿Puedo traer a mi familia con la visa SSW?", "Quais são os campos do SSW?",
    "ฝึกงานครบ 3 ปีแล้วต้องกลับบ้านไหม", "育成就勞什麼時候開始？", "hello", "thank you so much",
]

STANDIN = r'''
import json, sys, time
from starlette.applications import Starlette
from starlette.responses import JSONResponse
from starlette.routing import Route
import uvicorn
out = open(sys.argv[2], "a", buffering=1)
async def reply(request):
    body = await request.json()
    out.write(json.dumps({"token": body.get("replyToken") or body.get("to"), "at": time.time()}) + "\n")
    return JSONResponse({"sentMessages": [{"id": "1", "quoteToken": "q"}]})
app = Starlette(routes=[Route("/v2/bot/message/reply", reply, methods=["POST"]),
                        Route("/v2/bot/message/push", reply, methods=["POST"])])
uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[1]), log_level="error")
'''


def free_port() -> int:
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_up(url: str, proc: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"{url}: process exited")
        try:
            httpx.get(url, timeout=1)
            return
        except httpx.TransportError:
            time.sleep(0.2)
    raise SystemExit(f"{url} did not start")


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process and its children still running (Linux /proc)."""
    total = 0.0
    pids = [pid]
    while pids:
        current = pids.pop()
        try:
            fields = Path(f"/proc/{current}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
        except (OSError, IndexError, ValueError):
            continue
        pids += [int(c) for c in children]
    return total


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


class Connection:
    """A minimal HTTP/1.1 keep-alive client: httpx would spend more CPU than the server under test."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def post(self, path: str, body: bytes, headers: dict[str, str]) -> int:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        head = f"POST {path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\nContent-Length: {len(body)}\r\n"
        head += "".join(f"{k}: {v}\r\n" for k, v in headers.items()) + "\r\n"
        self.writer.write(head.encode() + body)
        status_line = await self.reader.readline()
        length = 0
        while (line := await self.reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.decode().partition(":")
            if name.lower() == "content-length":
                length = int(value)
        if length:
            await self.reader.readexactly(length)
        return int(status_line.split()[1])

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()


async def drive(port: int, events: int, concurrency: int, users: int, run: str,
                rate: float | None = None) -> tuple[dict[str, float], list[float]]:
    """Closed loop (each client sends when its last webhook was answered) or, with `rate`, open
    loop: webhooks leave on a fixed schedule whatever the server does, as a platform sends them."""
    sent: dict[str, float] = {}
    response_times: list[float] = []
    queue: asyncio.Queue[int] = asyncio.Queue()
    for i in range(events):
        queue.put_nowait(i)
    start = time.monotonic()

    async def worker() -> None:
        connection = Connection("127.0.0.1", port)
        try:
            while not queue.empty():
                i = queue.get_nowait()
                if rate:
                    await asyncio.sleep(max(0.0, start + i / rate - time.monotonic()))
                token = f"{run}-{i}"
                event = {"type": "message", "mode": "active", "timestamp": 1_700_000_000_000 + i,
                         "webhookEventId": f"01{run}{i:010d}", "deliveryContext": {"isRedelivery": False},
                         "replyToken": token, "source": {"type": "user", "userId": f"Ubench{i % users}"},
                         "message": {"id": str(i), "type": "text", "text": TEXTS[i % len(TEXTS)], "quoteToken": "q"}}
                raw = json.dumps({"destination": "Ubot", "events": [event]}).encode()
                signature = base64.b64encode(hmac.new(SECRET.encode(), raw, hashlib.sha256).digest()).decode()
                started = time.time()
                sent[token] = started
                status = await connection.post("/webhooks/line", raw, {"X-Line-Signature": signature,
                                                                       "Content-Type": "application/json"})
                response_times.append(time.time() - started)
                if status != 200:
                    raise SystemExit(f"webhook answered {status}")
        finally:
            connection.close()

    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return sent, response_times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=3000)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--rate", type=float, help="open loop: send this many webhooks per second")
    parser.add_argument("--users", type=int, default=300)
    parser.add_argument("--workers", type=int, default=1, help="server worker processes")
    parser.add_argument("--separate-worker", action="store_true",
                        help="answer and deliver in a `madoguchi worker` process; serve only accepts webhooks")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        replies_file = Path(tmp) / "replies.jsonl"
        replies_file.touch()
        api_port, port = free_port(), free_port()
        standin = subprocess.Popen([sys.executable, "-c", STANDIN, str(api_port), str(replies_file)])
        env = {**os.environ, "PORT": str(port), "DATABASE_URL": f"sqlite:///{tmp}/bench.db",
               "LINE_CHANNEL_SECRET": SECRET, "LINE_CHANNEL_ACCESS_TOKEN": "bench-token",
               "LINE_API_BASE_URL": f"http://127.0.0.1:{api_port}", "MADOGUCHI_ENV": "production",
               "LOG_LEVEL": "WARNING"}
        if args.separate_worker:
            env["MADOGUCHI_WEB_PROCESSING"] = "off"
        server = subprocess.Popen([sys.executable, "-m", "bot", "serve", "--host", "127.0.0.1",
                                   "--workers", str(args.workers)], cwd=ROOT, env=env)
        worker = (subprocess.Popen([sys.executable, "-m", "bot", "worker"], cwd=ROOT, env=env)
                  if args.separate_worker else None)
        try:
            wait_up(f"http://127.0.0.1:{port}/healthz", server)
            wait_up(f"http://127.0.0.1:{api_port}/", standin)
            # warm-up: the first requests pay for lazy imports and connection set-up
            asyncio.run(drive(port, 50, 8, 50, "WARM"))
            time.sleep(1.0)
            replies_file.write_text("")
            processes = [p for p in (server, worker) if p is not None]
            cpu_before = [cpu_seconds(p.pid) for p in processes]
            sent, response_times = asyncio.run(
                drive(port, args.events, args.concurrency, args.users, "RUN", args.rate))
            deadline = time.monotonic() + 120
            arrived: dict[str, float] = {}
            while time.monotonic() < deadline:
                arrived = {}
                for line in replies_file.read_text().splitlines():
                    row = json.loads(line)
                    arrived.setdefault(row["token"], row["at"])
                if len([t for t in sent if t in arrived]) >= len(sent):
                    break
                time.sleep(0.2)
            cpu_used = [cpu_seconds(p.pid) - before for p, before in zip(processes, cpu_before)]
        finally:
            for proc in (server, worker):
                if proc is not None:
                    proc.terminate()
            standin.terminate()
            server.wait(timeout=10)
            if worker is not None:
                worker.wait(timeout=10)
            standin.wait(timeout=10)

    answered = [t for t in sent if t in arrived]
    first, last = min(sent.values()), max(arrived[t] for t in answered)
    latencies = [arrived[t] - sent[t] for t in answered]
    offered = f"offered {args.rate:.0f}/s" if args.rate else f"{args.concurrency} concurrent clients"
    print(f"events sent            {len(sent)}  ({offered}, {args.users} users, "
          f"{args.workers} server process(es){', a separate worker' if args.separate_worker else ''})")
    print(f"replies received       {len(answered)}")
    print(f"throughput             {len(answered) / (last - first):.0f} events/s (webhook in -> reply at the API)")
    print(f"webhook response       median {statistics.median(response_times) * 1000:.1f} ms   "
          f"p99 {percentile(response_times, 99) * 1000:.1f} ms")
    split = " + ".join(f"{c / len(sent) * 1000:.2f}" for c in cpu_used)
    print(f"server CPU             {sum(cpu_used) / len(sent) * 1000:.2f} ms per event"
          + (f" (web {split} worker)" if len(cpu_used) > 1 else ""))
    print(f"webhook -> reply       median {statistics.median(latencies) * 1000:.1f} ms   "
          f"p99 {percentile(latencies, 99) * 1000:.1f} ms")
    return 0 if len(answered) == len(sent) else 1


if __name__ == "__main__":
    sys.exit(main())

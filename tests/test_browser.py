"""A real browser (Debian's chromium, driven by Playwright) uses the advisor console.

Set MADOGUCHI_SAVE_SCREENSHOT=1 to refresh docs/advisor-queue.png from this run.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright import sync_api

from bot.core import Core
from servers import AdvisorServer, advisor_server

CHROMIUM = "/usr/bin/chromium"
DOCS = Path(__file__).resolve().parent.parent / "docs"
# the flags a root-run, offline, headless chromium needs (no sandbox as root; no background calls home)
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"]



@pytest.fixture
def server(tmp_path: Path, core: Core) -> Iterator[AdvisorServer]:
    with advisor_server(tmp_path / "browser.db", core) as s:
        yield s


@pytest.fixture
def page():
    assert shutil.which(CHROMIUM), "chromium is missing: .ci/run installs Debian's chromium package"
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        context = browser.new_context(viewport={"width": 1280, "height": 760}, locale="ja-JP")
        yield context.new_page()
        browser.close()


def test_advisor_logs_in_claims_the_urgent_conversation_replies_and_closes(
        server: AdvisorServer, page, tmp_path: Path) -> None:
    expect = sync_api.expect
    server.user_says("Xin chào, tôi muốn nói chuyện với nhân viên tư vấn", user="vi-user")
    server.user_says("¿Puedo hablar con una persona? Tengo dudas sobre mi visa", user="es-user")
    urgent = server.user_says("ဆရာက ကျွန်တော့်ကို ရိုက်တယ်၊ ပတ်စ်ပို့လည်း သိမ်းထားတယ်", user="my-user")

    page.goto(f"{server.base}/advisor/")
    expect(page).to_have_url(f"{server.base}/advisor/login")
    page.fill("#token", server.tokens["aiko"])
    page.click("button[type=submit]")
    expect(page).to_have_url(f"{server.base}/advisor/")

    first = page.locator("table.queue tbody tr").first
    expect(first).to_have_attribute("data-conversation", str(urgent))
    expect(first).to_have_class(re.compile(r"\burgent\b"))
    expect(first).to_contain_text("緊急")
    expect(first).to_contain_text("ミャンマー語")                      # the language, named for the advisor
    expect(page.locator("table.queue tbody tr")).to_have_count(3)

    # live update: a new request appears without reloading
    server.user_says("Can I talk to a real person please?", user="en-user")
    expect(page.locator("table.queue tbody tr")).to_have_count(4, timeout=10_000)
    shot = tmp_path / "advisor-queue.png"
    page.screenshot(path=str(shot), full_page=True)
    if os.environ.get("MADOGUCHI_SAVE_SCREENSHOT") == "1":
        DOCS.mkdir(exist_ok=True)
        shutil.copy(shot, DOCS / "advisor-queue.png")

    first.locator("a").first.click()
    expect(page).to_have_url(f"{server.base}/advisor/conversations/{urgent}")
    page.click("#claim")
    expect(page.locator("#status")).to_have_text("claimed")
    page.fill("#reply", "မင်္ဂလာပါ။ ကျွန်ုပ် အကြံပေးပါ။ အခု လုံခြုံပါသလား။")
    page.click("#send")
    expect(page.locator("#transcript")).to_contain_text("ကျွန်ုပ် အကြံပေးပါ")
    expect(page.locator("#transcript .msg.advisor")).to_contain_text("aiko")

    page.click("#close")
    expect(page).to_have_url(f"{server.base}/advisor/")
    expect(page.locator(f'tr[data-conversation="{urgent}"]')).to_have_count(0)
    expect(page.locator("table.queue tbody tr")).to_have_count(3)

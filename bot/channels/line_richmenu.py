"""`madoguchi line setup-richmenu`: the menu under LINE's text box — topics, language, advisor.

The picture (assets/richmenu.png, drawn from assets/richmenu.html) carries icons with English and
Japanese words; each area sends the same postback payload as the matching button, so the dialogue
needs nothing LINE-specific. The chat-bar text and the text shown when tapped come from locales/.
"""

from __future__ import annotations

from pathlib import Path

from linebot.v3.messaging import (
    AsyncMessagingApi, AsyncMessagingApiBlob, PostbackAction, RichMenuArea, RichMenuBounds, RichMenuRequest,
    RichMenuSize,
)

from .. import replies
from ..i18n import Catalogs
from .line import REQUEST_TIMEOUT, LineChannel

IMAGE = Path(__file__).parent / "assets" / "richmenu.png"
WIDTH, HEIGHT = 2500, 843
MAX_CHAT_BAR = 14


def data_base_url(api_base_url: str) -> str:
    """Images go to api-data.line.me; a stand-in for tests serves both at one address."""
    return api_base_url.replace("://api.line.me", "://api-data.line.me")


def rich_menu(catalogs: Catalogs, lang: str) -> RichMenuRequest:
    third = WIDTH // 3
    areas = []
    for i, (payload, key) in enumerate(((replies.MENU, "choice.topics"), (replies.LANGUAGE, "choice.language"),
                                        (replies.ADVISOR, "choice.advisor"))):
        label = catalogs.text(lang, key)
        width = third if i < 2 else WIDTH - 2 * third
        areas.append(RichMenuArea(bounds=RichMenuBounds(x=i * third, y=0, width=width, height=HEIGHT),
                                  action=PostbackAction(label=label[:20], data=payload, display_text=label)))
    return RichMenuRequest(size=RichMenuSize(width=WIDTH, height=HEIGHT), selected=False, name="madoguchi",
                           chat_bar_text=catalogs.text(lang, "choice.topics")[:MAX_CHAT_BAR], areas=areas)


async def setup_rich_menu(line: LineChannel, catalogs: Catalogs, lang: str = "en") -> str:
    client = line.client()
    try:
        api = AsyncMessagingApi(client)
        api.line_base_path = line.base_url
        created = await api.create_rich_menu(rich_menu(catalogs, lang), _request_timeout=REQUEST_TIMEOUT)
        blob = AsyncMessagingApiBlob(client)
        blob.line_base_path = data_base_url(line.base_url)
        await blob.set_rich_menu_image(created.rich_menu_id, body=bytearray(IMAGE.read_bytes()),
                                       _headers={"Content-Type": "image/png"}, _request_timeout=REQUEST_TIMEOUT)
        await api.set_default_rich_menu(created.rich_menu_id, _request_timeout=REQUEST_TIMEOUT)
        return created.rich_menu_id
    finally:
        await line.close()

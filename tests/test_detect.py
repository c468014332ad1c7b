"""Language detection on short, informal messages written for these tests."""

import pytest

from bot.core import Core


@pytest.mark.parametrize("text, lang", [
    ("안녕하세요 비자 질문 있어요", "ko"),
    ("สวัสดีครับ อยากถามเรื่องวีซ่า", "th"),
    ("ဗီဇာအကြောင်း မေးချင်ပါတယ်", "my"),
    ("我想問簽證的問題", "zh-Hant"),
    ("我想问签证的问题", "zh-Hans"),
    ("Tôi muốn hỏi về visa", "vi"),
    ("toi muon hoi ve visa cua minh", "vi"),          # no tone marks
    ("em muon chuyen cong ty thi lam the nao", "vi"),
    ("gimana caranya perpanjang visa kak", "id"),
    ("gak ngerti aku, brp lama boleh kerja", "id"),
    ("quiero saber cuanto tiempo puedo quedarme", "es"),
    ("vc sabe quanto tempo eu posso ficar aqui", "pt"),
    ("nao sei o que fazer com meu visto", "pt"),
    ("how long can i stay in japan", "en"),
])
def test_detects_the_language(core: Core, text: str, lang: str) -> None:
    assert core.detector.detect(text).lang == lang


def test_japanese_terms_do_not_decide_the_language(core: Core) -> None:
    # romaji and kanji terms inside a Vietnamese sentence
    assert core.detector.detect("tokutei ginou 特定技能 thi co duoc doi cong ty khong").lang == "vi"
    # kanji terms inside a Thai sentence
    assert core.detector.detect("特定技能 เปลี่ยนงานได้ไหม").lang == "th"


def test_zawgyi_burmese_is_detected_as_burmese(core: Core) -> None:
    assert core.detector.detect("ဗီဇာအေၾကာင္း ေမးခ်င္ပါတယ္").lang == "my"


def test_code_mixed_message_takes_the_non_english_language(core: Core) -> None:
    assert core.detector.detect("visa SSW ကိစ္စ မေးချင်တယ်").lang == "my"
    assert core.detector.detect("change company ได้ไหมครับ").lang == "th"


def test_too_little_text_reports_little_evidence(core: Core) -> None:
    assert core.detector.detect("ok").letters <= 2
    assert core.detector.detect("SSW?").letters == 0

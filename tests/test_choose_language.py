from bot.language.choose import choose_language
from bot.language.detect import Detection


def test_first_message_takes_the_detected_language() -> None:
    assert choose_language(Detection("vi", 0.95, 20), None, None) == "vi"


def test_first_message_without_letters_uses_the_platform_hint() -> None:
    assert choose_language(Detection("en", 0.0, 0), None, "pt") == "pt"
    assert choose_language(Detection("en", 0.0, 0), None, None) == "en"


def test_weak_first_message_prefers_the_hint() -> None:
    assert choose_language(Detection("en", 0.4, 2), None, "id") == "id"


def test_short_reply_keeps_the_conversation_language() -> None:
    assert choose_language(Detection("en", 0.7, 2), "vi", None) == "vi"         # "ok"
    assert choose_language(Detection("en", 0.6, 3), "th", None) == "th"         # "SSW?"


def test_clear_message_in_another_language_switches() -> None:
    assert choose_language(Detection("es", 0.97, 30), "en", None) == "es"
    assert choose_language(Detection("ko", 1.0, 6), "en", None) == "ko"


def test_chinese_variant_is_kept_on_characters_common_to_both() -> None:
    assert choose_language(Detection("zh-Hant", 0.6, 2), "zh-Hans", None) == "zh-Hans"
    assert choose_language(Detection("zh-Hant", 1.0, 6), "zh-Hans", None) == "zh-Hant"


def test_a_chosen_language_needs_more_evidence_to_leave() -> None:
    assert choose_language(Detection("en", 0.9, 8), "vi", None, chosen=True) == "vi"
    assert choose_language(Detection("en", 0.95, 40), "vi", None, chosen=True) == "en"

from bot.language.normalize import Normalizer, fold

import pytest


@pytest.fixture(scope="module")
def normalizer() -> Normalizer:
    return Normalizer()


def test_vietnamese_tone_marks_fold_to_plain_letters() -> None:
    assert fold("Tôi muốn ĐỔI việc") == "toi muon doi viec"


def test_full_width_and_half_width_forms_are_unified() -> None:
    assert fold("ＳＳＷ　ビザ") == "ssw ビザ"
    assert fold("ｶﾀｶﾅ") == "カタカナ"


def test_thai_and_burmese_marks_are_kept() -> None:
    thai = "เปลี่ยนงาน"
    burmese = "အလုပ်ပြောင်း"
    assert fold(thai) == thai
    assert fold(burmese) == burmese


def test_hangul_is_not_decomposed() -> None:
    assert fold("특정기능 비자") == "특정기능 비자"


def test_repeated_letters_and_spaces_are_squeezed() -> None:
    assert fold("helloooooo   there") == "hellooo there"


def test_portuguese_and_spanish_accents_fold(normalizer: Normalizer) -> None:
    assert normalizer.for_matching("Não consigo") == "nao consigo"
    assert normalizer.for_matching("¿Cuánto tiempo?") == "¿cuanto tiempo?"


def test_simplified_chinese_is_matched_as_traditional(normalizer: Normalizer) -> None:
    assert normalizer.for_matching("我想换工作，签证怎么办") == normalizer.for_matching("我想換工作，簽證怎麼辦")


def test_zawgyi_is_converted_to_unicode(normalizer: Normalizer) -> None:
    zawgyi = "မင္းသား"            # "prince" typed with a Zawgyi font
    unicode = "မင်းသား"
    assert normalizer.zawgyi_probability(zawgyi) > 0.95
    assert normalizer.zawgyi_probability(unicode) < 0.05
    assert normalizer.fix_zawgyi(zawgyi) == unicode
    assert normalizer.fix_zawgyi(unicode) == unicode


def test_simplified_evidence_counts_script_specific_characters(normalizer: Normalizer) -> None:
    assert normalizer.simplified_evidence("我想换工作") == (1, 0)
    assert normalizer.simplified_evidence("我想換工作") == (0, 1)
    assert normalizer.simplified_evidence("你好") == (0, 0)


def test_burmese_vowel_signs_typed_in_either_order_fold_alike() -> None:
    assert fold("တုိခုတေး") == fold("တိုခုတေး")            # u before i, as some keyboards store it
    assert fold("ကုံ") == fold("ကံု")

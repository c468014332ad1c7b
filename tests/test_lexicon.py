from bot.understanding.lexicon import ConceptLexicon

LEX = ConceptLexicon({
    "ssw": {"ssw"},
    "特定技能": {"ssw"},
    "特定技能2号": {"ssw", "ssw2"},
    "doi viec": {"change_job"},
    "특정기능": {"ssw"},
    "เปลี่ยนงาน": {"change_job"},
})


def test_latin_forms_match_whole_words_only() -> None:
    assert LEX.concepts("sswx is not it") == set()
    assert LEX.concepts("toi muon doi viec voi ssw") == {"change_job", "ssw"}
    assert LEX.concepts("xssw") == set()


def test_non_latin_forms_match_inside_words() -> None:
    assert LEX.concepts("อยากเปลี่ยนงานครับ") == {"change_job"}
    assert LEX.concepts("특정기능으로 바꾸고 싶어요") == {"ssw"}


def test_longest_form_wins_and_carries_every_concept() -> None:
    spans = LEX.spans("特定技能2号になりたい")
    assert len(spans) == 1
    assert spans[0].concepts == {"ssw", "ssw2"}


def test_latin_next_to_other_scripts_is_a_word_boundary() -> None:
    assert LEX.concepts("特定技能ssw") == {"ssw"}
    assert len(LEX.spans("特定技能ssw")) == 2


def test_strip_removes_matched_forms() -> None:
    assert LEX.strip("toi muon doi viec ssw") == "toi muon"

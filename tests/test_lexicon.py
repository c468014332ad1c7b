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


GUARDED = ConceptLexicon({"violence": {"abuse"}, "hits me": {"abuse"}, "ความรุนแรง": {"abuse"}, "ssw": {"ssw"},
                          "no me pagan": {"abuse"}},
                         negations=["no", "nobody", "ไม่มี"], guarded=frozenset({"abuse"}))


def test_a_negation_right_before_a_guarded_form_cancels_it() -> None:
    assert GUARDED.concepts("there is no violence here") == set()
    assert GUARDED.concepts("nobody  hits me, can i change ssw job") == {"ssw"}
    assert GUARDED.concepts("ไม่มีความรุนแรงครับ") == set()                   # no spaces in Thai


def test_only_a_negation_right_before_it_and_only_for_guarded_concepts() -> None:
    assert GUARDED.concepts("violence every day, nobody helps") == {"abuse"}
    assert GUARDED.concepts("no! he hits me") == {"abuse"}                   # punctuation in between
    assert GUARDED.concepts("casino violence") == {"abuse"}                  # "no" inside a word
    assert GUARDED.concepts("todavia no me pagan") == {"abuse"}              # the negation is the form itself
    assert GUARDED.concepts("no ssw") == {"ssw"}                              # not guarded


def test_a_negation_right_after_a_guarded_form_cancels_it_too() -> None:
    korean = ConceptLexicon({"폭행": {"abuse"}, "때렸": {"abuse"}}, negations_after=["은 없", "없"],
                            guarded=frozenset({"abuse"}))
    assert korean.concepts("회사에서 폭행은 없어요") == set()
    assert korean.concepts("폭행 없이 일해요") == set()
    assert korean.concepts("사장님이 때렸어요 없어요 도와주세요") == {"abuse"}      # "어요" comes first
    assert korean.concepts("폭행 당했어요, 없는 일이 아니에요") == {"abuse"}       # not right after


def test_safety_forms_are_found_one_typo_away_in_unknown_words_only() -> None:
    lex = ConceptLexicon({"kebakaran": {"emergency"}, "jisatsu": {"emergency"}, "hitting": {"abuse"},
                          "fire": {"emergency"}, "tokutei": {"ssw"}},
                         typo_tolerant=frozenset({"emergency", "abuse"}), known_words=["sitting"])
    assert lex.concepts("ada kebakran di asrama") == {"emergency"}          # a letter missing
    assert lex.concepts("ada kebakarran") == {"emergency"}                   # one added
    assert lex.concepts("jisastu shitai") == {"emergency"}                   # two swapped
    assert lex.concepts("i am sitting here") == set()                        # a real word, one letter away
    assert lex.concepts("insatsu factory") == set()                          # two edits from jisatsu
    assert lex.concepts("a fier in the dorm") == set()                       # short forms stay exact
    assert lex.concepts("tokutie") == set()                                  # only safety concepts


def test_a_typo_keeps_the_first_letter_and_a_negation_guards_it() -> None:
    lex = ConceptLexicon({"fainting": {"emergency"}, "maltrato": {"abuse"}}, negations=["ninguem"],
                         guarded=frozenset({"abuse"}), typo_tolerant=frozenset({"emergency", "abuse"}))
    assert lex.concepts("someone is faintng") == {"emergency"}
    assert lex.concepts("i do painting work") == set()                       # another word, not a typo
    assert lex.concepts("o chefe maltrata a gente") == {"abuse"}
    assert lex.concepts("ninguem maltrata ninguem") == set()                 # guarded like the form itself


def test_a_word_inside_a_matched_form_is_no_typo() -> None:
    lex = ConceptLexicon({"socorro": {"emergency"}, "primeiros socorros": {"no_alarm"}},
                         typo_tolerant=frozenset({"emergency"}))
    assert lex.concepts("socorros, fogo") == {"emergency"}
    assert lex.concepts("curso de primeiros socorros") == {"no_alarm"}


def test_inside_finds_other_forms_within_a_form_but_no_number_led_one() -> None:
    lex = ConceptLexicon({"tokutei": {"ssw"}, "tokutei 1go": {"ssw1"}, "1go": {"ssw1"}, "jisshu": {"titp"}})
    assert lex.inside("tokutei 1go") == {"ssw"}                     # itself excepted
    assert lex.inside("jisshu 1go") == {"titp"}                      # "1go" is the intern grade here
    assert lex.inside("jisshusei") == set()                          # whole words only

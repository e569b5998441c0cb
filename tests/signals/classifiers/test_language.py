"""Language identification, and English that the identifier calls another language."""

from __future__ import annotations

import pytest

from watchkeeper.signals.classifiers.detector import judgeability
from watchkeeper.signals.classifiers.language import detect_language, english_words_dominate

MULTILINGUAL = frozenset({"ar", "de", "es", "fr", "hi", "it", "nl", "pl", "pt", "zh"})


@pytest.mark.parametrize(
    "text",
    [
        "bitch im too mad im finna throw this bitch outside",
        "i am a pumpkin bread slut",
        "Merry Christmas to you too babe, i love ya *kisses*",
        # "u", "in" and "fortnite" are as common in German: they take no side
        "im gonna kill u in fortnite tonight",
    ],
)
def test_informal_english_called_another_language_is_read_as_english(text: str) -> None:
    lang, conf = detect_language(text)
    assert lang != "en" and conf >= 0.7  # the identifier's mistake this guards against
    assert english_words_dominate(text, lang)
    assert judgeability(text, None, MULTILINGUAL) == ("ok", None)


@pytest.mark.parametrize(
    "text",
    [
        "Quindi cerchi qualcosa di nuovo, qualcosa che ti faccia sentire vivo?",
        "Ich hasse alle Ausländer, die sollen verschwinden",
        # called Esperanto, which wordfreq does not know: two of six words are English too, and the
        # four others count against English
        "Torturaremos a estas mujeres sin piedad.",
        "je vous conseille de bloquer ce compte qui fait la chasse aux antisémites",
        "انا ما بطقش النساء الي زيك.",
        "我讨厌所有的外国人",
    ],
)
def test_text_in_another_language_stays_in_it(text: str) -> None:
    lang, _conf = detect_language(text)
    assert lang != "en"
    assert not english_words_dominate(text, lang)
    assert judgeability(text, None, MULTILINGUAL)[0] in {"multilingual", "unverified"}


def test_placeholders_and_a_lone_english_word_do_not_make_english() -> None:
    assert not english_words_dominate("<user> <user> hola amigo", "es")
    assert not english_words_dominate("super nice chanson", "fr")


def test_norwegian_is_looked_up_under_wordfreqs_code() -> None:
    """The identifier says "no", wordfreq "nb": without the mapping every Norwegian word would look
    foreign to both lists and the English ones alone would count."""
    text = "jeg har det bra i dag og hun er her"
    assert not english_words_dominate(text, "no")


def test_only_the_identifiers_sample_is_read() -> None:
    """The test checks the identifier's verdict on the same first 500 characters; a huge text's tail
    is never walked word by word."""
    head = "i am so tired of this weather and i just want to go home now " * 7  # ~440 characters
    tail = " jag har det bra i dag och hon är här" * 3000  # ~110 KB of Swedish
    assert english_words_dominate(head + tail, "sv")
    assert not english_words_dominate(tail, "sv")


@pytest.mark.parametrize(
    "text",
    [
        "We call cigarettes fags in the UK.",
        "gimmmmmie a hoodrat bitch",
        "<user> <user> wow ， real nazi words",  # a full-width comma
        "shi+ happens",
    ],
)
def test_latin_letters_are_not_a_language_of_another_script(text: str) -> None:
    """fastText's lite model names Japanese or Chinese for these (the dev rows' English); a text with
    no letter outside the Latin script is read by the English model instead of being unverified."""
    assert detect_language(text) == ("und", 0.0)
    assert judgeability(text, None, MULTILINGUAL) == ("ok", None)


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("今日はとても暑いですね、みんな元気ですか", "ja"),
        ("我讨厌所有的外国人", "zh"),
        ("Привіт, як справи у тебе сьогодні?", "uk"),
    ],
)
def test_a_language_of_its_own_script_is_still_named(text: str, lang: str) -> None:
    assert detect_language(text)[0] == lang

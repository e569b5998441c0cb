from __future__ import annotations

import itertools

import pytest

from watchkeeper.engine import Engine
from watchkeeper.policy import PolicyPack
from watchkeeper.signals import DetectContext
from watchkeeper.signals.rules.links import _PHONE_LIKE, SPAM_WEIGHTS, LinkSpamDetector, _noisy_or
from watchkeeper.types import Item


def scores(pack: PolicyPack, text: str) -> dict[str, float]:
    det = LinkSpamDetector(pack)
    item = Item(id="l", text=text)
    return {s.category: s.score for s in det.detect(item, DetectContext(policy=pack, item=item))}


#: spam and scam messages: a band at 0.6 or more
SPAM = [
    "WINNER!! Claim your £1000 prize now, call 09061701461 or visit hxxp://win-now[.]xyz",
    "Earn $500 a day from home, dm me on telegram, link in bio bit.ly/cash",
    "Your account is locked, verify your card details at http://192.168.4.4/login urgently",
    "Text WIN to 84484 to claim your free ringtone",
    # a shortener, or money beside a way to reach someone, still bands (pack 2026.12.62)
    "check this out bit.ly/3xYz",
    "URGENT! You have won a £900 prize GUARANTEED. Call 09061701939.",
    "earn $500 a day from home, join our telegram, bit.ly/cash",
]

#: ordinary messages: no band (0.4 is the lowest band of spam and of scam_fraud; since pack 2026.12.62
#: this asks for that, not 0.5: "Can you text me when you get home?", the spam category's own negative
#: example, scored 0.45 and had its reach limited)
ORDINARY = [
    "Can you text me when you get home?",
    "dm me if you want the recipe",
    "Here's the recipe I used: https://en.wikipedia.org/wiki/Shakshouka",
    "Meeting moved to 3pm, see you there",
    "I paid 20 dollars for this shirt",
    # a link X or LinkedIn rewrote is a link, not a shortener chosen to hide where it goes
    '"@BabyAnimalPics: baby monkey bathtime http://t.co/7KPWAdLF0R" Awwwwe! This is soooo ADORABLE!',
    "great write-up on hiring https://lnkd.in/dQx7Zk2",
    # money, urgency and shouting with nothing to contact are a story, a statistic or a cheer
    "I hit a curb and I immediately knew something was wrong. An 8k dollar cat scan later I was fine",
    "a trillion dollars of cuts went into effect immediately",
    "WE WON THE CUP!!! BEST TEAM IN THE WORLD, WINNER WINNER",
    # a karat is not money, and a winner in a sports story is not a prize
    "Vintage Gold and Diamond Engagement Ring / 10k yellow gold, size 4.75 http://t.co/iI0v4LbSQK",
    "Storybook ending in New York. Derek Jeter walks off a winner at Yankee Stadium, http://t.co/pRS2l",
    # an app's name is not an invitation to reach anyone there
    "write a telegram bot in python that posts the weather",
    "my mum only uses whatsapp",
]


@pytest.mark.parametrize(("text", "spam"), [(t, True) for t in SPAM] + [(t, False) for t in ORDINARY])
def test_spam_scores_high_and_ordinary_messages_get_no_band(pack: PolicyPack, text: str, spam: bool) -> None:
    s = scores(pack, text)
    assert (max(s.values()) >= 0.6) if spam else (max(s.values()) < 0.4), s


def test_a_phone_number_ending_a_sentence_is_a_number() -> None:
    assert _PHONE_LIKE.search("Claim now. Call 7908807538.")
    assert not _PHONE_LIKE.search("pi is 3.1415926535897")
    assert not _PHONE_LIKE.search("it cost 12345678901.50 in all")


def test_wallet_with_money_talk_is_a_scam_signal(pack: PolicyPack) -> None:
    s = scores(pack, "Send 0.1 BTC to 1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2 and get 0.2 back, hurry")
    assert s["scam_fraud"] >= 0.55


def test_evidence_lists_each_cue(engine: Engine) -> None:
    d = engine.moderate_text("Free money!!! bit.ly/abc call +1 415 555 2671 now")
    v = d.verdict_for("spam")
    assert v is not None
    notes = " ".join(e.note or "" for s in v.signals for e in s.evidence)
    assert "URL shortener bit.ly" in notes
    assert "phone number +14155552671" in notes


def test_warm_up_builds_the_suffix_list_before_the_first_link(
    pack: PolicyPack, monkeypatch: pytest.MonkeyPatch
) -> None:
    from watchkeeper.extract import entities

    real = entities._tld()
    parsed: list[str] = []

    def recording(host: str) -> object:
        parsed.append(host)
        return real(host)

    monkeypatch.setattr(entities, "_tld", lambda: recording)
    det = LinkSpamDetector(pack)
    assert parsed == []  # building the detector parses nothing
    det.warm_up()
    assert "www.example.co.uk" in parsed


def test_the_score_does_not_depend_on_the_order_the_cues_were_found_in() -> None:
    # the features come from a set, whose order changes with each process's string-hash salt; taken
    # in another order, 1 - (1 - w1)(1 - w2)(1 - w3) for these weights rounds to 0.6587 or 0.6588
    weights = [SPAM_WEIGHTS["money"], SPAM_WEIGHTS["phone_like"], SPAM_WEIGHTS["urgency"]]
    scores = {_noisy_or(list(order)) for order in itertools.permutations(weights)}
    assert scores == {_noisy_or(weights)}

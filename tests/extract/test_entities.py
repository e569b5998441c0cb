from __future__ import annotations

import pytest

from watchkeeper.extract import EntityKind, extract_entities


def kinds(text: str) -> list[tuple[str, str]]:
    return [(e.kind.value, e.value) for e in extract_entities(text)]


@pytest.mark.parametrize(
    ("text", "url"),
    [
        ("visit https://Example.com/Path?q=1.", "https://example.com/Path?q=1"),
        ("go to www.shop.example.co.uk now", "http://www.shop.example.co.uk"),
        ("bit.ly/abc123", "http://bit.ly/abc123"),
        ("hxxps://evil[.]com/login", "https://evil.com/login"),
        ("hxxp[:]//evil(.)com", "http://evil.com"),
        ("mysite dot com for free stuff", "http://mysite.com"),
        ("example[dot]net", "http://example.net"),
        ("http://192.168.10.5:8080/x", "http://192.168.10.5:8080/x"),
    ],
)
def test_urls_including_obfuscated(text: str, url: str) -> None:
    urls = [e for e in extract_entities(text) if e.kind is EntityKind.URL]
    assert [u.value for u in urls] == [url]


def test_obfuscated_url_points_at_original_text() -> None:
    text = "Visit hxxps://evil[.]com/login now"
    (url,) = [e for e in extract_entities(text) if e.kind is EntityKind.URL]
    assert text[url.start : url.end] == "hxxps://evil[.]com/login"
    assert url.obfuscated
    assert url.detail == "evil.com"


@pytest.mark.parametrize(
    "text",
    [
        "run main.py and script.sh",
        "the dot com bubble",
        "see readme.md",
        "e.g. this, i.e. that",
        "U.S. news",
        "version 1.2.3",
        "costs 3.50 now",
    ],
)
def test_not_urls(text: str) -> None:
    assert [e for e in extract_entities(text) if e.kind is EntityKind.URL] == []


def test_emails_including_obfuscated() -> None:
    found = kinds("mail john at gmail dot com or jane(at)yahoo.com or bob.smith+x@mail.example.org")
    emails = [v for k, v in found if k == "email"]
    assert emails == ["john@gmail.com", "jane@yahoo.com", "bob.smith+x@mail.example.org"]


@pytest.mark.parametrize(
    ("text", "url"),
    [
        ("Dear,Me at cherthala.in case u r coming", "http://cherthala.in"),
        ("Log in at icicibank.com and enter the code", "http://icicibank.com"),
        ("now i m blogging at magicalsongs.blogspot.com", "http://magicalsongs.blogspot.com"),
    ],
)
def test_a_word_at_a_site_is_prose_and_the_site_a_link(text: str, url: str) -> None:
    found = kinds(text)
    assert [v for k, v in found if k == "email"] == []
    assert ("url", url) in found


def test_spelled_out_addresses_with_a_number_a_provider_or_a_spelled_dot() -> None:
    found = kinds("write to john at gmail.com, jsmith88 at example.com or sales at acme dot co dot uk")
    assert [v for k, v in found if k == "email"] == [
        "john@gmail.com",
        "jsmith88@example.com",
        "sales@acme.co.uk",
    ]


def test_phone_numbers() -> None:
    found = kinds("call +1 (415) 555-2671 or +44 20 7946 0958")
    assert [v for k, v in found if k == "phone"] == ["+14155552671", "+442079460958"]


@pytest.mark.parametrize("text", ["coords 40.7128,-74.0060", "order 123456789", "in 2026 we had 12:30"])
def test_numbers_are_not_phones(text: str) -> None:
    assert [k for k, _ in kinds(text) if k == "phone"] == []


def test_wallets_are_checksum_validated() -> None:
    text = (
        "btc 1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2 eth 0x52908400098527886E0F7030069857D2E4169EE7 "
        "seg bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq"
    )
    wallets = [e for e in extract_entities(text) if e.kind is EntityKind.WALLET]
    assert [w.detail for w in wallets] == ["bitcoin", "ethereum", "bitcoin"]
    # one character changed: the checksum fails, so it is not a wallet
    bad = "1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN3 bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdr"
    assert [e for e in extract_entities(bad) if e.kind is EntityKind.WALLET] == []


def test_mentions_and_hashtags() -> None:
    found = kinds("hey @Winner_2024 and @bob.s #FreeMoney #2024 #ad me@site.com")
    assert ("mention", "winner_2024") in found
    assert ("mention", "bob.s") in found
    assert ("hashtag", "freemoney") in found
    assert ("hashtag", "ad") in found
    assert ("hashtag", "2024") not in found
    assert ("mention", "site.com") not in found
    assert ("email", "me@site.com") in found


def test_offsets_are_exact() -> None:
    text = "📞 +1 415 555 2671 ✉ a@b.io #tag"
    for e in extract_entities(text):
        assert text[e.start : e.end] == e.raw

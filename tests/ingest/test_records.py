from __future__ import annotations

import pytest

from watchkeeper.errors import InputError
from watchkeeper.ingest import item_from_record
from watchkeeper.types import ItemKind, Surface


def test_full_item() -> None:
    item = item_from_record(
        {
            "id": 42,
            "kind": "video",
            "surface": "feed",
            "fields": {"caption": "hi"},
            "media": [{"uri": "v.mp4"}],
            "author_id": "u1",
            "language": "en",
            "metadata": {"views": 10},
        },
        fallback_id="f:1",
    )
    assert item.id == "42"
    assert item.kind is ItemKind.VIDEO and item.surface is Surface.FEED
    assert item.texts() == [("caption", "hi")]


def test_dataset_records_are_accepted_with_extras_kept() -> None:
    item = item_from_record({"text": "x", "lang": "fr", "labels": {"H": 1}, "flagged": 1}, fallback_id="f:3")
    assert item.id == "f:3" and item.language == "fr"
    assert item.metadata["record"] == {"labels": {"H": 1}, "flagged": 1}


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ([1, 2], "expected a JSON object"),
        ({"id": "a"}, "no text, fields or media"),
        ({"id": "a", "text": "x", "kind": "hologram"}, "kind"),
        ({"id": "a", "text": 5}, "text"),
        ({"id": "a", "text": "x" * 300_001}, "limit is"),
    ],
)
def test_bad_records_are_refused_with_a_reason(raw: object, message: str) -> None:
    with pytest.raises(InputError, match=message):
        item_from_record(raw, fallback_id="f:1", max_text_chars=300_000)

"""Turning one JSON record (a line of an input file, a request body) into an :class:`Item`.

Known keys are the :class:`Item` fields. For convenience with labelled datasets, keys that are not
Item fields (``labels``, ``taxonomy``, ``source``...) are kept under ``metadata["record"]`` instead of
being refused, and ``lang`` is accepted for ``language``. A record with no text and no media is refused:
there would be nothing to judge, and "allow" would be a silent guess.
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from watchkeeper.errors import InputError
from watchkeeper.types import Item

__all__ = ["item_from_record"]

_FIELDS = frozenset(Item.model_fields)


def item_from_record(raw: Any, *, fallback_id: str, max_text_chars: int = 200_000) -> Item:
    if not isinstance(raw, dict):
        raise InputError(f"expected a JSON object, got {type(raw).__name__}")
    data = {k: v for k, v in raw.items() if k in _FIELDS}
    extra = {k: v for k, v in raw.items() if k not in _FIELDS}
    if "language" not in data and isinstance(extra.get("lang"), str):
        data["language"] = extra.pop("lang")
    if extra:
        meta = dict(data.get("metadata") or {})
        meta["record"] = extra
        data["metadata"] = meta
    if data.get("id") in (None, ""):
        data["id"] = fallback_id
    elif not isinstance(data["id"], str):
        data["id"] = str(data["id"])
    text = data.get("text", "")
    if isinstance(text, str) and len(text) > max_text_chars:
        raise InputError(f"text is {len(text)} characters; the limit is {max_text_chars}")
    try:
        item = Item.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors())
        raise InputError(f"invalid item: {problems}") from exc
    if not item.texts() and not item.media:
        raise InputError("item has no text, fields or media to judge")
    return item

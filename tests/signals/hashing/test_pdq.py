"""PDQ hashes: the same text form and quality as python-threatexchange, robust to re-encoding."""

from __future__ import annotations

import io

import numpy as np
from PIL import Image

from tests.media import texture
from watchkeeper.signals.hashing.index import hamming
from watchkeeper.signals.hashing.pdq import hash_file, hash_image


def test_same_hash_as_threatexchange() -> None:
    from threatexchange.signal_type.pdq.pdq_hasher import _pdq_from_numpy_array

    for scene in range(3):
        img = texture(scene, 400, 300)
        ours, (theirs, quality) = hash_image(img), _pdq_from_numpy_array(img)
        assert ours.hex == theirs and ours.quality == quality


def test_copies_match_and_others_do_not(tmp_path) -> None:  # type: ignore[no-untyped-def]
    img = texture(1, 1280, 720)
    original = hash_image(img)
    buf = io.BytesIO()
    Image.fromarray(img).resize((640, 360)).save(buf, "JPEG", quality=50)
    copy = hash_image(np.asarray(Image.open(io.BytesIO(buf.getvalue())).convert("RGB")))
    other = hash_image(texture(2, 1280, 720))
    d_copy = int(hamming(original.bits, copy.bits))
    d_other = int(hamming(original.bits, other.bits))
    assert d_copy <= 31 < d_other, (d_copy, d_other)
    flat = hash_image(np.full((100, 100, 3), 128, np.uint8))
    assert not flat.usable  # uniform images are too weak to match on
    Image.fromarray(img).save(tmp_path / "a.png")
    assert hash_file(tmp_path / "a.png") == original

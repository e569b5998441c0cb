"""PDQ perceptual hashes (Meta's algorithm, through the ``pdqhash`` package) in ThreatExchange's text
form: 64 lowercase hex characters, most significant bit first, plus a quality score 0-100.

Frames are scaled to at most 512 px on the long side before hashing (PDQ works on a 64x64 reduction;
this keeps the cost at a few milliseconds per 720p frame with no change to the hash beyond noise).
Hashes with quality below :data:`MIN_QUALITY` (flat or near-uniform images) match too much and are
not used for matching."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

__all__ = ["MATCH_DISTANCE", "MIN_QUALITY", "PdqHash", "hash_file", "hash_image"]

#: the standard thresholds (ThreatExchange / HMA): a match is distance <= 31 at quality >= 50
MATCH_DISTANCE = 31
MIN_QUALITY = 50


@dataclass(frozen=True)
class PdqHash:
    hex: str
    quality: int

    @property
    def bits(self) -> npt.NDArray[np.uint8]:
        return np.frombuffer(bytes.fromhex(self.hex), dtype=np.uint8)

    @property
    def usable(self) -> bool:
        return self.quality >= MIN_QUALITY


def hash_image(rgb: npt.NDArray[np.uint8]) -> PdqHash:
    """PDQ of an H x W x 3 RGB array."""
    import pdqhash

    img = np.ascontiguousarray(rgb[..., :3], dtype=np.uint8)
    h, w = img.shape[:2]
    if max(h, w) > 512:
        from PIL import Image

        scale = 512 / max(h, w)
        img = np.asarray(Image.fromarray(img).resize((max(1, round(w * scale)), max(1, round(h * scale)))))
    vector, quality = pdqhash.compute(img)
    return PdqHash(bytes(np.packbits(vector.astype(np.uint8))).hex(), int(quality))


def hash_file(path: str | Path) -> PdqHash:
    """PDQ of an image file (any format Pillow reads)."""
    from PIL import Image

    with Image.open(path) as im:
        return hash_image(np.asarray(im.convert("RGB")))

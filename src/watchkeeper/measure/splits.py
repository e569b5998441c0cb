"""The fixed data split shared by training and evaluation.

Every labelled row belongs to one bucket chosen by a hash of its id, identical on every machine and
run: 20 % ``holdout`` (never trained on), 10 % ``calibration``, 70 % ``train``. ``watchkeeper eval
--split holdout`` scores only rows the shipped heads never saw.
"""

from __future__ import annotations

import hashlib

__all__ = ["SPLITS", "bucket_of"]

SPLITS = ("holdout", "calibration", "train")


def bucket_of(row_id: str) -> str:
    b = int(hashlib.sha1(row_id.encode()).hexdigest(), 16) % 10
    return "holdout" if b < 2 else "calibration" if b == 2 else "train"

from __future__ import annotations

import gc

from watchkeeper.engine import freeze_long_lived


class _Cycle:
    def __init__(self) -> None:
        self.me = self


def test_freeze_long_lived_takes_what_is_alive_out_of_the_collector_and_still_collects_what_comes_after() -> (
    None
):
    kept = _Cycle()
    try:
        freeze_long_lived()
        assert gc.get_freeze_count() > 0
        assert not any(o is kept for o in gc.get_objects())  # frozen: no collection walks it
        later = _Cycle()
        assert any(o is later for o in gc.get_objects())
        del later
        assert gc.collect() >= 1  # a cycle made after the freeze is still found
    finally:
        gc.unfreeze()

from __future__ import annotations

import watchkeeper


def test_public_api_is_what_the_docs_say() -> None:
    assert sorted(watchkeeper.__all__) == sorted(
        [
            "Action",
            "Cascade",
            "CategoryVerdict",
            "Decision",
            "DetectContext",
            "Detector",
            "DetectorStatus",
            "Engine",
            "Evidence",
            "FiredRule",
            "Item",
            "ItemKind",
            "MediaRef",
            "PolicyError",
            "PolicyPack",
            "Signal",
            "Surface",
            "Verdict",
            "WatchkeeperError",
            "__version__",
            "decide",
            "load_pack",
        ]
    )
    for name in watchkeeper.__all__:
        assert hasattr(watchkeeper, name), name


def test_engine_quickstart_from_the_docstring() -> None:
    engine = watchkeeper.Engine.load()
    d = engine.moderate(watchkeeper.Item(id="c1", kind="comment", text="have a great day"))
    assert d.actions == (watchkeeper.Action.ALLOW,)
    assert d.policy_version == engine.policy.version

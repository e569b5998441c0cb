from __future__ import annotations

import dataclasses
import random
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from tests.helpers import HashEncoder
from watchkeeper.errors import InputError
from watchkeeper.measure.splits import bucket_of
from watchkeeper.signals.classifiers.features import lexical_features
from watchkeeper.signals.classifiers.heads import HeadSet
from watchkeeper.signals.classifiers.training import TrainConfig, TrainRow, load_rows, train_heads

BAD = ["you are vermin", "i will hurt you", "go die now", "worthless trash human", "burn them all"]
GOOD = ["lovely weather today", "great recipe thanks", "see you at practice", "nice goal", "happy birthday"]


def synthetic_rows(n: int = 1200, seed: int = 0) -> list[TrainRow]:
    rnd = random.Random(seed)
    rows = []
    for i in range(n):
        bad = rnd.random() < 0.4
        base = rnd.choice(BAD if bad else GOOD)
        text = f"{base} {rnd.choice(['ok', 'so', 'lol', 'today', 'again'])} {i % 7}"
        rows.append(
            TrainRow(f"syn:{i}", text, "syn", {"violating": int(bad), "hate": int(bad and "vermin" in base)})
        )
    return rows


def synthetic_only(**kw: Any) -> TrainConfig:
    """A config that trains on the given rows alone (no generated requests), for fixtures whose
    figures must not move when the generators change."""
    generators = ("benign_requests", "policy_requests", "technical_requests", "political_comments")
    others = (
        "self_harm_posts",
        "sexual_requests",
        "lawful_requests",
        "everyday_requests",
        "abuse_comments",
        "creator_comments",
        "marketplace_posts",
        "group_statements",
    )
    return TrainConfig(**dict.fromkeys((*generators, *others), 0), **kw)


def test_split_is_fixed_and_proportioned() -> None:
    ids = [f"x:{i}" for i in range(20_000)]
    counts = dict.fromkeys(("holdout", "calibration", "train"), 0)
    for i in ids:
        counts[bucket_of(i)] += 1
    assert bucket_of("openai_moderation:2") == bucket_of("openai_moderation:2")
    assert abs(counts["holdout"] / 20_000 - 0.2) < 0.02
    assert abs(counts["calibration"] / 20_000 - 0.1) < 0.02


def test_training_is_reproducible(tmp_path: Path) -> None:
    rows = synthetic_rows()
    a = train_heads(rows, HashEncoder(), config=TrainConfig(seed=7, min_positives=5), version="t")
    b = train_heads(
        list(reversed(rows)), HashEncoder(), config=TrainConfig(seed=7, min_positives=5), version="t"
    )
    assert set(a.full) == set(b.full) == {"violating", "hate"}
    for name in a.full:
        assert np.array_equal(a.full[name].lex, b.full[name].lex)
        assert np.array_equal(a.full[name].emb, b.full[name].emb)  # type: ignore[arg-type]
        assert (a.full[name].platt_a, a.full[name].platt_b) == (b.full[name].platt_a, b.full[name].platt_b)
    # the saved artifact round-trips to the same predictions
    a.save(tmp_path / "h.npz")
    c = HeadSet.load(tmp_path / "h.npz")
    texts = ["you are vermin lol", "nice goal again"]
    x = lexical_features(texts)
    emb = HashEncoder().encode(texts)
    assert a.bank is not None and c.bank is not None  # nearest-neighbour features are on by default
    assert np.array_equal(a.bank.vectors, c.bank.vectors) and np.array_equal(a.bank.labels, c.bank.labels)
    knn_a, knn_c = a.bank.features(emb)["violating"], c.bank.features(emb)["violating"]
    assert np.array_equal(knn_a, knn_c)
    assert np.allclose(
        a.full["violating"].proba(x, emb, knn_a), c.full["violating"].proba(x, emb, knn_c), atol=1e-3
    )
    assert c.card["heads"]["violating"]["holdout"]["f1"] > 0.9


def alpha_beta_rows(seed: int, n: int = 4000) -> list[TrainRow]:
    """Texts with the word 'alpha' are violating 80 % of the time, with 'beta' 20 %."""
    rnd = random.Random(seed)
    rows = []
    for i in range(n):
        word = rnd.choice(["alpha", "beta"])
        y = rnd.random() < (0.8 if word == "alpha" else 0.2)
        rows.append(
            TrainRow(f"ab{seed}:{i}", f"{word} {rnd.choice(['x', 'y', 'z'])}", "syn", {"violating": int(y)})
        )
    return rows


def test_calibration_is_reliable_on_a_fixture() -> None:
    """Calibrated probabilities must come out near the true rates (tolerance 0.08), and the ECE small."""
    rows = alpha_beta_rows(3)
    heads = train_heads(
        rows,
        HashEncoder(),
        config=synthetic_only(seed=1, min_positives=5, target_prior=None),
    )
    texts = ["alpha x", "beta y"]
    e = HashEncoder().encode(texts)
    p = heads.full_proba(lexical_features(texts), e, e)["violating"]
    assert p[0] == pytest.approx(0.8, abs=0.08)
    assert p[1] == pytest.approx(0.2, abs=0.08)
    assert heads.card["heads"]["violating"]["calibration_ece"] <= 0.08


def test_too_few_positives_means_no_head() -> None:
    rows = synthetic_rows(300)
    heads = train_heads(rows, HashEncoder(), config=TrainConfig(min_positives=10_000))
    assert heads.full == {}


def _rare_rows(holdout: int, calibration: int) -> list[TrainRow]:
    """synthetic_rows plus a rare label with 60 training positives and the given numbers of holdout
    and calibration positives (ids picked by their split bucket)."""
    rows = [TrainRow(r.id, r.text, r.dataset, r.labels | {"rare": 0}) for r in synthetic_rows()]
    want = {"train": 60, "holdout": holdout, "calibration": calibration}
    i = 0
    while any(want.values()):
        rid = f"rare:{i}"
        i += 1
        bucket = bucket_of(rid)
        if want[bucket]:
            want[bucket] -= 1
            rows.append(TrainRow(rid, f"buy zorblax cheap dm me {i % 5}", "syn", {"rare": 1, "violating": 1}))
    return rows


def test_the_shipping_gate_counts_every_unseen_row() -> None:
    """A rare category's head is measured on the holdout and calibration parts together: 6 + 5
    positives pass a 10-positive floor that 6 holdout positives alone would not; 4 + 3 do not."""
    cfg = TrainConfig(seed=3, min_positives=5)
    ships = train_heads(_rare_rows(6, 5), HashEncoder(), config=cfg)
    assert "rare" in ships.full
    unseen = ships.card["heads"]["rare"]["unseen_at_training_prior"]
    assert unseen["support"] == 11 and ships.card["heads"]["rare"]["holdout"]["support"] == 6
    dropped = train_heads(_rare_rows(4, 3), HashEncoder(), config=cfg)
    assert "rare" not in dropped.full
    assert dropped.card["dropped_heads"]["rare"]["unseen"]["support"] == 7


def test_non_permissive_data_is_refused(tmp_path: Path) -> None:
    p = tmp_path / "toxicchat.jsonl"
    p.write_text(
        '{"id": "toxicchat:1", "text": "x", "source": "toxicchat", "flagged": 1}\n', encoding="utf-8"
    )
    with pytest.raises(InputError, match="evaluation-only"):
        load_rows([p])


def test_offensive_only_rows_do_not_teach_violating(tmp_path: Path) -> None:
    p = tmp_path / "davidson.jsonl"
    p.write_text(
        '{"id": "d:1", "text": "a", "source": "davidson", "flagged": 1, "taxonomy": {"hate": 0}}\n'
        '{"id": "d:2", "text": "b", "source": "davidson", "flagged": 1, "taxonomy": {"hate": 1}}\n'
        '{"id": "d:3", "text": "c", "source": "davidson", "flagged": 0, "taxonomy": {"hate": 0}}\n',
        encoding="utf-8",
    )
    rows = {r.id: r.labels for r in load_rows([p])}
    assert "violating" not in rows["d:1"]
    assert rows["d:2"]["violating"] == 1
    assert rows["d:3"]["violating"] == 0


def test_hatecheck_threats_are_violence_and_abuse_of_individuals_is_not_safe(tmp_path: Path) -> None:
    """HateCheck's threats against a group are violence too; its "not hateful" abuse of a person or a
    non-protected group ("I want to kill him") is not hate, but must not teach any head that it
    violates nothing. Its other non-hateful tests (counter-speech, ...) still do. English only."""
    from watchkeeper.signals.classifiers.training import ALL_NEGATIVE

    def row(rid: str, func: str, flagged: int, source: str = "hatecheck", lang: str = "en") -> str:
        return (
            f'{{"id": "{rid}", "text": "t", "source": "{source}", "lang": "{lang}", "flagged": {flagged}, '
            f'"taxonomy": {{"hate": {flagged}}}, "context": {{"functionality": "{func}"}}}}\n'
        )

    p = tmp_path / "hatecheck.jsonl"
    p.write_text(
        row("c:1", "threat_dir_h", 1)
        + row("c:2", "target_indiv_nh", 0)
        + row("c:3", "target_group_nh", 0)
        + row("c:4", "counter_quote_nh", 0)
        + row("c:5", "slur_h", 1)
        + row("m:1", "threat_norm_h", 1, "mhc", "de")
        + row("m:2", "target_indiv_nh", 0, "mhc", "de"),
        encoding="utf-8",
    )
    rows = {r.id: r.labels for r in load_rows([p])}
    assert rows["c:1"] == {"hate": 1, "violence": 1, "violating": 1, "spam": 0}
    for rid in ("c:2", "c:3"):
        assert rows[rid] == {"hate": 0, "spam": 0}  # no ALL_NEGATIVE, no violating label
    assert rows["c:4"][ALL_NEGATIVE] == 1 and rows["c:4"]["violating"] == 0
    assert "violence" not in rows["c:5"]
    assert "violence" not in rows["m:1"]  # the multilingual heads judge hate alone
    assert rows["m:2"][ALL_NEGATIVE] == 1


def test_offensive_rows_are_harassment_not_hate_negatives(tmp_path: Path) -> None:
    """An "offensive, not hate" row often carries a slur the policy calls hate: it must not teach the
    hate head that it is safe. It is an insult, so it teaches harassment; a "normal" row stays a
    negative for everything."""
    p = tmp_path / "hatexplain.jsonl"
    p.write_text(
        '{"id": "h:1", "text": "a", "source": "hatexplain", "flagged": 1, "taxonomy": {"hate": 0}}\n'
        '{"id": "h:2", "text": "b", "source": "hatexplain", "flagged": 1, "taxonomy": {"hate": 1}}\n'
        '{"id": "h:3", "text": "c", "source": "hatexplain", "flagged": 0, "taxonomy": {"hate": 0}}\n'
        '{"id": "o:1", "text": "d", "source": "openai_moderation", "flagged": 1, "taxonomy": {"hate": 0}}\n',
        encoding="utf-8",
    )
    rows = {r.id: r.labels for r in load_rows([p])}
    assert rows["h:1"] == {"harassment": 1, "spam": 0}
    assert rows["h:2"]["hate"] == 1 and "harassment" not in rows["h:2"]
    assert rows["h:3"]["hate"] == 0 and "harassment" not in rows["h:3"]
    assert rows["o:1"]["hate"] == 0 and "harassment" not in rows["o:1"]  # only the two offensive-flagged sets


def test_prior_shift_moves_probabilities_by_bayes_rule() -> None:
    rows = alpha_beta_rows(5)
    mix = train_heads(
        rows,
        HashEncoder(),
        config=synthetic_only(seed=1, min_positives=5, target_prior=None),
    )
    low = train_heads(
        rows,
        HashEncoder(),
        config=synthetic_only(seed=1, min_positives=5, target_prior=0.1),
    )
    texts = ["alpha x"]
    x, e = lexical_features(texts), HashEncoder().encode(texts)
    p_mix = float(mix.full_proba(x, e, e)["violating"][0])
    p_low = float(low.full_proba(x, e, e)["violating"][0])
    # odds scale by (0.1/0.9) / (0.5/0.5): 0.8 -> odds 4 -> 4/9 -> p ~ 0.31
    expected_odds = p_mix / (1 - p_mix) * (0.1 / 0.9) / (0.5 / 0.5)
    assert p_low == pytest.approx(expected_odds / (1 + expected_odds), abs=0.05)


def test_generated_benign_requests_are_reproducible_negatives() -> None:
    from watchkeeper.signals.classifiers.augment import benign_requests

    a, b = benign_requests(300, 5), benign_requests(300, 5)
    assert a == b and len({t for _, t in a}) == 300
    assert benign_requests(300, 6) != a
    heads = train_heads(
        synthetic_rows(), HashEncoder(), config=TrainConfig(seed=7, min_positives=5), version="t"
    )
    assert "augment" in heads.card["datasets"]
    x, e = lexical_features(["write a poem about bees"]), HashEncoder().encode(["write a poem about bees"])
    assert heads.full_proba(x, e, e)["violating"][0] < 0.2


def test_harmful_request_sets_label_the_pack_categories_their_own_labels_name(tmp_path: Path) -> None:
    """HarmBench's and StrongREJECT's own labels teach the matching pack category's head; labels with
    no matching category (copyright, StrongREJECT's broad "deception") teach "violating" only, and an
    all-positive set says nothing of a row's other categories."""
    from watchkeeper.signals.classifiers.training import ALL_NEGATIVE

    def row(rid: str, source: str, label: str) -> str:
        return (
            f'{{"id": "{rid}", "text": "t", "source": "{source}", "flagged": 1, "taxonomy": {{}}, '
            f'"labels": {{"{label}": 1, "other": 0}}}}\n'
        )

    p = tmp_path / "requests.jsonl"
    p.write_text(
        row("hb:1", "harmbench", "cybercrime_intrusion")
        + row("hb:2", "harmbench", "chemical_biological")
        + row("hb:3", "harmbench", "copyright")
        + row("sr:1", "strongreject", "Non-violent crimes")
        + row("sr:2", "strongreject", "Disinformation and deception")
        + row("ot:1", "openai_moderation", "cybercrime_intrusion"),
        encoding="utf-8",
    )
    rows = {r.id: r.labels for r in load_rows([p])}
    assert rows["hb:1"] == {"criminal_activity": 1, "violating": 1, "spam": 0}
    assert rows["hb:2"] == {"dangerous_acts": 1, "violating": 1, "spam": 0}
    assert rows["sr:1"] == {"criminal_activity": 1, "violating": 1, "spam": 0}
    for rid in ("hb:3", "sr:2", "ot:1"):  # no pack category named: violating only
        assert rows[rid] == {"violating": 1, "spam": 0}
    assert not any(ALL_NEGATIVE in labels for labels in rows.values())


def test_generated_policy_requests_are_reproducible_and_balanced() -> None:
    from watchkeeper.signals.classifiers.augment import policy_request_labels, policy_requests

    a, b = policy_requests(600, 5), policy_requests(600, 5)
    assert a == b and len({t for _, t, _, _ in a}) == 600
    assert policy_requests(600, 6) != a
    labels = [label for _, _, _, label in a]
    assert 0.4 < sum(labels) / len(labels) < 0.6  # harmful requests and safe look-alikes alike
    wrapped = [(t, label) for _, t, _, label in a if t.lower().startswith(("ignore all", "you are dan"))]
    # the manipulation preamble is on both sides, so it cannot be what decides the label
    assert {label for _, label in wrapped} == {0, 1}
    cats = {c for _, _, c, label in a if label}
    assert {"sexual", "self_harm", "hate", "violence", "criminal_activity"} <= cats
    assert policy_request_labels("sexual", 1) == {"violating": 1, "sexual": 1}
    assert policy_request_labels("sexual", 0)["violating"] == 0


def test_generated_political_comments_pair_threats_with_ordinary_politics() -> None:
    """Both sides speak about the same officials and groups, so the subject cannot decide the label:
    a call to shoot the mayor is violence, a call to vote the mayor out is nothing."""
    from watchkeeper.signals.classifiers.augment import political_comments

    a = political_comments(600, 5)
    assert a == political_comments(600, 5) and a != political_comments(600, 6)
    assert len({t for _, t, _, _ in a}) == len(a) > 500
    labels = [label for _, _, _, label in a]
    assert 0.4 < sum(labels) / len(labels) < 0.6
    assert {(c, label) for _, _, c, label in a} == {
        ("violence", 0),
        ("violence", 1),
        ("hate", 0),
        ("hate", 1),
    }

    def side(label: int) -> str:
        return " ".join(t.lower() for _, t, c, lab in a if c == "violence" and lab == label)

    for official in ("the mayor", "the senator", "the city council"):  # the same subjects on both sides
        assert official in side(0) and official in side(1)
    assert "vote" in side(0) and "vote" not in side(1)
    assert "shoot" in side(1) and "shoot" not in side(0)
    assert not any("{" in t for _, t, _, _ in a)


def _balanced_pairs(
    generate: Callable[[int, int], list[tuple[str, str, str, int]]], n: int, category: str
) -> list[tuple[str, str, str, int]]:
    """``n`` distinct rows of one category from a paired generator, the same for the same seed and
    other for another, about half of them harmful."""
    a = generate(n, 5)
    assert a == generate(n, 5) and a != generate(n, 6)
    assert len({t for _, t, _, _ in a}) == len(a) == n
    labels = [label for _, _, _, label in a]
    assert 0.4 < sum(labels) / len(labels) < 0.6
    assert {c for _, _, c, _ in a} == {category}
    return a


def _side(rows: list[tuple[str, str, str, int]], label: int) -> str:
    """Every generated text with ``label``, lower-cased and joined (to test which words a side holds)."""
    return " ".join(t.lower() for _, t, _, lab in rows if lab == label)


def test_generated_self_harm_posts_pair_intent_with_recovery_on_the_same_subjects() -> None:
    """In the pack's scope: intent, methods, hiding injuries, glorification; out of it: recovery,
    support, awareness, fiction. Both sides speak of cutting, pills, starving and bridges, so the
    subject cannot decide the label."""
    from watchkeeper.signals.classifiers.augment import self_harm_posts

    a = _balanced_pairs(self_harm_posts, 240, "self_harm")

    for subject in ("cut", "starv", "bridge", "meal"):
        assert subject in _side(a, 0) and subject in _side(a, 1), subject
    assert "recovery" in _side(a, 0) and "goodbye" in _side(a, 1) and "goodbye" not in _side(a, 0)
    assert not any("{" in t for _, t, _, _ in a)


def test_generated_sexual_requests_pair_sexual_asks_with_the_same_personas_kept_clean() -> None:
    """Requests for sexual role-play and stories beside role-play and stories with the same personas and
    pairings that stay out of the sexual scope, so neither the persona nor the word "romance" can decide
    the label."""
    from watchkeeper.signals.classifiers.augment import sexual_requests

    a = _balanced_pairs(sexual_requests, 300, "sexual")

    for shared in (
        "roleplay as my",
        "nurse",
        "maid",
        "summoned",
        "pretend ur my girlfriend",
        "bedtime story",
    ):
        assert shared in _side(a, 0) and shared in _side(a, 1), shared
    assert "spicy" in _side(a, 1) and "spicy" not in _side(a, 0)
    assert "dirty" in _side(a, 1) and "dirty" not in _side(a, 0)
    assert not any("{" in t for _, t, _, _ in a)


def test_generated_abuse_comments_pair_abuse_of_the_reader_with_the_same_words_aimed_at_no_one() -> None:
    """Insults, looks and death wishes at the person a comment answers, beside self-deprecation,
    banter with affection, praise and profanity at a thing in the same words, so that neither an
    insult word nor "you're such a" decides the label."""
    from watchkeeper.signals.classifiers.augment import abuse_comments

    a = _balanced_pairs(abuse_comments, 400, "harassment")

    for shared in ("you're such a", "idiot", "loser", "ugly", "nobody", "log off", "on this app"):
        assert shared in _side(a, 0) and shared in _side(a, 1), shared
    assert "kill yourself" in _side(a, 1) and "kill yourself" not in _side(a, 0)
    assert "i love you" in _side(a, 0) and "i love you" not in _side(a, 1)
    assert not any("{" in t for _, t, _, _ in a)


def test_generated_creator_comments_pair_self_promotion_with_viewers_praise_of_the_channel() -> None:
    """Subscribing, channels and followers on both sides, so those words cannot decide the spam label:
    whose channel it is does ("my channel", "sub to me" against "this channel", "your channel")."""
    from watchkeeper.signals.classifiers.augment import creator_comments

    a = _balanced_pairs(creator_comments, 300, "spam")

    for shared in ("subscrib", "channel", "follow", "videos"):
        assert shared in _side(a, 0) and shared in _side(a, 1), shared
    assert "my channel" in _side(a, 1) and "my channel" not in _side(a, 0)
    assert "this channel" in _side(a, 0) and "this channel" not in _side(a, 1)
    assert not any("{" in t for _, t, _, _ in a)


def test_generated_group_statements_pair_hateful_generalisations_with_history_and_support() -> None:
    """The same groups and the same words ("crime", "rights", "neighbourhood", "values") on both
    sides, so that naming a group beside them cannot decide the hate label: what is claimed does
    (a group's nature, keeping it out, hidden control, against history, news and support)."""
    from watchkeeper.signals.classifiers.augment import group_statements

    a = _balanced_pairs(group_statements, 400, "hate")

    for shared in ("crime", "rights", "neighbourhood", "values", "positions of power", "muslims", "women"):
        assert shared in _side(a, 0) and shared in _side(a, 1), shared
    assert "in their nature" in _side(a, 1) and "in their nature" not in _side(a, 0)
    assert "the history of" in _side(a, 0) and "the history of" not in _side(a, 1)
    assert not any("{" in t for _, t, _, _ in a)


def test_generated_marketplace_posts_are_ordinary_sales_and_negatives_for_every_head() -> None:
    """The "selling ... dm" form for ordinary goods, so the form alone cannot teach a head that a sale
    is drugs or abuse material; no regulated good, account or picture is ever the thing sold."""
    from watchkeeper.signals.classifiers.augment import marketplace_posts
    from watchkeeper.signals.classifiers.training import ALL_NEGATIVE, TrainConfig, generated_rows

    a = marketplace_posts(200, 5)
    assert a == marketplace_posts(200, 5) and a != marketplace_posts(200, 6)
    assert len({t for _, t in a}) == len(a) == 200
    text = " ".join(t.lower() for _, t in a)
    assert "selling" in text and "dm" in text and "for sale" in text
    for banned in ("pill", "perc", "xan", "gun", "account", "follower", "pic of", "nude", "link"):
        assert banned not in text, banned
    cfg = dataclasses.replace(synthetic_only(), marketplace_posts=50)
    rows = generated_rows(cfg)
    assert len(rows) == 50 and all(r.labels == {"violating": 0, ALL_NEGATIVE: 1} for r in rows)
    assert TrainConfig().marketplace_posts == 0  # measured and left off: docs/classifiers.md


def test_generated_lawful_requests_pair_the_lawful_way_with_asking_around_the_law() -> None:
    """Questions about guns, hunting, prescription drugs and fireworks on both sides, so the subject
    cannot decide the label: the channel does (a licence, a prescription, against no background check,
    a felon, no prescription), and a question about what the law allows is on the lawful side."""
    from watchkeeper.signals.classifiers.augment import lawful_requests

    a = _balanced_pairs(lawful_requests, 200, "dangerous_acts")

    for shared in ("gun", "hunting", "oxycodone", "adderall", "ammo", "fireworks", "concealed carry"):
        assert shared in _side(a, 0) and shared in _side(a, 1), shared
    assert "license in" in _side(a, 0) and "without a prescription" in _side(a, 1)
    # asking what the law allows is lawful even in the words of getting around it
    assert "without a background check" in _side(a, 0) and "without a background check" in _side(a, 1)
    assert "is it legal to" in _side(a, 0) and "is it legal" not in _side(a, 1)
    assert not any("{" in t for _, t, _, _ in a)


def test_generated_everyday_requests_ask_where_to_buy_ordinary_things() -> None:
    """The question forms of the weapon and drug requests about ordinary goods and services, with a
    shopper's "without ..." but never the law's checks (those are the regulated-goods pairs'); some ask
    the same way for what the pack bans buying, so the form and the tail cannot decide the label."""
    from watchkeeper.signals.classifiers.augment import everyday_requests

    a = everyday_requests(300, 13)
    assert a == everyday_requests(300, 13) and a != everyday_requests(300, 14)
    assert len({t for _, t, _, _ in a}) == 300
    safe = " ".join(t.lower() for _, t, _, lab in a if lab == 0)
    banned = " ".join(t.lower() for _, t, _, lab in a if lab == 1)
    assert 0.2 < sum(lab for _, _, _, lab in a) / 300 < 0.4
    assert {c for _, _, c, lab in a if lab} == {"criminal_activity", "dangerous_acts"}
    assert {c for _, _, c, lab in a if not lab} == {""}
    for form in ("where can i buy", "how do i get", "without", "near me"):
        assert form in safe and form in banned, form
    assert "where can i find" in safe
    for check in ("background check", "prescription", "licen", "permit", "serial number"):
        assert check not in safe, check
    assert not any("{" in t for _, t, _, _ in a)


def test_generated_technical_requests_are_reproducible_negatives() -> None:
    from watchkeeper.signals.classifiers.augment import technical_requests

    a = technical_requests(400, 3)
    assert a == technical_requests(400, 3) and a != technical_requests(400, 4)
    assert len({t for _, t in a}) == 400
    texts = " ".join(t.lower() for _, t in a)
    # the subjects of the datasets' crime and weapons requests, asked about in ordinary ways
    for subject in ("script", "encryption", "ransomware", "how do i"):
        assert subject in texts


def test_gated_heads_need_the_violating_head_to_agree(tmp_path: Path) -> None:
    """A gated head's probability is the geometric mean of its own and the violating head's, in every
    path that scores (the artifact records which heads are gated)."""
    rows = synthetic_rows()
    cfg = TrainConfig(seed=7, min_positives=5, gated_heads=("hate",))
    gated = train_heads(rows, HashEncoder(), config=cfg, version="t")
    plain = train_heads(rows, HashEncoder(), config=dataclasses.replace(cfg, gated_heads=()), version="t")
    assert gated.gated == ("hate",) and plain.gated == ()
    texts = ["you are vermin lol", "nice goal again", "vermin everywhere today"]
    x, emb = lexical_features(texts), HashEncoder().encode(texts)
    g, p = gated.full_proba(x, emb, emb), plain.full_proba(x, emb, emb)
    assert np.allclose(g["hate"], np.sqrt(p["hate"] * p["violating"]), atol=1e-6)
    assert np.array_equal(g["violating"], p["violating"])
    gated.save(tmp_path / "g.npz")
    back = HeadSet.load(tmp_path / "g.npz")
    assert back.gated == ("hate",)
    assert np.allclose(back.full_proba(x, emb, emb)["hate"], g["hate"], atol=1e-3)


def test_generated_rows_only_ever_train() -> None:
    # a head's card reports calibration/holdout counts over real rows only: with no real rows of a
    # label beyond training, generated rows must not appear in those splits
    rows = synthetic_rows()
    heads = train_heads(rows, HashEncoder(), config=TrainConfig(seed=7, min_positives=5), version="t")
    real = {p: sum(1 for r in rows if bucket_of(r.id) == p) for p in ("calibration", "holdout")}
    for part in ("calibration", "holdout"):
        counts = heads.card["heads"]["violating"][part]
        assert counts["tp"] + counts["fp"] + counts["tn"] + counts["fn"] == real[part]


def test_no_generator_table_in_augment_is_assigned_twice() -> None:
    """Each generator's templates and fillers live in module-level tables; a later table reusing an
    earlier one's name silently replaces it for both generators (it happened twice: ``_THINGS`` in
    2026-12-05's abuse comments, ``_GOODS`` in the marketplace posts' first draft)."""
    import ast
    from collections import Counter

    import watchkeeper.signals.classifiers.augment as augment

    tree = ast.parse(Path(augment.__file__).read_text(encoding="utf-8"))
    names = Counter(
        target.id
        for node in tree.body
        if isinstance(node, ast.Assign | ast.AnnAssign)
        for target in (node.targets if isinstance(node, ast.Assign) else [node.target])
        if isinstance(target, ast.Name)
    )
    assert [n for n, c in names.items() if c > 1] == []

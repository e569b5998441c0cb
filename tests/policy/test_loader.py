from __future__ import annotations

import re
from pathlib import Path

import pytest

from watchkeeper.errors import PolicyError
from watchkeeper.policy import load_pack
from watchkeeper.types import Action

REQUIRED = {
    "sexual",
    "sexual_minors",
    "hate",
    "harassment",
    "violence",
    "violence_graphic",
    "self_harm",
    "extremism",
    "spam",
    "scam_fraud",
    "misinformation",
    "dangerous_acts",
    "minor_safety",
    "aigc",
}


def test_default_pack_loads_with_every_required_category(pack) -> None:  # type: ignore[no-untyped-def]
    assert set(pack.category_ids()) >= REQUIRED
    assert pack.version
    for c in pack.categories:
        assert c.examples.positive and c.examples.negative, f"{c.id} needs positive and negative examples"
        assert c.in_scope and c.out_of_scope, c.id
        assert 1 <= c.severity <= 4


def _write(root: Path, rel: str, text: str) -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


GOOD_CATEGORY = """\
id: {id}
title: A category
severity: 2
definition: Something the platform does not allow.
in_scope: [one thing]
bands:
  - {{name: remove, min_score: 0.9, actions: [remove]}}
"""


def _broken_pack(root: Path) -> Path:
    pack = root / "broken"
    _write(
        pack,
        "pack.yaml",
        """\
name: broken
version: 1.0
defaults:
  violation_treshold: 0.5
rules:
  - name: r1
    when: {category: hat, min_score: 0.5}
    actions: [remove]
  - name: r1
    when: {category: spam}
    actions: [delete]
""",
    )
    _write(
        pack,
        "categories/hate.yaml",
        """\
id: hate
title: Hate
severity: 5
definition: Attacks on protected groups.
in_scope: [slurs]
bands:
  - {name: review, min_score: 0.6, actions: [escalate_to_review]}
  - {name: remove, min_score: 0.9, actions: [remove]}
signals:
  patterns:
    - {id: p1, regex: '(unclosed', score: 0.9}
""",
    )
    _write(pack, "categories/spam.yaml", GOOD_CATEGORY.format(id="spamm"))
    _write(pack, "categories/dup.yaml", GOOD_CATEGORY.format(id="dup") + "title: again\n")
    _write(pack, "categories/syntax.yaml", "id: syntax\ntitle: [unclosed\n")
    return pack


def test_every_error_is_reported_with_file_line_and_hint(tmp_path: Path) -> None:
    with pytest.raises(PolicyError) as info:
        load_pack(_broken_pack(tmp_path))
    messages = sorted(str(i) for i in info.value.issues)
    # snapshot: any change to wording or line numbers must be deliberate
    assert messages == sorted(
        [
            'broken/pack.yaml:2: version: Input should be a valid string (hint: quote the value, e.g. version: "1.0")',
            "broken/pack.yaml:4: defaults.violation_treshold: Extra inputs are not permitted "
            "(hint: did you mean 'violation_threshold'?)",
            "broken/pack.yaml:11: rules.1.actions.0: Input should be 'allow', 'label', 'age_restrict', 'limit_reach', "
            "'escalate_to_review', 'remove' or 'suspend_account'",
            "broken/categories/dup.yaml:8: duplicate key 'title' (first at line 2) "
            "(hint: YAML keeps only the last one; merge them)",
            "broken/categories/hate.yaml:3: severity: Input should be less than or equal to 4",
            "broken/categories/hate.yaml:6: bands: Value error, bands must be listed from highest min_score to lowest, "
            "with distinct min_score (hint: order bands like: remove 0.9, review 0.6, limit 0.4)",
            "broken/categories/hate.yaml:11: signals.patterns.0.regex: Value error, regex does not compile: "
            "missing ), unterminated subpattern at position 0 (hint: test the expression with python's re module; "
            "escape backslashes in YAML double quotes)",
            "broken/categories/spam.yaml:1: category id 'spamm' does not match the file name 'spam.yaml' "
            "(hint: rename the file to spamm.yaml or set id: spam)",
            "broken/categories/syntax.yaml:3: YAML syntax error: expected ',' or ']', but got '<stream end>' "
            "(hint: check indentation and quoting)",
        ]
    )


def test_rule_errors_are_reported_when_the_manifest_is_valid(tmp_path: Path) -> None:
    pack = tmp_path / "p"
    _write(
        pack,
        "pack.yaml",
        """\
name: p
version: "1"
rules:
  - name: r1
    when: {category: hat, min_score: 0.5}
    actions: [remove]
  - name: r1
    when: {category: hate}
    actions: [remove]
  - name: r2
    when:
      category: hate
      bands: [remove, remvoe]
    actions: [suspend_account]
""",
    )
    _write(pack, "categories/hate.yaml", GOOD_CATEGORY.format(id="hate"))
    with pytest.raises(PolicyError) as info:
        load_pack(pack)
    assert sorted(str(i) for i in info.value.issues) == [
        "p/pack.yaml:13: rule 'r2' names unknown band 'remvoe' of category 'hate' (hint: hate's bands: remove)",
        "p/pack.yaml:5: rule 'r1' names unknown category 'hat' (hint: did you mean 'hate'?)",
        "p/pack.yaml:7: duplicate rule name 'r1' (hint: rule names must be unique)",
    ]


def test_missing_pieces(tmp_path: Path) -> None:
    with pytest.raises(PolicyError) as info:
        load_pack(tmp_path / "nowhere")
    assert "not a directory" in str(info.value)
    (tmp_path / "empty").mkdir()
    with pytest.raises(PolicyError) as info:
        load_pack(tmp_path / "empty")
    text = str(info.value)
    assert "pack.yaml is missing" in text
    assert "no category files found" in text


def test_a_pack_never_half_loads(pack_copy: Path) -> None:
    # one bad file among fourteen good ones: nothing is returned
    (pack_copy / "categories" / "spam.yaml").write_text("id: spam\nseverity: nine\n", encoding="utf-8")
    with pytest.raises(PolicyError) as info:
        load_pack(pack_copy)
    assert all("spam.yaml" in i.file for i in info.value.issues)
    assert any("title" in i.message for i in info.value.issues)


def test_band_lookup_and_defaults(pack) -> None:  # type: ignore[no-untyped-def]
    hate = pack.category("hate")
    assert hate.band_for(0.95).name == "remove"
    assert hate.band_for(0.7).name == "review"
    assert hate.band_for(0.1) is None
    assert pack.on_error(hate) == (Action.ESCALATE_TO_REVIEW,)
    assert pack.on_error(pack.category("sexual_minors")) == (Action.ESCALATE_TO_REVIEW, Action.LIMIT_REACH)


def test_review_enforcement_and_statement_sections_are_validated(pack_copy: Path) -> None:
    manifest = pack_copy / "pack.yaml"
    original = manifest.read_text(encoding="utf-8")
    # shape errors first (as for every section): bad enum value, out-of-range number
    text = original.replace(
        "    spam: STATEMENT_CATEGORY_SCOPE_OF_PLATFORM_SERVICE", "    spam: STATEMENT_CATEGORY_SPAM"
    )
    manifest.write_text(text.replace("  suspend_at: 3", "  suspend_at: 0"), encoding="utf-8")
    with pytest.raises(PolicyError) as info:
        load_pack(pack_copy)
    report = str(info.value)
    assert "statements.category_map.spam" in report and "enforcement.suspend_at" in report
    # then references between the manifest and the categories
    text = original.replace(
        "categories: [self_harm], sla_minutes: 60}", "categories: [self_harn], sla_minutes: 60}"
    )
    text = text.replace("- {id: live, title: LIVE streams,", "- {id: self-harm, title: LIVE streams,")
    text = text.replace("    spam: STATEMENT_CATEGORY_SCOPE", "    spamm: STATEMENT_CATEGORY_SCOPE")
    manifest.write_text(text, encoding="utf-8")
    with pytest.raises(PolicyError) as info:
        load_pack(pack_copy)
    report = str(info.value)
    assert "review queue 'self-harm' names unknown category 'self_harn'" in report
    assert "did you mean 'self_harm'?" in report
    assert "review queue id 'self-harm' is used twice" in report
    assert "statements.category_map names unknown category 'spamm'" in report
    lines = [i.line for i in info.value.issues]
    assert all(isinstance(n, int) and n > 1 for n in lines), lines


def test_default_pack_has_review_enforcement_and_statement_settings(pack) -> None:  # type: ignore[no-untyped-def]
    m = pack.manifest
    assert m.review.appeals_queue.id == "appeals" and 0 < m.review.qa_sample_rate < 1
    assert m.enforcement.suspend_at == 3
    assert set(m.statements.category_map) == set(pack.category_ids())
    assert "DE" in m.statements.territorial_scope


def test_banks_are_validated(pack_copy: Path) -> None:
    manifest = pack_copy / "pack.yaml"
    text = manifest.read_text(encoding="utf-8")
    text = text.replace("category: scam_fraud, score: 0.9}", "category: scams, score: 0.9}")
    text = text.replace("{name: known-ncii,", "{name: known-csam,")
    text = text.replace("    when: {category: spam, min_score: 0.3, max_score: 0.4}",
                        "    when: {category: spam, min_score: 0.3, max_score: 0.4, bank: nope}")  # fmt: skip
    manifest.write_text(text, encoding="utf-8")
    with pytest.raises(PolicyError) as info:
        load_pack(pack_copy)
    report = str(info.value)
    assert "bank 'known-scam-creatives' names unknown category 'scams'" in report
    assert "bank name 'known-csam' is used twice" in report
    assert "rule 'spam-limit-reach-lower' names unknown bank 'nope'" in report


VOCAB_CATEGORY = """\
id: hate
title: Hate
severity: 3
definition: Attacks on protected groups.
in_scope: [dehumanising speech]
bands:
  - {name: remove, min_score: 0.9, actions: [remove]}
signals:
  patterns:
    - {id: p1, regex: '\\b{{groups}} are vermin\\b', score: 0.9}
    - {id: p2, regex: '\\b{{ grups }} are rats\\b', score: 0.9}
"""


def test_vocabularies_expand_into_patterns_longest_word_first(tmp_path: Path) -> None:
    _write(
        tmp_path / "p", "pack.yaml", 'name: p\nversion: "1"\nvocabularies:\n  groups: [trans, Trans People]\n'
    )
    _write(tmp_path / "p", "categories/hate.yaml", VOCAB_CATEGORY.replace("{{ grups }}", "{{groups}}"))
    pack = load_pack(tmp_path / "p")
    regex = pack.category("hate").signals.patterns[0].regex
    assert regex == r"\b(?:trans\s+people|trans) are vermin\b"
    assert re.search(regex, "trans  people are vermin").group(0) == "trans  people are vermin"  # type: ignore[union-attr]
    assert pack.manifest.vocabularies == {"groups": ("trans", "Trans People")}
    assert pack.vocabulary_users("groups") == ("hate/p1", "hate/p2")


def test_vocabulary_users_leaves_out_patterns_that_do_not_name_it(tmp_path: Path) -> None:
    manifest = 'name: p\nversion: "1"\nvocabularies:\n  groups: [a, b]\n  spare: [c]\n'
    _write(tmp_path / "p", "pack.yaml", manifest)
    _write(tmp_path / "p", "categories/hate.yaml", VOCAB_CATEGORY.replace("{{ grups }}", "plain"))
    pack = load_pack(tmp_path / "p")
    assert pack.vocabulary_users("groups") == ("hate/p1",)
    assert pack.vocabulary_users("spare") == ()


def test_an_unknown_vocabulary_is_an_error_at_its_pattern_line(tmp_path: Path) -> None:
    _write(tmp_path / "p", "pack.yaml", 'name: p\nversion: "1"\nvocabularies:\n  groups: [a, b]\n')
    _write(tmp_path / "p", "categories/hate.yaml", VOCAB_CATEGORY)
    with pytest.raises(PolicyError) as info:
        load_pack(tmp_path / "p")
    assert [str(i) for i in info.value.issues] == [
        "p/categories/hate.yaml:11: signals.patterns.1.regex: Value error, unknown vocabulary {{grups}}; "
        "known vocabularies: groups (hint: define it under vocabularies: in pack.yaml, or fix the name "
        "between {{ }})"
    ]


def test_bad_vocabularies_are_errors_in_pack_yaml(tmp_path: Path) -> None:
    _write(tmp_path / "p", "pack.yaml", 'name: p\nversion: "1"\nvocabularies:\n  Groups: [a]\n  empty: []\n')
    _write(tmp_path / "p", "categories/hate.yaml", VOCAB_CATEGORY)
    with pytest.raises(PolicyError) as info:
        load_pack(tmp_path / "p")
    messages = [str(i) for i in info.value.issues]
    # pack.yaml's own error only: the category is not also blamed for names it cannot check
    assert messages == [
        "p/pack.yaml:3: vocabularies: Value error, vocabulary name 'Groups' must be lower case letters, "
        "digits and _"
    ]


def test_exceptions_name_vocabularies_too(tmp_path: Path) -> None:
    category = VOCAB_CATEGORY.replace("{{ grups }}", "{{groups}}") + (
        "  exceptions:\n    - {id: e1, regex: 'saying {{groups}} are', note: counter-speech}\n"
    )
    _write(tmp_path / "p", "pack.yaml", 'name: p\nversion: "1"\nvocabularies:\n  groups: [a b, c]\n')
    _write(tmp_path / "p", "categories/hate.yaml", category)
    pack = load_pack(tmp_path / "p")
    assert pack.category("hate").signals.exceptions[0].regex == r"saying (?:a\s+b|c) are"
    assert pack.vocabulary_users("groups") == ("hate/p1", "hate/p2", "hate/e1")


def test_band_detectors_and_model_holding_exceptions_are_checked_at_their_lines(tmp_path: Path) -> None:
    category = (
        VOCAB_CATEGORY.replace("{{ grups }}", "{{groups}}").replace(
            "  - {name: remove, min_score: 0.9, actions: [remove]}\n",
            "  - {name: remove, min_score: 0.9, actions: [remove], detectors: [Rules]}\n",
        )
        + "  exceptions:\n    - {id: e1, regex: 'in my barn', holds_models: true}\n"
    )
    _write(tmp_path / "p", "pack.yaml", 'name: p\nversion: "1"\nvocabularies:\n  groups: [a, b]\n')
    _write(tmp_path / "p", "categories/hate.yaml", category)
    with pytest.raises(PolicyError) as info:
        load_pack(tmp_path / "p")
    messages = [str(i) for i in info.value.issues]
    assert len(messages) == 2, messages
    assert messages[0].startswith(
        "p/categories/hate.yaml:7: bands.0.detectors.0: String should match pattern"
    )
    assert messages[1].startswith(
        "p/categories/hate.yaml:13: signals.exceptions.0: Value error, holds_models needs scope: text"
    )


def test_shipped_self_harm_removal_needs_a_rule_the_judge_or_a_hash_match(pack) -> None:  # type: ignore[no-untyped-def]
    """The classifier cannot tell a cry for help from promotion, and the definition answers the first
    with support: its score alone never reaches self_harm's remove band."""
    remove = pack.category("self_harm").bands[0]
    assert remove.name == "remove" and remove.detectors == ("rules", "hashes", "judge")
    assert not remove.admits("classifier") and not remove.admits("examples")
    assert all(b.detectors is None for b in pack.category("self_harm").bands[1:])

"""Load a policy pack folder, validating everything and reporting *every* problem with file:line.

An invalid pack never half-loads: :func:`load_pack` either returns a complete :class:`PolicyPack` or
raises one :class:`~watchkeeper.errors.PolicyError` with all issues found across all files.
Line numbers come from PyYAML's node marks; pydantic error locations are mapped back to them.
"""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from watchkeeper.errors import PolicyError, PolicyIssue
from watchkeeper.policy import model as _model
from watchkeeper.policy.model import Category, PackManifest, PolicyPack

__all__ = ["load_pack"]

Path_ = tuple[str | int, ...]

# every model of the pack's schema: their field names feed the "did you mean" hints
_ALL_MODELS: tuple[type[BaseModel], ...] = tuple(
    m
    for m in vars(_model).values()
    if isinstance(m, type) and issubclass(m, BaseModel) and m is not BaseModel
)
_KNOWN_KEYS = sorted({name for model in _ALL_MODELS for name in model.model_fields})


class _Doc:
    """A parsed YAML file: its data plus a map from key path to 1-based line number."""

    def __init__(self, path: Path, display: str) -> None:
        self.display = display
        self.lines: dict[Path_, int] = {}
        self.issues: list[PolicyIssue] = []
        self.data: Any = None
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            self.issues.append(PolicyIssue(display, None, f"cannot read file: {exc}"))
            return
        try:
            node = yaml.compose(text, Loader=yaml.SafeLoader)
            self.data = yaml.safe_load(text)
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            line = mark.line + 1 if mark is not None else None
            self.issues.append(
                PolicyIssue(
                    display, line, f"YAML syntax error: {exc.problem or exc}", "check indentation and quoting"
                )
            )
            return
        except yaml.YAMLError as exc:
            self.issues.append(PolicyIssue(display, None, f"YAML error: {exc}"))
            return
        if node is not None:
            self._index(node, ())

    def _index(self, node: yaml.Node, path: Path_) -> None:
        self.lines.setdefault(path, node.start_mark.line + 1)
        if isinstance(node, yaml.MappingNode):
            seen: dict[str, int] = {}
            for key_node, value_node in node.value:
                key = str(key_node.value)
                line = key_node.start_mark.line + 1
                if key in seen:
                    self.issues.append(
                        PolicyIssue(
                            self.display,
                            line,
                            f"duplicate key {key!r} (first at line {seen[key]})",
                            "YAML keeps only the last one; merge them",
                        )
                    )
                seen[key] = line
                self.lines[(*path, key)] = line
                self._index(value_node, (*path, key))
        elif isinstance(node, yaml.SequenceNode):
            for i, child in enumerate(node.value):
                self._index(child, (*path, i))

    def line_for(self, loc: Path_) -> int | None:
        for n in range(len(loc), -1, -1):
            line = self.lines.get(tuple(loc[:n]))
            if line is not None:
                return line
        return None


def _hint_for(err_type: str, loc: Path_, msg: str) -> str | None:
    last = loc[-1] if loc else None
    if err_type == "extra_forbidden" and isinstance(last, str):
        close = difflib.get_close_matches(last, _KNOWN_KEYS, n=1, cutoff=0.6)
        return f"did you mean {close[0]!r}?" if close else "remove it; see docs/policy.md for the keys"
    if err_type == "missing":
        return f"add '{last}:'"
    if err_type == "string_type":
        return 'quote the value, e.g. version: "1.0"'
    if err_type == "enum":
        return None  # pydantic already lists the allowed values
    if "bands must be listed" in msg:
        return "order bands like: remove 0.9, review 0.6, limit 0.4"
    if "unknown vocabulary" in msg:
        return "define it under vocabularies: in pack.yaml, or fix the name between {{ }}"
    if "regex" in msg:
        return "test the expression with python's re module; escape backslashes in YAML double quotes"
    return None


def _validate(doc: _Doc, model: type[BaseModel], context: dict[str, Any] | None = None) -> Any:
    if doc.data is None:
        doc.issues.append(PolicyIssue(doc.display, 1, "file is empty", f"describe a {model.__name__} here"))
        return None
    if not isinstance(doc.data, dict):
        doc.issues.append(PolicyIssue(doc.display, 1, "top level must be a mapping (key: value)"))
        return None
    try:
        return model.model_validate(doc.data, context=context)
    except ValidationError as exc:
        found: list[tuple[Path_, str, str]] = []
        for err in exc.errors():
            loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and p.startswith("function-")))
            # pydantic adds union-branch names (e.g. 'tuple[...]' / "literal['all']") into loc; drop them
            loc = tuple(p for p in loc if not (isinstance(p, str) and ("[" in p or p.startswith("literal"))))
            found.append((loc, err["type"], err["msg"]))
        for loc, err_type, msg in found:
            # an error whose location contains a more precise one is its echo (e.g. a tuple left empty
            # because its only item was invalid): report the precise one only
            if any(len(other) > len(loc) and other[: len(loc)] == loc for other, _, _ in found):
                continue
            where = ".".join(str(p) for p in loc) or "(top level)"
            hint = _hint_for(err_type, loc, msg)
            doc.issues.append(PolicyIssue(doc.display, doc.line_for(loc), f"{where}: {msg}", hint))
        return None


def load_pack(directory: str | Path) -> PolicyPack:
    """Load and validate the pack in ``directory``; raise PolicyError listing every problem."""
    root = Path(directory)
    issues: list[PolicyIssue] = []
    if not root.is_dir():
        raise PolicyError([PolicyIssue(str(root), None, "not a directory", "pass the pack folder")])

    manifest_path = root / "pack.yaml"
    manifest: PackManifest | None = None
    if not manifest_path.is_file():
        issues.append(PolicyIssue(str(manifest_path), None, "pack.yaml is missing", "add name: and version:"))
    else:
        mdoc = _Doc(manifest_path, _display(root, manifest_path))
        if not mdoc.issues:
            manifest = _validate(mdoc, PackManifest)
        issues.extend(mdoc.issues)

    categories: list[Category] = []
    cat_dir = root / "categories"
    files = sorted(cat_dir.glob("*.yaml")) + sorted(cat_dir.glob("*.yml")) if cat_dir.is_dir() else []
    if not files:
        issues.append(
            PolicyIssue(str(cat_dir), None, "no category files found", "add categories/<id>.yaml files")
        )
    first_line: dict[str, tuple[str, int | None]] = {}
    for path in files:
        doc = _Doc(path, _display(root, path))
        category: Category | None = None
        if not doc.issues:
            # patterns may name pack.yaml's vocabularies; unknown (None) when pack.yaml did not load
            vocabularies = manifest.vocabularies if manifest is not None else None
            category = _validate(doc, Category, {"vocabularies": vocabularies})
        issues.extend(doc.issues)
        if category is None:
            continue
        if category.id != path.stem:
            issues.append(
                PolicyIssue(
                    doc.display,
                    doc.line_for(("id",)),
                    f"category id {category.id!r} does not match the file name {path.name!r}",
                    f"rename the file to {category.id}.yaml or set id: {path.stem}",
                )
            )
        if category.id in first_line:
            other, line = first_line[category.id]
            issues.append(
                PolicyIssue(
                    doc.display,
                    doc.line_for(("id",)),
                    f"duplicate category id {category.id!r}",
                    f"already defined in {other}:{line}",
                )
            )
            continue
        first_line[category.id] = (doc.display, doc.line_for(("id",)))
        band_names = [b.name for b in category.bands]
        for j, exc in enumerate(category.signals.exceptions):
            if exc.hold_below is not None and exc.hold_below not in band_names:
                issues.append(
                    PolicyIssue(
                        doc.display,
                        doc.line_for(("signals", "exceptions", j, "hold_below")),
                        f"exception {exc.id!r} holds the models below unknown band {exc.hold_below!r}",
                        f"{category.id}'s bands: {', '.join(band_names)}",
                    )
                )
        categories.append(category)

    if manifest is not None:
        # categories whose file failed to load still count as known here (their own errors are reported)
        known = {c.id for c in categories} | {p.stem for p in files}
        rule_names: set[str] = set()
        by_id = {c.id: c for c in categories}
        mdoc_lines = _Doc(manifest_path, _display(root, manifest_path))
        for i, rule in enumerate(manifest.rules):
            if rule.name in rule_names:
                issues.append(
                    PolicyIssue(
                        mdoc_lines.display,
                        mdoc_lines.line_for(("rules", i, "name")),
                        f"duplicate rule name {rule.name!r}",
                        "rule names must be unique",
                    )
                )
            rule_names.add(rule.name)
            cat = rule.when.category
            if cat is not None and cat not in known and first_line:
                close = difflib.get_close_matches(cat, sorted(known), n=1)
                issues.append(
                    PolicyIssue(
                        mdoc_lines.display,
                        mdoc_lines.line_for(("rules", i, "when", "category")),
                        f"rule {rule.name!r} names unknown category {cat!r}",
                        f"did you mean {close[0]!r}?"
                        if close
                        else f"known categories: {', '.join(sorted(known))}",
                    )
                )
            if cat in by_id and rule.when.bands is not None:
                names = [b.name for b in by_id[cat].bands]
                for j, band in enumerate(rule.when.bands):
                    if band not in names:
                        issues.append(
                            PolicyIssue(
                                mdoc_lines.display,
                                mdoc_lines.line_for(("rules", i, "when", "bands", j))
                                or mdoc_lines.line_for(("rules", i, "when")),
                                f"rule {rule.name!r} names unknown band {band!r} of category {cat!r}",
                                f"{cat}'s bands: {', '.join(names)}",
                            )
                        )

        # the judge's defaults name the default pack's categories; only what a pack sets itself is checked
        explicit = manifest.judge.model_fields_set
        manip = manifest.judge.manipulation_category
        if first_line and "manipulation_category" in explicit and manip is not None and manip not in known:
            issues.append(
                PolicyIssue(
                    mdoc_lines.display,
                    mdoc_lines.line_for(("judge", "manipulation_category")) or mdoc_lines.line_for(("name",)),
                    f"judge.manipulation_category names unknown category {manip!r}",
                    "add the category file, or set judge: {manipulation_category: null}",
                )
            )
        named: list[tuple[tuple[str | int, ...], str, str]] = []  # (yaml path, what, category)
        if "hazard_map" in explicit:
            named += [
                (("judge", "hazard_map", code), f"judge.hazard_map {code}", cat)
                for code, cats in manifest.judge.hazard_map.items()
                for cat in cats
            ]
        named += [
            (("review", "queues", i, "categories"), f"review queue {q.id!r}", cat)
            for i, q in enumerate(manifest.review.queues)
            for cat in q.categories
        ]
        named += [
            (("statements", "category_map", cat), "statements.category_map", cat)
            for cat in manifest.statements.category_map
        ]
        named += [
            (("banks", i, "category"), f"bank {b.name!r}", b.category) for i, b in enumerate(manifest.banks)
        ]
        bank_names = [b.name for b in manifest.banks]
        for i, name in enumerate(bank_names):
            if bank_names.index(name) != i:
                issues.append(
                    PolicyIssue(mdoc_lines.display, mdoc_lines.line_for(("banks", i, "name")),
                                f"bank name {name!r} is used twice", "bank names must be unique")
                )  # fmt: skip
        for i, rule in enumerate(manifest.rules):
            if rule.when.bank is not None and rule.when.bank not in bank_names:
                issues.append(
                    PolicyIssue(mdoc_lines.display, mdoc_lines.line_for(("rules", i, "when", "bank")),
                                f"rule {rule.name!r} names unknown bank {rule.when.bank!r}",
                                f"known banks: {', '.join(bank_names) or 'none (add a banks: section)'}")
                )  # fmt: skip
        for ypath, what, cat in named:
            if not first_line or cat in known:
                continue
            close = difflib.get_close_matches(cat, sorted(known), n=1)
            issues.append(
                PolicyIssue(
                    mdoc_lines.display,
                    mdoc_lines.line_for(ypath),
                    f"{what} names unknown category {cat!r}",
                    f"did you mean {close[0]!r}?"
                    if close
                    else f"known categories: {', '.join(sorted(known))}",
                )
            )
        queue_ids = [q.id for q in manifest.review.queues]
        reserved = {manifest.review.default_queue.id, manifest.review.appeals_queue.id}
        for i, qid in enumerate(queue_ids):
            if queue_ids.index(qid) != i or qid in reserved:
                issues.append(
                    PolicyIssue(
                        mdoc_lines.display,
                        mdoc_lines.line_for(("review", "queues", i, "id")),
                        f"review queue id {qid!r} is used twice",
                        "queue ids must be unique and differ from the default and appeals queues",
                    )
                )

    if issues:
        raise PolicyError(issues)
    assert manifest is not None
    return PolicyPack(manifest=manifest, categories=tuple(categories), source=str(root))


def _display(root: Path, path: Path) -> str:
    """File names in messages: relative to the pack's parent, so they read 'default/categories/hate.yaml'."""
    try:
        return str(path.relative_to(root.parent))
    except ValueError:
        return str(path)

"""Command-line interface (Typer + Rich) over the same engine API the service uses."""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path
from typing import Annotated, Any, TextIO

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table
from rich.text import Text

from watchkeeper.engine import Engine, freeze_long_lived
from watchkeeper.errors import InputError, PolicyError, RegistryError, WatchkeeperError
from watchkeeper.ingest import item_from_record
from watchkeeper.measure import DatasetResult, evaluate_file, report_json
from watchkeeper.measure.splits import SPLITS
from watchkeeper.policy import load_pack
from watchkeeper.settings import default_policy_dir, load_settings
from watchkeeper.signals import default_registry
from watchkeeper.types import Action, Decision, ItemKind, Surface, Verdict

app = typer.Typer(
    name="watchkeeper",
    help="Watchkeeper: moderate content against a written policy pack, and measure how well it does.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
policy_app = typer.Typer(help="Check and show policy packs.", no_args_is_help=True)
app.add_typer(policy_app, name="policy")

out = Console()
err = Console(stderr=True)

PolicyOpt = Annotated[
    Path | None, typer.Option("--policy", "-p", help="Policy pack folder (default: the shipped pack).")
]
DetectorsOpt = Annotated[
    list[str] | None, typer.Option("--detector", "-d", help="Run only these detectors (repeatable).")
]

_ACTION_STYLE = {
    Action.ALLOW: "green",
    Action.LABEL: "cyan",
    Action.LIMIT_REACH: "yellow",
    Action.AGE_RESTRICT: "yellow",
    Action.ESCALATE_TO_REVIEW: "magenta",
    Action.REMOVE: "bold red",
    Action.SUSPEND_ACCOUNT: "bold red",
}


def _fail(message: str, code: int = 2) -> typer.Exit:
    err.print(f"[bold red]error:[/] {message}", highlight=False)
    return typer.Exit(code)


def _engine(policy: Path | None, detectors: list[str] | None) -> Engine:
    try:
        return Engine.load(policy, detectors=detectors or None)
    except PolicyError as exc:
        raise _fail(str(exc)) from exc
    except (RegistryError, WatchkeeperError) as exc:
        raise _fail(str(exc)) from exc


def _decision_json(decision: Decision) -> str:
    return decision.model_dump_json()


def _print_decision(decision: Decision, text: str) -> None:
    primary = decision.primary_action
    head = Text.assemble(
        ("Decision ", "bold"),
        (", ".join(a.value for a in decision.actions), _ACTION_STYLE[primary]),
        (f"   policy {decision.policy_name} {decision.policy_version}", "dim"),
        ("   automated" if decision.automated else "   needs a person", "dim"),
    )
    out.print(head)
    # the text with every evidence span highlighted
    spans: list[tuple[int, int]] = []
    for v in decision.verdicts:
        for s in v.signals:
            for e in s.evidence:
                if e.field == "text" and e.start is not None and e.end is not None and e.end > e.start:
                    spans.append((e.start, e.end))
    shown = Text(text)
    for a, b in spans:
        shown.stylize("bold reverse", a, b)
    out.print(shown)
    table = Table(show_header=True, header_style="bold", box=None, pad_edge=False)
    for col in ("category", "verdict", "score", "band", "actions", "evidence"):
        table.add_column(col)
    for v in sorted(decision.verdicts, key=lambda v: -v.score):
        if v.verdict is Verdict.CLEAR:
            continue
        ev_lines: list[str] = []
        for s in v.signals:
            if not s.is_ok:
                ev_lines.append(f"{s.detector}: {s.status.value} ({s.message})")
                continue
            for e in s.evidence[:3]:
                where = f"[{e.start}:{e.end}]" if e.start is not None else ""
                label = e.note or e.matched or ""
                quoted = f"{e.excerpt!r} " if e.excerpt else ""
                ev_lines.append(f"{s.detector} {where} {quoted}{label}".replace("  ", " ").strip())
        table.add_row(
            v.category,
            v.verdict.value,
            f"{v.score:.2f}",
            v.band or "",
            ", ".join(a.value for a in v.actions),
            "\n".join(ev_lines),
        )
    if table.row_count:
        out.print(table)
    out.print(Text("Why: ", style="bold") + Text(decision.rationale))
    for r in decision.shadow_rules:
        out.print(
            Text(f"shadow rule {r.name} would have: {', '.join(a.value for a in r.actions)}", style="dim")
        )


BATCH = 64


def _moderate_file(engine: Engine, src: Path, dst: Path | None, max_text_chars: int) -> tuple[int, int]:
    """Stream ``src`` to ``dst``: exactly one output line per non-empty input line (decision or error),
    in input order. Items are decided in batches of ``BATCH`` (model calls are batched)."""
    total = src.stat().st_size
    counts = {"ok": 0, "bad": 0}
    sink: TextIO = dst.open("w", encoding="utf-8") if dst else sys.stdout
    pending: list[tuple[int, Any]] = []  # (line, Item | error record)

    def flush() -> None:
        items = [entry for _, entry in pending if not isinstance(entry, dict)]
        results: list[Decision | dict[str, str]]
        try:
            results = list(engine.moderate_many(items))
        except Exception:  # an engine bug in the batch path: decide one by one so only bad items fail
            results = [_decide_or_error(engine, it) for it in items]
        decisions = iter(results)
        for lineno, entry in pending:
            if isinstance(entry, dict):
                sink.write(json.dumps(entry, ensure_ascii=False) + "\n")
                counts["bad"] += 1
                continue
            result = next(decisions)
            if isinstance(result, Decision):
                sink.write(_decision_json(result) + "\n")
                counts["ok"] += 1
            else:
                sink.write(json.dumps({"line": lineno, "id": entry.id, **result}, ensure_ascii=False) + "\n")
                counts["bad"] += 1
        pending.clear()

    progress = Progress(
        TextColumn("[bold]moderating"),
        BarColumn(),
        TextColumn("{task.fields[items]} items"),
        TimeRemainingColumn(),
        console=err,
        disable=dst is None or not err.is_terminal,
    )
    try:
        with progress, src.open("rb") as fh:
            task = progress.add_task("moderate", total=total, items=0)
            for lineno, raw_line in enumerate(fh, 1):
                progress.update(task, advance=len(raw_line), items=counts["ok"] + counts["bad"])
                if not raw_line.strip():
                    continue
                pending.append((lineno, _parse_line(raw_line, lineno, src.name, max_text_chars)))
                if sum(not isinstance(e, dict) for _, e in pending) >= BATCH:
                    flush()
            flush()
            progress.update(task, completed=total, items=counts["ok"] + counts["bad"])
    finally:
        if dst:
            sink.close()
    return counts["ok"], counts["bad"]


def _parse_line(raw_line: bytes, lineno: int, source: str, max_text_chars: int) -> Any:
    """An Item, or an error record for a line that cannot be one."""
    data: Any = None
    try:
        data = json.loads(raw_line.decode("utf-8"))
        return item_from_record(data, fallback_id=f"{source}:{lineno}", max_text_chars=max_text_chars)
    except UnicodeDecodeError as exc:
        record: dict[str, Any] = {"line": lineno, "error": f"not UTF-8: {exc}"}
    except json.JSONDecodeError as exc:
        record = {"line": lineno, "error": f"invalid JSON: {exc.msg} at column {exc.colno}"}
    except InputError as exc:
        record = {"line": lineno, "error": str(exc)}
    if isinstance(data, dict) and "id" in data:
        record["id"] = str(data["id"])
    return record


def _decide_or_error(engine: Engine, item: Any) -> Decision | dict[str, str]:
    try:
        return engine.moderate(item)
    except Exception as exc:  # an engine bug must not lose the rest of the file
        return {"error": f"internal error: {type(exc).__name__}: {exc}"}


@app.command()
def moderate(
    text: Annotated[str | None, typer.Argument(help="Text to moderate (or use --input).")] = None,
    input: Annotated[Path | None, typer.Option("--input", "-i", help="JSONL file of items.")] = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Where to write decisions (JSONL).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the decision as one JSON object.")] = False,
    surface: Annotated[Surface, typer.Option(help="Where the content appears.")] = Surface.OTHER,
    kind: Annotated[ItemKind, typer.Option(help="What kind of content it is.")] = ItemKind.TEXT,
    policy: PolicyOpt = None,
    detector: DetectorsOpt = None,
    caption: Annotated[
        str | None, typer.Option(help="Caption / description / hashtags of a media file (judged with it).")
    ] = None,
) -> None:
    """Moderate one text, a video or image file (`watchkeeper moderate clip.mp4`: decision with a
    timeline), or stream a JSONL file of items into a JSONL file of decisions."""
    if (text is None) == (input is None):
        raise _fail("give either a TEXT argument or --input FILE")
    settings = load_settings()
    engine = _engine(policy, detector)
    try:
        if input is not None:
            if not input.is_file():
                raise _fail(f"{input}: no such file")
            freeze_long_lived()  # the engine lives until the whole file is done
            start = time.perf_counter()
            ok, bad = _moderate_file(engine, input, output, settings.max_text_chars)
            secs = time.perf_counter() - start
            rate = (ok + bad) / max(secs, 1e-9)
            where = f" -> {output}" if output else ""
            err.print(f"{ok} decisions, {bad} error records, {secs:.1f}s ({rate:.0f} items/s){where}")
            return
        assert text is not None
        from watchkeeper.extract.media import is_media_path

        if is_media_path(text):
            _moderate_media(engine, Path(text), surface, as_json, caption)
            return
        if len(text) > settings.max_text_chars:
            raise _fail(f"text is {len(text)} characters; the limit is {settings.max_text_chars}")
        decision = engine.moderate_text(text, surface=surface, kind=kind)
        if as_json:
            typer.echo(_decision_json(decision))
        else:
            _print_decision(decision, text)
    finally:
        engine.close()


def _clock(seconds: float) -> str:
    return f"{int(seconds // 60):02d}:{seconds % 60:05.2f}"


def timeline(decision: Decision) -> list[dict[str, Any]]:
    """Every piece of time-coded evidence of the decision's non-clear verdicts, in time order."""
    rows: list[dict[str, Any]] = []
    for v in decision.verdicts:
        if v.verdict is Verdict.CLEAR:
            continue
        for s in v.signals:
            if not s.is_ok or s.score <= 0:
                continue
            for e in s.evidence:
                if e.timecode_s is None and e.frame_index is None:
                    continue
                rows.append(
                    {
                        "t": e.timecode_s,
                        "frame": e.frame_index,
                        "category": v.category,
                        "score": round(s.score, 3),
                        "detector": s.detector,
                        "what": e.excerpt or e.note or e.matched or "",
                    }
                )
    unique = {(r["t"], r["frame"], r["category"], r["what"]): r for r in rows}  # one row per finding
    return sorted(unique.values(), key=lambda r: (r["t"] is None, r["t"] or 0.0, r["frame"] or 0))


def _moderate_media(engine: Engine, path: Path, surface: Surface, as_json: bool, caption: str | None) -> None:
    from watchkeeper.extract.media import Extractors, analyse_file
    from watchkeeper.extract.video import MediaError

    start = time.perf_counter()
    try:
        fields = {"caption": caption} if caption else {}
        analysis = analyse_file(path, surface=surface, fields=fields, extractors=Extractors.default())
    except MediaError as exc:
        raise _fail(f"{path}: refused: {exc}") from exc
    t = time.perf_counter()
    decision = engine.moderate(analysis.item)
    timings = {**analysis.timings_s, "decide": time.perf_counter() - t, "total": time.perf_counter() - start}
    rows = timeline(decision)
    if as_json:
        body = json.loads(decision.model_dump_json())
        body["timeline"] = rows
        body["media"] = analysis.item.metadata.get("media", {})
        body["timings_s"] = {k: round(v, 3) for k, v in timings.items()}
        typer.echo(json.dumps(body, ensure_ascii=False))
        return
    _print_decision(decision, caption or "")
    media = analysis.item.metadata.get("media", {})
    frames = analysis.item.metadata.get("frames", [])
    desc = ", ".join(f"{k} {media[k]}" for k in ("video_codec", "width", "height", "fps") if k in media)
    out.print(Text(f"{path.name}: {desc}; {len(frames)} frames sampled", style="dim"))
    for r in rows:
        when = _clock(r["t"]) if r["t"] is not None else "image"
        frame = f" frame {r['frame']}" if r["frame"] is not None else ""
        out.print(f"  at {when}{frame}: {r['category']} {r['score']:.2f} ({r['detector']}) {r['what']}")
    out.print(Text("stages: " + ", ".join(f"{k} {v:.2f}s" for k, v in timings.items()), style="dim"))


@policy_app.command("check")
def policy_check(directory: Annotated[Path, typer.Argument(help="Policy pack folder.")]) -> None:
    """Validate a pack: every problem is listed with file:line and a hint; exit 1 if any."""
    try:
        pack = load_pack(directory)
    except PolicyError as exc:
        for issue in exc.issues:
            err.print(str(issue), highlight=False, soft_wrap=True)
        err.print(f"[bold red]{len(exc.issues)} problem(s)[/]; the pack was not loaded.")
        raise typer.Exit(1) from exc
    rules = len(pack.manifest.rules)
    shadow = sum(r.mode == "shadow" for r in pack.manifest.rules)
    out.print(
        f"[green]ok[/] {pack.name} {pack.version}: {len(pack.categories)} categories, "
        f"{rules} rules ({shadow} shadow)"
    )


@policy_app.command("show")
def policy_show(
    policy: PolicyOpt = None,
    category: Annotated[
        str | None, typer.Option("--category", "-c", help="Show one category in full.")
    ] = None,
) -> None:
    """Show the pack's categories, bands and rules (or one category in full)."""
    try:
        pack = load_pack(policy or load_settings().policy_dir)
    except PolicyError as exc:
        raise _fail(str(exc)) from exc
    if category:
        try:
            c = pack.category(category)
        except KeyError:
            raise _fail(f"no category {category!r}; have: {', '.join(pack.category_ids())}") from None
        out.print(f"[bold]{c.title}[/] ({c.id}), severity {c.severity}, surfaces {c.surfaces}")
        out.print(c.definition.strip())
        out.print("[bold]In scope[/]")
        for s in c.in_scope:
            out.print(f"  • {s}")
        out.print("[bold]Out of scope[/]")
        for s in c.out_of_scope:
            out.print(f"  • {s}")
        out.print(f"[bold]Violation threshold[/] {pack.threshold(c):.2f}")
        for b in c.bands:
            only = f" (reached only by {', '.join(b.detectors)})" if b.detectors else ""
            out.print(f"  ≥ {b.min_score:.2f} {b.name}: {', '.join(a.value for a in b.actions)}{only}")
        out.print(
            f"[bold]Rules tier[/] {len(c.signals.terms)} terms, {len(c.signals.patterns)} patterns, "
            f"{len(c.signals.domains)} domains, {len(c.signals.exceptions)} exceptions"
        )
        out.print(
            f"[bold]Examples[/] {len(c.examples.positive)} positive, {len(c.examples.negative)} negative"
        )
        return
    out.print(f"[bold]{pack.name}[/] {pack.version}  ({pack.source})")
    table = Table("category", "sev", "threshold", "bands", "on error", "terms", "patterns")
    for c in sorted(pack.categories, key=lambda c: (-c.severity, c.id)):
        bands = "; ".join(
            f"≥{b.min_score:.2f} {'+'.join(a.value for a in b.actions)}"
            + (f" (only {'/'.join(b.detectors)})" if b.detectors else "")
            for b in c.bands
        )
        table.add_row(
            c.id,
            str(c.severity),
            f"{pack.threshold(c):.2f}",
            bands,
            "+".join(a.value for a in pack.on_error(c)),
            str(len(c.signals.terms)),
            str(len(c.signals.patterns)),
        )
    out.print(table)
    if pack.manifest.vocabularies:
        vt = Table("vocabulary", "words", "used by")
        for name, words in pack.manifest.vocabularies.items():
            vt.add_row(name, str(len(words)), ", ".join(pack.vocabulary_users(name)) or "(unused)")
        out.print(vt)
    if pack.manifest.rules:
        rt = Table("rule", "mode", "when", "actions")
        for r in pack.manifest.rules:
            when = ", ".join(f"{k}={v}" for k, v in r.when.model_dump(exclude_defaults=True).items())
            rt.add_row(r.name, r.mode, when, ", ".join(a.value for a in r.actions))
        out.print(rt)


@app.command("eval")
def eval_cmd(
    files: Annotated[list[Path], typer.Argument(help="Labelled JSONL files (shared dataset format).")],
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object (stable shape).")] = False,
    limit: Annotated[int | None, typer.Option(help="Only the first N records of each file.")] = None,
    split: Annotated[
        str | None,
        typer.Option(help="Only rows of this split (holdout: never trained on; calibration; train)."),
    ] = None,
    policy: PolicyOpt = None,
    detector: DetectorsOpt = None,
) -> None:
    """Precision, recall, F1 and false-positive rate per file, per category, and items/s."""
    if split is not None and split not in SPLITS:
        raise _fail(f"--split must be one of {', '.join(SPLITS)}")
    missing = [str(f) for f in files if not f.is_file()]
    if missing:
        raise _fail(f"no such file: {', '.join(missing)}")
    engine = _engine(policy, detector)
    results: list[DatasetResult] = []
    try:
        with Progress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            console=err,
            disable=not err.is_terminal,
            transient=True,
        ) as progress:
            for f in files:
                task = progress.add_task(f.stem, total=None)
                try:
                    results.append(
                        evaluate_file(
                            f,
                            engine.moderate_many,
                            limit=limit,
                            known_categories=engine.policy.category_ids(),
                            on_item=lambda t=task: progress.advance(t),  # type: ignore[misc]
                            split=split,
                        )
                    )
                except InputError as exc:
                    raise _fail(str(exc)) from exc
    finally:
        engine.close()
    if as_json:
        typer.echo(json.dumps(report_json(results), indent=None))
        return
    table = Table(
        title=f"watchkeeper eval — policy {engine.policy.name} {engine.policy.version}, "
        f"detectors {', '.join(engine.detector_names)}"
    )
    for col in ("dataset", "n", "P", "R", "F1", "FPR", "items/s", "per-category F1 (labelled rows)"):
        table.add_column(
            col, justify="right" if col not in ("dataset", "per-category F1 (labelled rows)") else "left"
        )
    for r in results:
        fl = r.flagged
        cats = ", ".join(f"{c} {r.categories[c].f1:.2f}" for c in sorted(r.categories))
        fpr = fl.fpr
        table.add_row(
            r.name,
            str(r.n),
            f"{fl.precision:.3f}",
            f"{fl.recall:.3f}",
            f"{fl.f1:.3f}",
            f"{fpr:.3f}" if fpr is not None else "—",
            f"{r.items_per_s:.0f}",
            cats,
        )
    out.print(table)
    unknown = sorted({c for r in results for c in r.unknown_categories})
    if unknown:
        err.print(f"[yellow]labels not in the pack (ignored):[/] {', '.join(unknown)}")


@app.command()
def train(
    files: Annotated[list[Path], typer.Argument(help="Permissively licensed labelled JSONL files.")],
    output: Annotated[
        Path | None, typer.Option("--out", help="Artifact path (default: the packaged artifact).")
    ] = None,
    seed: Annotated[int, typer.Option(help="Random seed (same seed + data = same heads).")] = 13,
    neighbours: Annotated[
        int | None,
        typer.Option(
            min=0,
            help="Nearest training rows each full head also reads (default 80; 0: off, a ~10 MB "
            "smaller artifact and a few % more items/s, lower quality); see docs/classifiers.md.",
        ),
    ] = None,
    version: Annotated[str | None, typer.Option(help="Artifact version (default: today's date).")] = None,
    policy: PolicyOpt = None,
) -> None:
    """Train the text heads (per category + violating) with calibration, and write a model card."""
    from watchkeeper.signals.classifiers.encoder import shared_encoder, shared_multilingual_encoder
    from watchkeeper.signals.classifiers.heads import DEFAULT_ARTIFACT
    from watchkeeper.signals.classifiers.modelcard import write_model_card
    from watchkeeper.signals.classifiers.training import TrainConfig, load_rows, policy_rows, train_heads

    missing = [str(f) for f in files if not f.is_file()]
    if missing:
        raise _fail(f"no such file: {', '.join(missing)}")
    try:
        pack = load_pack(policy or load_settings().policy_dir)
        rows = load_rows(files) + policy_rows(pack)
    except (PolicyError, InputError) as exc:
        raise _fail(str(exc)) from exc
    target = output or load_settings().heads_path or DEFAULT_ARTIFACT
    k = TrainConfig.neighbours if neighbours is None else neighbours
    heads = train_heads(
        rows,
        shared_encoder(),
        config=TrainConfig(seed=seed, neighbours=k),
        version=version,
        log=lambda m: err.print(m, highlight=False),
        cache_dir=Path.home() / ".cache" / "watchkeeper",
        multilingual_encoder=shared_multilingual_encoder(),
    )
    if not heads.full:
        raise _fail("no head had enough labelled data to pass the quality bar; nothing was written")
    heads.save(target)
    card = write_model_card(heads, target)
    size = target.stat().st_size / 1e6
    err.print(f"wrote {target} ({size:.1f} MB) and {card}")


@app.command()
def label(
    src: Annotated[
        Path, typer.Argument(help="JSONL records with 'id' and 'text' (the shared dataset format).")
    ],
    output: Annotated[Path, typer.Option("--out", help="Where to write the labelled JSONL.")],
    backend: Annotated[
        str | None,
        typer.Option(help="openai | transformers | llamacpp (default: WATCHKEEPER_JUDGE_BACKEND)."),
    ] = None,
    base_url: Annotated[
        str | None, typer.Option(help="OpenAI-compatible API root, e.g. http://127.0.0.1:8000/v1.")
    ] = None,
    model: Annotated[str | None, typer.Option(help="Model name on the server.")] = None,
    model_path: Annotated[Path | None, typer.Option(help="Local model folder or GGUF file.")] = None,
    gguf_file: Annotated[
        str | None, typer.Option(help="GGUF file inside --model-path (transformers).")
    ] = None,
    fmt: Annotated[
        str | None,
        typer.Option(
            "--format", help="watchkeeper | gpt-oss-safeguard | llama-guard | qwen3guard | shieldgemma."
        ),
    ] = None,
    category: Annotated[
        list[str] | None, typer.Option("--category", "-c", help="Label only these categories (repeatable).")
    ] = None,
    limit: Annotated[int | None, typer.Option(help="Label at most this many records.")] = None,
    workers: Annotated[int, typer.Option(help="Judge calls in flight at once.")] = 4,
    cache: Annotated[
        Path | None,
        typer.Option(help="SQLite reply cache (a rerun only calls the model for what is missing)."),
    ] = None,
    policy: PolicyOpt = None,
) -> None:
    """Label records with the LLM judge under the current policy (for `watchkeeper train`: distillation)."""
    from watchkeeper.errors import SettingsError
    from watchkeeper.signals.llm import build_judge
    from watchkeeper.signals.llm.labeling import label_file

    if not src.is_file():
        raise _fail(f"no such file: {src}")
    overrides: dict[str, Any] = {
        k: v
        for k, v in {
            "judge_backend": backend,
            "judge_base_url": base_url,
            "judge_model": model,
            "judge_model_path": model_path,
            "judge_gguf_file": gguf_file,
            "judge_format": fmt,
            "judge_cache_path": cache,
        }.items()
        if v is not None
    }
    try:
        settings = load_settings(**overrides)
        pack = load_pack(policy or settings.policy_dir)
        unknown = [c for c in category or [] if c not in pack.category_ids()]
        if unknown:
            raise _fail(
                f"unknown categories: {', '.join(unknown)}; the pack has {', '.join(pack.category_ids())}"
            )
        judge = build_judge(pack, settings)
        if judge.client is None:
            raise _fail("no LLM backend configured: pass --backend (see docs/llm-judge.md)")
        err.print(f"labelling {src} with {judge.model} ({judge.fmt.value}) under {pack.name} {pack.version}")
        judge.warm_up()
        summary = label_file(judge, src, output, categories=category, limit=limit, workers=workers)
    except (SettingsError, PolicyError, InputError) as exc:
        raise _fail(str(exc)) from exc
    err.print(
        f"read {summary.read}, labelled {summary.labelled} ({summary.flagged} flagged), "
        f"failed {summary.failed}; {summary.calls} model calls, {summary.cached} from cache -> {output}"
    )
    for reason, n in summary.reasons.most_common(10):
        err.print(f"  {n} x {reason}")


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8080,
    database_url: Annotated[
        str | None,
        typer.Option(help="SQLAlchemy URL (default: WATCHKEEPER_DATABASE_URL or ./watchkeeper.db)."),
    ] = None,
    policy: PolicyOpt = None,
    detector: DetectorsOpt = None,
    workers: Annotated[
        int,
        typer.Option(min=1, max=64, help="Worker processes (each with its own engine; use the core count)."),
    ] = 1,
) -> None:
    """Run the HTTP API and the reviewer console (OpenAPI docs at /docs; OpenAI-compatible
    POST /v1/moderations). Several workers share the database; claims and leases keep them apart."""
    import uvicorn

    from watchkeeper.review import Store
    from watchkeeper.review.keys import KeyStore
    from watchkeeper.service import Service, create_app

    if database_url:
        os.environ["WATCHKEEPER_DATABASE_URL"] = database_url
    if policy is not None:
        os.environ["WATCHKEEPER_POLICY_DIR"] = str(policy)
    if detector:
        os.environ["WATCHKEEPER_DETECTORS"] = json.dumps(detector)
    settings = load_settings()
    engine = _engine(policy, detector)
    store = Store.open(settings.database_url)  # migrations run once, here, before any worker starts
    keys = KeyStore(store).list()
    err.print(
        f"serving {engine.policy.name} {engine.policy.version} on http://{host}:{port} ({store.dialect}, "
        f"{workers} worker process{'es' if workers > 1 else ''}); console at /console, API docs at /docs"
    )
    if settings.auth and not keys:
        err.print(
            "[yellow]no API keys yet: every request will get 401. Create one with "
            "`watchkeeper keys create --name ops --role admin`[/yellow]"
        )
    if not settings.auth:
        err.print("[yellow]auth is off (WATCHKEEPER_AUTH=false): every caller is an anonymous admin[/yellow]")
    if workers > 1:
        # each process has its own engine; split the cores between them (the encoder's threads and the
        # native pools, which would otherwise each size themselves to every core)
        from watchkeeper.signals.classifiers.encoder import worker_thread_env

        share = max(1, (os.cpu_count() or 2) // workers)
        budget = int(os.environ.get("WATCHKEEPER_ENCODER_THREADS") or share)
        for key, value in worker_thread_env(budget).items():
            os.environ.setdefault(key, value)
        store.close()
        uvicorn.run(
            "watchkeeper.service.app:app_from_settings",
            factory=True,
            host=host,
            port=port,
            workers=workers,
            log_level="warning",
        )
        return
    service = Service(engine, store, settings=settings)
    api = create_app(service)
    freeze_long_lived()  # the engine and the service live until the server stops
    try:
        uvicorn.run(api, host=host, port=port, log_level="warning")
    finally:
        service.close()


keys_app = typer.Typer(help="API keys with roles (integrator, reviewer, lead, admin).", no_args_is_help=True)
app.add_typer(keys_app, name="keys")
DbOpt = Annotated[
    str | None, typer.Option("--database-url", help="SQLAlchemy URL (default: WATCHKEEPER_DATABASE_URL).")
]


def _store(database_url: str | None) -> Any:
    from watchkeeper.review import Store

    return Store.open(database_url or load_settings().database_url)


@keys_app.command("create")
def keys_create(
    name: Annotated[
        str, typer.Option(help="The person or system that holds the key (recorded on every action).")
    ],
    role: Annotated[str, typer.Option(help="integrator | reviewer | lead | admin")],
    queue: Annotated[
        list[str] | None,
        typer.Option("--queue", "-q", help="Queue a reviewer works (repeat; reviewers need one)."),
    ] = None,
    database_url: DbOpt = None,
) -> None:
    """Create a key and print its token once (only a hash is stored)."""
    from watchkeeper.review.keys import KeyStore

    pack = load_pack(load_settings().policy_dir)
    spec = pack.manifest.review
    known = {q.id for q in spec.queues} | {spec.default_queue.id, spec.appeals_queue.id}
    unknown = set(queue or ()) - known
    if unknown:
        err.print(
            f"[red]unknown queues: {', '.join(sorted(unknown))}; known: {', '.join(sorted(known))}[/red]"
        )
        raise typer.Exit(2)
    if role == "reviewer" and not queue:
        err.print("[red]a reviewer key needs at least one --queue[/red]")
        raise typer.Exit(2)
    try:
        key, token = KeyStore(_store(database_url)).create(name=name, role=role, queues=tuple(queue or ()))
    except WatchkeeperError as exc:
        err.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from exc
    err.print(f"created {key.role} key {key.key_id} for {key.name}; the token is shown once:")
    typer.echo(token)


@keys_app.command("list")
def keys_list(database_url: DbOpt = None) -> None:
    """List keys (never their tokens)."""
    from watchkeeper.review.keys import KeyStore

    table = Table("key id", "name", "role", "queues", "created", "revoked")
    for k in KeyStore(_store(database_url)).list():
        table.add_row(
            k.key_id, k.name, k.role, ", ".join(k.queues) or "all", f"{k.created_at:%Y-%m-%d}",
            f"{k.revoked_at:%Y-%m-%d}" if k.revoked_at else "",
        )  # fmt: skip
    Console().print(table)


@keys_app.command("revoke")
def keys_revoke(key_id: str, database_url: DbOpt = None) -> None:
    """Revoke a key (takes effect within seconds on running servers)."""
    from watchkeeper.review.keys import KeyStore

    try:
        KeyStore(_store(database_url)).revoke(key_id)
    except WatchkeeperError as exc:
        err.print(f"[red]{exc}[/red]")
        raise typer.Exit(1) from exc
    err.print(f"revoked {key_id}")


export_app = typer.Typer(help="Export statements of reasons and reviewer labels.", no_args_is_help=True)
app.add_typer(export_app, name="export")


@export_app.command("statements")
def export_statements(
    out: Annotated[
        Path, typer.Option("--out", help='JSON file: {"statements": [...]} per line, 100 at most each.')
    ],
    since: Annotated[str | None, typer.Option(help="ISO date/time; only enforcement from then on.")] = None,
    database_url: DbOpt = None,
) -> None:
    """Statements of reasons in the EU DSA Transparency Database API format (one batch of up to 100
    statements per line, ready for its multiple-statements endpoint)."""
    from datetime import UTC, datetime

    from watchkeeper.review.workflow import Workflow

    pack = load_pack(load_settings().policy_dir)
    start = datetime.fromisoformat(since).replace(tzinfo=UTC) if since else None
    found = Workflow(_store(database_url), pack).statements(since=start)
    with out.open("w", encoding="utf-8") as fh:
        for i in range(0, len(found), 100):
            batch = [st.model_dump(exclude_none=True) for st in found[i : i + 100]]
            fh.write(json.dumps({"statements": batch}, ensure_ascii=False) + "\n")
    err.print(f"wrote {len(found)} statements to {out}")


@export_app.command("labels")
def export_labels(
    out: Annotated[Path, typer.Option("--out", help="JSONL in the shared labelled-data format.")],
    database_url: DbOpt = None,
) -> None:
    """Reviewer decisions as labelled data, for `watchkeeper eval` and `watchkeeper train`."""
    from watchkeeper.review.workflow import Workflow

    pack = load_pack(load_settings().policy_dir)
    n = 0
    with out.open("w", encoding="utf-8") as fh:
        for row in Workflow(_store(database_url), pack).labelled_rows():
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
            n += 1
    err.print(f"wrote {n} labelled rows to {out}")


@app.command("detectors")
def detectors_cmd() -> None:
    """List the registered detectors (built-ins and plugins) in cascade order."""
    reg = default_registry()
    pack = load_pack(default_policy_dir())
    table = Table("name", "cost", "reads", "categories", "from")
    built = sorted((reg.create(n, pack) for n in reg.names()), key=lambda d: d.cost)
    for d in built:
        table.add_row(
            d.name,
            str(d.cost),
            "all" if d.kinds is None else ", ".join(sorted(k.value for k in d.kinds)),
            "all" if d.categories is None else ", ".join(sorted(d.categories)),
            reg.origin(d.name),
        )
    out.print(table)


if __name__ == "__main__":  # pragma: no cover
    app()


banks_app = typer.Typer(help="Hash banks of known-bad media (PDQ). Banks are defined in the policy pack.")
app.add_typer(banks_app, name="banks")


def _bank_store(database_url: str | None, bank: str | None = None) -> Any:
    from watchkeeper.review.banks import BankStore

    if bank is not None:
        pack = load_pack(load_settings().policy_dir)
        if pack.bank(bank) is None:
            known = ", ".join(b.name for b in pack.manifest.banks) or "none"
            raise _fail(f"no bank {bank!r} in the policy pack (banks: {known})")
    return BankStore(_store(database_url))


@banks_app.command("list")
def banks_list(database_url: DbOpt = None) -> None:
    """The pack's banks, what a match does, and how many live hashes each holds."""
    pack = load_pack(load_settings().policy_dir)
    counts = _bank_store(database_url).counts()
    table = Table("bank", "category", "score", "actions", "max distance", "hashes")
    for b in pack.manifest.banks:
        actions = ", ".join(a.value for a in b.actions) or "(bands)"
        count = str(counts.get(b.name, 0))
        table.add_row(b.name, b.category, f"{b.score:.2f}", actions, str(b.max_distance), count)
    Console().print(table)


@banks_app.command("add")
def banks_add(
    bank: str,
    files: Annotated[list[Path], typer.Argument(help="Images or videos whose PDQ hashes to add.")],
    note: Annotated[str | None, typer.Option(help="Why these are in the bank.")] = None,
    database_url: DbOpt = None,
) -> None:
    """Hash media files (every sampled frame of a video) and add the hashes to a bank."""
    from watchkeeper.extract.media import analyse_file
    from watchkeeper.extract.video import MediaError

    store = _bank_store(database_url, bank)
    hashes: list[tuple[str, int | None]] = []
    for f in files:
        try:
            item = analyse_file(f).item
        except MediaError as exc:
            raise _fail(f"{f}: {exc}") from exc
        hashes += [(h["pdq"], h["quality"]) for h in item.metadata["media_hashes"] if h["quality"] >= 50]
    added, already = store.add(bank, hashes, source="files", added_by="cli", note=note)
    err.print(f"{bank}: {added} hashes added, {already} already there")


@banks_app.command("hash")
def banks_hash(file: Path) -> None:
    """Print a video's or image's frame hashes in the vPDQ file format (`frame,quality,hash,timestamp`),
    to share with other platforms or import into a bank."""
    from watchkeeper.extract.media import analyse_file
    from watchkeeper.extract.video import MediaError

    try:
        item = analyse_file(file).item
    except MediaError as exc:
        raise _fail(f"{file}: {exc}") from exc
    for h in item.metadata["media_hashes"]:
        typer.echo(f"{h['frame'] or 0},{h['quality']},{h['pdq']},{h['t'] or 0.0:.3f}")


@banks_app.command("remove")
def banks_remove(bank: str, hashes: list[str], database_url: DbOpt = None) -> None:
    """Take hashes out of a bank (kept as tombstones for the record)."""
    n = _bank_store(database_url, bank).remove(bank, hashes, removed_by="cli")
    err.print(f"{bank}: {n} removed")


@banks_app.command("import")
def banks_import(bank: str, file: Path, database_url: DbOpt = None) -> None:
    """Import a ThreatExchange / HMA signal file (`pdq <hash>` or `<hash>[,quality]` lines)."""
    store = _bank_store(database_url, bank)
    with file.open(encoding="utf-8") as fh:
        report = store.import_file(bank, fh, source=f"file:{file.name}", added_by="cli")
    err.print(
        f"{bank}: {report.added} added, {report.already} already there, {len(report.refused)} lines refused"
    )
    for line, why in report.refused[:20]:
        err.print(f"  line {line}: {why}")


@banks_app.command("export")
def banks_export(
    bank: str, out_file: Annotated[Path, typer.Option("--out")], database_url: DbOpt = None
) -> None:
    """Write a bank's live hashes in the ThreatExchange signal-file format (`pdq <hash>` lines)."""
    with out_file.open("w", encoding="utf-8") as fh:
        n = _bank_store(database_url, bank).export(bank, fh)
    err.print(f"{bank}: {n} hashes -> {out_file}")

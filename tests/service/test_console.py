"""The reviewer console in headless Chromium (Debian's /usr/bin/chromium driven by Playwright; never a
downloaded browser): sign in with a reviewer key, see only your queues, take the next case, read the
highlighted evidence, the video timeline and the policy excerpt, reveal blurred media, decide with a
keyboard shortcut, and get the next case. A screenshot of the case page is checked to be not blank."""

from __future__ import annotations

import base64
import io
import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import uvicorn
from PIL import Image, ImageDraw, ImageStat

from watchkeeper.engine import Engine
from watchkeeper.review import Store
from watchkeeper.review.keys import KeyStore
from watchkeeper.service import Service, create_app
from watchkeeper.settings import load_settings
from watchkeeper.types import (
    Action,
    CategoryVerdict,
    Decision,
    Evidence,
    Item,
    ItemKind,
    Signal,
    Verdict,
)

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "build" / "console"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]  # fmt: skip

if not Path(CHROMIUM).exists():
    if os.environ.get("WATCHKEEPER_REQUIRE_BROWSER"):
        pytest.fail(f"{CHROMIUM} is missing (apt-get install chromium); .ci/run installs it", pytrace=False)
    pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)", allow_module_level=True)


def _frame(color: tuple[int, int, int], label: str) -> str:
    img = Image.new("RGB", (160, 90), color)
    draw = ImageDraw.Draw(img)
    draw.rectangle((20, 20, 140, 70), outline=(255, 255, 255), width=3)
    draw.text((30, 35), label, fill=(255, 255, 255))
    buf = io.BytesIO()
    img.save(buf, "PNG")
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode()


def _video_case(store: Store, engine: Engine, service: Service) -> None:
    """A video whose detectors (issue 4's extractors) flagged speech at 00:31 and frames at 00:12."""
    pack = engine.policy
    item = Item(
        id="video-1",
        kind=ItemKind.VIDEO,
        fields={"caption": "my story", "transcript": "nobody would miss me if I was gone, I want to end it"},
        author_id="creator-7",
        metadata={"duration_s": 60, "views": 120000, "views_per_hour": 4000,
                  "frames": [{"t": 12.0, "uri": _frame((150, 30, 30), "frame 12s")},
                             {"t": 31.0, "uri": _frame((30, 90, 150), "frame 31s")}]},
    )  # fmt: skip
    text = item.fields["transcript"]
    start = text.index("I want to end it")
    signals = (
        Signal(detector="asr+rules", category="self_harm", score=0.7,
               evidence=(Evidence(field="transcript", start=start, end=start + 16, excerpt="I want to end it",
                                  timecode_s=31.0),)),
        Signal(detector="frames", category="violence_graphic", score=0.4,
               evidence=(Evidence(timecode_s=12.0, frame_index=6, note="blood on frame"),)),
    )  # fmt: skip
    decision = Decision(
        item_id=item.id, content_hash=item.content_hash(), policy_name=pack.name, policy_version=pack.version,
        actions=(Action.ESCALATE_TO_REVIEW,),
        verdicts=(CategoryVerdict(category="self_harm", verdict=Verdict.BORDERLINE, score=0.7, severity=4,
                                  actions=(Action.ESCALATE_TO_REVIEW,), signals=signals[:1]),),
        signals=signals, rationale="self_harm 0.70 in the review band",
    )  # fmt: skip
    service.workflow.record(item, decision)


@pytest.fixture
def server(tmp_path: Path, rules_engine: Engine) -> Iterator[tuple[str, dict[str, str]]]:
    store = Store.open(f"sqlite:///{tmp_path / 'console.db'}")
    service = Service(rules_engine, store, settings=load_settings(auth=True, break_after_cases=1))
    keys = KeyStore(store)
    tokens = {
        "hana": keys.create(name="hana", role="reviewer", queues=("self-harm",))[1],
        "app": keys.create(name="app", role="integrator")[1],
    }
    _video_case(store, rules_engine, service)
    for i in range(2):  # two more self-harm cases from text, through the engine
        service.moderate(
            Item(id=f"t{i}", text=f"i want to kill myself tonight {i}", author_id=f"a{i}"), "test"
        )
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    config = uvicorn.Config(create_app(service), host="127.0.0.1", port=port, log_level="warning")
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            if httpx.get(base + "/healthz").status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.05)
    yield base, tokens
    srv.should_exit = True
    thread.join(timeout=10)
    service.close()
    store.close()


def test_console_review_flow_in_chromium(server: tuple[str, dict[str, str]], tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    base, tokens = server
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(base + "/console")
        assert page.url.endswith("/console/login")
        page.fill("#token", tokens["app"])  # an integrator key is not a reviewer's
        page.click("button[type=submit]")
        assert "not a reviewer" in page.inner_text(".error")
        page.fill("#token", tokens["hana"])
        page.click("button[type=submit]")
        rows = page.locator("tr[data-queue]")
        assert rows.count() == 1 and rows.first.get_attribute("data-queue") == "self-harm"
        assert "3" in rows.first.inner_text()
        page.click("tr[data-queue=self-harm] button")
        page.wait_for_url("**/console/cases/*")
        # the viral video has the highest priority: its case comes first
        assert "video" in page.inner_text(".case-head")
        mark = page.locator("mark[data-category=self_harm]")
        assert mark.first.inner_text() == "I want to end it"
        assert page.locator(".timeline .mark").count() == 2
        assert "00:31" in page.inner_text(".marks") and "frame 6" in page.inner_text(".marks")
        assert (
            "Suicide" in page.inner_text("#policy-title")
            or "self" in page.inner_text("#policy-title").lower()
        )
        assert page.inner_text("#policy-definition")
        img = page.locator(".frame img").first
        assert "blur" in img.evaluate("e => getComputedStyle(e).filter")
        assert "grayscale" in img.evaluate("e => getComputedStyle(e).filter")
        assert page.inner_text("#revealed-count") == "0"
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        shot = ARTIFACTS / "case-blurred.png"
        page.screenshot(path=str(shot), full_page=True)
        page.keyboard.press("v")
        page.wait_for_function(
            "() => getComputedStyle(document.querySelector('.frame img')).filter === 'none'"
        )
        assert page.inner_text("#revealed-count") == "1"
        revealed = ARTIFACTS / "case-revealed.png"
        page.screenshot(path=str(revealed), full_page=True)
        # choosing another category swaps the policy excerpt
        page.select_option("#category", "violence_graphic")
        assert (
            "graphic" in page.inner_text("#policy-title").lower()
            or "gore" in page.inner_text("#policy-definition").lower()
        )
        page.select_option("#category", "self_harm")
        page.fill("#note", "suicidal ideation in speech at 00:31; resources label")
        page.locator("body").click()  # leave the text box so the shortcut is a shortcut
        first_url = page.url
        with page.expect_navigation():
            page.keyboard.press("l")  # label
        assert page.url != first_url and "/console/cases/" in page.url  # the next case, claimed
        assert "video" not in page.inner_text(".case-head")
        assert page.locator("#break-prompt").count() == 1  # break_after_cases=1 in this test
        assert "1 cases" in page.inner_text("#exposure")
        browser.close()

    for path in (shot, revealed):
        with Image.open(path) as im:
            stat = ImageStat.Stat(im.convert("L"))
            assert im.size[0] >= 1000 and stat.stddev[0] > 10, f"{path} looks blank"
    shutil.copy(shot, tmp_path / "case.png")
    # the decision was applied through the workflow, by hana, with her note
    r = httpx.get(
        base + "/v1/decisions", params={"limit": 10}, headers={"authorization": f"Bearer {tokens['app']}"}
    )
    video = next(d for d in r.json() if d["item"]["id"] == "video-1")
    enf = httpx.get(base + f"/v1/decisions/{video['id']}/enforcement",
                    headers={"authorization": f"Bearer {tokens['app']}"}).json()  # fmt: skip
    assert [(e["action"], e["actor"], e["source"]) for e in enf] == [("label", "hana", "review")]

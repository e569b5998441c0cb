"""Media through the service: a video job is fetched within the media limits, hashed and matched
against a bank added through the API, decided with the match's timecode; refused media fails the job
at once with the reason."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from tests.media import make_video
from watchkeeper.engine import Engine
from watchkeeper.extract.media import analyse_file
from watchkeeper.review import Store
from watchkeeper.service import Service, create_app
from watchkeeper.settings import load_settings


def test_video_job_matches_a_bank_added_through_the_api(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{tmp_path / 'svc.db'}"
    monkeypatch.setenv("WATCHKEEPER_DATABASE_URL", url)  # the hashes detector reads the same database
    root = tmp_path / "media"
    root.mkdir()
    clip = make_video(root / "upload.mp4", seconds=4)
    (tmp_path / "secret.mp4").write_bytes(clip.read_bytes())
    store = Store.open(url)
    settings = load_settings(
        auth=False, media_root=root, media_extractors=False, media_fetch_hosts=["cdn.example"]
    )

    def cdn(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=clip.read_bytes())

    service = Service(Engine.load(detectors=["rules", "hashes"]), store, settings=settings,
                      transport=httpx.MockTransport(cdn), start_workers=False)  # fmt: skip
    with TestClient(create_app(service)) as c:
        hashes = [h["pdq"] for h in analyse_file(clip).item.metadata["media_hashes"]]
        r = c.post("/v1/banks/known-violent-extremism/hashes", json={"hashes": hashes, "quality": 100})
        assert r.json() == {"added": len(hashes), "already": 0}
        assert {b["name"]: b["hashes"] for b in c.get("/v1/banks").json()}["known-violent-extremism"] == len(
            hashes
        )

        def run(uri: str, item_id: str) -> dict[str, object]:
            body = {"id": item_id, "kind": "video", "media": [{"uri": uri, "mime_type": "video/mp4"}]}
            job_id = c.post("/v1/moderate", json=body).json()["job_id"]
            leased = service.jobs.lease()
            assert leased is not None
            service.run_job(*leased)
            job: dict[str, object] = c.get(f"/v1/jobs/{job_id}").json()
            return job

        job = run(clip.as_uri(), "local")
        assert job["status"] == "done"
        decision = c.get(f"/v1/decisions/{job['decision_id']}").json()
        assert "remove" in decision["decision"]["actions"]
        assert decision["item"]["media"][0]["uri"] == clip.as_uri() and decision["item"]["media"][0]["sha256"]
        ev = next(s for s in decision["decision"]["signals"] if s["detector"] == "hashes" and s["score"] > 0)
        assert ev["evidence"][0]["timecode_s"] == 0.0

        assert run("https://cdn.example/v/upload.mp4", "remote")["status"] == "done"
        outside = run((tmp_path / "secret.mp4").as_uri(), "outside")
        assert outside["status"] == "failed" and "outside the media root" in str(outside["error"])
        assert outside["attempts"] == 1  # refused media is not retried
        host = run("https://evil.example/x.mp4", "host")
        assert host["status"] == "failed" and "not_allowed" in str(host["error"])
        (root / "junk.mp4").write_bytes(b"\x00" * 100)
        junk = run((root / "junk.mp4").as_uri(), "junk")
        assert junk["status"] == "failed" and "unreadable" in str(junk["error"])
    service.close()
    store.close()

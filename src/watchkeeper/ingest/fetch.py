"""Fetching the media an item points at, with limits: ``file://`` only inside ``media_root``, and
``http(s)://`` only from hosts on ``media_fetch_hosts`` (no redirects, a size cap, a time budget) — a
moderation service must not become a way to read the server's files or reach internal addresses."""

from __future__ import annotations

import tempfile
import time
from pathlib import Path
from urllib.parse import unquote, urlparse

import httpx

from watchkeeper.extract.video import MediaError

__all__ = ["fetch_media"]


def _host_allowed(host: str, allowed: list[str]) -> bool:
    host = host.lower().rstrip(".")
    return any(host == a.lower() or host.endswith("." + a.lower().lstrip(".")) for a in allowed)


def fetch_media(
    uri: str,
    *,
    media_root: Path | None,
    allowed_hosts: list[str],
    max_bytes: int,
    timeout_s: float = 60.0,
    workdir: Path | None = None,
    transport: httpx.BaseTransport | None = None,
) -> Path:
    """A local path for ``uri`` (downloaded into ``workdir`` or a temp folder for http(s))."""
    parsed = urlparse(uri)
    if parsed.scheme in ("", "file"):
        if media_root is None:
            raise MediaError("not_allowed", "local media needs WATCHKEEPER_MEDIA_ROOT set on the server")
        path = Path(unquote(parsed.path if parsed.scheme else uri)).resolve()
        root = media_root.resolve()
        if root != path and root not in path.parents:
            raise MediaError("not_allowed", f"{path} is outside the media root {root}")
        if not path.is_file():
            raise MediaError("unreadable", f"{path} does not exist")
        return path
    if parsed.scheme not in ("http", "https") or not parsed.hostname:
        raise MediaError("not_allowed", f"unsupported media URI scheme {parsed.scheme!r}")
    if not _host_allowed(parsed.hostname, allowed_hosts):
        raise MediaError(
            "not_allowed", f"media host {parsed.hostname!r} is not on WATCHKEEPER_MEDIA_FETCH_HOSTS"
        )
    target_dir = workdir or Path(tempfile.mkdtemp(prefix="wk-media-"))
    target = target_dir / (Path(parsed.path).name or "media")
    start = time.perf_counter()
    size = 0
    try:
        with (
            httpx.Client(transport=transport, follow_redirects=False, timeout=timeout_s) as client,
            client.stream("GET", uri) as r,
        ):
            if r.status_code != 200:
                raise MediaError("unreadable", f"fetching {uri} answered HTTP {r.status_code}")
            declared = r.headers.get("content-length", "")
            if declared.isdigit() and int(declared) > max_bytes:
                raise MediaError("too_large", f"{uri} is {declared} bytes, over the {max_bytes} limit")
            with target.open("wb") as fh:
                for chunk in r.iter_bytes():
                    size += len(chunk)
                    if size > max_bytes:
                        raise MediaError("too_large", f"{uri} is over the {max_bytes} byte limit")
                    if time.perf_counter() - start > timeout_s:
                        raise MediaError("timeout", f"fetching {uri} took over {timeout_s} s")
                    fh.write(chunk)
    except httpx.HTTPError as exc:
        raise MediaError("unreadable", f"fetching {uri} failed: {type(exc).__name__}: {exc}") from exc
    return target

"""report.html in a real browser: headless Chromium renders it, with no script and no request
leaving the page (skipped, with the reason, where Chromium is not installed)."""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

BROWSER = next(
    (shutil.which(n) for n in ("chromium", "chromium-browser", "google-chrome") if shutil.which(n)),
    None,
)
pytestmark = pytest.mark.skipif(
    BROWSER is None,
    reason="headless Chromium not installed (Debian: apt-get install -y chromium)",
)
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PROMPTS = [
    {
        "id": "x",
        "ru": "Что это? <script>alert(1)</script><img src='http://127.0.0.1:9/p.png'>",
        "en": "What is it? <script>alert(1)</script><img src='http://127.0.0.1:9/p.png'>",
        "ru_reference": "Это <b>тест</b>.",
        "en_reference": "It is a <b>test</b>.",
    },
    {"id": "y", "ru": "Назови столицу России.", "en": "Name the capital of Russia."},
]


def render(page: Path, tmp: Path) -> tuple[str, list[str]]:
    """(the DOM Chromium built, the URLs the *page* requested): browser-internal requests
    (update checks and the like) have no page origin and are left out."""
    netlog = tmp / "net.json"
    with tempfile.TemporaryDirectory() as profile:
        dom = subprocess.run(
            [BROWSER, *FLAGS, f"--user-data-dir={profile}", f"--log-net-log={netlog}",
             "--dump-dom", page.as_uri()],
            capture_output=True, text=True, timeout=120, check=True,
        ).stdout  # fmt: skip
    text = netlog.read_text()
    try:
        log = json.loads(text)
    except json.JSONDecodeError:  # the log may end without its closing brackets
        log = json.loads(text.rstrip().rstrip(",") + "]}")
    start_job = log["constants"]["logEventTypes"]["URL_REQUEST_START_JOB"]
    urls = [
        e["params"]["url"]
        for e in log["events"]
        if e["type"] == start_job
        and "url" in e.get("params", {})
        and e["params"].get("initiator") != "not an origin"
    ]
    return dom, [u for u in urls if not u.startswith(("file:", "data:"))]


def test_the_request_detector_sees_a_page_request(tmp_path):
    page = tmp_path / "control.html"
    page.write_text("<html><body><img src='http://127.0.0.1:9/p.png'></body></html>")
    _, requests = render(page, tmp_path)
    assert requests == ["http://127.0.0.1:9/p.png"]


def test_report_html_renders_with_no_script_and_no_external_request(tiny_model, tmp_path):
    from ruadapt_evals.suite import evaluate

    prompts = tmp_path / "prompts.jsonl"
    prompts.write_text("".join(json.dumps(p, ensure_ascii=False) + "\n" for p in PROMPTS))
    out = tmp_path / "report"
    evaluate(
        output=str(out),
        model=tiny_model,
        baseline=tiny_model,
        prompts=str(prompts),
        tasks="tokenization,lm,generation",
        max_new_tokens=4,
        quiet=True,
    )
    dom, requests = render(out / "report.html", tmp_path)
    assert requests == []
    assert "<script" not in dom.lower() and "&lt;script&gt;" in dom  # shown, escaped, inert
    assert "Russian:" in dom and "Glossary" in dom and "[" in dom  # verdict, units, intervals

"""Screenshot tour of the demo (issue 13): every kind of page at 390 px and 1366 px, anonymous
and as an admin, written to docs/gallery/ with an index (docs/gallery/README.md).

Starts its own server on a free port with a fresh data directory and the demo data, crawls
the links from the home page (one or two pages per kind: /massnahmen/1 and /massnahmen/2 are
the same kind), and stops the server at the end. Needs Debian's chromium and playwright
(the test extra). Run: .venv/bin/python scripts/screenshot_tour.py [--out docs/gallery]
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

REPO = Path(__file__).resolve().parents[1]
WIDTHS = (390, 1366)
PER_KIND = 1
MAX_HEIGHT = 2400
"""Pixels from the top of a page (a long list or table is cut there)."""
FORMAT = ["jpg"]
MAX_PAGES = 90
ADMIN = ("admin@example.org", "Ada Admin", "correct horse battery staple")
NOT_PAGES = re.compile(
    r"^/(login|logout|abmelden|abonnieren|static/|api/|feeds/|sta/|ckan/|catalog\.|healthz|"
    r"metrics|daten/ressource/|.*\.(ics|atom|csv|json|ttl|rdf|xml|geojson|pdf)$)"
)
ADMIN_PAGES = ("/admin", "/massnahmen/neu", "/massnahmen/1/bearbeiten", "/daten/dashboard",
               "/admin/postausgang", "/konto", "/wettbewerbe/neu", "/labore/neu",
               "/fragestellungen/neu", "/entwickler", "/admin/moderation",
               "/foerderung/uebersicht")  # fmt: skip


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _env(data_dir: Path, base_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DOMSTADT_")}
    env.update(DOMSTADT_DATA_DIR=str(data_dir), DOMSTADT_BASE_URL=base_url,
               DOMSTADT_ENVIRONMENT="test", PYTHONPATH=str(REPO / "src"))  # fmt: skip
    return env


def _cli(*args: str, env: dict[str, str], cwd: Path) -> None:
    subprocess.run([sys.executable, "-m", "domstadt.cli", *args], env=env, cwd=cwd, check=True,
                   stdout=subprocess.DEVNULL)  # fmt: skip


def _wait(url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit("the server stopped before it answered")
        try:
            with urllib.request.urlopen(url + "/healthz", timeout=3) as answer:
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise SystemExit("the server did not answer within 120 s")


def _kind(path: str) -> str:
    return re.sub(r"\d+", "N", path.split("?")[0])


def _crawl(page: object, base: str) -> list[str]:
    """Page paths reachable from the home page, a few per kind."""
    seen: dict[str, int] = {}
    queue, found = ["/"], []
    while queue and len(found) < MAX_PAGES:
        path = queue.pop(0)
        kind = _kind(path)
        if path in found or seen.get(kind, 0) >= PER_KIND:
            continue
        response = page.goto(base + path)  # type: ignore[attr-defined]
        if (
            response is None
            or response.status != 200
            or "text/html" not in (response.headers.get("content-type", ""))
        ):
            continue
        seen[kind] = seen.get(kind, 0) + 1
        found.append(path)
        for href in page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)"):  # type: ignore[attr-defined]
            parts = urlsplit(href)
            if parts.netloc != urlsplit(base).netloc or NOT_PAGES.match(parts.path):
                continue
            link = parts.path  # filters of the same page are the same kind
            if link not in found and link not in queue:
                queue.append(link)
    return found


def _name(path: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", path.lower()).strip("-")
    return slug or "start"


def _shoot(browser: object, base: str, paths: list[str], out: Path, who: str,
           storage: str | None = None) -> list[tuple[str, str]]:  # fmt: skip
    shots = []
    for width in WIDTHS:
        context = browser.new_context(  # type: ignore[attr-defined]
            viewport={"width": width, "height": 900}, storage_state=storage, locale="de-DE"
        )
        page = context.new_page()
        for path in paths:
            page.goto(base + path)
            page.wait_for_load_state("networkidle")
            name = f"{who}-{_name(path)}-{width}.{FORMAT[0]}"
            height = min(MAX_HEIGHT, page.evaluate("document.documentElement.scrollHeight"))
            clip = {"x": 0, "y": 0, "width": width, "height": height}
            if FORMAT[0] == "jpg":
                page.screenshot(path=str(out / name), full_page=True, clip=clip, type="jpeg",
                                quality=45)  # fmt: skip
            else:
                page.screenshot(path=str(out / name), full_page=True, clip=clip, type="png")
            shots.append((path, name))
        context.close()
    return shots


def _index(out: Path, shots: list[tuple[str, str, str]]) -> None:
    lines = [
        "# Screenshot tour of the demo",
        "",
        "Made by `scripts/screenshot_tour.py` from the demo data (German, 390 px and 1366 px,",
        "the top 2,400 px of each page). Regenerate after a change of the face of the platform",
        "and look at them.",
        "",
        "| page | who | 390 px | 1366 px |",
        "| --- | --- | --- | --- |",
    ]
    rows: dict[tuple[str, str], dict[str, str]] = {}
    for who, path, name in shots:
        width = name.rsplit("-", 1)[1].split(".")[0]
        rows.setdefault((path, who), {})[width] = name
    for (path, who), files in rows.items():
        cells = " | ".join(f"[{w}]({files[w]})" if w in files else "–" for w in ("390", "1366"))
        lines.append(f"| `{path}` | {who} | {cells} |")
    (out / "README.md").write_text("\n".join(lines) + "\n", encoding="utf-8")


def main() -> None:
    """Run the tour; print where the pictures are."""
    from playwright.sync_api import sync_playwright

    parser = argparse.ArgumentParser()
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "gallery")
    parser.add_argument("--png", action="store_true", help="PNG instead of JPEG (to look at)")
    args = parser.parse_args()
    out: Path = args.out
    FORMAT[0] = "png" if args.png else "jpg"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    data_dir = Path(tempfile.mkdtemp(prefix="domstadt-tour-"))
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    env = _env(data_dir, base)
    process = None
    try:
        _cli("db", "upgrade", env=env, cwd=data_dir)
        _cli("demo", "load", env=env, cwd=data_dir)
        _cli("user", "create", ADMIN[0], "--name", ADMIN[1], "--role", "admin",
             "--password", ADMIN[2], env=env, cwd=data_dir)  # fmt: skip
        process = subprocess.Popen(
            [sys.executable, "-m", "domstadt.cli", "serve", "--host", "127.0.0.1", "--port",
             str(port)], env=env, cwd=data_dir, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL, start_new_session=True,
        )  # fmt: skip
        _wait(base, process)
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=shutil.which("chromium") or
                                         "/usr/bin/chromium", args=["--no-sandbox"])  # fmt: skip
            crawler = browser.new_page()
            paths = _crawl(crawler, base)
            crawler.goto(base + "/login")
            crawler.fill("input[name=email]", ADMIN[0])
            crawler.fill("input[name=password]", ADMIN[2])
            crawler.click("main button[type=submit]")
            storage = str(data_dir / "admin.json")
            crawler.context.storage_state(path=storage)
            shots = [("Besuch", p, n) for p, n in _shoot(browser, base, paths, out, "besuch")]
            admin = _shoot(browser, base, list(ADMIN_PAGES), out, "admin", storage)
            shots += [("Admin", p, n) for p, n in admin]
            browser.close()
        _index(out, shots)
        print(f"{len(shots)} screenshots of {len(paths) + len(ADMIN_PAGES)} pages in {out}")
    finally:
        if process is not None and process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=15)
        shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    main()

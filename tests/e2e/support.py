"""Constants and helpers shared by the browser tests (no fixtures here; see conftest.py)."""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Page

REPO_ROOT = Path(__file__).resolve().parents[2]
VENDOR_DIR = REPO_ROOT / "src" / "domstadt" / "web" / "static" / "vendor"
AXE_JS = VENDOR_DIR / "axe-core" / "axe.min.js"

ADMIN_EMAIL = "admin@example.org"
ADMIN_NAME = "Ada Admin"
ADMIN_PASSWORD = "correct horse battery staple"

CHROMIUM_SKIP_REASON = "chromium not found: browser tests skipped (apt-get install chromium)"
# This machine (and CI) has no outside network: keep Chromium from phoning home.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--no-proxy-server",
]
SERVER_START_TIMEOUT = 120.0  # seconds until /healthz must answer 200
CLI_TIMEOUT = 600.0  # seconds for one setup command (db upgrade, demo load, user create)
DEFAULT_TIMEOUT_MS = 15_000  # Playwright's default per action / expectation


def find_chromium() -> str | None:
    """The system Chromium executable, or None."""
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    return "/usr/bin/chromium" if os.access("/usr/bin/chromium", os.X_OK) else None


def browser_api() -> Any:
    """Playwright's sync API; skips the calling test module without Chromium or Playwright."""
    if find_chromium() is None:
        pytest.skip(CHROMIUM_SKIP_REASON, allow_module_level=True)
    return pytest.importorskip(
        "playwright.sync_api", reason="playwright not installed: pip install -e '.[test]'"
    )


def login(page: Page, email: str, password: str) -> Any:
    """Sign in through the login form like a person would; return the POST's response."""
    page.goto("/login")
    form = page.locator("form").filter(has=page.locator("input[name='password']"))
    email_input = form.get_by_label("E-Mail")
    password_input = form.get_by_label("Passwort")
    assert email_input.get_attribute("name") == "email", "the E-Mail field must be named 'email'"
    assert password_input.get_attribute("name") == "password"
    email_input.fill(email)
    password_input.fill(password)
    with page.expect_response(lambda r: r.request.method == "POST") as response_info:
        form.get_by_role("button", name="Anmelden").click()
    page.wait_for_load_state()
    return response_info.value


# --------------------------------------------------------------------------- axe-core

AXE_RUN = """async () => {
  const result = await axe.run(document, {resultTypes: ['violations']});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
    nodes: v.nodes.map(n => ({
      target: n.target.map(String).join(' '), html: n.html, summary: n.failureSummary || ''
    })),
  }));
}"""
FAILING_IMPACTS = ("serious", "critical")


def run_axe(page: Page) -> list[dict[str, Any]]:
    """Inject the vendored axe-core into the page and return its violations."""
    page.add_script_tag(path=str(AXE_JS))
    violations: list[dict[str, Any]] = page.evaluate(AXE_RUN)
    return violations


def format_violations(path: str, violations: list[dict[str, Any]]) -> str:
    """A readable report: rule, impact, help link, then each element with axe's summary."""
    lines = [f"{len(violations)} serious/critical axe-core violation(s) on {path}:"]
    for v in violations:
        lines.append(f"- {v['id']} [{v['impact']}]: {v['help']}  ({v['helpUrl']})")
        for node in v["nodes"][:10]:
            html = " ".join(node["html"].split())
            lines.append(f"    at {node['target']}: {html[:200]}")
            for summary_line in node["summary"].splitlines():
                lines.append(f"        {summary_line.strip()}")
        if len(v["nodes"]) > 10:
            lines.append(f"    … and {len(v['nodes']) - 10} more element(s)")
    return "\n".join(lines)


def vendored_files() -> list[str]:
    """Paths below /static/vendor/ of every file MANIFEST.json lists."""
    manifest = json.loads((VENDOR_DIR / "MANIFEST.json").read_text(encoding="utf-8"))
    return [
        f"{package['directory']}/{item['path']}"
        for package in manifest["packages"]
        for item in package["files"]
    ]


# --------------------------------------------------------------------------- CSP and injection

RECORD_CSP_VIOLATIONS = """window.__csp = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__csp.push(e.violatedDirective + " refused " + (e.blockedURI || "inline") + " at " +
    (e.sourceFile || location.pathname) + ":" + e.lineNumber + " " + (e.sample || ""));
});"""
"""Init script: every CSP refusal in the page, as the browser reports it to the page."""

INJECTED_ELEMENTS_JS = """() => {
  const found = [];
  const report = e => found.push(e.outerHTML.slice(0, 160));
  document.querySelectorAll('img[src="x"], iframe, [onload], [onerror]').forEach(report);
  document.querySelectorAll('script').forEach(s => {
    if (!(s.getAttribute('src') || '').startsWith('/static/')) { report(s); }
  });
  return found;
}"""
"""Elements a payload would have made: img[src=x], iframes, event-handler attributes, and
scripts that are not our static files."""


def csp_violations(page: Page) -> list[str]:
    """CSP refusals recorded in the page since it loaded (see RECORD_CSP_VIOLATIONS)."""
    found: list[str] = page.evaluate("() => window.__csp || []")
    return found


def injected_elements(page: Page) -> list[str]:
    """Markup of every element in the page that a hostile text would have created."""
    found: list[str] = page.evaluate(INJECTED_ELEMENTS_JS)
    return found


def xss_flag(page: Page) -> Any:
    """``window.__xss``: set by any payload that ran; None when none did."""
    return page.evaluate("() => window.__xss === undefined ? null : String(window.__xss)")


NOT_PAGES = re.compile(
    r"^/(api|sta|static|feeds|catalog\.|dataset/|metrics|healthz|konto/export)"
    r"|^/wettbewerbe/anhaenge/|/download$"
    r"|\.(atom|ttl|rdf|jsonld|csv|json|geojson|xlsx|parquet|pdf|ics|png|jpe?g)$"
)
"""Paths a page crawler does not load as pages: APIs, data, feeds, files and downloads."""

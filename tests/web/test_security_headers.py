"""Pages carry a strict Content-Security-Policy (probe issue 14): scripts and styles only from
files of this site, nothing inline, no eval, no plugins, no <base>, forms post only here."""

from __future__ import annotations

from starlette.testclient import TestClient

STRICT_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)


def test_pages_and_api_answers_carry_the_strict_policy(client: TestClient) -> None:
    for path in ("/", "/login", "/api/v1/docs", "/api/v1/taxonomy", "/gibt-es-nicht"):
        response = client.get(path)
        assert response.headers.get_list("content-security-policy") == [STRICT_POLICY], path
        assert response.headers["x-content-type-options"] == "nosniff"


def test_htmx_is_told_not_to_inject_styles_or_evaluate_code(client: TestClient) -> None:
    page = client.get("/").text
    assert (
        '<meta name="htmx-config" content=\'{"includeIndicatorStyles": false, '
        '"allowEval": false, "allowScriptTags": false}\'>'
    ) in page
    css = client.get("/static/css/domstadt.css").text
    assert ".htmx-request .htmx-indicator" in css

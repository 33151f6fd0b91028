"""Chart axes and tooltips in the page's language (web/static/js/chart-locale.js), run in Node:
German month names, the 24-hour clock and German numbers; English alike."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "src/domstadt/web/static/js/chart-locale.js"
PROBE = """
global.document = {documentElement: {getAttribute: () => process.argv[1]}};
global.window = {};
eval(require("fs").readFileSync(process.argv[2], "utf8"));
const o = window.DomstadtChart.timeChart({series: [{}, {label: "x"}]});
const t = Date.UTC(2026, 10, 5, 13, 0) / 1000;  // 5 Nov 2026, 14:00 in Cologne
console.log(JSON.stringify([
  o.axes[0].values(null, [t], 0, 0, 3600)[0], o.axes[0].values(null, [t], 0, 0, 86400)[0],
  o.axes[1].values(null, [1234.5])[0], o.series[0].label, o.series[0].value(null, t),
  o.series[1].value(null, 0.81)]));
"""


def _probe(lang: str) -> list[str]:
    node = shutil.which("node")
    if node is None:
        pytest.skip("node not installed: the chart script is checked in the browser tests only")
    out = subprocess.run(
        [node, "-e", PROBE, lang, str(SCRIPT)], capture_output=True, text=True, check=True
    )
    return list(json.loads(out.stdout))


def test_german_chart_labels() -> None:
    hour, day, number, time_label, tooltip, value = _probe("de")
    assert (hour, day, number, time_label) == ("14:00", "5. Nov.", "1.234,5", "Zeit")
    assert tooltip == "05.11.2026, 14:00" and value == "0,81"


def test_english_chart_labels() -> None:
    hour, _day, number, time_label, _tooltip, value = _probe("en")
    assert "PM" in hour and number == "1,234.5" and time_label == "Time" and value == "0.81"

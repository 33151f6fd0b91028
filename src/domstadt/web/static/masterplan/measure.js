// KPI charts on the measure page: one uPlot line chart per KPI, from the data-charts attribute.
// The same values are in the tables below the charts, so the page works without JavaScript.
(function () {
  "use strict";
  function draw() {
    var box = document.getElementById("mp-kpi-charts");
    if (!box || typeof uPlot === "undefined") { return; }
    var charts = JSON.parse(box.getAttribute("data-charts") || "[]");
    var width = Math.min(box.clientWidth || 640, 720);
    charts.forEach(function (kpi) {
      if (!kpi.points.length) { return; }
      var figure = document.createElement("figure");
      figure.className = "mp-chart";
      var caption = document.createElement("figcaption");
      caption.textContent = kpi.name + (kpi.unit ? " (" + kpi.unit + ")" : "");
      var xs = kpi.points.map(function (p) { return Date.parse(p[0]) / 1000; });
      var ys = kpi.points.map(function (p) { return p[1]; });
      var series = [{}, { label: kpi.name, stroke: "#7a0014", width: 2, points: { show: true } }];
      var data = [xs, ys];
      if (kpi.target !== null) {
        series.push({ label: window.DomstadtChart.lang() === "de" ? "Ziel" : "Target", stroke: "#1d6b2f", dash: [6, 4] });
        data.push(xs.map(function () { return kpi.target; }));
      }
      figure.appendChild(caption);
      box.appendChild(figure);
      new uPlot(window.DomstadtChart.timeChart(
        { width: width, height: 220, series: series, axes: [{}, { label: kpi.unit }] }), data, figure);
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();

// After feedback is sent (htmx swaps the #feedback section), keyboard and screen-reader focus
// moves to the result: the error message when the form was refused, else the confirmation.
(function () {
  "use strict";
  function focusResult() {
    var section = document.getElementById("feedback");
    if (!section) { return; }
    var target = section.querySelector("#feedback-error, .fb-notice");
    if (!target) { return; }
    target.setAttribute("tabindex", "-1");
    target.focus();
  }
  document.addEventListener("htmx:afterSettle", function (event) {
    var config = event.detail && event.detail.requestConfig;
    if (config && config.verb === "post" && /\/feedback$/.test(config.path || "")) {
      focusResult();
    }
  });
  // Without htmx the answer to the POST is the whole page: the same result, focused once.
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", focusResult);
  } else {
    focusResult();
  }
})();

// After the editor saved the measure (?gespeichert=1), focus moves to the confirmation.
(function () {
  "use strict";
  function focusSaved() {
    var notice = document.getElementById("mp-saved");
    if (notice) { notice.focus(); }
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", focusSaved);
  } else {
    focusSaved();
  }
})();

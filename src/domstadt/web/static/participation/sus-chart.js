// SUS trend per service on /labore: one uPlot chart per service with the mean of each session
// and its 95 % confidence bounds, from the data-charts attribute (the table above has the
// same numbers, so the page works without JavaScript). Labels are set as text only.
(function () {
  "use strict";
  function draw() {
    var box = document.getElementById("sus-charts");
    if (!box || typeof uPlot === "undefined") { return; }
    var charts = JSON.parse(box.getAttribute("data-charts") || "[]");
    var mean = box.getAttribute("data-label-mean") || "SUS";
    var low = box.getAttribute("data-label-low") || "low";
    var high = box.getAttribute("data-label-high") || "high";
    charts.forEach(function (chart) {
      if (!chart.points.length) { return; }
      var figure = document.createElement("figure");
      figure.className = "mp-chart sus-chart";
      var caption = document.createElement("figcaption");
      caption.textContent = chart.service;
      figure.appendChild(caption);
      box.appendChild(figure);
      var xs = chart.points.map(function (p) { return Date.parse(p[0]) / 1000; });
      var data = [xs,
        chart.points.map(function (p) { return p[1]; }),
        chart.points.map(function (p) { return p[2]; }),
        chart.points.map(function (p) { return p[3]; })];
      var series = [{},
        { label: mean, stroke: "#7a0014", width: 2, points: { show: true, size: 8 } },
        { label: low, stroke: "#888", dash: [4, 4] },
        { label: high, stroke: "#888", dash: [4, 4] }];
      // as wide as the figure (a 390 px phone never scrolls sideways); the table above has the
      // numbers, so uPlot's legend table (wider than a phone) is left out
      var width = Math.min(figure.clientWidth || box.clientWidth || 640, 720);
      new uPlot({ width: width, height: 240, series: series, legend: { show: false },
        scales: { y: { range: [0, 100] } }, axes: [{}, { label: "SUS" }] }, data, figure);
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();

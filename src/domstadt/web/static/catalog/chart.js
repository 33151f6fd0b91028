// Catalogue chart preview: the first rows of a time-series table, read from the DataStore
// through the CKAN API (datastore_search) and drawn with uPlot. No inline script (CSP).
(function () {
  "use strict";

  var COLOURS = ["#0b5394", "#b45f06", "#38761d", "#741b47", "#134f5c", "#7f6000"];

  function seconds(value) {
    if (value === null || value === undefined) { return null; }
    var text = String(value);
    if (/^\d{4}-\d{2}-\d{2}$/.test(text)) { text += "T00:00:00"; }  // a date: local midnight
    var ms = Date.parse(text);
    return isNaN(ms) ? null : ms / 1000;
  }

  function number(value) {
    if (value === null || value === undefined || value === "") { return null; }
    var n = Number(value);
    return isNaN(n) ? null : n;
  }

  function draw() {
    var element = document.getElementById("catalog-chart");
    if (!element || typeof uPlot === "undefined") { return; }
    var x = element.getAttribute("data-x");
    var ys = JSON.parse(element.getAttribute("data-y"));
    var params = new URLSearchParams({
      resource_id: element.getAttribute("data-resource"),
      fields: JSON.stringify([x].concat(ys)),
      sort: '"' + x + '" asc',
      limit: element.getAttribute("data-limit")
    });
    fetch("/api/3/action/datastore_search?" + params.toString())
      .then(function (r) { return r.json(); })
      .then(function (body) {
        var records = body.result.records.filter(function (r) { return seconds(r[x]) !== null; });
        var data = [records.map(function (r) { return seconds(r[x]); })];
        var series = [{ label: x }];
        ys.forEach(function (name, i) {
          data.push(records.map(function (r) { return number(r[name]); }));
          series.push({ label: name, stroke: COLOURS[i % COLOURS.length], width: 2 });
        });
        var width = Math.max(300, Math.min(element.clientWidth || 800, 1000));
        new uPlot(window.DomstadtChart.timeChart(
          { width: width, height: 320, series: series, scales: { x: { time: true } } }),
          data, element);
        element.setAttribute("data-points", String(records.length));
      });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();

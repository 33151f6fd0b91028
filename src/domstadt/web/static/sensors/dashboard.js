// Sensor dashboard: GeoJSON locations on a plain Leaflet map (no tile server needed) and a
// uPlot chart of one datastream fed by /api/v1/sensors/aggregate.
(function () {
  "use strict";

  // Location names are user text: a tooltip gets a node with textContent, never an HTML
  // string (Leaflet inserts strings as HTML).
  function tooltip(text) {
    var node = document.createElement("span");
    node.textContent = text === null || text === undefined ? "" : String(text);
    return node;
  }

  function drawMap() {
    var element = document.getElementById("sensor-map");
    if (!element || typeof L === "undefined") { return; }
    var map = L.map(element, { attributionControl: true });
    var tiles = element.getAttribute("data-tiles");
    if (tiles) { L.tileLayer(tiles, { maxZoom: 19 }).addTo(map); }
    map.setView([50.94, 6.96], 11);
    fetch(element.getAttribute("data-geojson")).then(function (r) { return r.json(); })
      .then(function (collection) {
        if (!collection.features.length) { return; }
        var layer = L.geoJSON(collection, {
          style: { color: "#b30000", weight: 3 },
          pointToLayer: function (feature, latlng) { return L.circleMarker(latlng, { radius: 6 }); },
          onEachFeature: function (feature, shape) {
            shape.bindTooltip(tooltip(feature.properties.name));
          }
        }).addTo(map);
        map.fitBounds(layer.getBounds());
      });
  }

  function drawChart(button) {
    var id = button.getAttribute("data-datastream");
    var endText = button.getAttribute("data-end");
    var end = endText ? new Date(endText) : new Date();
    end = new Date(end.getTime() + 1000);
    var start = new Date(end.getTime() - 3 * 24 * 3600 * 1000);
    var url = "/api/v1/sensors/aggregate?datastream=" + id + "&bucket=3600&start=" +
      encodeURIComponent(start.toISOString()) + "&end=" + encodeURIComponent(end.toISOString());
    fetch(url).then(function (r) { return r.json(); }).then(function (data) {
      var box = document.getElementById("sensor-chart");
      box.replaceChildren();
      var xs = [], mean = [], low = [], high = [];
      data.buckets.forEach(function (b) {
        xs.push(new Date(b.start).getTime() / 1000);
        mean.push(b.mean); low.push(b.min); high.push(b.max);
      });
      document.getElementById("chart-caption").textContent = button.getAttribute("data-name");
      if (typeof uPlot === "undefined") { return; }
      var de = window.DomstadtChart.lang() === "de";
      new uPlot(window.DomstadtChart.timeChart({
        width: Math.max(box.clientWidth, 320), height: 300,
        series: [{}, { label: de ? "Mittel" : "Mean", stroke: "#b30000" },
                 { label: "Min", stroke: "#555" }, { label: "Max", stroke: "#1a5276" }]
      }), [xs, mean, low, high], box);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    drawMap();
    document.querySelectorAll(".chart-button").forEach(function (button) {
      button.addEventListener("click", function () { drawChart(button); });
    });
    var first = document.querySelector(".chart-button");
    if (first) { drawChart(first); }
  });
})();

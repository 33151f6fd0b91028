// Gap map along transit lines: segments from /api/v1/transit/gaps.geojson on a plain Leaflet
// map (no tile server needed), coloured by quality. Stop and line names are user data: a
// popup gets a node built with textContent, never an HTML string.
(function () {
  "use strict";

  var COLOURS = { good: "#1b7837", fair: "#b35806", bad: "#b2182b", uncertain: "#6a3d9a", none: "#8c8c8c" };

  function line(parent, text) {
    var row = document.createElement("div");
    row.textContent = text;
    parent.appendChild(row);
  }

  function popup(element, p) {
    var node = document.createElement("div");
    var title = document.createElement("strong");
    title.textContent = p.route + ": " + p.from_stop + " → " + p.to_stop;
    node.appendChild(title);
    line(node, element.getAttribute("data-label-count") + ": " + p.count);
    if (p.count) {
      line(node, element.getAttribute("data-label-dead") + ": " + Math.round(p.dead_share * 100) + " %");
      line(node, element.getAttribute("data-label-down") + ": " + (p.median_down_mbit === null ? "–" : p.median_down_mbit));
      line(node, element.getAttribute("data-label-confidence") + ": " + p.confidence_label);
    }
    line(node, p.quality_label);
    return node;
  }

  function draw() {
    var element = document.getElementById("gap-map");
    if (!element || typeof L === "undefined") { return; }
    var map = L.map(element, { attributionControl: true });
    var tiles = element.getAttribute("data-tiles");
    if (tiles) { L.tileLayer(tiles, { maxZoom: 19 }).addTo(map); }
    map.setView([50.94, 6.96], 11);
    fetch(element.getAttribute("data-geojson")).then(function (r) { return r.json(); })
      .then(function (collection) {
        if (!collection.features.length) { return; }
        var layer = L.geoJSON(collection, {
          style: function (feature) {
            var q = feature.properties.quality;
            return { color: COLOURS[q] || COLOURS.none, weight: q === "none" ? 2 : 5,
                     dashArray: q === "uncertain" ? "6 4" : null };
          },
          onEachFeature: function (feature, shape) {
            shape.bindPopup(popup(element, feature.properties));
          }
        }).addTo(map);
        map.fitBounds(layer.getBounds());
      });
  }

  document.addEventListener("DOMContentLoaded", draw);
})();

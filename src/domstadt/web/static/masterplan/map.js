// Measure page: the measure's location (GeoJSON point or area) on a plain Leaflet map.
// No tile server is needed; a tile layer is added only when data-tiles names one
// (DOMSTADT_MAP_TILES). The coordinates are also written out as text below the map.
(function () {
  "use strict";
  function draw() {
    var element = document.getElementById("mp-map");
    if (!element || typeof L === "undefined") { return; }
    var geometry = JSON.parse(element.getAttribute("data-geometry") || "null");
    if (!geometry) { return; }
    var map = L.map(element, { attributionControl: true, scrollWheelZoom: false });
    var tiles = element.getAttribute("data-tiles");
    if (tiles) { L.tileLayer(tiles, { maxZoom: 19 }).addTo(map); }
    var layer = L.geoJSON(geometry, {
      style: { color: "#7a0014", weight: 3, fillOpacity: 0.25 },
      pointToLayer: function (feature, latlng) {
        return L.circleMarker(latlng, { radius: 8, color: "#7a0014", fillOpacity: 0.6 });
      }
    }).addTo(map);
    var bounds = layer.getBounds();
    if (bounds.isValid()) {
      map.fitBounds(bounds, { maxZoom: 15, padding: [20, 20] });
    } else {
      map.setView([50.94, 6.96], 11);
    }
    element.setAttribute("data-drawn", "true");
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();

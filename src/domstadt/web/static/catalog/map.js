// Catalogue map preview: the dataset's canonical GeoJSON (WGS 84) on a plain Leaflet map.
// No tile server is needed; a tile layer is added only when data-tiles names one.
(function () {
  "use strict";

  function label(feature) {
    var props = feature.properties || {};
    var keys = Object.keys(props).slice(0, 4);
    return keys.map(function (k) { return k + ": " + props[k]; }).join("\n");
  }

  function draw() {
    var element = document.getElementById("catalog-map");
    if (!element || typeof L === "undefined") { return; }
    var map = L.map(element, { attributionControl: true });
    var tiles = element.getAttribute("data-tiles");
    if (tiles) { L.tileLayer(tiles, { maxZoom: 19 }).addTo(map); }
    map.setView([50.94, 6.96], 11);
    fetch(element.getAttribute("data-geojson")).then(function (r) { return r.json(); })
      .then(function (collection) {
        var layer = L.geoJSON(collection, {
          style: { color: "#0b5394", weight: 3 },
          pointToLayer: function (feature, latlng) {
            return L.circleMarker(latlng, { radius: 6, color: "#0b5394" });
          },
          onEachFeature: function (feature, shape) {
            var text = label(feature);
            if (!text) { return; }
            var tip = document.createElement("div");  // text, never HTML: data is untrusted
            tip.className = "catalog-map-tip";
            tip.textContent = text;
            shape.bindTooltip(tip);
          }
        }).addTo(map);
        var bounds = layer.getBounds();
        if (bounds.isValid()) { map.fitBounds(bounds, { maxZoom: 16 }); }
        element.setAttribute("data-features", String(collection.features.length));
      });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();

// Ecosystem directory map: one marker per entry of the list below it (positions are the
// centres of the Stadtbezirke). Names are user text: tooltips and popups get DOM nodes with
// textContent, never HTML strings (Leaflet inserts strings as HTML).
(function () {
  "use strict";

  function popup(name, url) {
    var link = document.createElement("a");
    link.textContent = name;
    if (url && url.charAt(0) === "/") { link.setAttribute("href", url); }
    return link;
  }

  document.addEventListener("DOMContentLoaded", function () {
    var element = document.getElementById("eco-map");
    if (!element || typeof L === "undefined") { return; }
    var map = L.map(element, { attributionControl: true });
    var tiles = element.getAttribute("data-tiles");
    if (tiles) { L.tileLayer(tiles, { maxZoom: 19 }).addTo(map); }
    map.setView([50.94, 6.96], 11);
    var seen = {};
    document.querySelectorAll(".eco-entry").forEach(function (item) {
      var lat = parseFloat(item.getAttribute("data-lat"));
      var lon = parseFloat(item.getAttribute("data-lon"));
      if (isNaN(lat) || isNaN(lon)) { return; }
      var key = lat + "," + lon;
      seen[key] = (seen[key] || 0) + 1;
      var shift = (seen[key] - 1) * 0.0015;
      var marker = L.circleMarker([lat + shift, lon + shift], { radius: 6, color: "#b30000" });
      var name = item.getAttribute("data-name") || "";
      var node = document.createElement("span");
      node.textContent = name;
      marker.bindTooltip(node);
      marker.bindPopup(popup(name, item.getAttribute("data-url")));
      marker.addTo(map);
    });
  });
})();

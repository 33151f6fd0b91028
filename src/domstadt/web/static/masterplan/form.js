// Measure editor form, progressively enhanced (the form works without this script):
// - focus goes to the first field with an error after a submit that was refused;
// - lists of departments and measures get a filter field;
// - "add another" buttons copy the empty milestone or link row;
// - a map places the location: a click writes a GeoJSON point into the location field.
// User text is only ever set as text or value, never as HTML.
(function () {
  "use strict";

  function focusFirstError() {
    var invalid = document.querySelector(".mp-form [aria-invalid='true']");
    if (!invalid) { return; }
    var target = invalid.matches("input, select, textarea") ? invalid
      : invalid.querySelector("input:not([type=hidden]), select, textarea");
    (target || invalid).focus();
  }

  function filters() {
    document.querySelectorAll("input[data-filters]").forEach(function (input) {
      var box = document.getElementById(input.getAttribute("data-filters"));
      if (!box) { return; }
      input.closest(".mp-filter").hidden = false;
      input.addEventListener("input", function () {
        var wanted = input.value.trim().toLocaleLowerCase("de");
        box.querySelectorAll(".mp-check").forEach(function (row) {
          var text = row.textContent.toLocaleLowerCase("de");
          var checked = row.querySelector("input").checked;
          row.hidden = wanted !== "" && !checked && text.indexOf(wanted) === -1;
        });
      });
    });
  }

  function renumber(row, index) {
    row.querySelectorAll("[id], [name], [for]").forEach(function (el) {
      ["id", "name", "for"].forEach(function (attr) {
        var value = el.getAttribute(attr);
        if (value) { el.setAttribute(attr, value.replace(/^(ms|link)-\d+-/, "$1-" + index + "-")); }
      });
    });
    // The hidden labels end with the row's number ("Titel 2").
    row.querySelectorAll("label").forEach(function (label) {
      label.textContent = label.textContent.replace(/\d+$/, String(index + 1));
    });
  }

  function addRows() {
    document.querySelectorAll("button[data-template-row]").forEach(function (button) {
      var body = document.querySelector("#" + button.getAttribute("data-template-row") + " tbody");
      if (!body) { return; }
      button.hidden = false;
      button.addEventListener("click", function () {
        var last = body.lastElementChild;
        var copy = last.cloneNode(true);
        copy.querySelectorAll("input").forEach(function (input) {
          if (input.type === "checkbox") { input.checked = false; } else { input.value = ""; }
        });
        renumber(copy, body.children.length);
        body.appendChild(copy);
        var first = copy.querySelector("input:not([type=checkbox]), select");
        if (first) { first.focus(); }
      });
    });
  }

  function point(field) {
    try {
      var value = JSON.parse(field.value);
      return value && value.type === "Point" ? value.coordinates : null;
    } catch (error) { return null; }
  }

  function locationMap() {
    var element = document.getElementById("m-location-map");
    if (!element || typeof L === "undefined") { return; }
    var field = document.getElementById(element.getAttribute("data-field"));
    element.hidden = false;
    var tools = document.querySelector(".mp-map-tools");
    if (tools) { tools.hidden = false; }
    var map = L.map(element, { scrollWheelZoom: false }).setView([50.94, 6.96], 10);
    var tiles = element.getAttribute("data-tiles");
    if (tiles) { L.tileLayer(tiles, { maxZoom: 19 }).addTo(map); }
    fetch(element.getAttribute("data-districts")).then(function (r) { return r.json(); })
      .then(function (districts) {
        // Outlines only: not interactive, so every click reaches the map.
        L.geoJSON(districts, {
          interactive: false,
          style: { color: "#555", weight: 1, fillOpacity: 0.04 },
          onEachFeature: function (feature, layer) {
            var label = document.createElement("span");
            label.textContent = feature.properties.name;
            layer.bindTooltip(label, { permanent: true, direction: "center", className: "mp-district" });
          }
        }).addTo(map);
      }).catch(function () { /* the map still works without the district outlines */ });
    var marker = null;
    function show(coordinates) {
      if (marker) { map.removeLayer(marker); marker = null; }
      if (!coordinates) { return; }
      marker = L.circleMarker([coordinates[1], coordinates[0]],
        { radius: 8, color: "#7a0014", fillOpacity: 0.6 }).addTo(map);
    }
    var existing = point(field);
    show(existing);
    if (existing) { map.setView([existing[1], existing[0]], 14); }
    map.on("click", function (event) {
      var coordinates = [Number(event.latlng.lng.toFixed(6)), Number(event.latlng.lat.toFixed(6))];
      field.value = JSON.stringify({ type: "Point", coordinates: coordinates });
      show(coordinates);
    });
    field.addEventListener("change", function () { show(point(field)); });
    var clear = document.getElementById("m-location-clear");
    if (clear) {
      clear.addEventListener("click", function () { field.value = ""; show(null); });
    }
    element.setAttribute("data-drawn", "true");
  }

  function start() {
    filters();
    addRows();
    locationMap();
    focusFirstError();
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();

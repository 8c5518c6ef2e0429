/* Province map: Leaflet with circle markers by status on a plain background (no tile server).
   The page works without this file (SVG dots + tables); Leaflet is fetched only when asked
   for on phones, or straight away on wide screens with no data-saver. */
(function () {
  "use strict";
  var box = document.getElementById("map");
  var button = document.getElementById("map-load");
  if (!box || !button) return;
  var colours = { active: "#15803d", degraded: "#b45309", down: "#b91c1c", decommissioned: "#6b7280" };
  var started = false;

  function addCss(href) {
    var link = document.createElement("link");
    link.rel = "stylesheet";
    link.href = href;
    document.head.appendChild(link);
  }

  function addScript(src, done) {
    var script = document.createElement("script");
    script.src = src;
    script.onload = done;
    document.head.appendChild(script);
  }

  function esc(text) {
    var div = document.createElement("div");
    div.textContent = text == null ? "" : String(text);
    return div.innerHTML;
  }

  function draw(data) {
    var L = window.L;
    box.hidden = false;
    document.getElementById("map-fallback").hidden = true;
    var map = L.map(box, { preferCanvas: true, attributionControl: false, zoomSnap: 0.25 });
    var pointUrl = box.getAttribute("data-point-url");
    var reference = document.getElementById("map-reference");
    if (reference) {
      var ref = JSON.parse(reference.textContent);
      ref.dots.forEach(function (d) {
        L.circleMarker(d, { radius: 2, stroke: false, fillColor: "#94a3b8", fillOpacity: 0.5,
          interactive: false }).addTo(map);
      });
      ref.labels.forEach(function (l) {
        L.marker([l[0], l[1]], { interactive: false, keyboard: false,
          icon: L.divIcon({ className: "map-label", html: esc(l[2]), iconSize: null }) }).addTo(map);
      });
    }
    var layer = L.geoJSON(data, {
      pointToLayer: function (feature, latlng) {
        return L.circleMarker(latlng, {
          radius: 6, weight: 1, color: "#fff", fillOpacity: 0.9,
          fillColor: colours[feature.properties.status] || "#6b7280"
        });
      },
      onEachFeature: function (feature, marker) {
        var p = feature.properties;
        var href = pointUrl.replace("CODE", encodeURIComponent(p.code));
        marker.bindPopup('<a href="' + href + '">' + esc(p.code) + "</a><br>" + esc(p.place_name) +
          "<br>" + esc(p.village) + "<br>" + esc(p.status_label));
      }
    }).addTo(map);
    var bounds = layer.getBounds();
    if (bounds.isValid()) map.fitBounds(bounds.pad(0.05)); else map.setView([13.5, 100.7], 6);
  }

  function start() {
    if (started) return;
    started = true;
    button.disabled = true;
    addCss(box.getAttribute("data-css"));
    addScript(box.getAttribute("data-js"), function () {
      fetch(box.getAttribute("data-geojson"), { headers: { Accept: "application/geo+json" } })
        .then(function (r) { return r.json(); })
        .then(draw)
        .catch(function () { started = false; button.disabled = false; });
    });
  }

  button.hidden = false;
  document.getElementById("map-note").hidden = false;
  button.addEventListener("click", start);
  var saveData = navigator.connection && navigator.connection.saveData;
  if (window.innerWidth >= 720 && !saveData) {
    window.addEventListener("load", function () { setTimeout(start, 0); });
  }
})();

/* riskmap overview map: region outlines, villages on demand, links to each region's map. */
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("ov-data").textContent);
  var ui = data.ui;
  var colors = data.classes.map(function (c) { return c.color; });
  var map = L.map("ov-map", { preferCanvas: true, attributionControl: false, zoomSnap: 0.5 });
  var renderer = L.canvas({ padding: 0.3 });

  function decode(polys, scale) {
    return polys.map(function (rings) {
      return rings.map(function (flat) {
        var out = [], x = 0, y = 0;
        for (var i = 0; i < flat.length; i += 2) {
          x += flat[i]; y += flat[i + 1];
          out.push([y / scale, x / scale]);
        }
        return out;
      });
    });
  }

  function esc(s) {
    return String(s == null ? "" : s).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }

  var FIGS = ["villages", "tps", "villages_sangat_rawan", "villages_rawan", "tps_sangat_rawan",
              "tps_rawan", "expected_incidents", "personnel_budget", "personnel_assigned",
              "tps_with_team"];

  function popup(r) {
    var rows = FIGS.map(function (k) {
      var v = r.fig[k];
      return "<tr><td>" + esc(ui[k]) + "</td><td><b>" + esc(v == null ? "-" : v) + "</b></td></tr>";
    }).join("");
    return "<div class=\"ov-pop\"><b>" + esc(r.name) + "</b> (" + esc(r.code) + ")<table>" + rows +
      "</table><a href=\"" + esc(r.link) + "\">" + esc(ui.open_map) + "</a></div>";
  }

  var byId = {}, bounds = null, villageLayers = {}, pinned = {};
  var outlines = L.layerGroup().addTo(map);
  data.regions.forEach(function (r) {
    byId[r.id] = r;
    if (!r.outline.length) { return; }
    var share = r.sr_share || 0;
    var poly = L.polygon(decode(r.outline, data.scale.outline), {
      renderer: renderer, color: "#333", weight: 1, fillColor: colors[2],
      fillOpacity: 0.08 + 0.7 * share
    });
    poly.bindPopup(popup(r));
    poly.on("click", function () { showVillages(r.id, true); });
    poly.addTo(outlines);
    var b = L.latLngBounds([r.bbox[0], r.bbox[1]], [r.bbox[2], r.bbox[3]]);
    r._bounds = b;
    bounds = bounds ? bounds.extend(b) : L.latLngBounds(b.getSouthWest(), b.getNorthEast());
  });

  function villageLayer(r) {
    if (villageLayers[r.id]) { return villageLayers[r.id]; }
    var group = L.layerGroup();
    r.villages.forEach(function (v) {
      var color = v[2] >= 0 ? colors[v[2]] : "#999";
      var label = v[2] >= 0 ? data.classes[v[2]].label : "-";
      L.polygon(decode(v[4], data.scale.village), {
        renderer: renderer, color: "#555", weight: 0.5, fillColor: color, fillOpacity: 0.65
      }).bindTooltip(esc(v[1]) + " · " + esc(label) + (v[3] == null ? "" : " · " + v[3]), { sticky: true })
        .addTo(group);
    });
    villageLayers[r.id] = group;
    return group;
  }

  function showVillages(id, pin) {
    var r = byId[id];
    if (!r || !r.villages.length) { return; }
    if (pin) { pinned[id] = true; }
    var layer = villageLayer(r);
    if (!map.hasLayer(layer)) { layer.addTo(map); }
  }

  function refresh() {
    var zoomed = map.getZoom() >= data.village_min_zoom;
    var view = map.getBounds();
    data.regions.forEach(function (r) {
      if (!r._bounds) { return; }
      var want = pinned[r.id] || (zoomed && view.intersects(r._bounds));
      if (want) { showVillages(r.id, false); }
      else if (villageLayers[r.id] && map.hasLayer(villageLayers[r.id])) { map.removeLayer(villageLayers[r.id]); }
    });
  }
  map.on("moveend zoomend", refresh);

  var legend = L.control({ position: "bottomleft" });
  legend.onAdd = function () {
    var div = L.DomUtil.create("div", "ov-legend");
    div.innerHTML = "<b>" + esc(ui.legend) + "</b><br>" + [0, 0.25, 0.5, 1].map(function (s) {
      return "<i style=\"background:" + colors[2] + ";opacity:" + (0.08 + 0.7 * s) + "\"></i>" +
        Math.round(s * 100) + " %";
    }).join("<br>") + "<br><b>" + esc(ui.village_classes) + "</b><br>" + data.classes.map(function (c) {
      return "<i style=\"background:" + c.color + "\"></i>" + esc(c.label);
    }).join("<br>");
    return div;
  };
  legend.addTo(map);

  Array.prototype.forEach.call(document.querySelectorAll(".ov-zoom"), function (btn) {
    btn.addEventListener("click", function () {
      var r = byId[btn.getAttribute("data-region")];
      if (r && r._bounds) { showVillages(r.id, true); map.fitBounds(r._bounds); }
    });
  });

  if (bounds) { map.fitBounds(bounds); } else { map.setView([-2.5, 118], 5); }
  window.riskmapOverview = { map: map, regions: byId, ready: true };
  document.body.setAttribute("data-ready", "1");
})();

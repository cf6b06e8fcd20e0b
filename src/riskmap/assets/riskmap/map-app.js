/* riskmap: the commander's map. Draws the layers held in <script id="rm-data">.
   Every string that comes from the input is inserted as text (textContent / text nodes),
   never as HTML. No network: no tiles unless an opt-in online base map is chosen. */
(function () {
  "use strict";
  var TIMES = { start: performance.now() };  /* ms since navigation start, per phase */
  var D = JSON.parse(document.getElementById("rm-data").textContent);
  // texts many TPS share are written once (D.strings); a TPS holds their positions there
  if (D.strings) {
    D.tps.forEach(function (t) {
      if (t.factors) t.factors = t.factors.map(function (i) { return D.strings[i]; });
      if (typeof t.village_name === "number") t.village_name = D.strings[t.village_name];
      if (t.reach && typeof t.reach.polsek === "number") t.reach.polsek = D.strings[t.reach.polsek];
    });
  }
  TIMES.data_parsed = performance.now();
  var UI = D.ui, S = D.settings, LB = D.labels;
  var COLORS = S.class_colors;
  var CLASS_RANK = { kurang_rawan: 0, rawan: 1, sangat_rawan: 2 };
  var GREY = "#d9d9d9";
  var narrow = window.matchMedia && window.matchMedia("(max-width: 700px)").matches;

  /* ------------------------------------------------------------------ DOM helpers */
  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }
  function add(parent) {
    for (var i = 1; i < arguments.length; i++) {
      var c = arguments[i];
      if (c === null || c === undefined) continue;
      parent.appendChild(typeof c === "string" ? document.createTextNode(c) : c);
    }
    return parent;
  }
  function later(fn, arg) { window.setTimeout(function () { fn(arg); }, 0); }
  function num(v, decimals) {
    if (v === null || v === undefined || v === "") return UI.no_data;
    return Number(v).toLocaleString("id-ID", {
      minimumFractionDigits: decimals || 0, maximumFractionDigits: decimals || 0 });
  }
  /* popups stay clear of the controls: on phones they scroll and the controls step aside */
  function popupOptions(maxWidth) {
    if (narrow) {
      return { maxWidth: Math.min(maxWidth, window.innerWidth - 40),
        maxHeight: Math.round(window.innerHeight * 0.55),
        autoPanPaddingTopLeft: [10, 10], autoPanPaddingBottomRight: [10, 40] };
    }
    return { maxWidth: maxWidth, autoPanPaddingTopLeft: [270, 20],
      autoPanPaddingBottomRight: [310, 20] };
  }
  function minutes(m) { return m < 1 ? UI.less_than_one : num(m); }
  /* ------------------------------------------------------------------ the operations plan */
  var P = D.plan;
  var currentDate = P.date;
  var unitNameById = {};
  D.units.forEach(function (u) { unitNameById[u.id] = u.name || u.id; });
  function unitName(id) { return unitNameById[id] || id || UI.no_data; }
  function dateText(iso) {
    var m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso || "");
    if (!m) return iso || "";
    return Number(m[3]) + " " + LB.months[Number(m[2]) - 1] + " " + m[1];
  }
  function taskLabel(k) { return LB.task_kinds[k] || k; }
  var venueNameById = {};
  D.venues.forEach(function (v) { venueNameById[v.id] = v.name || v.id; });
  function siteText(t) {
    if (t.site_kind === "unit" && unitNameById[t.site_id]) return unitNameById[t.site_id];
    if (venueNameById[t.site_id]) return venueNameById[t.site_id];
    return ((LB.site_kinds[t.site_kind] || t.site_kind || "") + " " + t.site_id).trim();
  }
  function tasksOn(date) {
    /* a task without a date holds on every day of the stage */
    return P.tasks.filter(function (t) { return t.date === date || !t.date; });
  }
  function activeOn(v, date) {
    if (!date) return true;
    return (!v.from || v.from <= date) && (!v.to || v.to >= date);
  }
  function personnelText(n) { return num(n) + " " + UI.officers.toLowerCase(); }
  function classLabel(c) { return LB.classes[c] || UI.unknown_class; }
  function classColor(c) { return COLORS[c] || GREY; }
  function badge(c) {
    var b = el("span", "rm-badge rm-badge-" + (c || "none"), classLabel(c));
    b.style.background = classColor(c);
    return b;
  }
  function popupBox(kindText, title) {
    var box = el("div", "rm-pop");
    add(box, el("div", "rm-pop-kind", kindText), el("h3", null, title));
    var table = el("table", "rm-pop-table");
    box.appendChild(table);
    box.row = function (label, value) {
      var tr = el("tr");
      var td = el("td");
      if (value instanceof Node) td.appendChild(value); else td.textContent = String(value);
      add(tr, el("th", null, label), td);
      table.appendChild(tr);
      return tr;
    };
    return box;
  }
  function reachRows(box, r) {
    if (!r) return;
    var txt = (r.polsek || UI.no_data) + (r.polsek_min !== null ? " (" + minutes(r.polsek_min) +
      " " + UI.minutes + ")" : "");
    box.row(UI.nearest_polsek, txt);
    if (r.polres_min !== null) box.row(UI.to_polres, minutes(r.polres_min) + " " + UI.minutes);
    if (r.beyond) box.row("\u26a0", el("b", "rm-warn", UI.beyond_limit));
  }

  /* ------------------------------------------------------------------ the map */
  var map = L.map("rm-map", {
    zoomControl: false, maxZoom: S.max_zoom, minZoom: 5, zoomSnap: 0.25,
    attributionControl: true, tap: true
  });
  map.attributionControl.setPrefix(false);
  L.control.zoom({ position: "topleft", zoomInTitle: "Perbesar", zoomOutTitle: "Perkecil" })
    .addTo(map);
  L.control.scale({ imperial: false, position: "bottomleft", maxWidth: 140 }).addTo(map);

  function pane(name, z, interactive) {
    var p = map.createPane(name);
    p.style.zIndex = z;
    if (!interactive) p.style.pointerEvents = "none";
    return p;
  }
  pane("rm-areas", 350, true);
  pane("rm-cover", 370, false);
  pane("rm-sectors", 372, false);
  pane("rm-lines", 390, false);
  pane("rm-labels", 395, false);
  /* posts and venues under the TPS clusters (markerPane, 600): cluster counts stay readable */
  pane("rm-sites", 580, true);
  var canvas = L.canvas({ padding: 0.3 });

  var layers = {};
  var meta = {};  /* key -> {label, count, legend: function(node)} */

  TIMES.before_boundaries = performance.now();
  /* ------------------------------------------------------------------ boundaries */
  var B = D.boundaries;
  var boundaries = L.layerGroup();
  L.geoJSON({ type: "FeatureCollection", features: B.subdistricts.map(function (s) {
    return { type: "Feature", geometry: s.outline, properties: {} };
  }) }, { pane: "rm-lines", interactive: false,
    style: { color: "#444", weight: 1.6, opacity: 0.9, fill: false, dashArray: "6 3" } })
    .addTo(boundaries);
  L.geoJSON({ type: "FeatureCollection", features: B.region.map(function (g) {
    return { type: "Feature", geometry: g, properties: {} };
  }) }, { pane: "rm-lines", interactive: false,
    style: { color: "#111", weight: 3, opacity: 1, fill: false } }).addTo(boundaries);
  var subLabels = L.layerGroup().addTo(boundaries);
  B.subdistricts.forEach(function (s) {
    if (!s.label) return;
    var span = el("span", null, s.name);
    L.marker(s.label, { pane: "rm-labels", interactive: false, keyboard: false,
      icon: L.divIcon({ className: "rm-lbl rm-lbl-kec", html: span, iconSize: null }) })
      .addTo(subLabels);
  });
  var villageLabels = L.layerGroup();
  B.villages.forEach(function (v) {
    var span = el("span", null, v.name);
    L.marker(v.label, { pane: "rm-labels", interactive: false, keyboard: false,
      icon: L.divIcon({ className: "rm-lbl rm-lbl-desa", html: span, iconSize: null }) })
      .addTo(villageLabels);
  });
  /* village outlines (drawn even when the choropleth is off) */
  L.geoJSON(D.villages, { pane: "rm-lines", interactive: false,
    style: { color: "#666", weight: 0.6, opacity: 0.8, fill: false } }).addTo(boundaries);
  var overviewBelow = 12;  /* set from the fitted zoom in fitRegion() */
  function updateLabels() {
    var z = map.getZoom();
    map.getContainer().classList.toggle("rm-overview", z < overviewBelow);
    var show = map.hasLayer(boundaries) && z >= Math.max(S.village_labels_from_zoom, overviewBelow);
    if (show && !map.hasLayer(villageLabels)) villageLabels.addTo(map);
    if (!show && map.hasLayer(villageLabels)) map.removeLayer(villageLabels);
    var cover = map.hasLayer(postsLayer) && z >= overviewBelow;
    if (cover && !map.hasLayer(coverageLayer)) coverageLayer.addTo(map);
    if (!cover && map.hasLayer(coverageLayer)) map.removeLayer(coverageLayer);
  }
  map.on("zoomend", updateLabels);
  layers.boundaries = boundaries;
  meta.boundaries = { label: UI.layer_boundaries, count: null, legend: function (n) {
    add(n, legendLine("#111", 3, null, UI.region_outline), legendLine("#444", 1.6, "6 3", UI.subdistrict),
      legendLine("#666", 0.8, null, UI.village));
  } };

  TIMES.before_villages = performance.now();
  /* ------------------------------------------------------------------ villages */
  var tpsByVillage = {};
  D.tps.forEach(function (t) { (tpsByVillage[t.village] = tpsByVillage[t.village] || []).push(t); });
  var villageLayerByCode = {};
  var tpsMarkerById = {};

  function villagePopup(p) {
    var box = popupBox(UI.village + " \u00b7 " + UI.subdistrict + " " + p.sub, p.name);
    box.row(UI.class, badge(p.cls));
    box.row(UI.score, p.score === null ? UI.no_data : num(p.score, 1));
    box.row(UI.expected, p.expected === null ? UI.no_data : num(p.expected, 2));
    if (D.meta.has_previous && p.prev) {
      var prev = el("span", null, classLabel(p.prev));
      if (p.rose) add(prev, " ", el("b", "rm-warn", "\u25b2 " + UI.class_rose));
      box.row(UI.previous_class, prev);
    }
    if (p.factors && p.factors.length) {
      var ul = el("ul", "rm-factors");
      p.factors.forEach(function (f) { ul.appendChild(el("li", null, f)); });
      add(box, el("div", "rm-pop-sub", UI.factors), ul);
    }
    var list = (tpsByVillage[p.code] || []).slice().sort(function (a, b) {
      return (CLASS_RANK[b.cls] || 0) - (CLASS_RANK[a.cls] || 0) || (a.id < b.id ? -1 : 1);
    });
    add(box, el("div", "rm-pop-sub", UI.tps_in_village + " (" + list.length + ")"));
    var tl = el("ul", "rm-tps-list");
    list.slice(0, S.max_list_items).forEach(function (t) {
      var li = el("li");
      var a = el("a", "rm-link", t.id);
      a.href = "#";
      a.addEventListener("click", function (ev) { ev.preventDefault(); later(goToTps, t.id); });
      var dot = el("span", "rm-dot");
      dot.style.background = classColor(t.cls);
      add(li, dot, a, " \u00b7 " + classLabel(t.cls) + " \u00b7 " + num(t.voters) + " " +
        UI.voters.toLowerCase());
      tl.appendChild(li);
    });
    box.appendChild(tl);
    if (list.length > S.max_list_items) {
      box.appendChild(el("div", "rm-more", "+" + (list.length - S.max_list_items) + " " + UI.more));
    }
    return box;
  }
  var areas = L.geoJSON(D.villages, {
    pane: "rm-areas",
    style: function (f) {
      return { fillColor: classColor(f.properties.cls), fillOpacity: 0.62, color: "#555",
        weight: 0.5, opacity: 0.6 };
    },
    onEachFeature: function (f, layer) {
      villageLayerByCode[f.properties.code] = layer;
      layer.bindPopup(function () { return villagePopup(f.properties); },
        popupOptions(320));
    }
  });
  layers.areas = areas;
  var villageCounts = {};
  D.villages.features.forEach(function (f) {
    villageCounts[f.properties.cls] = (villageCounts[f.properties.cls] || 0) + 1;
  });
  meta.areas = { label: UI.layer_areas, count: D.villages.features.length, legend: function (n) {
    ["sangat_rawan", "rawan", "kurang_rawan", ""].forEach(function (c) {
      if (c === "" && !villageCounts[""]) return;
      add(n, legendSwatch(classColor(c), classLabel(c), villageCounts[c] || 0));
    });
  } };

  TIMES.before_tps = performance.now();
  /* ------------------------------------------------------------------ TPS */
  function tpsPopup(t) {
    var box = popupBox(UI.tps + " \u00b7 " + t.village_name, UI.tps + " " + t.id);
    box.row(UI.village, t.village_name);
    box.row(UI.voters, num(t.voters));
    box.row(UI.class, badge(t.cls));
    box.row(UI.score, t.score === null ? UI.no_data : num(t.score, 1));
    if (t.expected !== undefined) box.row(UI.expected, num(t.expected, 2));
    if (D.meta.stage === "voting") {
      box.row(UI.team, t.post ? t.post : el("b", "rm-warn", UI.no_team));
    } else {
      box.row(UI.post, t.post ? t.post : el("b", "rm-warn", UI.no_post));
    }
    box.row(UI.hard_to_reach, t.hard ? UI.yes : UI.no);
    reachRows(box, t.reach);
    if (t.factors && t.factors.length) {
      var ul = el("ul", "rm-factors");
      t.factors.forEach(function (f) { ul.appendChild(el("li", null, f)); });
      add(box, el("div", "rm-pop-sub", UI.factors), ul);
    }
    return box;
  }
  var tpsLayer = L.markerClusterGroup({
    disableClusteringAtZoom: S.cluster_until_zoom, showCoverageOnHover: false,
    spiderfyOnMaxZoom: false, maxClusterRadius: narrow ? 60 : 45, chunkedLoading: true,
    iconCreateFunction: function (cluster) {
      var worst = 0, kids = cluster.getAllChildMarkers();
      for (var i = 0; i < kids.length; i++) {
        if (kids[i].options.rmRank > worst) worst = kids[i].options.rmRank;
      }
      var cls = ["kurang_rawan", "rawan", "sangat_rawan"][worst];
      var n = cluster.getChildCount();
      var size = n < 10 ? 30 : n < 100 ? 36 : 42;
      return L.divIcon({ html: "<span>" + n + "</span>", className: "rm-cluster rm-cluster-" + cls,
        iconSize: [size, size] });
    }
  });
  var tpsCounts = {};
  D.tps.forEach(function (t) {
    tpsCounts[t.cls] = (tpsCounts[t.cls] || 0) + 1;
    var m = L.circleMarker([t.lat, t.lon], {
      radius: t.cls === "sangat_rawan" ? 8 : t.cls === "rawan" ? 7 : 6,
      fillColor: classColor(t.cls), fillOpacity: 0.95, color: t.post ? "#222" : "#000",
      weight: t.hard ? 2.2 : 1.4, dashArray: t.hard ? "3 2" : null,
      rmRank: CLASS_RANK[t.cls] || 0
    });
    m.bindPopup(function () { return tpsPopup(t); }, popupOptions(300));
    m.bindTooltip(el("span", null, UI.tps + " " + t.id), { direction: "top", offset: [0, -6] });
    tpsMarkerById[t.id] = m;
    tpsLayer.addLayer(m);
  });
  layers.tps = tpsLayer;
  meta.tps = { label: UI.layer_tps, count: D.tps.length, legend: function (n) {
    ["sangat_rawan", "rawan", "kurang_rawan"].forEach(function (c) {
      add(n, legendDot(classColor(c), classLabel(c), tpsCounts[c] || 0, false));
    });
    add(n, legendDot("#fff", UI.legend_tps_hard, null, true));
  } };

  TIMES.before_posts = performance.now();
  /* ------------------------------------------------------------------ posts */
  var postsLayer = L.featureGroup();
  /* coverage circles: drawn only when zoomed in (see updateLabels) */
  var coverageLayer = L.layerGroup();
  var postMarkerById = {};
  function postPopup(p) {
    var box = popupBox(UI.post, p.name ? p.id + " \u00b7 " + p.name : p.id);
    box.row(UI.officers, num(p.personnel));
    if (p.reserve) box.row(UI.reserve, num(p.reserve));
    var team = P.tasks.filter(function (t) {
      return t.post === p.id && (!currentDate || t.date === currentDate);
    });
    if (team.length) {
      add(box, el("div", "rm-pop-sub", UI.team_officers));
      var tl = el("ul", "rm-factors");
      team.forEach(function (t) {
        tl.appendChild(el("li", null, taskLabel(t.task) + ": " + personnelText(t.personnel) +
          " \u00b7 " + unitName(t.unit) + (t.desc ? " \u00b7 " + t.desc : "")));
      });
      box.appendChild(tl);
    }
    box.row(UI.site, (LB.site_kinds[p.site_kind] || p.site_kind) + (p.site_id ? " " + p.site_id : ""));
    box.row(UI.tps_covered, num(p.covered_tps !== null ? p.covered_tps : p.tps_ids.length));
    if (p.radius_km !== null) box.row(UI.radius, num(p.radius_km, 1) + " km");
    if (p.venue_ids.length) box.row(UI.venues_covered, p.venue_ids.join(", "));
    if (p.tps_ids.length) {
      add(box, el("div", "rm-pop-sub", UI.tps_covered));
      var ul = el("ul", "rm-tps-list");
      p.tps_ids.slice(0, S.max_list_items).forEach(function (id) {
        var li = el("li"), a = el("a", "rm-link", id);
        a.href = "#";
        a.addEventListener("click", function (ev) { ev.preventDefault(); later(goToTps, id); });
        li.appendChild(a);
        ul.appendChild(li);
      });
      box.appendChild(ul);
      if (p.tps_ids.length > S.max_list_items) {
        box.appendChild(el("div", "rm-more", "+" + (p.tps_ids.length - S.max_list_items) + " " + UI.more));
      }
    }
    return box;
  }
  var totalPersonnel = 0;
  var sectorOf = {};
  P.sectors.forEach(function (sec) { sectorOf[sec.post] = sec; });
  D.posts.forEach(function (p) {
    totalPersonnel += p.personnel || 0;
    /* a voting-day team has its sector: no coverage circle then */
    if (p.radius_km && !sectorOf[p.id]) {
      L.circle([p.lat, p.lon], { radius: p.radius_km * 1000, pane: "rm-cover", interactive: false,
        color: "#08519c", weight: 1.2, dashArray: "5 4", fillColor: "#08519c", fillOpacity: 0.05 })
        .addTo(coverageLayer);
    }
    var d = Math.round(18 + 4 * Math.sqrt(Math.max(p.personnel || 0, 0)));
    var dot = el("span", "rm-post", String(p.personnel || 0));
    dot.style.width = dot.style.height = d + "px";
    var icon = L.divIcon({ className: "rm-post-wrap", html: dot, iconSize: null });
    var m = L.marker([p.lat, p.lon], { icon: icon, pane: "rm-sites", title: UI.post + " " + p.id,
      alt: UI.post + " " + p.id });
    m.bindPopup(function () { return postPopup(p); }, popupOptions(300));
    postMarkerById[p.id] = m;
    m.addTo(postsLayer);
  });
  layers.posts = postsLayer;
  meta.posts = { label: UI.layer_posts, count: D.posts.length, legend: function (n) {
    var row = el("div", "rm-leg-row");
    add(row, el("span", "rm-post rm-leg-post", "4"),
      el("span", "rm-leg-text", UI.officers + ": " + num(totalPersonnel) + " \u00b7 " + UI.legend_post_size));
    n.appendChild(row);
  } };

  TIMES.before_plan = performance.now();
  /* ------------------------------------------------------------------ voting-day sectors */
  var tpsById = {};
  D.tps.forEach(function (t) { tpsById[t.id] = t; });
  var postById = {};
  D.posts.forEach(function (p) { postById[p.id] = p; });
  var SECTOR_COLORS = S.sector_colors;
  if (P.sectors.length) {
    var sectorsLayer = L.featureGroup();
    /* one canvas for every outline and spoke: light with thousands of teams */
    var sectorCanvas = L.canvas({ padding: 0.3, pane: "rm-sectors" });
    P.sectors.forEach(function (sec) {
      var color = SECTOR_COLORS[sec.colour % SECTOR_COLORS.length];
      L.geoJSON({ type: "Feature", geometry: sec.outline, properties: {} }, {
        renderer: sectorCanvas, interactive: false, style: { color: color, weight: 2,
          opacity: 0.9, fillColor: color, fillOpacity: 0.1 } }).addTo(sectorsLayer);
      var base = postById[sec.post];
      if (!base) return;
      var spokes = [];
      sec.tps.forEach(function (id) {
        var t = tpsById[id];
        if (t) spokes.push([[base.lat, base.lon], [t.lat, t.lon]]);
      });
      if (spokes.length) {
        L.polyline(spokes, { renderer: sectorCanvas, interactive: false, color: color,
          weight: 1.6, opacity: 0.95 }).addTo(sectorsLayer);
      }
    });
    layers.sectors = sectorsLayer;
    meta.sectors = { label: UI.layer_sectors, count: P.sectors.length, legend: function (n) {
      var row = el("div", "rm-leg-row");
      var sw = el("span", "rm-leg-sectors");
      SECTOR_COLORS.slice(0, 5).forEach(function (c) {
        var b = el("span");
        b.style.background = c;
        sw.appendChild(b);
      });
      add(row, sw, el("span", "rm-leg-text", UI.legend_sectors));
      n.appendChild(row);
    } };
  }

  /* ------------------------------------------------------------------ tasks and movements */
  var TASK_COLORS = { tps_team: "#08519c", venue_guard: "#01665e", patrol: "#1a9850",
    escort: "#762a83", reserve: "#525252" };
  function taskPopup(t, line) {
    var box = popupBox(UI.task + " \u00b7 " + dateText(t.date), taskLabel(t.task) +
      (t.desc ? " \u00b7 " + t.desc : ""));
    box.row(UI.task, taskLabel(t.task));
    box.row(UI.date, dateText(t.date));
    box.row(UI.officers, num(t.personnel));
    box.row(UI.unit, unitName(t.unit));
    if (line && line.minutes !== null) box.row(UI.travel_minutes, minutes(line.minutes) + " " + UI.minutes);
    if (t.site_id) box.row(UI.site, siteText(t));
    if (t.desc) box.row(UI.description, t.desc);
    box.row("ID", t.id);
    var crossed = line ? P.crossed[line.geom] || [] : [];
    if (crossed.length) {
      add(box, el("div", "rm-pop-sub", UI.crossed + " (" + crossed.length + ")"));
      var ul = el("ul", "rm-tps-list");
      crossed.slice(0, S.max_list_items).forEach(function (code) {
        var f = villageByCode[code];
        var cls = f ? f.properties.cls : "";
        var li = el("li"), dot = el("span", "rm-dot");
        dot.style.background = classColor(cls);
        add(li, dot, (f ? f.properties.name : code) + " \u00b7 " + classLabel(cls));
        ul.appendChild(li);
      });
      box.appendChild(ul);
      if (crossed.length > S.max_list_items) {
        box.appendChild(el("div", "rm-more", "+" + (crossed.length - S.max_list_items) + " " + UI.more));
      }
    }
    return box;
  }
  var villageByCode = {};
  D.villages.features.forEach(function (f) { villageByCode[f.properties.code] = f; });
  var hasPlan = P.tasks.length > 0 || P.movements.length > 0;
  var tasksLayer = L.featureGroup();
  var movementsLayer = L.featureGroup();
  var taskKinds = {}, lineKinds = {};
  P.tasks.forEach(function (t) { taskKinds[t.task] = true; });
  P.movements.forEach(function (m) { lineKinds[m.task] = true; });
  function drawPlanOn(date) {
    tasksLayer.clearLayers();
    movementsLayer.clearLayers();
    var drawn = {};
    P.movements.forEach(function (mv) {
      if (date && mv.date && mv.date !== date) return;
      drawn[mv.id] = true;
      var t = { id: mv.id, date: mv.date, task: mv.task, personnel: mv.personnel, unit: mv.unit,
        site_kind: mv.site_kind, site_id: mv.site_id, desc: mv.desc };
      var color = TASK_COLORS[mv.task] || "#333";
      var paths = P.paths[mv.geom];
      var line = L.polyline(paths, { color: color, weight: mv.task === "escort" ? 4.5 : 3.5,
        opacity: 0.9, dashArray: mv.task === "patrol" ? "9 6" : null, pane: "rm-sites" });
      line.bindPopup(function () { return taskPopup(t, mv); }, popupOptions(300));
      line.addTo(movementsLayer);
      var last = paths[paths.length - 1];
      L.circleMarker(last[last.length - 1], { radius: 4, color: "#fff", weight: 1.5,
        fillColor: color, fillOpacity: 1, pane: "rm-sites", interactive: false })
        .addTo(movementsLayer);
    });
    tasksOn(date).forEach(function (t) {
      if (t.task === "tps_team" || t.lat === null || drawn[t.id]) return;
      var span = el("span", "rm-task rm-task-" + t.task,
        (LB.task_codes[t.task] || "") + " " + num(t.personnel));
      span.style.background = TASK_COLORS[t.task] || "#333";
      var m = L.marker([t.lat, t.lon], { pane: "rm-sites", zIndexOffset: 500,
        icon: L.divIcon({ className: "rm-task-wrap", html: span, iconSize: null }),
        title: taskLabel(t.task) + " " + t.id, alt: taskLabel(t.task) + " " + t.id });
      m.bindPopup(function () { return taskPopup(t, null); }, popupOptions(300));
      m.addTo(tasksLayer);
    });
  }
  if (hasPlan) {
    if (!P.dates.length) drawPlanOn(currentDate);  /* else setDate() draws the shown day */
    layers.tasks = tasksLayer;
    meta.tasks = { label: UI.layer_tasks, count: null, legend: function (n) {
      ["venue_guard", "escort", "patrol", "reserve"].forEach(function (k) {
        if (!taskKinds[k]) return;
        var row = el("div", "rm-leg-row");
        var sw = el("span", "rm-task rm-leg-task", LB.task_codes[k] + " 4");
        sw.style.background = TASK_COLORS[k];
        add(row, sw, el("span", "rm-leg-text", taskLabel(k)));
        n.appendChild(row);
      });
      n.appendChild(el("div", "rm-leg-note", UI.legend_tasks));
    } };
    if (P.movements.length) {
      layers.movements = movementsLayer;
      meta.movements = { label: UI.layer_movements, count: null, legend: function (n) {
        ["patrol", "escort"].forEach(function (k) {
          if (!lineKinds[k]) return;
          add(n, legendLine(TASK_COLORS[k], k === "escort" ? 4.5 : 3.5, k === "patrol", taskLabel(k)));
        });
      } };
    }
  }

  TIMES.before_venues = performance.now();
  /* ------------------------------------------------------------------ venues */
  var venuesLayer = L.featureGroup();
  var venueKinds = {};
  var venueMarkers = [];
  function venuePopup(v) {
    var box = popupBox(UI.venue + " \u00b7 " + (LB.venue_kinds[v.kind] || v.kind), v.name || v.id);
    box.row(UI.kind, LB.venue_kinds[v.kind] || v.kind);
    box.row(UI.dates, v.start || v.end ? (v.start || "\u2026") + " " + UI.until + " " + (v.end || "\u2026")
      : UI.every_stage);
    if (v.crowd !== null) box.row(UI.crowd, num(v.crowd) + " " + UI.people);
    box.row("ID", v.id);
    if (currentDate && (v.from || v.to) && !activeOn(v, currentDate)) {
      box.row(UI.date_picker, dateText(currentDate) + ": " + UI.not_active_today);
    }
    reachRows(box, v.reach);
    var here = tasksOn(currentDate).filter(function (t) { return t.site_id === v.id; });
    if (here.length) {
      add(box, el("div", "rm-pop-sub", UI.tasks_here + " \u00b7 " + dateText(currentDate)));
      var ul = el("ul", "rm-factors rm-venue-tasks");
      here.forEach(function (t) {
        ul.appendChild(el("li", null, taskLabel(t.task) + ": " + personnelText(t.personnel) +
          " \u00b7 " + unitName(t.unit) + (t.desc ? " \u00b7 " + t.desc : "")));
      });
      box.appendChild(ul);
    }
    var ladder = P.escalation[v.id];
    if (ladder && ladder.length) {
      add(box, el("div", "rm-pop-sub", UI.ladder));
      box.appendChild(ladderTable(ladder));
    }
    return box;
  }
  function ladderMinutes(m) {
    if (m === null) return UI.no_data;
    return m === 0 ? UI.at_site : minutes(m) + " " + UI.minutes;
  }
  function ladderTable(ladder) {
    var table = el("table", "rm-ladder");
    var head = el("tr");
    [UI.ladder_step, UI.unit, UI.officers, UI.minutes_to_site].forEach(function (h) {
      head.appendChild(el("th", null, h));
    });
    table.appendChild(head);
    ladder.forEach(function (s, i) {
      var tr = el("tr");
      add(tr, el("td", null, (i + 1) + ". " + s.label), el("td", null, unitName(s.unit)),
        el("td", "rm-num", s.personnel === null ? UI.no_data : num(s.personnel)),
        el("td", "rm-num", ladderMinutes(s.minutes)));
      table.appendChild(tr);
    });
    return table;
  }
  D.venues.forEach(function (v) {
    venueKinds[v.kind] = (venueKinds[v.kind] || 0) + 1;
    var code = LB.venue_codes[v.kind] || "L";
    var icon = L.divIcon({ className: "rm-venue rm-venue-" + v.kind, html: el("span", null, code),
      iconSize: null });
    var m = L.marker([v.lat, v.lon], { icon: icon, pane: "rm-sites", title: v.name, alt: v.name });
    m.bindPopup(function () { return venuePopup(v); }, popupOptions(330));
    venueMarkers.push({ v: v, m: m });
    if (activeOn(v, currentDate)) m.addTo(venuesLayer);
  });
  function showVenuesOn(date) {
    var n = 0;
    venueMarkers.forEach(function (x) {
      var on = activeOn(x.v, date);
      if (on && (x.v.from || x.v.to)) n += 1;
      if (on && !venuesLayer.hasLayer(x.m)) venuesLayer.addLayer(x.m);
      if (!on && venuesLayer.hasLayer(x.m)) venuesLayer.removeLayer(x.m);
    });
    return n;
  }
  layers.venues = venuesLayer;
  meta.venues = { label: UI.layer_venues, count: D.venues.length, legend: function (n) {
    Object.keys(LB.venue_kinds).forEach(function (k) {
      if (!venueKinds[k]) return;
      var row = el("div", "rm-leg-row");
      add(row, add(el("span", "rm-venue rm-leg-venue rm-venue-" + k), el("span", null, LB.venue_codes[k])),
        el("span", "rm-leg-text", LB.venue_kinds[k]), el("span", "rm-leg-count", String(venueKinds[k])));
      n.appendChild(row);
    });
  } };

  TIMES.before_incidents = performance.now();
  /* ------------------------------------------------------------------ incidents */
  var SEV_COLORS = { 1: "#bdbdbd", 2: "#737373", 3: "#252525" };
  var heatPoints = D.incidents.map(function (i) { return [i.lat, i.lon, i.sev]; });
  var heat = L.heatLayer(heatPoints, { radius: 20, blur: 16, minOpacity: 0.25, max: 3,
    maxZoom: 12, gradient: { 0.3: "#fcc5c0", 0.55: "#f768a1", 0.8: "#ae017e", 1.0: "#49006a" } });
  layers.incidents_heat = heat;
  meta.incidents_heat = { label: UI.layer_incidents_heat, count: D.incidents.length,
    legend: function (n) {
      var row = el("div", "rm-leg-row");
      add(row, el("span", "rm-leg-heat"), el("span", "rm-leg-text", UI.legend_heat + "; " +
        UI.incidents_before + " " + D.meta.incidents_before));
      n.appendChild(row);
    } };
  var incidentPoints = L.featureGroup();
  function incidentPopup(i) {
    var box = popupBox(UI.incident + " \u00b7 " + i.date, LB.incident_kinds[i.kind] || i.kind);
    box.row(UI.date, i.date);
    box.row(UI.severity, LB.severity[String(i.sev)] || String(i.sev));
    if (i.desc) box.row(UI.description, i.desc);
    box.row("ID", i.id);
    return box;
  }
  D.incidents.forEach(function (i) {
    var m = L.circleMarker([i.lat, i.lon], { renderer: canvas, radius: 2.5 + i.sev,
      fillColor: SEV_COLORS[i.sev] || "#737373", fillOpacity: 0.9, color: "#fff", weight: 1 });
    m.bindPopup(function () { return incidentPopup(i); }, popupOptions(280));
    m.bindTooltip(el("span", null, i.date + " \u00b7 " + (LB.incident_kinds[i.kind] || i.kind)),
      { direction: "top", offset: [0, -4] });
    m.addTo(incidentPoints);
  });
  layers.incidents_points = incidentPoints;
  meta.incidents_points = { label: UI.layer_incidents_points, count: D.incidents.length,
    legend: function (n) {
      [3, 2, 1].forEach(function (s) {
        add(n, legendDot(SEV_COLORS[s], LB.severity[String(s)], null, false, 3 + s));
      });
    } };

  TIMES.before_units = performance.now();
  /* ------------------------------------------------------------------ units */
  var unitsLayer = L.featureGroup();
  var unitKinds = {};
  D.units.forEach(function (u) {
    unitKinds[u.kind] = (unitKinds[u.kind] || 0) + 1;
    var icon = L.divIcon({ className: "rm-unit rm-unit-" + u.kind,
      html: el("span", null, (LB.unit_kinds[u.kind] || u.kind).toUpperCase()), iconSize: null });
    /* the Polres above the TPS clusters (its badge sits above the point), the others under */
    var m = L.marker([u.lat, u.lon], { icon: icon, pane: u.kind === "polres" ? "markerPane" : "rm-sites",
      zIndexOffset: 1000, title: u.name, alt: u.name });
    m.bindPopup(function () {
      var box = popupBox(UI.unit + " \u00b7 " + (LB.unit_kinds[u.kind] || u.kind), u.name || u.id);
      box.row(UI.officers, num(u.personnel));
      box.row("ID", u.id);
      return box;
    }, popupOptions(260));
    m.addTo(unitsLayer);
  });
  layers.units = unitsLayer;
  meta.units = { label: UI.layer_units, count: D.units.length, legend: function (n) {
    ["polres", "polsek", "pos"].forEach(function (k) {
      if (!unitKinds[k]) return;
      var row = el("div", "rm-leg-row");
      add(row, add(el("span", "rm-unit rm-leg-unit rm-unit-" + k), el("span", null, LB.unit_kinds[k].toUpperCase())),
        el("span", "rm-leg-count", String(unitKinds[k])));
      n.appendChild(row);
    });
  } };

  TIMES.before_reach = performance.now();
  /* ------------------------------------------------------------------ reach */
  var reachLayer = L.featureGroup();
  D.reach.forEach(function (r) {
    if (r.polsek_at) {
      L.polyline([[r.lat, r.lon], r.polsek_at], { interactive: false, color: "#7b3294", weight: 2,
        dashArray: "2 6", opacity: 0.9 }).addTo(reachLayer);
    }
    var m = L.circleMarker([r.lat, r.lon], { radius: 13, fill: false, color: "#7b3294", weight: 3 });
    m.bindPopup(function () {
      var box = popupBox(UI.beyond_limit, r.name || r.id);
      reachRows(box, { polsek: r.polsek, polsek_min: r.polsek_min, polres_min: r.polres_min,
        beyond: true });
      return box;
    }, popupOptions(280));
    m.addTo(reachLayer);
  });
  layers.reach = reachLayer;
  meta.reach = { label: UI.layer_reach, count: D.reach.length, legend: function (n) {
    add(n, legendDot("transparent", UI.legend_reach, null, false, 8, "#7b3294"));
  } };

  TIMES.before_changes = performance.now();
  /* ------------------------------------------------------------------ changes */
  var changesLayer = L.featureGroup();
  var rose = D.villages.features.filter(function (f) { return f.properties.rose; });
  L.geoJSON({ type: "FeatureCollection", features: rose }, { pane: "rm-lines",
    interactive: false, style: { color: "#000", weight: 3.5, fill: false } }).addTo(changesLayer);
  var labelAt = {};
  B.villages.forEach(function (v) { labelAt[v.code] = v.label; });
  rose.forEach(function (f) {
    var at = labelAt[f.properties.code];
    if (!at) return;
    var span = add(el("span"), el("b", "rm-lbl-mark", "\u25b2"),
      el("span", "rm-lbl-name", " " + f.properties.name));
    L.marker(at, { pane: "rm-labels", interactive: false, keyboard: false,
      icon: L.divIcon({ className: "rm-lbl rm-lbl-rose", html: span, iconSize: null }) })
      .addTo(changesLayer);
  });
  layers.changes = changesLayer;
  meta.changes = { label: UI.layer_changes, count: D.meta.has_previous ? rose.length : null,
    legend: function (n) {
      if (!D.meta.has_previous) { n.appendChild(el("div", "rm-leg-note", UI.first_stage)); return; }
      add(n, legendLine("#000", 3.5, null, "\u25b2 " + UI.class_rose));
    } };

  TIMES.before_legend_helpers = performance.now();
  /* ------------------------------------------------------------------ legend helpers */
  function legendSwatch(color, text, count) {
    var row = el("div", "rm-leg-row"), sw = el("span", "rm-leg-sw");
    sw.style.background = color;
    add(row, sw, el("span", "rm-leg-text", text), count !== null ? el("span", "rm-leg-count", String(count)) : null);
    return row;
  }
  function legendDot(color, text, count, dashed, size, stroke) {
    var row = el("div", "rm-leg-row"), sw = el("span", "rm-leg-dot");
    sw.style.background = color;
    if (size) { sw.style.width = sw.style.height = (2 * size) + "px"; }
    if (dashed) sw.style.borderStyle = "dashed";
    if (stroke) { sw.style.borderColor = stroke; sw.style.borderWidth = "3px"; }
    add(row, sw, el("span", "rm-leg-text", text), count !== null && count !== undefined ?
      el("span", "rm-leg-count", String(count)) : null);
    return row;
  }
  function legendLine(color, weight, dash, text) {
    var row = el("div", "rm-leg-row"), sw = el("span", "rm-leg-line");
    sw.style.borderTop = Math.max(1, weight) + "px " + (dash ? "dashed " : "solid ") + color;
    add(row, sw, el("span", "rm-leg-text", text));
    return row;
  }

  /* ------------------------------------------------------------------ layer switching */
  var ORDER = ["areas", "sectors", "tps", "posts", "tasks", "movements", "venues", "incidents_heat",
    "incidents_points", "units", "reach", "changes", "boundaries"].filter(function (k) {
    return !!meta[k];
  });
  var checkboxes = {};
  function setLayer(key, on) {
    var layer = layers[key];
    if (!layer) return;
    if (on && !map.hasLayer(layer)) layer.addTo(map);
    if (!on && map.hasLayer(layer)) map.removeLayer(layer);
    if (checkboxes[key]) {
      checkboxes[key].checked = !!on;
      checkboxes[key].parentNode.parentNode.classList.toggle("rm-off", !on);
    }
    if (key === "boundaries" || key === "posts") updateLabels();
    scheduleDeclutter();
  }
  var initiallyOn = {};
  S.layers_on.forEach(function (k) { initiallyOn[k] = true; });
  initiallyOn.boundaries = true;

  /* ------------------------------------------------------------------ base maps */
  var tileLayers = S.tile_layers.map(function (t) {
    /* created only when chosen: no request is made before that */
    return { spec: t, layer: null };
  });
  function setBase(index) {
    tileLayers.forEach(function (t, i) {
      if (i === index) {
        if (!t.layer) {
          t.layer = L.tileLayer(t.spec.url, { maxZoom: t.spec.max_zoom || 18,
            attribution: t.spec.attribution || "" });
        }
        t.layer.addTo(map);
        t.layer.bringToBack();
      } else if (t.layer && map.hasLayer(t.layer)) {
        map.removeLayer(t.layer);
      }
    });
    document.body.classList.toggle("rm-online", index >= 0);
  }

  /* ------------------------------------------------------------------ legend panel */
  var Panel = L.Control.extend({
    options: { position: "topright" },
    onAdd: function () {
      var box = el("div", "rm-panel leaflet-bar" + (narrow ? " rm-collapsed" : ""));
      box.id = "rm-panel";
      var head = el("button", "rm-panel-toggle");
      head.type = "button";
      head.id = "rm-panel-toggle";
      head.setAttribute("aria-expanded", narrow ? "false" : "true");
      add(head, el("span", "rm-burger", "\u2630"), el("span", "rm-panel-title", UI.layers));
      head.addEventListener("click", function () {
        var collapsed = box.classList.toggle("rm-collapsed");
        head.setAttribute("aria-expanded", collapsed ? "false" : "true");
      });
      box.appendChild(head);
      var body = el("div", "rm-panel-body");
      ORDER.forEach(function (key) {
        var m = meta[key];
        var section = el("div", "rm-leg-section");
        var label = el("label", "rm-leg-head");
        var cb = el("input");
        cb.type = "checkbox";
        cb.id = "rm-toggle-" + key;
        cb.checked = !!initiallyOn[key];
        if (!cb.checked) section.classList.add("rm-off");
        cb.addEventListener("change", function () { setLayer(key, cb.checked); });
        checkboxes[key] = cb;
        add(label, cb, el("span", "rm-leg-name", m.label),
          m.count !== null ? el("span", "rm-leg-total", "(" + num(m.count) + ")") : null);
        section.appendChild(label);
        var items = el("div", "rm-leg-items");
        m.legend(items);
        section.appendChild(items);
        body.appendChild(section);
      });
      var ladderVenues = Object.keys(P.escalation);
      if (ladderVenues.length) {
        var ls = el("div", "rm-leg-section rm-ladder-panel");
        ls.id = "rm-ladder-panel";
        ls.appendChild(el("div", "rm-leg-name", UI.ladder));
        var venueName = {};
        D.venues.forEach(function (v) { venueName[v.id] = v.name || v.id; });
        ladderVenues.slice(0, 3).forEach(function (vid) {
          ls.appendChild(el("div", "rm-ladder-venue", venueName[vid] || vid));
          var ol = el("ol", "rm-ladder-steps");
          P.escalation[vid].forEach(function (st) {
            ol.appendChild(el("li", null, st.label + " \u00b7 " + unitName(st.unit) + " \u00b7 " +
              (st.personnel === null ? UI.no_data : personnelText(st.personnel)) + " \u00b7 " +
              ladderMinutes(st.minutes)));
          });
          ls.appendChild(ol);
        });
        if (ladderVenues.length > 3) {
          ls.appendChild(el("div", "rm-more", "+" + (ladderVenues.length - 3) + " " + UI.more));
        }
        body.appendChild(ls);
      }
      if (tileLayers.length) {
        var bs = el("div", "rm-leg-section rm-base");
        bs.appendChild(el("div", "rm-leg-name", UI.basemap));
        var choices = [{ name: UI.basemap_offline, index: -1 }].concat(tileLayers.map(function (t, i) {
          return { name: t.spec.name + " (" + UI.online_warning + ")", index: i };
        }));
        choices.forEach(function (c) {
          var lab = el("label", "rm-leg-row"), rb = el("input");
          rb.type = "radio";
          rb.name = "rm-base";
          rb.id = "rm-base-" + (c.index + 1);
          rb.checked = c.index === -1;
          rb.addEventListener("change", function () { if (rb.checked) setBase(c.index); });
          add(lab, rb, el("span", "rm-leg-text", c.name));
          bs.appendChild(lab);
        });
        body.appendChild(bs);
      }
      box.appendChild(body);
      L.DomEvent.disableClickPropagation(box);
      L.DomEvent.disableScrollPropagation(box);
      return box;
    }
  });

  /* ------------------------------------------------------------------ search */
  var index = [];
  D.villages.features.forEach(function (f) {
    index.push({ kind: "village", key: f.properties.code, text: f.properties.name,
      hint: UI.subdistrict + " " + f.properties.sub, cls: f.properties.cls,
      norm: (f.properties.name + " " + f.properties.code).toLowerCase() });
  });
  D.tps.forEach(function (t) {
    index.push({ kind: "tps", key: t.id, text: UI.tps + " " + t.id, hint: t.village_name, cls: t.cls,
      norm: (t.id + " tps " + t.village_name).toLowerCase() });
  });
  function goToVillage(code) {
    var layer = villageLayerByCode[code];
    if (!layer) return;
    setLayer("areas", true);
    map.fitBounds(layer.getBounds(), { maxZoom: 14, padding: [20, 20], animate: false });
    layer.openPopup(layer.getBounds().getCenter());
  }
  function goToTps(id) {
    var m = tpsMarkerById[id];
    if (!m) return;
    setLayer("tps", true);
    map.closePopup();
    /* Jump (no animation) to a zoom where clustering is off, so the marker is on the map at
       once; markercluster's zoomToShowLayer callback alone can wait forever when the map does
       not move. It stays as the fallback. */
    var z = Math.min(map.getMaxZoom(), Math.max(map.getZoom(), S.cluster_until_zoom));
    map.setView(m.getLatLng(), z, { animate: false });
    if (m._map) { m.openPopup(); return; }
    tpsLayer.zoomToShowLayer(m, function () { m.openPopup(); });
  }
  var Search = L.Control.extend({
    options: { position: "topleft" },
    onAdd: function () {
      var box = el("div", "rm-search leaflet-bar");
      var input = el("input");
      input.type = "search";
      input.id = "rm-search";
      input.placeholder = UI.search_placeholder;
      input.setAttribute("aria-label", UI.search_placeholder);
      input.autocomplete = "off";
      var list = el("ul", "rm-results");
      list.id = "rm-results";
      function choose(item) {
        /* after the click has finished: Leaflet ignores clicks on controls by walking up from
           the clicked element, which must still be in the page then */
        later(function () {
          list.textContent = "";
          input.value = item.text;
          input.blur();
          if (item.kind === "village") goToVillage(item.key); else goToTps(item.key);
        });
      }
      function update() {
        var q = input.value.trim().toLowerCase();
        list.textContent = "";
        if (q.length < 2) return [];
        var hits = [];
        for (var i = 0; i < index.length && hits.length < 8; i++) {
          if (index[i].norm.indexOf(q) !== -1) hits.push(index[i]);
        }
        if (!hits.length) list.appendChild(el("li", "rm-none", UI.search_none));
        hits.forEach(function (h) {
          var li = el("li"), b = el("button", "rm-hit");
          b.type = "button";
          var dot = el("span", "rm-dot");
          dot.style.background = classColor(h.cls);
          add(b, dot, el("span", "rm-hit-text", h.text), el("span", "rm-hit-hint", h.hint));
          b.addEventListener("click", function () { choose(h); });
          li.appendChild(b);
          list.appendChild(li);
        });
        return hits;
      }
      input.addEventListener("input", update);
      input.addEventListener("keydown", function (ev) {
        if (ev.key === "Enter") {
          ev.preventDefault();
          var hits = update();
          if (hits.length) choose(hits[0]);
        } else if (ev.key === "Escape") {
          input.value = "";
          list.textContent = "";
        }
      });
      add(box, input, list);
      L.DomEvent.disableClickPropagation(box);
      L.DomEvent.disableScrollPropagation(box);
      return box;
    }
  });

  /* ------------------------------------------------------------------ tool buttons */
  var SVGNS = "http://www.w3.org/2000/svg";
  function icon(d) {
    var svg = document.createElementNS(SVGNS, "svg");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("width", "18");
    svg.setAttribute("height", "18");
    svg.setAttribute("aria-hidden", "true");
    var path = document.createElementNS(SVGNS, "path");
    path.setAttribute("d", d);
    path.setAttribute("fill", "none");
    path.setAttribute("stroke", "currentColor");
    path.setAttribute("stroke-width", "2.2");
    path.setAttribute("stroke-linecap", "round");
    path.setAttribute("stroke-linejoin", "round");
    svg.appendChild(path);
    return svg;
  }
  var regionBounds = L.geoJSON({ type: "FeatureCollection", features: D.villages.features })
    .getBounds();
  function fitRegion() {
    if (!regionBounds.isValid()) { map.setView([-2, 118], 5); return; }
    /* keep the region clear of the open legend (right) and the tool column (left) */
    var panel = document.getElementById("rm-panel");
    var right = panel && !panel.classList.contains("rm-collapsed") ? panel.offsetWidth + 14 : 8;
    var left = narrow ? 8 : 56;
    if (map.getSize().x - right - left < 200) { right = 8; left = 8; }
    map.fitBounds(regionBounds, { paddingTopLeft: [left, 8], paddingBottomRight: [right, 8] });
  }
  function toggleFullscreen() {
    var root = document.documentElement;
    var isFull = document.fullscreenElement || document.webkitFullscreenElement;
    if (isFull) {
      (document.exitFullscreen || document.webkitExitFullscreen).call(document);
    } else if (root.requestFullscreen || root.webkitRequestFullscreen) {
      var p = (root.requestFullscreen || root.webkitRequestFullscreen).call(root);
      if (p && p.catch) p.catch(function () { document.body.classList.toggle("rm-pseudo-full"); });
    } else {
      document.body.classList.toggle("rm-pseudo-full");
    }
    setTimeout(function () { map.invalidateSize(); }, 200);
  }
  var Tools = L.Control.extend({
    options: { position: "topleft" },
    onAdd: function () {
      var bar = el("div", "rm-tools leaflet-bar");
      [["rm-fit", UI.fit, "M4 9V4h5M15 4h5v5M20 15v5h-5M9 20H4v-5", fitRegion],
       ["rm-full", UI.fullscreen, "M9 4H4v5M4 4l6 6M15 4h5v5M20 4l-6 6M9 20H4v-5M4 20l6-6M15 20h5v-5M20 20l-6-6", toggleFullscreen],
       ["rm-print", UI.print, "M7 9V3h10v6M7 17H4v-7h16v7h-3M7 14h10v7H7z", function () { window.print(); }]
      ].forEach(function (b) {
        var a = el("a", "rm-tool");
        a.id = b[0];
        a.href = "#";
        a.title = b[1];
        a.setAttribute("role", "button");
        a.setAttribute("aria-label", b[1]);
        a.appendChild(icon(b[2]));
        a.addEventListener("click", function (ev) { ev.preventDefault(); b[3](); });
        bar.appendChild(a);
      });
      L.DomEvent.disableClickPropagation(bar);
      return bar;
    }
  });

  /* ------------------------------------------------------------------ the shown date */
  function chipValue(key, text) {
    var b = document.querySelector("#rm-summary .rm-chip-" + key + " b");
    if (b) b.textContent = text;
  }
  function dayChips(date) {
    var day = P.daily[date];
    if (!day) { chipValue("duty", "0 / 0"); chipValue("tasks", UI.no_tasks); return; }
    chipValue("duty", num(day.duty) + " / " + num(day.reserve));
    var parts = Object.keys(day.kinds).map(function (k) { return taskLabel(k) + " " + num(day.kinds[k]); });
    chipValue("tasks", parts.length ? parts.join(" \u00b7 ") : UI.no_tasks);
  }
  var dateSelect = null, dateNote = null;
  var hasDatedVenues = D.venues.some(function (v) { return v.from || v.to; });
  function setDate(date) {
    if (P.dates.indexOf(date) === -1) return false;
    currentDate = date;
    if (dateSelect) dateSelect.value = date;
    map.closePopup();
    drawPlanOn(date);
    var n = showVenuesOn(date);
    dayChips(date);
    if (dateNote) {
      var day = P.daily[date];
      var parts = [];
      if (hasDatedVenues) parts.push(n ? num(n) + " " + UI.events_today : UI.no_events_today);
      if (day) parts.push(num(day.duty) + " " + UI.on_duty);
      dateNote.textContent = parts.join(" \u00b7 ");
    }
    scheduleDeclutter();
    return true;
  }
  function stepDate(delta) {
    var i = P.dates.indexOf(currentDate) + delta;
    if (i >= 0 && i < P.dates.length) setDate(P.dates[i]);
  }
  function buildDateBar() {
    if (!P.dates.length) return;
    var bar = el("div", "rm-datebar");
    bar.id = "rm-datebar";
    var label = el("label", "rm-date-label", UI.date_picker);
    label.htmlFor = "rm-date";
    var prev = el("button", "rm-date-step", "\u2039");
    prev.type = "button";
    prev.id = "rm-date-prev";
    prev.title = UI.prev_day;
    prev.setAttribute("aria-label", UI.prev_day);
    var next = el("button", "rm-date-step", "\u203a");
    next.type = "button";
    next.id = "rm-date-next";
    next.title = UI.next_day;
    next.setAttribute("aria-label", UI.next_day);
    dateSelect = el("select");
    dateSelect.id = "rm-date";
    P.dates.forEach(function (d) {
      var o = el("option", null, dateText(d));
      o.value = d;
      dateSelect.appendChild(o);
    });
    dateSelect.value = currentDate;
    dateSelect.addEventListener("change", function () { setDate(dateSelect.value); });
    prev.addEventListener("click", function () { stepDate(-1); });
    next.addEventListener("click", function () { stepDate(1); });
    dateNote = el("span", "rm-date-note");
    if (P.dates.length < 2) {
      var only = el("b", "rm-date-only", dateText(P.dates[0]));
      only.id = "rm-date-only";
      dateSelect = null;
      add(bar, el("span", "rm-date-label", UI.date_picker), only, dateNote);
    } else {
      add(bar, label, prev, dateSelect, next, dateNote);
    }
    var header = document.getElementById("rm-header");
    header.insertBefore(bar, document.getElementById("rm-summary"));
  }

  /* ------------------------------------------------------------------ labels never collide
     After every zoom, move or layer change the labels are placed in priority order: figures
     (officer counts, cluster counts, task badges, venue codes) stay; then Polres, Polsek and
     pos badges try their usual place and four others, or shrink to a dot; then kecamatan
     names (their place, or just above or below it); changed-class and desa names are shown
     only where they fit. */
  var FIXED = ".rm-post, .rm-cluster, .rm-task, .rm-venue > span";
  var MOVABLE = [".rm-unit-polres > span", ".rm-unit-polsek > span", ".rm-unit-pos > span"];
  var NAMES = [".rm-lbl-kec > span", ".rm-lbl-rose > span", ".rm-lbl-desa > span"];
  var GAP = S.label_gap_px;
  var declutterRuns = 0, declutterPending = false;
  function overlaps(a, b) {
    return a.left < b.right + GAP && b.left < a.right + GAP && a.top < b.bottom + GAP &&
      b.top < a.bottom + GAP;
  }
  function shifted(r, dx, dy) {
    return { left: r.left + dx, right: r.right + dx, top: r.top + dy, bottom: r.bottom + dy };
  }
  function declutter() {
    declutterPending = false;
    var root = map.getPanes().mapPane;
    var view = map.getContainer().getBoundingClientRect();
    var groups = [];
    MOVABLE.concat(NAMES).forEach(function (sel) {
      var nodes = Array.prototype.slice.call(root.querySelectorAll(sel));
      nodes.forEach(function (n) {
        n.style.marginLeft = n.style.marginTop = "";
        n.classList.remove("rm-clash", "rm-lbl-dot");
      });
      groups.push({ movable: MOVABLE.indexOf(sel) !== -1, nudge: sel === NAMES[0], nodes: nodes });
    });
    /* read every box once (one layout), then decide, then write */
    var inView = function (r) {
      return r.width > 0 && r.right > view.left && r.left < view.right && r.bottom > view.top &&
        r.top < view.bottom;
    };
    var placed = [];
    Array.prototype.forEach.call(root.querySelectorAll(FIXED), function (n) {
      var r = n.getBoundingClientRect();
      if (r.height && inView(r)) placed.push(r);
    });
    var placedFixed = placed.slice();
    var decisions = [];
    groups.forEach(function (g) {
      var rects = g.nodes.map(function (n) { return n.getBoundingClientRect(); });
      g.nodes.forEach(function (n, i) {
        var r = rects[i];
        if (!inView(r) || !n.textContent) return;
        var w = r.width, h = r.height;
        var tries = g.movable ? [[0, 0], [0, -(h + GAP + 4)], [0, h + GAP + 4],
          [w / 2 + 12, 0], [-(w / 2 + 12), 0]] :
          g.nudge ? [[0, 0], [0, -(h + GAP + 2)], [0, h + GAP + 2]] : [[0, 0]];
        for (var k = 0; k < tries.length; k++) {
          var c = shifted(r, tries[k][0], tries[k][1]);
          var free = true;
          for (var j = 0; j < placed.length && free; j++) free = !overlaps(c, placed[j]);
          if (free) {
            placed.push(c);
            if (k) decisions.push([n, "move", tries[k]]);
            return;
          }
        }
        decisions.push([n, g.movable ? "dot" : "hide"]);
      });
    });
    /* the Polres point (a dot under its badge) steps aside for a figure on the same spot */
    Array.prototype.forEach.call(root.querySelectorAll(".rm-unit-polres"), function (n) {
      var r = n.getBoundingClientRect();
      var dot = { left: r.left - 6, right: r.left + 6, top: r.top - 6, bottom: r.top + 6 };
      var under = placedFixed.some(function (f) { return overlaps(dot, f); });
      decisions.push([n, under ? "nodot" : "dot-ok"]);
    });
    decisions.forEach(function (d) {
      if (d[1] === "nodot" || d[1] === "dot-ok") {
        d[0].classList.toggle("rm-nodot", d[1] === "nodot");
      } else if (d[1] === "move") {
        d[0].style.marginLeft = d[2][0] + "px";
        d[0].style.marginTop = d[2][1] + "px";
      } else {
        d[0].classList.add(d[1] === "dot" ? "rm-lbl-dot" : "rm-clash");
      }
    });
    declutterRuns += 1;
    document.documentElement.setAttribute("data-rm-declutter", String(declutterRuns));
  }
  function scheduleDeclutter() {
    if (declutterPending) return;
    declutterPending = true;
    window.requestAnimationFrame(function () { window.requestAnimationFrame(declutter); });
  }
  map.on("zoomend moveend layeradd layerremove", scheduleDeclutter);
  tpsLayer.on("animationend", scheduleDeclutter);
  /* markercluster slides every marker with a CSS transition that outlasts its animationend:
     place again once the markers have stopped */
  map.getPanes().mapPane.addEventListener("transitionend", function (ev) {
    if (ev.propertyName === "transform") scheduleDeclutter();
  });

  TIMES.before_assemble = performance.now();
  /* ------------------------------------------------------------------ assemble */
  map.setView([0, 0], 5);  /* a provisional view so that controls can be measured */
  new Search().addTo(map);
  new Tools().addTo(map);
  new Panel().addTo(map);
  buildDateBar();
  map.invalidateSize();
  if (P.dates.length) setDate(currentDate);
  fitRegion();
  /* overview (the whole region): small markers without text, no coverage circles */
  overviewBelow = Math.min(map.getZoom() + 1.5, 12);
  if (regionBounds.isValid()) map.setMaxBounds(regionBounds.pad(0.6));
  ORDER.slice().reverse().forEach(function (key) {
    if (initiallyOn[key]) setLayer(key, true);
    TIMES["added_" + key] = performance.now();
  });
  updateLabels();
  document.addEventListener("fullscreenchange", function () { map.invalidateSize(); });
  map.on("popupopen", function () { map.getContainer().classList.add("rm-popup-open"); });
  map.on("popupclose", function () { map.getContainer().classList.remove("rm-popup-open"); });
  window.addEventListener("beforeprint", function () {
    document.body.classList.add("rm-printing");
    map.invalidateSize();
  });
  window.addEventListener("afterprint", function () {
    document.body.classList.remove("rm-printing");
    map.invalidateSize();
  });

  TIMES.layers_added = performance.now();
  window.riskmap = {
    map: map, layers: layers, setLayer: setLayer, goToTps: goToTps, goToVillage: goToVillage,
    setBase: setBase, ready: null, times: TIMES, setDate: setDate, dates: P.dates,
    date: function () { return currentDate; }, declutter: declutter,
    labelsPending: function () { return declutterPending; }
  };
  map.whenReady(function () {
    window.requestAnimationFrame(function () {
      window.riskmap.ready = performance.now();
      document.documentElement.setAttribute("data-rm-ready", "1");
    });
  });
})();

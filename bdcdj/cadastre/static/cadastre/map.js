/* 地籍图: asks /api/cadastre/v1/map for the visible window after every move and draws either
   grid clusters (counts) or the parcels coloured by status. No online base layer: a plain grid. */
(function () {
  "use strict";
  var COLOURS = {
    seized: "#d92d20",
    objection: "#f79009",
    mortgaged: "#2e90fa",
    registered: "#12b76a",
    unregistered: "#98a2b3",
  };
  var AREA_UNITS = { "1": "平方米", "2": "亩", "3": "公顷" };

  function start() {
    var el = document.getElementById("cadastre-map");
    var form = document.getElementById("map-search");
    var message = document.getElementById("map-message");
    if (!el) {
      if (form) {
        form.addEventListener("submit", function (ev) {
          ev.preventDefault();
          message.textContent = "本辖区尚无宗地图形，无法定位";
          message.hidden = false;
        });
      }
      return;
    }
    var api = el.dataset.api;
    var unitUrl = el.dataset.unitUrl;
    var info = document.getElementById("map-info");
    var box = el.dataset.bbox.split(",").map(Number);

    var map = L.map(el, { preferCanvas: true, attributionControl: false, maxZoom: 21, minZoom: 5 });
    var Grid = L.GridLayer.extend({
      createTile: function () {
        var tile = document.createElement("canvas");
        var size = this.getTileSize();
        tile.width = size.x;
        tile.height = size.y;
        var ctx = tile.getContext("2d");
        ctx.strokeStyle = "#e3e8ef";
        ctx.strokeRect(0.5, 0.5, size.x, size.y);
        return tile;
      },
    });
    new Grid().addTo(map);
    L.control.scale({ imperial: false }).addTo(map);

    var pending = null; // code of a parcel to open once drawn (search)
    var parcels = L.geoJSON(null, {
      style: function (f) {
        return { color: "#344054", weight: 1, fillColor: COLOURS[f.properties.status] || "#98a2b3", fillOpacity: 0.55 };
      },
      onEachFeature: function (f, layer) {
        layer.bindPopup(function () { return popup(f.properties); });
      },
    }).addTo(map);
    var clusters = L.layerGroup().addTo(map);
    window.cadastreMap = { map: map, parcels: parcels, clusters: clusters };

    function text(tag, value, cls) {
      var node = document.createElement(tag);
      node.textContent = value;
      if (cls) node.className = cls;
      return node;
    }

    function popup(p) {
      var root = document.createElement("div");
      root.className = "map-popup";
      root.appendChild(text("strong", p.kind === "sea" ? "宗海" : "宗地"));
      var dl = document.createElement("dl");
      [
        ["代码", p.code],
        ["坐落", p.location],
        ["状态", p.status_label],
        ["登记面积", p.area + " " + (AREA_UNITS[p.area_unit] || "")],
        ["图形面积", p.shape_area == null ? "—" : p.shape_area.toFixed(2) + " 平方米"],
        ["单元数", String(p.unit_count)],
      ].forEach(function (pair) {
        dl.appendChild(text("dt", pair[0]));
        dl.appendChild(text("dd", pair[1]));
      });
      root.appendChild(dl);
      if (p.unit_code) {
        var a = text("a", "查看不动产单元 " + p.unit_code);
        a.href = unitUrl.replace("UNITCODE", encodeURIComponent(p.unit_code));
        a.setAttribute("data-testid", "popup-unit-link");
        root.appendChild(a);
      } else {
        root.appendChild(text("span", "该宗地尚无不动产单元", "muted"));
      }
      return root;
    }

    function show(error) {
      message.textContent = error || "";
      message.hidden = !error;
    }

    var seq = 0;
    function refresh() {
      var b = map.getBounds();
      var z = map.getZoom();
      var mine = ++seq;
      var bbox = [
        Math.max(-180, b.getWest()), Math.max(-85, b.getSouth()),
        Math.min(180, b.getEast()), Math.min(85, b.getNorth()),
      ].map(function (v) { return v.toFixed(6); }).join(",");
      el.dataset.state = "loading";
      fetch(api + "map?bbox=" + bbox + "&zoom=" + z, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (r) { return r.json().then(function (data) { return { ok: r.ok, data: data }; }); })
        .then(function (res) {
          if (mine !== seq) return;
          if (!res.ok) { show(res.data.message || "地籍图加载失败"); el.dataset.state = "error"; return; }
          draw(res.data);
        })
        .catch(function () { if (mine === seq) { show("地籍图加载失败，请稍后重试"); el.dataset.state = "error"; } });
    }

    function draw(data) {
      parcels.clearLayers();
      clusters.clearLayers();
      if (data.mode === "features") {
        parcels.addData(data);
        info.textContent = "当前窗口 " + data.features.length + " 宗";
        if (pending) {
          parcels.eachLayer(function (layer) {
            if (layer.feature.properties.code === pending) layer.openPopup();
          });
          pending = null;
        }
      } else {
        data.clusters.forEach(function (c) {
          var size = c.count >= 1000 ? 48 : c.count >= 100 ? 40 : 32;
          var marker = L.marker([c.lat, c.lon], {
            icon: L.divIcon({ className: "map-cluster", html: String(c.count), iconSize: [size, size] }),
            title: c.count + " 宗",
          });
          marker.on("click", function () {
            map.fitBounds([[c.bbox[1], c.bbox[0]], [c.bbox[3], c.bbox[2]]], { maxZoom: map.getZoom() + 3 });
          });
          clusters.addLayer(marker);
        });
        info.textContent = "当前窗口 " + data.total + " 宗（已聚合，放大查看宗地）";
      }
      el.dataset.mode = data.mode;
      el.dataset.drawn = String(data.mode === "features" ? data.features.length : data.clusters.length);
      el.dataset.state = "ready";
      el.dispatchEvent(new CustomEvent("cadastre:drawn", { detail: { mode: data.mode } }));
    }

    var timer = null;
    map.on("moveend", function () {
      clearTimeout(timer);
      timer = setTimeout(refresh, 120);
    });
    map.fitBounds([[box[1], box[0]], [box[3], box[2]]]);

    function locate(q) {
      show("");
      fetch(api + "locate?q=" + encodeURIComponent(q), { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (r) { return r.json().then(function (data) { return { ok: r.ok, data: data }; }); })
        .then(function (res) {
          if (!res.ok) { show(res.data.message || "未找到"); return; }
          pending = res.data.code;
          var b = res.data.bbox;
          map.fitBounds([[b[1], b[0]], [b[3], b[2]]], { maxZoom: 18, padding: [40, 40] });
          setTimeout(function () { if (pending) refresh(); }, 400); // the view may not have moved
        })
        .catch(function () { show("定位失败，请稍后重试"); });
    }
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      var q = form.elements.q.value.trim();
      if (!q) { show("请输入宗地代码或不动产单元号"); return; }
      locate(q);
    });
    if (form.elements.q.value.trim()) locate(form.elements.q.value.trim());
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();

/* Monitoring dashboard: one line chart per dimension from the JSON data island
   (#monitor-series), click a point to drill down to that node and day; sortable ranking table.
   Loaded as a file (CSP script-src 'self'): no inline script. */
(function () {
  "use strict";

  function drawCharts() {
    var island = document.getElementById("monitor-series");
    var holder = document.querySelector(".monitor-charts");
    if (!island || !holder || typeof window.echarts === "undefined") {
      return;
    }
    var data = JSON.parse(island.textContent);
    var drillUrl = holder.getAttribute("data-drill-url") || "";
    var charts = [];
    holder.querySelectorAll(".monitor-chart").forEach(function (el) {
      var key = el.getAttribute("data-dimension");
      var chart = window.echarts.init(el, null, { renderer: "canvas" });
      chart.setOption({
        animation: false,
        title: { text: el.getAttribute("data-title"), left: "center", textStyle: { fontSize: 14 } },
        tooltip: { trigger: "axis" },
        legend: { bottom: 0, type: "scroll" },
        grid: { left: 40, right: 16, top: 36, bottom: 48 },
        xAxis: { type: "category", data: data.days, axisLabel: { formatter: function (v) { return v.slice(5); } } },
        yAxis: { type: "value", min: 0, max: 100 },
        series: data.nodes.map(function (node) {
          return {
            name: node.region + " " + node.name,
            type: data.days.length > 14 ? "line" : "bar",
            connectNulls: false,
            showSymbol: true,
            data: node.series[key],
            region: node.region
          };
        })
      });
      chart.on("click", function (params) {
        var node = data.nodes[params.seriesIndex];
        if (!node || !drillUrl) {
          return;
        }
        window.location.href = drillUrl.replace("REGION", node.region).replace("0000-00-00", data.days[params.dataIndex]);
      });
      charts.push(chart);
    });
    window.addEventListener("resize", function () {
      charts.forEach(function (c) { c.resize(); });
    });
  }

  function cellValue(row, index, numeric) {
    var text = row.cells[index].textContent.trim();
    if (!numeric) {
      return text;
    }
    var n = parseFloat(text);
    return isNaN(n) ? -Infinity : n;
  }

  function makeSortable(table) {
    var headers = table.querySelectorAll("thead th");
    headers.forEach(function (th, index) {
      th.setAttribute("role", "button");
      th.setAttribute("tabindex", "0");
      th.title = "点击排序";
      var sort = function () {
        var numeric = th.getAttribute("data-type") === "number";
        var asc = th.getAttribute("aria-sort") !== "ascending";
        headers.forEach(function (h) { h.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", asc ? "ascending" : "descending");
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var x = cellValue(a, index, numeric);
          var y = cellValue(b, index, numeric);
          var order = x < y ? -1 : x > y ? 1 : 0;
          return asc ? order : -order;
        });
        rows.forEach(function (r) { body.appendChild(r); });
      };
      th.addEventListener("click", sort);
      th.addEventListener("keydown", function (e) {
        if (e.key === "Enter" || e.key === " ") {
          e.preventDefault();
          sort();
        }
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    drawCharts();
    document.querySelectorAll("table.sortable").forEach(makeSortable);
  });
})();

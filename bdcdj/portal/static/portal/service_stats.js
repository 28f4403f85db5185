/* 窗口服务统计: served count and average wait per window, and 好/中/差评 per window, drawn from
   the JSON data island #service-chart. Loaded as a file (CSP script-src 'self'). */
(function () {
  "use strict";

  function draw() {
    var island = document.getElementById("service-chart");
    if (!island || typeof window.echarts === "undefined") return;
    var data = JSON.parse(island.textContent);
    var axis = { type: "category", data: data.labels, axisLabel: { interval: 0, rotate: data.labels.length > 5 ? 30 : 0 } };
    var charts = [];
    var served = document.getElementById("service-chart-served");
    if (served) {
      var a = window.echarts.init(served, null, { renderer: "canvas" });
      a.setOption({
        animation: false,
        title: { text: "办结人数与平均等候（分钟）", left: "center", textStyle: { fontSize: 14 } },
        tooltip: { trigger: "axis" },
        legend: { bottom: 0 },
        grid: { left: 48, right: 48, top: 36, bottom: 80 },
        xAxis: axis,
        yAxis: [{ type: "value", minInterval: 1, name: "人" }, { type: "value", name: "分钟" }],
        series: [
          { name: "办结人数", type: "bar", data: data.served },
          { name: "平均等候", type: "line", yAxisIndex: 1, data: data.wait }
        ]
      });
      charts.push(a);
    }
    var ratings = document.getElementById("service-chart-ratings");
    if (ratings) {
      var b = window.echarts.init(ratings, null, { renderer: "canvas" });
      b.setOption({
        animation: false,
        title: { text: "好差评", left: "center", textStyle: { fontSize: 14 } },
        tooltip: { trigger: "axis" },
        legend: { bottom: 0 },
        grid: { left: 48, right: 16, top: 36, bottom: 80 },
        xAxis: axis,
        yAxis: { type: "value", minInterval: 1 },
        series: [
          { name: "好评", type: "bar", stack: "r", data: data.good, itemStyle: { color: "#2e7d32" } },
          { name: "中评", type: "bar", stack: "r", data: data.medium, itemStyle: { color: "#f9a825" } },
          { name: "差评", type: "bar", stack: "r", data: data.bad, itemStyle: { color: "#c62828" } }
        ]
      });
      charts.push(b);
    }
    window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw);
  else draw();
})();

/* Precise-query dashboard: on-time rate per county and the answer progress of recent tasks,
   drawn from the JSON data island #precise-chart. Loaded as a file (CSP script-src 'self'). */
(function () {
  "use strict";

  function draw() {
    var island = document.getElementById("precise-chart");
    if (!island || typeof window.echarts === "undefined") {
      return;
    }
    var data = JSON.parse(island.textContent);
    var charts = [];
    var rateEl = document.getElementById("precise-rate-chart");
    if (rateEl) {
      var rate = window.echarts.init(rateEl, null, { renderer: "canvas" });
      rate.setOption({
        animation: false,
        title: { text: "各节点按时反馈率（%）", left: "center", textStyle: { fontSize: 14 } },
        tooltip: { trigger: "axis" },
        grid: { left: 48, right: 16, top: 36, bottom: 60 },
        xAxis: { type: "category", data: data.nodes, axisLabel: { interval: 0, rotate: data.nodes.length > 6 ? 30 : 0 } },
        yAxis: { type: "value", min: 0, max: 100 },
        series: [{ name: "按时率", type: "bar", data: data.rate, label: { show: true, position: "top" } }]
      });
      charts.push(rate);
    }
    var progressEl = document.getElementById("precise-progress-chart");
    if (progressEl) {
      var progress = window.echarts.init(progressEl, null, { renderer: "canvas" });
      progress.setOption({
        animation: false,
        title: { text: "近期任务反馈进度", left: "center", textStyle: { fontSize: 14 } },
        tooltip: { trigger: "axis" },
        legend: { bottom: 0 },
        grid: { left: 40, right: 16, top: 36, bottom: 72 },
        xAxis: { type: "category", data: data.tasks, axisLabel: { rotate: 30 } },
        yAxis: { type: "value", minInterval: 1 },
        series: [
          { name: "已反馈", type: "bar", stack: "n", data: data.answered },
          { name: "未反馈", type: "bar", stack: "n", data: data.open }
        ]
      });
      charts.push(progress);
    }
    window.addEventListener("resize", function () {
      charts.forEach(function (c) { c.resize(); });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();

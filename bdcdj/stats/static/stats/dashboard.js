/* Statistics dashboard: cases per month, per business type, per status and completion against
   the legal limit, drawn from the JSON data island #stats-chart (CSP script-src 'self'). */
(function () {
  "use strict";

  function chart(id, option, charts) {
    var el = document.getElementById(id);
    if (!el) {
      return;
    }
    var c = window.echarts.init(el, null, { renderer: "canvas" });
    c.setOption(Object.assign({ animation: false, tooltip: { trigger: "axis" } }, option));
    charts.push(c);
  }

  function draw() {
    var island = document.getElementById("stats-chart");
    if (!island || typeof window.echarts === "undefined") {
      return;
    }
    var d = JSON.parse(island.textContent);
    var charts = [];
    var title = function (text) { return { text: text, left: "center", textStyle: { fontSize: 14 } }; };
    chart("stats-month-chart", {
      title: title("按月收件与已办"),
      legend: { bottom: 0 },
      grid: { left: 40, right: 16, top: 36, bottom: 48 },
      xAxis: { type: "category", data: d.months },
      yAxis: { type: "value", minInterval: 1 },
      series: [
        { name: "收件", type: "line", data: d.received },
        { name: "已办", type: "line", data: d.done }
      ]
    }, charts);
    chart("stats-type-chart", {
      title: title("收件量前十的业务类型"),
      grid: { left: 140, right: 24, top: 36, bottom: 24 },
      xAxis: { type: "value", minInterval: 1 },
      yAxis: { type: "category", data: d.types, inverse: true },
      series: [{ name: "收件", type: "bar", data: d.type_totals, label: { show: true, position: "right" } }]
    }, charts);
    chart("stats-status-chart", {
      title: title("案件状态"),
      tooltip: { trigger: "item" },
      legend: { bottom: 0 },
      series: [{ name: "案件状态", type: "pie", radius: ["35%", "65%"], data: d.status }]
    }, charts);
    chart("stats-completion-chart", {
      title: title("办结时限（按时 / 超期）"),
      legend: { bottom: 0 },
      grid: { left: 40, right: 16, top: 36, bottom: 90 },
      xAxis: { type: "category", data: d.completion_types, axisLabel: { rotate: 30, interval: 0 } },
      yAxis: { type: "value", minInterval: 1 },
      series: [
        { name: "按时办结", type: "bar", stack: "n", data: d.on_time },
        { name: "超期办结", type: "bar", stack: "n", data: d.late }
      ]
    }, charts);
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

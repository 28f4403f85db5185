// 三维楼盘表: one block per household (ECharts GL bar3D, floors stacked), coloured by status; click opens the unit.
(function () {
  "use strict";
  function ready() {
    var holder = document.getElementById("building-3d");
    var source = document.getElementById("building-data");
    if (!holder || !source || !window.echarts) return;
    var data = JSON.parse(source.textContent);
    var prefix = holder.dataset.unitPrefix;
    var width = 1;
    data.cells.forEach(function (c) { width = Math.max(width, c[2] + 1); });
    var depth = data.sections.length;
    var slots = width * depth;
    // bar3D stacks by data index: every floor series has one slot per (逻辑幢, position); empty slots are invisible.
    var levels = data.floors.map(function () {
      var row = new Array(slots);
      for (var i = 0; i < slots; i++) {
        row[i] = { value: [i % width, Math.floor(i / width), 1], itemStyle: { opacity: 0 } };
      }
      return row;
    });
    data.cells.forEach(function (c) {
      var status = data.statuses[c[3]];
      levels[c[1]][c[0] * width + c[2]] = {
        value: [c[2], c[0], 1],
        code: c[4],
        name: c[5] + " · " + c[6],
        itemStyle: { color: status[2], opacity: 1 },
      };
    });
    // Box sizes in grid3D units: one household ≈ 10 × 10 × 7, so the building keeps its proportions.
    var boxWidth = width * 10, boxDepth = depth * 10, boxHeight = data.floors.length * 7;
    var barSize = [8.4, 8.4];
    var series = levels.map(function (row, level) {
      return {
        type: "bar3D",
        name: data.floors[level],
        stack: "floors",
        data: row,
        shading: "lambert",
        barSize: barSize,
        emphasis: { label: { show: false }, itemStyle: { color: "#0b5cad" } },
      };
    });
    var chart = echarts.init(holder);
    var marked = false;
    function mark() {
      if (marked) return;
      marked = true;
      if (window.performance && performance.mark) performance.mark("building-3d-rendered");
      holder.dataset.rendered = "1";
    }
    chart.on("finished", function () { requestAnimationFrame(mark); });
    chart.on("click", function (params) {
      if (params.data && params.data.code) window.location.href = prefix + params.data.code + "/";
    });
    chart.setOption({
      tooltip: {
        formatter: function (params) {
          return params.data && params.data.code
            ? params.seriesName + " " + params.data.name + "<br>" + params.data.code
            : "";
        },
      },
      xAxis3D: { type: "category", name: "户", data: Array.from({ length: width }, function (_, i) { return String(i + 1); }) },
      yAxis3D: { type: "category", name: "逻辑幢", data: data.sections },
      zAxis3D: {
        type: "value", name: "层", min: 0, max: data.floors.length, interval: 1,
        axisLabel: { formatter: function (v) { return data.floors[v] || ""; } },
      },
      grid3D: {
        boxWidth: boxWidth,
        boxDepth: boxDepth,
        boxHeight: boxHeight,
        viewControl: {
          alpha: 15, beta: 35, animation: false,
          distance: Math.max(boxWidth, boxHeight, boxDepth) * 1.5, maxDistance: 2000,
        },
        light: { main: { intensity: 1.1, shadow: false }, ambient: { intensity: 0.45 } },
        axisPointer: { show: false },
      },
      animation: false,
      series: series,
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", ready);
  else ready();
})();

// 楼盘表 grid: legend filter, and a marker once the grid has been painted (used by tests and the benchmark).
(function () {
  "use strict";
  function ready() {
    var grid = document.getElementById("building-grid");
    if (!grid) return;
    var buttons = document.querySelectorAll(".legend-item");
    var active = "";
    buttons.forEach(function (button) {
      button.addEventListener("click", function () {
        var key = button.dataset.status;
        active = active === key ? "" : key;
        buttons.forEach(function (b) { b.setAttribute("aria-pressed", String(b.dataset.status === active)); });
        grid.classList.toggle("filtered", active !== "");
        grid.querySelectorAll(".hh").forEach(function (cell) {
          cell.classList.toggle("match", active !== "" && cell.dataset.status.split(" ").indexOf(active) >= 0);
        });
      });
    });
    requestAnimationFrame(function () {
      requestAnimationFrame(function () {
        if (window.performance && performance.mark) performance.mark("building-grid-rendered");
        grid.dataset.rendered = "1";
      });
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", ready);
  else ready();
})();

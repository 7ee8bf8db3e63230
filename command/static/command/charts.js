/* The command centre's charts, drawn with Apache ECharts (served from this site) from the
 * page's own data (<script id="chart-data">, built by command/charts.py):
 *
 *   over_time      reports and closures per day or month (lines)
 *   categories     the categories most reported (horizontal bars)
 *   departments    departments by the chosen indicator (horizontal bars)
 *   against_above  the indicator month by month here and in the region above (lines)
 *
 * Each <div class="chart" data-chart="…"> gets data-ready="1" once drawn.
 */
(function () {
  "use strict";

  var source = document.getElementById("chart-data");
  if (!source || typeof echarts === "undefined") {
    return;
  }
  var data = JSON.parse(source.textContent);
  var GREENS = ["#0b6b58", "#d08a2e", "#5b7f73", "#9a5b00"];
  var FONT = getComputedStyle(document.body).fontFamily;

  function lines(labels, series) {
    return {
      color: GREENS,
      textStyle: { fontFamily: FONT },
      tooltip: { trigger: "axis" },
      legend: { top: 0 },
      grid: { left: 48, right: 16, top: 32, bottom: 28 },
      xAxis: { type: "category", data: labels },
      yAxis: { type: "value" },
      series: series.map(function (one) {
        return { name: one.name, type: "line", data: one.values, connectNulls: false, symbolSize: 5 };
      }),
    };
  }

  function bars(labels, values, unit) {
    return {
      color: GREENS,
      textStyle: { fontFamily: FONT },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      grid: { left: 8, right: 40, top: 8, bottom: 8, containLabel: true },
      xAxis: { type: "value", axisLabel: { formatter: unit === "%" ? "{value}%" : "{value}" } },
      yAxis: { type: "category", data: labels.slice().reverse() },
      series: [
        {
          type: "bar",
          data: values.slice().reverse(),
          label: { show: true, position: "right", formatter: unit === "%" ? "{c}%" : "{c}" },
        },
      ],
    };
  }

  var build = {
    over_time: function (chart) {
      return lines(chart.labels, chart.series);
    },
    categories: function (chart) {
      return bars(chart.labels, chart.values, "");
    },
    departments: function (chart) {
      return bars(chart.labels, chart.values, chart.unit);
    },
    against_above: function (chart) {
      return lines(chart.labels, chart.series);
    },
  };

  var drawn = [];
  document.querySelectorAll(".chart[data-chart]").forEach(function (el) {
    var chart = data[el.dataset.chart];
    if (!chart) {
      return;
    }
    if (chart.labels && el.dataset.chart !== "over_time" && el.dataset.chart !== "against_above") {
      // Bars: room for every label, however many departments or categories there are.
      el.style.height = Math.max(288, chart.labels.length * 24 + 24) + "px";
    }
    var instance = echarts.init(el, null, { renderer: "canvas" });
    instance.setOption(build[el.dataset.chart](chart));
    drawn.push(instance);
    el.dataset.ready = "1";
  });
  window.addEventListener("resize", function () {
    drawn.forEach(function (instance) {
      instance.resize();
    });
  });
})();

// The dashboard's charts, drawn with ECharts from the json_script blocks beside each
// table. Progressive enhancement: the tables carry every figure and link without it.
(function () {
  "use strict";

  if (!window.echarts) {
    return;
  }
  var PALETTE = ["#a61b29", "#0969da", "#bf8700", "#1a7f37", "#8250df", "#57606a", "#1b7c83"];
  // The big screen (templates/reports/screen.html): dark theme, type readable from afar.
  var theme = document.body.dataset.chartTheme || null;
  var big = document.body.classList.contains("screen");
  if (big) {
    PALETTE = ["#ff6b6b", "#4dabf7", "#ffd43b", "#69db7c", "#b197fc", "#ced4da", "#3bc9db"];
  }
  var charts = [];

  function items(spec, series) {
    return series.values.map(function (value, i) {
      return { name: spec.categories[i], value: value, url: series.urls[i] || "" };
    });
  }

  function pie(spec) {
    var n = spec.series.length;
    return {
      color: PALETTE,
      tooltip: { trigger: "item", confine: true, formatter: "{a}<br>{b}：{c}（{d}%）" },
      legend: { type: "scroll", bottom: 0 },
      series: spec.series.map(function (series, i) {
        return {
          type: "pie",
          name: series.name,
          radius: n > 1 ? ["18%", "42%"] : ["28%", "58%"],
          center: [((i + 0.5) / n) * 100 + "%", "45%"],
          label: { formatter: "{b}\n{c}" },
          data: items(spec, series),
        };
      }),
    };
  }

  function bar(spec) {
    var horizontal = spec.kind === "hbar";
    var many = spec.series.length > 1;
    var category = {
      type: "category",
      data: spec.categories,
      inverse: horizontal,
      axisLabel: horizontal
        ? { width: 140, overflow: "truncate" }
        : { interval: 0, rotate: spec.categories.length > 5 ? 30 : 0, width: 90, overflow: "truncate" },
    };
    var value = { type: "value", minInterval: 1 };
    return {
      color: PALETTE,
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, confine: true },
      legend: { show: many, top: 0 },
      grid: { left: 8, right: 24, top: many ? 32 : 12, bottom: 8, containLabel: true },
      xAxis: horizontal ? value : category,
      yAxis: horizontal ? category : value,
      series: spec.series.map(function (series) {
        return { type: "bar", name: series.name, data: items(spec, series) };
      }),
    };
  }

  document.querySelectorAll("[data-chart]").forEach(function (element) {
    var source = document.getElementById(element.getAttribute("data-chart"));
    if (!source) {
      return;
    }
    var spec = JSON.parse(source.textContent);
    if (!spec.categories.length) {
      return; // nothing to draw: the table says so
    }
    element.hidden = false;
    if (spec.kind === "hbar" && !big) {
      var rows = spec.categories.length * Math.max(1, spec.series.length);
      element.style.height = Math.max(240, 48 + rows * 24) + "px";
    }
    var chart = window.echarts.init(element, theme, { locale: "ZH" });
    var option = spec.kind === "pie" ? pie(spec) : bar(spec);
    if (big) {
      option.backgroundColor = "transparent";
      option.textStyle = { fontSize: 18 };
      // A wall screen cannot be clicked: the whole legend, never a paged one.
      option.legend = Object.assign({}, option.legend, { type: "plain", textStyle: { fontSize: 18 } });
      [option.xAxis, option.yAxis].forEach(function (axis) {
        if (axis) { axis.axisLabel = Object.assign({}, axis.axisLabel, { fontSize: 15 }); }
      });
    }
    chart.setOption(option);
    chart.on("click", function (event) {
      if (event.data && event.data.url) {
        window.location.href = event.data.url;
      }
    });
    charts.push(chart);
  });

  window.addEventListener("resize", function () {
    charts.forEach(function (chart) {
      chart.resize();
    });
  });
})();

// Chart axes, legend and tooltip values in the page's language (uPlot): German month names,
// the 24-hour clock, "1.234,5"; English alike. The language is the page's <html lang>, and the
// time zone Cologne's, as on the server-rendered pages. Text only, never HTML.
(function () {
  "use strict";
  var ZONE = "Europe/Berlin";
  var WORDS = { de: { time: "Zeit", value: "Wert" }, en: { time: "Time", value: "Value" } };

  function lang() {
    var code = (document.documentElement.getAttribute("lang") || "de").slice(0, 2);
    return WORDS[code] ? code : "de";
  }

  function formats() {
    var loc = lang();
    var cycle = loc === "de" ? "h23" : "h12";
    return {
      words: WORDS[loc],
      number: new Intl.NumberFormat(loc, { maximumFractionDigits: 2 }),
      day: new Intl.DateTimeFormat(loc, { day: "numeric", month: "short", timeZone: ZONE }),
      year: new Intl.DateTimeFormat(loc, { month: "short", year: "numeric", timeZone: ZONE }),
      hour: new Intl.DateTimeFormat(loc, {
        hour: "2-digit", minute: "2-digit", hourCycle: cycle, timeZone: ZONE
      }),
      full: new Intl.DateTimeFormat(loc, {
        day: "2-digit", month: "2-digit", year: "numeric", hour: "2-digit", minute: "2-digit",
        hourCycle: cycle, timeZone: ZONE
      })
    };
  }

  // Options to merge into a uPlot chart whose x scale is time (seconds) and y scale numbers.
  function timeChart(options) {
    var f = formats();
    var series = options.series || [{}];
    series[0] = Object.assign({ label: f.words.time }, series[0], {
      value: function (u, ts) { return ts == null ? "–" : f.full.format(new Date(ts * 1000)); }
    });
    for (var i = 1; i < series.length; i++) {
      series[i] = Object.assign({}, series[i], {
        value: function (u, v) { return v == null ? "–" : f.number.format(v); }
      });
    }
    var axes = options.axes || [{}, {}];
    axes[0] = Object.assign({}, axes[0], {
      values: function (u, splits, axis, space, incr) {
        var fmt = incr < 86400 ? f.hour : (incr < 28 * 86400 ? f.day : f.year);
        return splits.map(function (s) { return fmt.format(new Date(s * 1000)); });
      }
    });
    axes[1] = Object.assign({}, axes[1] || {}, {
      values: function (u, splits) {
        return splits.map(function (v) { return f.number.format(v); });
      }
    });
    return Object.assign({}, options, { series: series, axes: axes });
  }

  window.DomstadtChart = { lang: lang, timeChart: timeChart, words: function () { return WORDS[lang()]; } };
})();

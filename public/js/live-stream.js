/*
 * What the live final's pages share (the big screen, the timekeeper's console, the judge's phone):
 * the state pushed by Server-Sent Events, and the clock that ticks between two states. The server is the truth: the
 * clock counts from the state's startedAt with the offset between this browser's clock and the
 * server's (data-server-now, written when the page was made), and its colour thresholds come from the
 * page (data-limit, data-warn-before, data-cutoff), so the script holds no rule of its own.
 */
(function () {
  "use strict";

  /* EventSource reconnects by itself after a dropped connection; when it gives up (the server
     answered an error) a new one is opened a little later. onConnected(false) shows the hint. */
  function subscribe(url, onState, onConnected) {
    var source = null;
    function open() {
      source = new EventSource(url);
      source.addEventListener("open", function () {
        onConnected(true);
      });
      source.addEventListener("state", function (event) {
        var data = JSON.parse(event.data);
        onConnected(true);
        onState(data.live || data);
      });
      source.addEventListener("error", function () {
        onConnected(false);
        if (source.readyState === EventSource.CLOSED) window.setTimeout(open, 3000);
      });
    }
    open();
  }

  function offsetOf(root) {
    var serverNow = Date.parse(root.getAttribute("data-server-now") || "");
    return isNaN(serverNow) ? 0 : serverNow - Date.now();
  }

  function pad(n) {
    return (n < 10 ? "0" : "") + n;
  }

  function clockText(seconds) {
    var whole = Math.max(0, Math.floor(seconds));
    return pad(Math.floor(whole / 60)) + ":" + pad(whole % 60);
  }

  function number(el, name) {
    var value = el.getAttribute(name);
    return value === null || value === "" ? null : Number(value);
  }

  /* Writes a state's timer into a clock element's data attributes (data-warn-before stays as the server wrote it). */
  function setTimer(el, timer) {
    var t = timer || {};
    el.setAttribute("data-started-at", t.startedAt || "");
    el.setAttribute("data-running", t.running ? "1" : "");
    el.setAttribute("data-seconds", t.seconds === null || t.seconds === undefined ? "" : String(t.seconds));
    el.setAttribute("data-limit", t.limit ? String(t.limit) : "");
    el.setAttribute("data-cutoff", t.cutoff ? String(t.cutoff) : "");
  }

  /* The clock's seconds now, whether it still runs (held at the cutoff), and its tone. */
  function readClock(el, offset) {
    var startedAt = Date.parse(el.getAttribute("data-started-at") || "");
    var cutoff = number(el, "data-cutoff");
    var limit = number(el, "data-limit");
    var warnBefore = number(el, "data-warn-before") || 0;
    var seconds = number(el, "data-seconds") || 0;
    var running = el.getAttribute("data-running") === "1" && !isNaN(startedAt);
    if (running) {
      seconds = Math.max(0, Math.floor((Date.now() + offset - startedAt) / 1000));
      if (cutoff !== null && seconds >= cutoff) {
        seconds = cutoff;
        running = false;
      }
    }
    var grace = number(el, "data-grace");
    var tone = "idle";
    if (!isNaN(startedAt)) {
      tone = "ok";
      if (limit !== null && seconds > limit) tone = "over";
      else if (limit !== null && seconds >= limit - warnBefore) tone = "warn";
    }
    return {
      seconds: seconds,
      running: running,
      tone: tone,
      cutoff: cutoff,
      // The over-time deduction applies from limit + grace, before any new state says so.
      overDue: limit !== null && grace !== null && seconds > limit + grace,
    };
  }

  function paintClock(el, clock) {
    el.textContent = clockText(clock.seconds);
    el.className = el.className.replace(/\btone-\w+/g, "").trim() + " tone-" + clock.tone;
  }

  function format(template, params) {
    return String(template || "").replace(/\{(\w+)\}/g, function (whole, name) {
      return name in params ? String(params[name]) : whole;
    });
  }

  /* A deduction as the page words it (data-msg-over / data-msg-under on root): "超时 −2". */
  function deductionText(root, deduction) {
    if (!deduction || !deduction.reason || !deduction.points) return "";
    return format(root.getAttribute("data-msg-" + deduction.reason), {
      points: String(deduction.points).replace("-", "\u2212"),
    });
  }

  /* The deduction to show now: the state's, or the over-time one once the running clock passes limit + grace. */
  function currentDeduction(el, clock, stated) {
    if (stated && stated.reason) return stated;
    return clock.overDue ? { points: number(el, "data-over-points"), reason: "over" } : null;
  }

  window.LiveStream = {
    currentDeduction: currentDeduction,
    subscribe: subscribe,
    offsetOf: offsetOf,
    setTimer: setTimer,
    readClock: readClock,
    paintClock: paintClock,
    format: format,
    deductionText: deductionText,
  };
})();

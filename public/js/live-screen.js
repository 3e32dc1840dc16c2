/*
 * The big screen ([data-live-screen]): the server paints the state as of loading; this script
 * follows the live final's events and paints each new state into the same elements, the judges'
 * slots and the ranking from the page's <template>s. Text only (textContent), never HTML from data.
 */
(function () {
  "use strict";

  var root = document.querySelector("[data-live-screen]");
  var L = window.LiveStream;
  if (!root || !L || !window.EventSource) return;

  var offset = L.offsetOf(root);
  var clock = root.querySelector("[data-clock]");
  var stated; /* the last state's deduction of the current segment; until a state comes, the page's own text stands */
  var prizes = {
    first: root.getAttribute("data-msg-first"),
    second: root.getAttribute("data-msg-second"),
    third: root.getAttribute("data-msg-third"),
  };

  function q(selector) {
    return root.querySelector(selector);
  }

  function setText(el, text) {
    if (el) el.textContent = text === null || text === undefined ? "" : String(text);
  }

  function scoreText(score) {
    return typeof score === "number" ? score.toFixed(2) : "";
  }

  function fromTemplate(name) {
    return q("template[" + name + "]").content.firstElementChild.cloneNode(true);
  }

  function judgeNumber(label) {
    var match = /(\d+)$/.exec(label);
    return match ? Number(match[1]) : null;
  }

  function paintSlots(live) {
    var byNumber = {};
    live.sheets.forEach(function (sheet) {
      byNumber[judgeNumber(sheet.judge)] = sheet;
    });
    var list = q("[data-slots]");
    list.textContent = "";
    for (var n = 1; n <= live.panel.judges; n += 1) {
      var sheet = byNumber[n];
      var slot = fromTemplate("data-slot-template");
      setText(slot.querySelector(".slot-judge"), L.format(root.getAttribute("data-msg-judge"), { n: n }));
      if (sheet) {
        slot.classList.add("submitted");
        var total = slot.querySelector(".slot-total");
        if (sheet.dropped) {
          slot.classList.add("dropped");
          var struck = document.createElement("s");
          struck.textContent = String(sheet.total);
          total.appendChild(struck);
        } else setText(total, sheet.total);
        if (sheet.corrected) setText(slot.querySelector(".slot-mark"), root.getAttribute("data-msg-corrected"));
      }
      list.appendChild(slot);
    }
  }

  function paintRanking(live) {
    var body = q("[data-ranking]");
    body.textContent = "";
    live.ranking.forEach(function (r) {
      var row = fromTemplate("data-rank-template");
      if (r.prize) row.classList.add("prize-" + r.prize);
      setText(row.querySelector(".rank"), r.rank);
      setText(row.querySelector(".rank-code"), r.code);
      setText(row.querySelector(".rank-performer"), r.performer);
      setText(row.querySelector(".rank-title"), r.title);
      var cells = row.querySelectorAll("[data-segment]");
      live.segments.forEach(function (s, i) {
        if (cells[i]) setText(cells[i], scoreText(r.segments[s.key]));
      });
      setText(row.querySelector(".total"), scoreText(r.score));
      setText(row.querySelector(".prize"), r.prize ? prizes[r.prize] : "");
      body.appendChild(row);
    });
  }

  function paint(live) {
    var current = live.current;
    q("[data-finished]").hidden = live.status !== "finished";
    q("[data-current]").hidden = !current;
    if (current) {
      ["code", "title", "performer", "segmentLabel", "topic"].forEach(function (name) {
        setText(q('[data-field="' + name + '"]'), current[name]);
      });
      q("[data-topic]").hidden = !current.topic;
      L.setTimer(clock, current.timer);
      stated = (current.timer && current.timer.deduction) || null;
    }
    paintSlots(live);
    setText(q('[data-field="segmentScore"]'), scoreText(live.segmentScore));
    setText(q('[data-field="score"]'), scoreText(live.score));
    paintRanking(live);
    tick();
  }

  function tick() {
    if (!clock) return;
    var now = L.readClock(clock, offset);
    L.paintClock(clock, now);
    if (stated !== undefined || now.overDue)
      setText(q("[data-deduction]"), L.deductionText(root, L.currentDeduction(clock, now, stated)));
  }

  L.subscribe(root.getAttribute("data-events"), paint, function (connected) {
    q("[data-reconnecting]").hidden = connected;
  });
  window.setInterval(tick, 250);
})();

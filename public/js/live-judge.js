/*
 * The judge's phone in a live final ([data-live-judge]), progressively: without this script the page is a
 * plain form (save draft / submit after a confirmation page) that the judge reloads himself.
 * With it:
 * - −/+ steppers move a score by its step within 0…max; the total follows as he types;
 * - every change is kept in localStorage (by contest, finalist and segment) and saved to the server as
 *   a draft ~600 ms after the last keystroke; when that fails (offline) a hint says the draft is kept on
 *   this device and it is sent again once the connection is back; after a reload a draft the server has
 *   not acknowledged is put back over the server's values;
 * - 提交 asks for a confirmation in the page, then submits;
 * - the live final's event stream (SSE) brings the next finalist or segment by itself: the page part is
 *   fetched again and replaced (not while the judge is typing in it; right after he leaves the field).
 * No framework, no inline script (the CSP allows same-origin files only).
 */
(function () {
  "use strict";

  var root = document.querySelector("[data-live-judge]");
  if (!root || !window.fetch || !window.DOMParser) return;

  var contestId = root.getAttribute("data-contest-id");
  var pageUrl = "/contests/" + contestId + "/live/judge";
  var offlineHint = root.querySelector("[data-offline]");
  var saveState = root.querySelector("[data-save-state]");
  var msg = {
    saving: root.getAttribute("data-msg-saving"),
    saved: root.getAttribute("data-msg-saved"),
    range: root.getAttribute("data-msg-range"),
    step: root.getAttribute("data-msg-step"),
    required: root.getAttribute("data-msg-required"),
  };
  var SAVE_AFTER_MS = 600;
  var RETRY_MS = 5000;
  var timers = {};
  var version = root.getAttribute("data-version");
  var stale = false;
  var refreshing = false;
  // Counts the judge's edits: a page part fetched before his latest edit is older than what he sees.
  var edits = 0;

  function storeKey(form) {
    return "live:" + contestId + ":" + form.getAttribute("data-draft-key");
  }

  function readLocal(form) {
    try {
      return JSON.parse(window.localStorage.getItem(storeKey(form)) || "null");
    } catch (e) {
      return null;
    }
  }

  function writeLocal(form, draft) {
    try {
      if (draft) window.localStorage.setItem(storeKey(form), JSON.stringify(draft));
      else window.localStorage.removeItem(storeKey(form));
    } catch (e) {
      /* private mode or full: the server copy still works */
    }
  }

  function inputsOf(form) {
    return Array.prototype.slice.call(form.querySelectorAll("input[data-score]"));
  }

  function valuesOf(form) {
    var scores = {};
    inputsOf(form).forEach(function (input) {
      scores[input.name] = input.value;
    });
    return scores;
  }

  function format(template, params) {
    return String(template).replace(/\{(\w+)\}/g, function (whole, name) {
      return name in params ? String(params[name]) : whole;
    });
  }

  function tidy(n) {
    return String(Math.round(n * 1e6) / 1e6);
  }

  /* The same checks as the server's (score-sheet.ts): within 0…max, a multiple of the step; required to submit. */
  function problemOf(input, submitting) {
    var text = input.value.trim();
    if (text === "") return submitting ? msg.required : "";
    var n = Number(text);
    var max = Number(input.getAttribute("data-max"));
    if (!isFinite(n) || n < 0 || n > max) return format(msg.range, { max: input.getAttribute("data-max") });
    var step = Number(input.getAttribute("data-step-size"));
    var ratio = n / step;
    if (Math.abs(ratio - Math.round(ratio)) > 1e-9) return format(msg.step, { step: tidy(step) });
    return "";
  }

  function showProblem(input, problem) {
    var field = input.closest("[data-field]");
    var box = field && field.querySelector(".field-msg");
    if (box) box.textContent = problem;
    if (field) field.classList.toggle("has-problem", problem !== "");
    input.setAttribute("aria-invalid", problem ? "true" : "false");
  }

  function updateTotal(form) {
    var total = 0;
    inputsOf(form).forEach(function (input) {
      var n = Number(input.value.trim());
      if (input.value.trim() !== "" && isFinite(n)) total += n;
    });
    var output = form.querySelector("[data-total]");
    if (output) output.textContent = tidy(total);
  }

  function setOffline(offline) {
    if (offlineHint) offlineHint.hidden = !offline;
  }

  function status(text) {
    if (saveState) saveState.textContent = text || "";
  }

  /* The form as the server reads it, plus the action; Accept: JSON makes the page route answer {sheet} or {error}. */
  function post(form, action) {
    var body = new URLSearchParams(new FormData(form));
    body.set("action", action);
    return fetch(form.getAttribute("action"), {
      method: "POST",
      credentials: "same-origin",
      headers: { Accept: "application/json", "Content-Type": "application/x-www-form-urlencoded" },
      body: body.toString(),
    }).then(function (res) {
      return res.json().then(function (json) {
        return { ok: res.ok, json: json };
      });
    });
  }

  function sendDraft(form) {
    var draft = readLocal(form);
    if (!draft || draft.sent) return Promise.resolve();
    if (navigator.onLine === false) {
      setOffline(true);
      return Promise.resolve();
    }
    status(msg.saving);
    return post(form, "draft").then(
      function (answer) {
        setOffline(false);
        var now = readLocal(form);
        // Typed again meanwhile: that newer draft is still to send.
        if (now && now.at === draft.at) writeLocal(form, { values: draft.values, at: draft.at, sent: true });
        status(answer.ok ? msg.saved : answer.json && answer.json.error ? answer.json.error.message : "");
      },
      function () {
        setOffline(true);
        status("");
      },
    );
  }

  function scheduleSave(form) {
    var key = storeKey(form);
    clearTimeout(timers[key]);
    timers[key] = setTimeout(function () {
      delete timers[key];
      sendDraft(form);
    }, SAVE_AFTER_MS);
  }

  function changed(form, input) {
    edits += 1;
    if (input) showProblem(input, problemOf(input, false));
    updateTotal(form);
    writeLocal(form, { values: valuesOf(form), at: Date.now(), sent: false });
    scheduleSave(form);
  }

  function pendingForms() {
    return Array.prototype.slice.call(root.querySelectorAll("form[data-live-sheet]")).filter(function (form) {
      var draft = readLocal(form);
      return draft && !draft.sent;
    });
  }

  function confirmBox(form) {
    return form.querySelector("[data-confirm]");
  }

  function submitSheet(form) {
    var box = confirmBox(form);
    post(form, "submit").then(
      function (answer) {
        setOffline(false);
        if (box) box.hidden = true;
        if (answer.ok) {
          writeLocal(form, null);
          refresh();
        } else {
          status(answer.json && answer.json.error ? answer.json.error.message : "");
        }
      },
      function () {
        setOffline(true);
        if (box) box.hidden = true;
      },
    );
  }

  /* Wires one sheet form: steppers, totals, drafts, the confirmation. A locked sheet only drops its local copy. */
  function wire(form) {
    if (form.classList.contains("locked")) {
      writeLocal(form, null);
      return;
    }
    var draft = readLocal(form);
    if (draft && !draft.sent && draft.values) {
      inputsOf(form).forEach(function (input) {
        if (input.name in draft.values) input.value = draft.values[input.name];
      });
    }
    inputsOf(form).forEach(function (input) {
      input.addEventListener("input", function () {
        changed(form, input);
      });
      var field = input.closest("[data-field]");
      Array.prototype.forEach.call(field.querySelectorAll("button[data-step]"), function (button) {
        button.hidden = false;
        button.addEventListener("click", function () {
          var step = Number(input.getAttribute("data-step-size")) || 1;
          var max = Number(input.getAttribute("data-max"));
          var current = Number(input.value.trim() || "0");
          var base = isFinite(current) ? current : 0;
          // Back onto the step's grid, so 37.3 with a step of 1 goes to 38 or 36.
          var next = Math.round((base + Number(button.getAttribute("data-step")) * step) / step) * step;
          input.value = tidy(Math.min(max, Math.max(0, next)));
          changed(form, input);
        });
      });
    });
    form.noValidate = true;
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var submitting = !!(event.submitter && event.submitter.value === "submit");
      if (!submitting) {
        writeLocal(form, { values: valuesOf(form), at: Date.now(), sent: false });
        sendDraft(form);
        return;
      }
      var first = null;
      inputsOf(form).forEach(function (input) {
        var problem = problemOf(input, true);
        showProblem(input, problem);
        if (problem && !first) first = input;
      });
      if (first) return first.focus();
      var box = confirmBox(form);
      if (box) box.hidden = false;
    });
    var yes = form.querySelector("[data-confirm-yes]");
    var no = form.querySelector("[data-confirm-no]");
    if (yes)
      yes.addEventListener("click", function () {
        clearTimeout(timers[storeKey(form)]);
        submitSheet(form);
      });
    if (no)
      no.addEventListener("click", function () {
        confirmBox(form).hidden = true;
        if (stale && !typing()) refresh();
      });
    updateTotal(form);
    if (draft && !draft.sent) sendDraft(form);
  }

  /* The clock as information: ticks from startedAt while running (the server's clock is the truth). */
  function tick() {
    var timer = root.querySelector("[data-timer]");
    if (!timer) return;
    var clock = timer.querySelector("[data-clock]");
    var started = timer.getAttribute("data-started-at");
    var stopped = timer.getAttribute("data-stopped-at");
    var seconds = timer.getAttribute("data-seconds");
    var shown = null;
    if (stopped && seconds !== "") shown = Number(seconds);
    else if (started) shown = Math.max(0, Math.floor((Date.now() - Date.parse(started)) / 1000));
    if (clock)
      clock.textContent =
        shown === null ? "" : "· " + Math.floor(shown / 60) + ":" + String(shown % 60).padStart(2, "0");
  }

  /* Typing in a field, or answering 提交's confirmation: a new state waits, else the form would be replaced under him. */
  function typing() {
    var active = document.activeElement;
    if (root.querySelector("[data-confirm]:not([hidden])")) return true;
    return !!(active && active.matches && active.matches("input, textarea") && root.contains(active));
  }

  /* The page part again from the server, with the judge's unsent drafts put back over it. */
  function refresh() {
    if (refreshing) {
      stale = true;
      return;
    }
    refreshing = true;
    stale = false;
    var editsBefore = edits;
    Promise.all(pendingForms().map(sendDraft))
      .then(function () {
        return fetch(pageUrl, { headers: { Accept: "text/html" }, credentials: "same-origin" });
      })
      .then(function (res) {
        return res.ok ? res.text() : null;
      })
      .then(function (html) {
        if (!html) return;
        var page = new DOMParser().parseFromString(html, "text/html");
        var fresh = page.querySelector("[data-live-part]");
        var part = root.querySelector("[data-live-part]");
        var freshRoot = page.querySelector("[data-live-judge]");
        if (!fresh || !part) return;
        // The confirmation opened, or the judge typed, while this was loading: the part fetched may not hold
        // his latest values (a draft saved meanwhile is no longer put back); keep his screen, fetch again after.
        if (part.querySelector("[data-confirm]:not([hidden])") || typing() || edits !== editsBefore) {
          stale = true;
          return;
        }
        part.innerHTML = fresh.innerHTML;
        if (freshRoot) version = freshRoot.getAttribute("data-version");
        Array.prototype.forEach.call(part.querySelectorAll("form[data-live-sheet]"), wire);
        tick();
      })
      .catch(function () {
        setOffline(true);
      })
      .then(function () {
        refreshing = false;
        if (stale && !typing()) refresh();
      });
  }

  Array.prototype.forEach.call(root.querySelectorAll("form[data-live-sheet]"), wire);
  tick();
  setInterval(tick, 1000);

  // A change the judge is typing through waits until he leaves the field.
  root.addEventListener("focusout", function () {
    setTimeout(function () {
      if (stale && !typing()) refresh();
    }, 0);
  });

  // The phone shows no reconnecting hint: a missed state is fetched with the next one, or by a reload.
  if (window.EventSource && window.LiveStream)
    window.LiveStream.subscribe(
      "/api/v1/contests/" + contestId + "/live/events",
      function (live) {
        if (!live || String(live.version) === String(version)) return;
        if (typing()) stale = true;
        else refresh();
      },
      function () {},
    );

  // Back online: the drafts kept on this device go to the server.
  function resend() {
    pendingForms().forEach(sendDraft);
  }
  window.addEventListener("online", resend);
  window.addEventListener("offline", function () {
    setOffline(true);
  });
  setInterval(function () {
    if (pendingForms().length > 0) resend();
  }, RETRY_MS);
})();

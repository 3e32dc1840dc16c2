/*
 * The timekeeper's console ([data-live-console]). Without this script every button is a form that
 * posts and comes back to the page. With it: the buttons post in the background (a withdrawal asks
 * first), the clock ticks, the talk is stopped when the clock reaches the cutoff (the server caps it
 * there too), and on every new state of the live final the page's live part is fetched again from
 * the server, which also brings the panel's progress with the names of who has not submitted.
 */
(function () {
  "use strict";

  var root = document.querySelector("[data-live-console]");
  var L = window.LiveStream;
  if (!root || !L || !window.EventSource || !window.fetch || !window.DOMParser) return;

  var offset = L.offsetOf(root);
  var errorBox = root.querySelector("[data-console-error]");
  var stoppedFor = null; /* the startedAt of the talk this page already stopped at the cutoff */
  var loading = false;
  var again = false;

  function live() {
    return root.querySelector("[data-console-live]");
  }

  function showError(message) {
    errorBox.textContent = message || "";
    errorBox.hidden = !message;
  }

  /* The live part as the server renders it now; a state arriving meanwhile fetches once more after. */
  function refresh() {
    if (loading) {
      again = true;
      return;
    }
    loading = true;
    fetch(window.location.pathname, { headers: { Accept: "text/html" }, credentials: "same-origin" })
      .then(function (res) {
        return res.ok ? res.text() : null;
      })
      .then(function (html) {
        if (!html) return;
        var fresh = new DOMParser().parseFromString(html, "text/html").querySelector("[data-console-live]");
        if (fresh) live().replaceWith(document.importNode(fresh, true));
        tick();
      })
      .catch(function () {
        /* offline for a moment: the next state fetches again */
      })
      .then(function () {
        loading = false;
        if (again) {
          again = false;
          refresh();
        }
      });
  }

  function post(form) {
    /* getAttribute: the timer forms' field named "action" hides the form's own action property. */
    return fetch(form.getAttribute("action"), {
      method: "POST",
      headers: { Accept: "application/json", "Content-Type": "application/x-www-form-urlencoded" },
      credentials: "same-origin",
      body: new URLSearchParams(new FormData(form)).toString(),
    }).then(function (res) {
      return res.json().then(function (body) {
        if (!res.ok) throw new Error((body && body.error && body.error.message) || String(res.status));
        return body;
      });
    });
  }

  root.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches || !form.matches("form[data-console-form]")) return;
    event.preventDefault();
    var question = form.getAttribute("data-confirm");
    if (question) {
      if (!window.confirm(question)) return;
      if (!form.querySelector('input[name="confirmed"]')) {
        var yes = document.createElement("input");
        yes.type = "hidden";
        yes.name = "confirmed";
        yes.value = "1";
        form.appendChild(yes);
      }
    }
    var buttons = form.querySelectorAll("button");
    Array.prototype.forEach.call(buttons, function (b) {
      b.disabled = true;
    });
    post(form)
      .then(function () {
        showError("");
        if (!live().contains(form)) form.reset();
        refresh();
      })
      .catch(function (err) {
        showError(err.message);
      })
      .then(function () {
        Array.prototype.forEach.call(buttons, function (b) {
          b.disabled = false;
        });
      });
  });

  function tick() {
    var clock = root.querySelector("[data-clock]");
    if (!clock) return;
    var now = L.readClock(clock, offset);
    L.paintClock(clock, now);
    var deduction = root.querySelector("[data-deduction]");
    if (now.overDue) deduction.textContent = L.deductionText(root, L.currentDeduction(clock, now, null));
    // Auto-stop at the cutoff: once per talk, through the same stop button a person would press.
    var startedAt = clock.getAttribute("data-started-at");
    var stop = root.querySelector("form[data-stop-form]");
    if (clock.getAttribute("data-running") === "1" && !now.running && stop && stoppedFor !== startedAt) {
      stoppedFor = startedAt;
      post(stop).then(refresh, function (err) {
        showError(err.message);
      });
    }
  }

  L.subscribe(
    root.getAttribute("data-events"),
    function (state) {
      if (String(state.version) !== live().getAttribute("data-version")) refresh();
    },
    function (connected) {
      root.querySelector("[data-reconnecting]").hidden = connected;
    },
  );
  window.setInterval(tick, 250);
})();

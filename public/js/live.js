/*
 * A page part that keeps itself current ([data-live], e.g. the organizer's judging progress): every
 * data-live-ms milliseconds, while the tab is visible, the page is fetched again and the part is
 * replaced by its new version, with the time of the update shown in [data-live-stamp]. Without this
 * script the page is the same, only as of its loading (the reload button still works).
 */
(function () {
  "use strict";

  var part = document.querySelector("[data-live]");
  if (!part || !window.fetch || !window.DOMParser) return;
  var every = Math.max(5000, Number(part.getAttribute("data-live-ms")) || 15000);
  var busy = false;

  function refresh() {
    if (busy || document.hidden) return;
    busy = true;
    fetch(window.location.href, { headers: { Accept: "text/html" }, credentials: "same-origin" })
      .then(function (res) {
        return res.ok ? res.text() : null;
      })
      .then(function (html) {
        if (!html) return;
        var fresh = new DOMParser().parseFromString(html, "text/html").querySelector("[data-live]");
        if (!fresh) return;
        part.innerHTML = fresh.innerHTML;
        var stamp = document.querySelector("[data-live-stamp]");
        if (stamp)
          stamp.textContent = new Date().toLocaleTimeString(document.documentElement.lang || undefined, {
            hour12: false,
          });
      })
      .catch(function () {
        /* offline for a moment: try again next time */
      })
      .then(function () {
        busy = false;
      });
  }

  window.setInterval(refresh, every);
  document.addEventListener("visibilitychange", refresh);
})();

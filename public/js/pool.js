/*
 * The judge pool's checkboxes (form[data-pool-form]), progressively: without this script every judge is
 * listed and ticked one by one. With it: a filter over name, unit, city and expertise, buttons that tick
 * or untick every judge the filter shows, and a count of those chosen. A refused assignment's
 * explanation is scrolled into view. Texts come from the form's data-msg-* attributes.
 */
(function () {
  "use strict";

  var form = document.querySelector("form[data-pool-form]");
  if (!form) return;
  var tools = form.querySelector("[data-pool-tools]");
  var filter = form.querySelector("[data-pool-filter]");
  var count = form.querySelector("[data-pool-count]");
  var rows = Array.prototype.slice.call(form.querySelectorAll("tr[data-pool-row]"));
  var template = form.getAttribute("data-msg-count") || "{n}";

  function box(row) {
    return row.querySelector('input[type="checkbox"]');
  }

  function visible() {
    return rows.filter(function (row) {
      return !row.hidden;
    });
  }

  function showCount() {
    var chosen = rows.filter(function (row) {
      return box(row).checked;
    }).length;
    count.textContent = template.replace("{n}", String(chosen));
    rows.forEach(function (row) {
      row.classList.toggle("in-pool", box(row).checked);
    });
  }

  function applyFilter() {
    var words = filter.value.trim().toLowerCase().split(/\s+/).filter(Boolean);
    rows.forEach(function (row) {
      var text = row.textContent.toLowerCase();
      row.hidden = !words.every(function (word) {
        return text.indexOf(word) >= 0;
      });
    });
  }

  function tickVisible(checked) {
    visible().forEach(function (row) {
      box(row).checked = checked;
    });
    showCount();
  }

  if (tools && rows.length) {
    tools.hidden = false;
    filter.addEventListener("input", applyFilter);
    form.querySelector("[data-pool-all]").addEventListener("click", function () {
      tickVisible(true);
    });
    form.querySelector("[data-pool-none]").addEventListener("click", function () {
      tickVisible(false);
    });
    form.addEventListener("change", showCount);
    showCount();
  }

  var explanation = document.querySelector("[data-testid='assign-explanation']");
  if (explanation) explanation.scrollIntoView({ block: "start" });
})();

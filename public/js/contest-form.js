/*
 * The new-contest form, progressively: when 赛事类型 changes, the rubric rows are refilled with that
 * kind's default rubric and its default requirements are shown; rows the organizer edited are only
 * replaced after asking. Without this script the server does the same on submit for an untouched
 * rubric (the hidden filledFrom says which kind the rows were filled from).
 */
(function () {
  "use strict";

  var form = document.querySelector('form[data-testid="contest-form"]');
  var kind = form && form.querySelector('select[name="kind"]');
  var filled = form && form.querySelector('input[name="filledFrom"]');
  if (!form || !kind || !filled) return;

  var FIELDS = ["key", "label", "max", "step", "description"];
  var sections = Array.prototype.slice.call(form.querySelectorAll("[data-kind]"));

  function defaultsOf(k) {
    var section = form.querySelector('[data-kind="' + k + '"]');
    return section ? JSON.parse(section.getAttribute("data-rubric")) : [];
  }
  function rows() {
    return Array.prototype.slice.call(form.querySelectorAll(".rubric-row"));
  }
  function typed() {
    return rows()
      .map(function (row) {
        return FIELDS.map(function (f) {
          return row.querySelector('[name$="[' + f + ']"]').value.trim();
        });
      })
      .filter(function (values) {
        return values[0] !== "";
      });
  }
  function asRows(criteria) {
    return criteria.map(function (c) {
      return [c.key, c.label, String(c.max), String(c.step), c.description || ""];
    });
  }
  function fill(criteria) {
    var all = rows();
    var template = all[0];
    var container = template.parentNode;
    all.forEach(function (row) {
      row.remove();
    });
    criteria.concat([{}, {}]).forEach(function (c, i) {
      var row = template.cloneNode(true);
      FIELDS.forEach(function (f) {
        var input = row.querySelector('[name$="[' + f + ']"]');
        input.name = "criteria[" + i + "][" + f + "]";
        input.value = c[f] === undefined ? "" : String(c[f]);
      });
      container.appendChild(row);
    });
  }

  kind.addEventListener("change", function () {
    var next = kind.value;
    sections.forEach(function (section) {
      section.hidden = section.getAttribute("data-kind") !== next;
    });
    var untouched = JSON.stringify(typed()) === JSON.stringify(asRows(defaultsOf(filled.value)));
    if (!untouched && !window.confirm(form.getAttribute("data-refill-confirm"))) return;
    fill(defaultsOf(next));
    filled.value = next;
  });
})();

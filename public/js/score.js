/*
 * The judge's score form (form[data-score-form]), progressively: without this script the form posts
 * as usual, checked by the browser's HTML constraints (required, min, max, step) and by the server.
 * With it: each score gets a slider for thumbs on a phone, kept in step with its number field; the
 * total is shown live; a score over its maximum or off its step is named under its field as it is
 * typed, in the page's language; "save draft" may leave fields empty, "submit" may not.
 * No framework, no inline script (the CSP allows same-origin files only). Texts come from the form's
 * data-msg-* attributes.
 */
(function () {
  "use strict";

  var form = document.querySelector("form[data-score-form]");
  if (!form) return;

  var msg = {
    required: form.getAttribute("data-msg-required"),
    number: form.getAttribute("data-msg-number"),
    range: form.getAttribute("data-msg-range"),
    step: form.getAttribute("data-msg-step"),
  };
  var fields = Array.prototype.slice.call(form.querySelectorAll("input[data-score], input[data-deduction]"));
  var output = form.querySelector("[data-total]");
  var incomplete = form.querySelector("[data-incomplete]");

  function format(template, params) {
    return String(template).replace(/\{(\w+)\}/g, function (whole, name) {
      return name in params ? String(params[name]) : whole;
    });
  }

  /* Decimal steps (0.5, 0.1) compared on the ratio, as the server does: 0.3 is a multiple of 0.1. */
  function isMultipleOf(value, step) {
    var ratio = value / step;
    return Math.abs(ratio - Math.round(ratio)) < 1e-9;
  }

  function tidy(n) {
    return String(Math.round(n * 1e6) / 1e6);
  }

  /* What is wrong with a field, or "": the same checks as the server's (src/judging/judging.pages.ts). */
  function problemOf(input, submitting) {
    if (input.validity && input.validity.badInput) return msg.number;
    var text = input.value.trim();
    if (text === "") return submitting && input.hasAttribute("data-score") ? msg.required : "";
    var n = Number(text);
    if (!isFinite(n)) return msg.number;
    var max = Number(input.getAttribute("data-max"));
    if (n < 0 || n > max) return format(msg.range, { max: input.getAttribute("data-max") });
    var step = input.getAttribute("data-step");
    if (step && step !== "any" && !isMultipleOf(n, Number(step))) return format(msg.step, { step: step });
    return "";
  }

  function show(input, problem) {
    var box = document.getElementById(input.id + "-msg");
    if (box) box.textContent = problem;
    var field = input.closest("[data-field]");
    if (field) field.classList.toggle("has-problem", problem !== "");
    input.setAttribute("aria-invalid", problem ? "true" : "false");
  }

  function valueOf(input) {
    var text = input.value.trim();
    if (text === "" || (input.validity && input.validity.badInput)) return null;
    var n = Number(text);
    return isFinite(n) ? n : null;
  }

  function updateTotal() {
    var total = 0;
    var complete = true;
    fields.forEach(function (input) {
      var n = valueOf(input);
      if (input.hasAttribute("data-score")) {
        if (n === null) complete = false;
        else total += n;
      } else if (n !== null) {
        total -= n;
      }
    });
    if (output) output.textContent = tidy(total);
    if (incomplete) incomplete.hidden = complete;
  }

  fields.forEach(function (input) {
    var range = form.querySelector('input[type="range"][data-range-for="' + input.id + '"]');
    if (range && !input.disabled) {
      range.hidden = false;
      range.classList.toggle("unset", input.value.trim() === "");
      range.addEventListener("input", function () {
        input.value = range.value;
        range.classList.remove("unset");
        show(input, problemOf(input, false));
        updateTotal();
      });
    }
    input.addEventListener("input", function () {
      var n = valueOf(input);
      if (range && n !== null) {
        range.value = String(n);
        range.classList.remove("unset");
      }
      show(input, problemOf(input, false));
      updateTotal();
    });
  });

  // The script names problems itself, in the page's language, for both buttons.
  form.noValidate = true;
  var sending = false;
  form.addEventListener("submit", function (event) {
    if (sending) {
      event.preventDefault();
      return;
    }
    var submitting = !!(event.submitter && event.submitter.value === "submit");
    var first = null;
    fields.forEach(function (input) {
      var problem = problemOf(input, submitting);
      show(input, problem);
      if (problem && !first) first = input;
    });
    if (first) {
      event.preventDefault();
      first.focus();
      if (first.scrollIntoView) first.scrollIntoView({ block: "center" });
      return;
    }
    sending = true;
  });
  // Back from the browser's cache: the form may be sent again.
  window.addEventListener("pageshow", function () {
    sending = false;
  });

  updateTotal();
})();

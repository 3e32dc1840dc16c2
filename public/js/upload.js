/*
 * Progressive upload for entry forms, the activity import and the unit summary (form[data-upload]).
 * Without this script the form posts as usual (the CSRF token rides in the action's ?_csrf=). With it:
 * author rows are added on demand and sent as the JSON `authors` field, the files go by XMLHttpRequest with a progress bar per file
 * (percentage, speed, time left), and the server's refusal is shown above the form.
 * No framework, no inline script (the CSP allows same-origin files only). Texts come from the form's
 * data-msg-* attributes, in the page's language.
 */
(function () {
  "use strict";

  function format(template, params) {
    return template.replace(/\{(\w+)\}/g, function (whole, name) {
      return name in params ? String(params[name]) : whole;
    });
  }

  function spokenTime(seconds, msg) {
    var whole = Math.max(0, Math.ceil(seconds));
    if (whole < 60) return format(msg.seconds, { n: whole });
    return format(msg.minutes, { m: Math.floor(whole / 60), s: whole % 60 });
  }

  /* Author rows: the server renders several empty ones for forms without script; keep one empty row and offer "add". */
  function setUpAuthors(form) {
    var box = form.querySelector("[data-author-rows]");
    var add = form.querySelector("[data-add-author]");
    if (!box || !add) return;
    var rows = box.querySelectorAll("[data-author-row]");
    var template = rows[0].cloneNode(true);
    template.querySelectorAll("input").forEach(function (input) {
      input.value = "";
      input.removeAttribute("required");
    });
    rows.forEach(function (row, i) {
      var empty = Array.prototype.every.call(row.querySelectorAll("input"), function (input) {
        return input.value.trim() === "";
      });
      if (i > 0 && empty) row.remove();
    });
    add.hidden = false;
    add.addEventListener("click", function () {
      var row = template.cloneNode(true);
      box.appendChild(row);
      row.querySelector("input").focus();
    });
  }

  function authorsJson(form) {
    var authors = [];
    form.querySelectorAll("[data-author-row]").forEach(function (row) {
      var name = (row.querySelector('[name="authorName"]') || {}).value || "";
      var role = (row.querySelector('[name="authorRole"]') || {}).value || "";
      name = name.trim();
      role = role.trim();
      if (!name && !role) return;
      authors.push(role ? { name: name, role: role } : { name: name });
    });
    return JSON.stringify(authors);
  }

  /*
   * Text fields first, then the files in the order of the form: the order the bars are computed in, and
   * the order that lets the server refuse (a limit, a closed contest) before it reads a byte of a file.
   */
  function buildBody(form) {
    var body = new FormData();
    var fields = new URLSearchParams();
    var files = [];
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.disabled || el.name === "_csrf" || el.name === "authorName" || el.name === "authorRole")
        return;
      if (el.type === "file") {
        if (el.files && el.files[0]) files.push({ role: el.name, file: el.files[0] });
        return;
      }
      if ((el.type === "checkbox" || el.type === "radio") && !el.checked) return;
      if (el.tagName === "BUTTON" || el.type === "submit") return;
      body.append(el.name, el.value);
      fields.append(el.name, el.value);
    });
    if (form.querySelector("[data-author-rows]")) {
      body.append("authors", authorsJson(form));
      fields.append("authors", authorsJson(form));
    }
    files.forEach(function (f) {
      body.append(f.role, f.file, f.file.name);
    });
    return { body: body, fields: fields, files: files };
  }

  /*
   * Asks the server (form[data-check]) whether the text fields alone would be refused, before sending
   * megabytes of files: then the refusal shows at once. Calls `go` to upload, or `refused(error)`; if the
   * check cannot be made, the upload goes ahead and the server still refuses early on its own.
   */
  function checkFirst(form, fields, go, refused) {
    if (!form.dataset.check || !window.fetch) return go();
    window
      .fetch(form.dataset.check, {
        method: "POST",
        credentials: "same-origin",
        headers: { Accept: "application/json", "X-CSRF-Token": form.dataset.csrf || "" },
        body: fields,
      })
      .then(function (res) {
        if (res.ok) return go();
        return res.json().then(
          function (answer) {
            if (answer && answer.error) refused(answer.error);
            else go();
          },
          function () {
            go();
          },
        );
      })
      .catch(function () {
        go();
      });
  }

  function setUpForm(form) {
    var msg = {
      waiting: form.dataset.msgWaiting,
      progress: form.dataset.msgProgress,
      done: form.dataset.msgDone,
      checking: form.dataset.msgChecking,
      failed: form.dataset.msgFailed,
      sending: form.dataset.msgSending,
      seconds: form.dataset.msgSeconds,
      minutes: form.dataset.msgMinutes,
    };
    var errorBox = form.parentNode.querySelector("[data-upload-error]");
    var button = form.querySelector("[data-upload-submit]");
    var buttonText = button ? button.textContent : "";
    setUpAuthors(form);

    function showError(message, fields) {
      if (!errorBox) return window.alert(message);
      errorBox.textContent = "";
      var p = document.createElement("p");
      p.textContent = message;
      errorBox.appendChild(p);
      if (fields && fields.length) {
        var ul = document.createElement("ul");
        fields.forEach(function (f) {
          if (!f.message) return;
          var li = document.createElement("li");
          li.textContent = f.field + " " + f.message;
          ul.appendChild(li);
        });
        errorBox.appendChild(ul);
      }
      errorBox.hidden = false;
      errorBox.scrollIntoView({ block: "center" });
    }

    function finish() {
      if (button) {
        button.disabled = false;
        button.textContent = buttonText;
      }
      form.removeAttribute("aria-busy");
    }

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      if (form.getAttribute("aria-busy") === "true") return;
      if (errorBox) errorBox.hidden = true;
      var built = buildBody(form);
      var bars = built.files.map(function (f) {
        var box = form.querySelector('[data-progress="' + f.role + '"]');
        if (!box) return null;
        box.hidden = false;
        var bar = box.querySelector("progress");
        var text = box.querySelector("[data-progress-text]");
        bar.value = 0;
        text.textContent = msg.waiting;
        return { size: f.file.size, bar: bar, text: text, box: box };
      });
      form.querySelectorAll("[data-progress]").forEach(function (box) {
        if (
          !bars.some(function (b) {
            return b && b.box === box;
          })
        )
          box.hidden = true;
      });
      var sizes = built.files.reduce(function (sum, f) {
        return sum + f.file.size;
      }, 0);
      var started = Date.now();
      var samples = [{ t: started, loaded: 0 }];

      var xhr = new XMLHttpRequest();
      xhr.open("POST", form.action);
      xhr.setRequestHeader("Accept", "application/json");
      xhr.setRequestHeader("X-CSRF-Token", form.dataset.csrf || "");

      xhr.upload.addEventListener("progress", function (e) {
        if (!e.lengthComputable) return;
        var now = Date.now();
        samples.push({ t: now, loaded: e.loaded });
        // Speed over the last three seconds, so a stall shows soon and one fast burst does not mislead.
        while (samples.length > 2 && now - samples[0].t > 3000) samples.shift();
        var first = samples[0];
        var bytesPerSecond = now > first.t ? ((e.loaded - first.loaded) * 1000) / (now - first.t) : 0;
        var speed = bytesPerSecond / 1048576;
        // The text fields and part headers go first; each file then takes its own stretch of the bytes.
        var offset = Math.max(0, e.total - sizes);
        bars.forEach(function (b, i) {
          var size = built.files[i].file.size;
          var start = offset;
          offset += size;
          if (!b) return;
          var sent = Math.min(size, Math.max(0, e.loaded - start));
          var percent = size === 0 ? (e.loaded >= start ? 100 : 0) : Math.floor((sent / size) * 100);
          b.bar.value = percent;
          if (sent >= size && e.loaded >= start + size) b.text.textContent = msg.done;
          else if (e.loaded <= start) b.text.textContent = msg.waiting;
          else {
            var left = bytesPerSecond > 0 ? (size - sent) / bytesPerSecond : 0;
            b.text.textContent = format(msg.progress, {
              percent: percent,
              speed: speed.toFixed(speed < 10 ? 2 : 1),
              remaining: spokenTime(left, msg),
            });
          }
        });
      });
      xhr.upload.addEventListener("load", function () {
        var seconds = (Date.now() - started) / 1000;
        var speed = seconds > 0 ? sizes / 1048576 / seconds : 0;
        bars.forEach(function (b) {
          if (!b) return;
          b.bar.value = 100;
          b.text.textContent = format(msg.progress, {
            percent: 100,
            speed: speed.toFixed(speed < 10 ? 2 : 1),
            remaining: spokenTime(0, msg),
          });
        });
        if (button) button.textContent = msg.checking;
      });

      xhr.addEventListener("load", function () {
        var answer = null;
        try {
          answer = JSON.parse(xhr.responseText);
        } catch (err) {
          answer = null;
        }
        if (xhr.status >= 200 && xhr.status < 300 && answer && answer.entry) {
          window.location.assign("/entries/" + encodeURIComponent(answer.entry.id));
          return;
        }
        // Other forms (the activity import) name the page that shows their result: a path on this site only.
        if (xhr.status >= 200 && xhr.status < 300 && answer && /^\/(?![\/\\])/.test(answer.redirect || "")) {
          window.location.assign(answer.redirect);
          return;
        }
        finish();
        var error = answer && answer.error;
        showError(error && error.message ? error.message : msg.failed, error && error.details && error.details.fields);
      });
      xhr.addEventListener("error", function () {
        finish();
        showError(msg.failed);
      });
      xhr.addEventListener("abort", function () {
        finish();
        showError(msg.failed);
      });

      form.setAttribute("aria-busy", "true");
      if (button) {
        button.disabled = true;
        button.textContent = msg.sending;
      }
      checkFirst(
        form,
        built.fields,
        function () {
          xhr.send(built.body);
        },
        function (error) {
          finish();
          bars.forEach(function (b) {
            if (b) b.box.hidden = true;
          });
          showError(error.message || msg.failed, error.details && error.details.fields);
        },
      );
    });
  }

  document.querySelectorAll("form[data-upload]").forEach(setUpForm);

  /* Buttons that cannot be undone (withdraw) ask first. */
  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.dataset.confirm)) event.preventDefault();
    });
  });
})();

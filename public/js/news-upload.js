/*
 * The reporter's news form (form[data-news-upload]) on a phone, as public/js/upload.js does for entries:
 * without this script the form posts as usual (the CSRF token rides in the action's ?_csrf=). With it:
 * the chosen images are previewed (at most data-max-images), and the text, images and video go by
 * XMLHttpRequest with one progress bar; the server's refusal is shown above the form. Texts come from
 * the form's data-msg-* attributes, in the page's language. No inline script (the CSP forbids it).
 */
(function () {
  "use strict";

  function format(template, params) {
    return template.replace(/\{(\w+)\}/g, function (whole, name) {
      return name in params ? String(params[name]) : whole;
    });
  }

  function setUpForm(form) {
    var max = Number(form.dataset.maxImages) || 9;
    var images = form.querySelector("[data-images]");
    var previews = form.querySelector("[data-previews]");
    var errorBox = form.parentNode.querySelector("[data-upload-error]");
    var button = form.querySelector("[data-upload-submit]");
    var buttonText = button ? button.textContent : "";
    var box = form.querySelector("[data-progress]");
    var bar = box.querySelector("progress");
    var barText = box.querySelector("[data-progress-text]");

    function showError(message) {
      errorBox.textContent = message;
      errorBox.hidden = false;
      errorBox.scrollIntoView({ block: "center" });
    }

    // Previews as data: URLs (the CSP allows them for images; blob: URLs it does not).
    images.addEventListener("change", function () {
      previews.textContent = "";
      errorBox.hidden = true;
      if (images.files.length > max) {
        showError(form.dataset.msgTooMany);
        images.value = "";
        return;
      }
      Array.prototype.forEach.call(images.files, function (file) {
        var img = document.createElement("img");
        img.alt = file.name;
        previews.appendChild(img);
        var reader = new FileReader();
        reader.onload = function () {
          img.src = String(reader.result);
        };
        reader.readAsDataURL(file);
      });
    });

    function finish() {
      button.disabled = false;
      button.textContent = buttonText;
      form.removeAttribute("aria-busy");
    }

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      if (form.getAttribute("aria-busy") === "true") return;
      errorBox.hidden = true;
      // The text first, then the files: the server may refuse before it reads a byte of them.
      var body = new FormData();
      // An edit may leave the text as it was: an empty box is then not sent (the stored text stays).
      var text = form.querySelector('[name="text"]').value;
      if (text.trim() !== "") body.append("text", text);
      Array.prototype.forEach.call(images.files, function (file) {
        body.append("images", file, file.name);
      });
      var video = form.querySelector('[name="video"]');
      if (video.files && video.files[0]) body.append("video", video.files[0], video.files[0].name);

      var xhr = new XMLHttpRequest();
      xhr.open("POST", form.action);
      xhr.setRequestHeader("Accept", "application/json");
      xhr.setRequestHeader("X-CSRF-Token", form.dataset.csrf || "");
      box.hidden = false;
      bar.value = 0;
      xhr.upload.addEventListener("progress", function (e) {
        if (!e.lengthComputable) return;
        var percent = Math.floor((e.loaded / e.total) * 100);
        bar.value = percent;
        barText.textContent = format(form.dataset.msgProgress, { percent: percent });
      });
      xhr.upload.addEventListener("load", function () {
        bar.value = 100;
        barText.textContent = format(form.dataset.msgProgress, { percent: 100 });
        button.textContent = form.dataset.msgChecking;
      });
      xhr.addEventListener("load", function () {
        var answer = null;
        try {
          answer = JSON.parse(xhr.responseText);
        } catch (err) {
          answer = null;
        }
        if (xhr.status >= 200 && xhr.status < 300 && answer && answer.news) {
          window.location.assign("/reports/mine");
          return;
        }
        finish();
        var error = answer && answer.error;
        showError(error && error.message ? error.message : form.dataset.msgFailed);
      });
      xhr.addEventListener("error", function () {
        finish();
        showError(form.dataset.msgFailed);
      });
      form.setAttribute("aria-busy", "true");
      button.disabled = true;
      button.textContent = form.dataset.msgSending;
      xhr.send(body);
    });
  }

  document.querySelectorAll("form[data-news-upload]").forEach(setUpForm);
})();

/* On every page: logging out forgets the unsaved worksheet drafts this browser keeps
 * (static/js/autosave.js), so the next person on a shared computer never sees them. */
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var action = event.target.getAttribute("action") || "";
    if (!event.target.matches("form[data-logout]") && !/\/accounts\/logout\/$/.test(action)) return;
    try {
      var keys = [];
      for (var i = 0; i < window.localStorage.length; i++) keys.push(window.localStorage.key(i));
      keys.forEach(function (key) { if (key.indexOf("atelier-draft:") === 0) window.localStorage.removeItem(key); });
    } catch (e) { /* storage unavailable: nothing kept */ }
  });
})();

/* The first time a signed-in person's browser is seen, it reports its time zone, so dates and
 * deadlines are shown in their own (accounts.middleware.TimeZoneMiddleware); the profile page changes it. */
(function () {
  "use strict";
  var url = document.body.dataset.timeZoneUrl;
  var csrf = document.querySelector("form[data-logout] input[name=csrfmiddlewaretoken]");
  var zone;
  try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone; } catch (e) { return; }
  if (!url || !csrf || !zone) return;
  var body = new FormData();
  body.append("time_zone", zone);
  fetch(url, { method: "POST", body: body, credentials: "same-origin", headers: { "X-CSRFToken": csrf.value } })
    .catch(function () { /* offline: the next page tries again */ });
})();

/* After a redirect, focus goes where the page's news is, rather than staying on <body> at the top:
 * the element the address names (a lesson's #completion after "Mark as complete", the comment just
 * posted), else the message at the top of main. */
(function () {
  "use strict";
  var id = window.location.hash.slice(1);
  var named = null;
  try { named = id && document.getElementById(decodeURIComponent(id)); } catch (e) { /* a malformed address */ }
  var target = named || document.querySelector("main [data-messages]");
  if (!target || document.activeElement !== document.body) return;
  if (!target.hasAttribute("tabindex") && !target.matches("a[href], button, input, select, textarea")) target.tabIndex = -1;
  target.focus();
})();

/* The site menu on narrow screens: the button in templates/includes/site_header.html folds the list away and opens
 * it; Escape closes it and returns focus to the button. Without this script the list simply shows. */
(function () {
  "use strict";
  var header = document.querySelector("[data-site-header]");
  var button = header && header.querySelector(".menu-button");
  if (!button) return;
  var narrow = window.matchMedia("(max-width: 899px)");
  function set(open) {
    button.setAttribute("aria-expanded", open ? "true" : "false");
    header.setAttribute("data-menu", open ? "open" : "closed");
  }
  function sync() {
    button.hidden = !narrow.matches;
    if (!narrow.matches) set(false);
  }
  set(false);
  sync();
  if (narrow.addEventListener) narrow.addEventListener("change", sync); else narrow.addListener(sync);
  button.addEventListener("click", function () { set(button.getAttribute("aria-expanded") !== "true"); });
  header.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && button.getAttribute("aria-expanded") === "true") { set(false); button.focus(); }
  });
})();

/* File inputs (templates/django/forms/widgets/file.html and clearable_file_input.html): show the chosen image before it is sent, and keep
 * "Remove" and a new file from contradicting each other. Worksheet images preview themselves (autosave.js). */
(function () {
  "use strict";
  document.querySelectorAll("[data-file-field]").forEach(function (field) {
    if (field.closest("[data-autosave]")) return;
    var input = field.querySelector("input[type=file]");
    var remove = field.querySelector("[data-file-remove]");
    var preview = field.querySelector("[data-file-preview]");
    if (!input || !preview) return;
    input.addEventListener("change", function () {
      var file = input.files && input.files[0];
      preview.hidden = !file;
      if (!file) return;
      if (remove) { remove.checked = false; field.classList.remove("is-removing"); }
      preview.querySelector("[data-file-name]").textContent = "Chosen: " + file.name + " (sent when you save)";
      var img = preview.querySelector("img");
      img.hidden = !/^image\//.test(file.type);
      if (img.hidden || !window.FileReader) return;
      var reader = new FileReader();
      reader.onload = function () { img.src = reader.result; };  // a data: URL, which the CSP allows
      reader.readAsDataURL(file);
    });
    if (remove) remove.addEventListener("change", function () {
      field.classList.toggle("is-removing", remove.checked);
      if (remove.checked && input.value) { input.value = ""; preview.hidden = true; }
    });
  });
})();

/* "Copy link" buttons (data-copy holds the address): hidden without this script, which is what
 * makes them work; the button says "Link copied" for a moment and a live region says it aloud. */
(function () {
  "use strict";
  if (!navigator.clipboard) return;
  document.querySelectorAll("button[data-copy]").forEach(function (button) {
    var label = button.textContent;
    var status = document.createElement("span");
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    button.insertAdjacentElement("afterend", status);
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(button.dataset.copy).then(function () {
        button.textContent = "Link copied";
        status.textContent = "The link is copied; paste it wherever you want to share it.";
        window.setTimeout(function () { button.textContent = label; status.textContent = ""; }, 2500);
      }, function () {
        status.textContent = "Could not copy: select the address in the browser's bar instead.";
      });
    });
  });
})();

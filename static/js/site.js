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

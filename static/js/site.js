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

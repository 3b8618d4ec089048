/* The admin's Markdown fields: a live preview under each, as the site will show it.
 *
 * The HTML comes from the server (CourseAdmin.markdown_preview: the site's own Markdown renderer and
 * nh3 sanitiser), so the preview is exactly what learners get; nothing is rendered in the browser.
 * It asks 400 ms after typing stops, and only the latest answer is shown.
 */
(function () {
  "use strict";

  var DEBOUNCE_MS = 400;

  function csrfToken(field) {
    var form = field.form;
    var input = form && form.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function attach(field) {
    if (field.dataset.previewReady) return;
    field.dataset.previewReady = "1";
    var box = document.createElement("div");
    box.className = "markdown-preview";
    var heading = document.createElement("p");
    heading.className = "markdown-preview-title";
    heading.id = field.id + "_preview_title";
    heading.textContent = "Preview, as learners will see it";
    var body = document.createElement("div");
    body.className = "markdown-preview-body prose";
    body.setAttribute("role", "region");
    body.setAttribute("aria-labelledby", heading.id);
    body.setAttribute("aria-live", "polite");
    box.appendChild(heading);
    box.appendChild(body);
    field.insertAdjacentElement("afterend", box);

    var timer = null;
    var asked = 0;
    function render() {
      var ticket = ++asked;
      var data = new FormData();
      data.append("text", field.value);
      fetch(field.dataset.markdownPreview, {
        method: "POST", body: data, credentials: "same-origin", headers: {"X-CSRFToken": csrfToken(field)}
      }).then(function (response) {
        return response.json().then(function (json) { return {ok: response.ok, json: json}; });
      }).then(function (result) {
        if (ticket !== asked) return;  // a newer request is on its way
        if (!result.ok) {
          body.textContent = result.json.error || "The preview is not available right now.";
          return;
        }
        // Sanitised on the server by the same allow-list as every page of the site.
        body.innerHTML = result.json.html || "<p class=\"markdown-preview-empty\">Nothing to show yet.</p>";
      }).catch(function () {
        if (ticket === asked) body.textContent = "The preview could not be loaded; your text is safe in the box above.";
      });
    }
    field.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(render, DEBOUNCE_MS);
    });
    render();
  }

  function attachAll(root) {
    root.querySelectorAll("textarea[data-markdown-preview]").forEach(function (field) {
      // The hidden template row of an inline (its id holds __prefix__) is copied by "Add another".
      if (field.id.indexOf("__prefix__") === -1) attach(field);
    });
  }

  document.addEventListener("DOMContentLoaded", function () { attachAll(document); });
  document.addEventListener("formset:added", function (event) { attachAll(event.target); });
})();

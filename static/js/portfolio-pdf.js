/* While the portfolio PDF is being prepared, poll its status and offer the download when ready.
 * Without JavaScript the page says "Preparing…" and a refresh shows the same thing. */
(function () {
  "use strict";
  var box = document.querySelector(".pdf-box[data-status-url]");
  if (!box || (box.dataset.status !== "queued" && box.dataset.status !== "rendering")) return;
  var delay = 1000;
  var preparing = box.querySelector(".pdf-preparing");
  var ready = box.querySelector(".pdf-ready");

  function check() {
    fetch(box.dataset.statusUrl, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) {
        if (!response.ok) throw new Error("status " + response.status);
        return response.json();
      })
      .then(function (data) {
        if (data.ready) {
          preparing.textContent = "Your PDF is ready.";
          ready.querySelector("a").href = data.download_url;
          ready.hidden = false;
          box.dataset.status = "ready";
        } else if (data.status === "failed") {
          preparing.textContent = (data.error || "We could not make your PDF.") + " Reload the page to try again.";
        } else {
          schedule();
        }
      })
      .catch(schedule);
  }
  function schedule() {
    delay = Math.min(delay * 1.5, 10000);
    window.setTimeout(check, delay);
  }
  window.setTimeout(check, delay);
})();

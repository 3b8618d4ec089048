// Gallery enhancements; every page works without them.
(function () {
  "use strict";

  // Ask before destructive POSTs (delete a comment, unpublish).
  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.getAttribute("data-confirm"))) event.preventDefault();
    });
  });

  // A live character count under comment boxes, so the 5,000 limit is no surprise.
  document.querySelectorAll(".comment-form textarea").forEach(function (area) {
    var limit = parseInt(area.getAttribute("data-counter") || "5000", 10);
    var note = document.createElement("p");
    note.className = "char-count";
    note.setAttribute("aria-live", "polite");
    area.insertAdjacentElement("afterend", note);
    function update() {
      var left = limit - area.value.length;
      note.textContent = left >= 0 ? left.toLocaleString("en") + " characters left" : (-left).toLocaleString("en") + " characters over the limit";
      note.classList.toggle("is-over", left < 0);
    }
    area.addEventListener("input", update);
    update();
  });

  // Opening a link to #comment-N inside a closed reply box: open it.
  if (location.hash) {
    var target = document.querySelector(location.hash.replace(/[^#\w-]/g, ""));
    if (target && target.closest("details")) target.closest("details").open = true;
  }
})();

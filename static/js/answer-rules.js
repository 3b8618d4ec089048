/* The rules an answer has, shown while typing (the server enforces them: portfolios.forms.prompt_rules).
 *
 * - A text with a length limit gets "120 of 300 characters" under it, read with the field
 *   (aria-describedby); it is announced only when 10% is left, at the limit and past it. The
 *   maxlength attribute is taken off: with it a browser silently cuts a long paste short, and the
 *   words past the limit are lost; without it they stay in the box, the counter says how many to
 *   cut, and the server refuses the answer until they are cut.
 * - A "choose no more than N" group shows how many are ticked, and says so when there are too many.
 */
(function () {
  "use strict";

  function describe(control, id) {
    var ids = (control.getAttribute("aria-describedby") || "").split(/\s+/).filter(Boolean);
    if (ids.indexOf(id) === -1) ids.push(id);
    control.setAttribute("aria-describedby", ids.join(" "));
  }

  document.querySelectorAll("form textarea[maxlength], form input[type=text][maxlength]").forEach(function (control) {
    var limit = parseInt(control.getAttribute("maxlength"), 10);
    if (!limit || !control.id) return;
    control.removeAttribute("maxlength");
    var counter = document.createElement("p");
    counter.className = "char-count help";
    counter.id = control.id + "_count";
    var live = document.createElement("span");
    live.className = "visually-hidden";
    live.setAttribute("aria-live", "polite");
    var level = "";
    function update() {
      var used = control.value.length;
      var over = used - limit;
      counter.firstChild.textContent = used.toLocaleString() + " of " + limit.toLocaleString() + " characters"
        + (over > 0 ? ": " + over.toLocaleString() + " too many, shorten it to save" : "");
      var now = over > 0 ? "over" : used === limit ? "full" : used >= limit * 0.9 ? "near" : "";
      counter.dataset.level = now;
      if (now !== level) {
        level = now;
        live.textContent = now === "over" ? over.toLocaleString() + " characters over the limit."
          : now === "full" ? "Character limit reached: " + limit.toLocaleString() + "."
          : now === "near" ? (limit - used).toLocaleString() + " characters left." : "";
      }
    }
    counter.appendChild(document.createTextNode(""));
    counter.appendChild(live);
    control.insertAdjacentElement("afterend", counter);
    describe(control, counter.id);
    control.addEventListener("input", update);
    update();
  });

  document.querySelectorAll("form [data-max-choices]").forEach(function (first) {
    var group = first.closest("fieldset");
    if (!group || group.querySelector(".choice-count")) return;
    var limit = parseInt(first.dataset.maxChoices, 10);
    var boxes = group.querySelectorAll('input[type=checkbox][name="' + first.name + '"]');
    var counter = document.createElement("p");
    counter.className = "choice-count help";
    var live = document.createElement("span");
    live.className = "visually-hidden";
    live.setAttribute("aria-live", "polite");
    var over = false;
    function update() {
      var ticked = Array.prototype.filter.call(boxes, function (b) { return b.checked; }).length;
      var isOver = ticked > limit;
      counter.dataset.level = isOver ? "full" : "";
      counter.firstChild.textContent = isOver
        ? "You have ticked " + ticked + "; choose no more than " + limit + "."
        : ticked + " of at most " + limit + " chosen";
      if (isOver !== over) {  // announced only when crossing the limit, either way
        live.textContent = isOver ? "Too many: choose no more than " + limit + "." : "Now within the limit of " + limit + ".";
        over = isOver;
      }
    }
    counter.appendChild(document.createTextNode(""));
    counter.appendChild(live);
    group.appendChild(counter);
    boxes.forEach(function (b) { b.addEventListener("change", update); });
    update();
  });
})();

/* Autosave for worksheet answers and portfolio texts.
 *
 * Each field container carries data-autosave-url, data-name (the input name) and
 * data-version-name (the hidden input holding the version this page last saw).
 * A field saves ~2 s after typing stops and when focus leaves it. The server answers
 * 200 (saved, new version), 400 (invalid: show the message, keep the text), 409 (saved
 * elsewhere: show both versions and let the learner choose) or 403 (read-only).
 * Network failures keep the text (also in localStorage) and retry with backoff.
 *
 * Screen readers hear one form-wide live region, and only real changes of state, each naming its
 * question ("Saved: <question>"): typing and "Saving…" are shown beside the field, not announced.
 * A conflict panel takes focus when it appears; after a choice, focus goes back to the answer.
 */
(function () {
  "use strict";

  var DEBOUNCE_MS = 2000;
  var MAX_RETRY_S = 60;

  document.querySelectorAll("form[data-autosave]").forEach(function (form) {
    var csrfInput = form.querySelector("input[name=csrfmiddlewaretoken]");
    if (!csrfInput || form.querySelector("fieldset[disabled]")) return;
    var csrf = csrfInput.value;
    // Drafts are kept per person: another account in this browser never sees or sends them
    // (static/js/site.js also clears them all on log-out).
    var draftPrefix = "atelier-draft:" + (form.dataset.draftOwner || "") + ":" + form.dataset.autosave + ":";
    var fields = [];
    var submitting = false;
    var announcer = document.createElement("p");
    announcer.className = "visually-hidden";
    announcer.setAttribute("aria-live", "polite");
    announcer.dataset.autosaveAnnouncer = "";
    form.insertAdjacentElement("afterend", announcer);
    // Cleared first, so the same words for a new save ("Saved: …" again) are heard again.
    function announce(text) {
      announcer.textContent = "";
      window.setTimeout(function () { announcer.textContent = text; }, 50);
    }

    // A question's name for statuses: its label or legend, without the "required" marker, shortened.
    function questionName(el) {
      var label = el.querySelector("legend, label");
      if (!label) return "this answer";
      var copy = label.cloneNode(true);
      copy.querySelectorAll(".required, .visually-hidden").forEach(function (n) { n.remove(); });
      var text = copy.textContent.replace(/\s+/g, " ").trim();
      return text.length > 80 ? text.slice(0, 77) + "…" : text;
    }

    function storageGet(key) {
      try { return JSON.parse(window.localStorage.getItem(key) || "null"); } catch (e) { return null; }
    }
    function storageSet(key, value) {
      try { window.localStorage.setItem(key, JSON.stringify(value)); } catch (e) { /* private mode: keep going */ }
    }
    function storageRemove(key) {
      try { window.localStorage.removeItem(key); } catch (e) { /* ignore */ }
    }

    function Field(el) {
      this.el = el;
      this.url = el.dataset.autosaveUrl;
      this.name = el.dataset.name;
      this.kind = el.dataset.kind;
      this.versionInput = form.querySelector('input[name="' + el.dataset.versionName + '"]');
      this.status = el.querySelector(".save-status");
      this.errorBox = el.querySelector(".field-error");
      this.question = questionName(el);
      this.draftKey = draftPrefix + this.name;
      this.timer = null;
      this.retryTimer = null;
      this.retryDelay = 0;
      this.inflight = false;
      this.again = false;
      this.saved = this.serialize();
      // An image prompt's description (#16.11) is sent with the image, or alone to describe a saved one.
      this.altInput = el.querySelector("[data-image-alt]");
      this.savedAlt = this.altInput ? this.altInput.value : "";
    }

    Field.prototype.inputs = function () {
      return Array.prototype.slice.call(this.el.querySelectorAll('[name="' + this.name + '"]'));
    };
    Field.prototype.isGroup = function () {
      var first = this.inputs()[0];
      return first && (first.type === "checkbox" || first.type === "radio");
    };
    Field.prototype.isImage = function () { return this.kind === "image"; };
    Field.prototype.values = function () {
      var inputs = this.inputs();
      if (this.isGroup()) {
        return inputs.filter(function (i) { return i.checked; }).map(function (i) { return i.value; });
      }
      return inputs.length ? inputs[0].value : "";
    };
    Field.prototype.serialize = function () {
      if (this.isImage()) return "";
      return JSON.stringify(this.values());
    };
    Field.prototype.isDirty = function () {
      if (this.isImage()) {
        var chosen = !!(this.inputs()[0] && this.inputs()[0].files.length);
        return chosen || (!!this.altInput && this.altInput.value !== this.savedAlt);
      }
      return this.serialize() !== this.saved;
    };
    Field.prototype.version = function () { return parseInt(this.versionInput.value || "0", 10); };

    // Put a value (as stored on the server: text, number, list or null) into the inputs.
    Field.prototype.setValue = function (value) {
      var inputs = this.inputs();
      if (this.isGroup()) {
        var wanted = Array.isArray(value) ? value.map(String) : (value === null || value === undefined ? [] : [String(value)]);
        inputs.forEach(function (i) { i.checked = wanted.indexOf(i.value) !== -1; });
      } else if (inputs.length && !this.isImage()) {
        inputs[0].value = value === null || value === undefined ? "" : String(value);
      }
    };

    // States a screen reader hears; the others are only shown.
    var ANNOUNCED = { saved: true, error: true, conflict: true, retrying: true };

    // `spoken`, when given, is what a screen reader hears instead of the visible text (a refusal's
    // reason is already on screen in the field's error box, so the status does not repeat it).
    Field.prototype.say = function (text, state, spoken) {
      if (!this.status) return;
      state = state || "";
      var changed = this.status.dataset.state !== state;
      if (this.status.textContent !== text) this.status.textContent = text;
      this.status.dataset.state = state;
      // A retry's countdown is one state: announced once, not at every new delay.
      if (changed && ANNOUNCED[state]) announce(this.question + ": " + (spoken || text));
    };
    Field.prototype.showErrors = function (errors) {
      this.el.classList.toggle("has-error", errors.length > 0);
      if (this.errorBox) {
        this.errorBox.textContent = errors.join(" ");
      }
      var control = this.inputs()[0];
      if (control && !this.isGroup() && this.errorBox) {
        var ids = (control.getAttribute("aria-describedby") || "").split(/\s+/).filter(function (id) {
          return id && id !== this.errorBox.id;
        }, this);
        if (errors.length) {
          control.setAttribute("aria-invalid", "true");
          ids.push(this.errorBox.id);
        } else {
          control.removeAttribute("aria-invalid");
        }
        if (ids.length) control.setAttribute("aria-describedby", ids.join(" "));
        else control.removeAttribute("aria-describedby");
      }
    };

    Field.prototype.storeDraft = function () {
      if (this.isImage()) return;
      storageSet(this.draftKey, { values: this.values(), version: this.version() });
    };

    Field.prototype.changed = function () {
      if (this.isImage()) { this.saveNow(); return; }
      if (!this.isDirty() && !this.inflight) {
        // Back to what the server has (a late "change" event, or typing undone): nothing to save.
        window.clearTimeout(this.timer);
        storageRemove(this.draftKey);
        if (this.status && this.status.dataset.state === "pending") this.say("Saved", "saved");
        return;
      }
      this.storeDraft();
      this.say("Not saved yet", "pending");
      var self = this;
      window.clearTimeout(this.timer);
      this.timer = window.setTimeout(function () { self.saveNow(); }, DEBOUNCE_MS);
    };

    Field.prototype.saveNow = function () {
      window.clearTimeout(this.timer);
      window.clearTimeout(this.retryTimer);
      if (!this.isDirty()) return;
      if (this.inflight) { this.again = true; return; }
      var self = this;
      var body = new FormData();
      if (this.isImage()) {
        if (this.inputs()[0].files.length) body.append(this.name, this.inputs()[0].files[0]);
        if (this.altInput) { this.sentAlt = this.altInput.value; body.append(this.altInput.name, this.sentAlt); }
      } else {
        var values = this.values();
        (Array.isArray(values) ? values : [values]).forEach(function (v) { body.append(self.name, v); });
      }
      body.append(this.versionInput.name, String(this.version()));
      var sent = this.serialize();
      this.inflight = true;
      this.say("Saving…", "saving");
      fetch(this.url, {
        method: "POST",
        body: body,
        credentials: "same-origin",
        headers: { "X-CSRFToken": csrf, "X-Requested-With": "fetch", "Accept": "application/json" }
      }).then(function (response) {
        if (response.redirected && response.url.indexOf(form.dataset.loginUrl) !== -1) {
          // The session ended (logged out here or in another tab): the save went to the login page.
          return { status: 401, data: {} };
        }
        if (response.status >= 500) throw new Error("server " + response.status);
        return response.json().then(function (data) { return { status: response.status, data: data }; });
      }).then(function (result) {
        self.inflight = false;
        self.retryDelay = 0;
        self.handle(result.status, result.data, sent);
      }).catch(function () {
        self.inflight = false;
        self.retryLater();
      });
    };

    Field.prototype.retryLater = function () {
      var self = this;
      this.retryDelay = Math.min(MAX_RETRY_S, this.retryDelay ? this.retryDelay * 2 : 2);
      this.say("Not saved yet — retrying in " + this.retryDelay + " s. Your text is kept on this device.", "retrying");
      this.retryTimer = window.setTimeout(function () { self.saveNow(); }, this.retryDelay * 1000);
    };

    Field.prototype.handle = function (status, data, sent) {
      if (status === 200 && data.ok) {
        this.versionInput.value = String(data.version);
        this.saved = sent;
        this.showErrors([]);
        this.removeConflict();
        if (this.isImage()) {
          this.inputs()[0].value = "";
          if (this.altInput) this.savedAlt = this.sentAlt;
          var holder = this.el.querySelector(".current-image");
          if (holder && data.image_url) {
            holder.querySelector("img").src = data.image_url;
            var shown = holder.querySelector("img");
            if (data.image_alt) shown.alt = data.image_alt;
            shown.removeAttribute("srcset");
            shown.removeAttribute("width");
            shown.removeAttribute("height");
            holder.hidden = false;
          }
        }
        if (this.isDirty()) {
          this.storeDraft();
          this.changed();
        } else {
          storageRemove(this.draftKey);
          this.say("Saved", "saved");
        }
        if (this.again) { this.again = false; this.saveNow(); }
      } else if (status === 401) {
        this.storeDraft();
        this.showLoggedOut();
      } else if (status === 409) {
        this.showConflict(data);
      } else if (status === 400 || status === 403 || status === 429) {
        var errors = data.errors || ["This could not be saved."];
        this.showErrors(errors);
        var reason = errors.join(" ");
        var spoken = status === 403 ? "Not saved. " + reason : "Not saved — " + reason + " Your text is kept.";
        // On screen the reason is said once: in the field's error box when it has one.
        var shown = !this.errorBox ? spoken : status === 403 ? "Not saved." : "Not saved; your text is kept.";
        this.say(shown, "error", spoken);
      } else {
        this.retryLater();
      }
    };

    // One notice for the whole form: log in again in a new tab, then reload this page, which puts
    // every kept draft back and saves it.
    Field.prototype.showLoggedOut = function () {
      this.say("Not saved: you are logged out. Your text is kept on this device.", "error");
      if (form.querySelector(".logged-out")) return;
      var notice = document.createElement("div");
      notice.className = "message message-error logged-out";
      notice.setAttribute("role", "alert");
      var text = document.createElement("p");
      text.textContent = "Your session has ended, so your latest changes are not saved yet. They are kept in this browser. ";
      var login = document.createElement("a");
      login.href = form.dataset.loginUrl + "?next=" + encodeURIComponent(window.location.pathname);
      login.target = "_blank";
      login.rel = "noopener";
      login.textContent = "Log in again (opens a new tab)";
      text.appendChild(login);
      text.appendChild(document.createTextNode(", then come back here and choose “Save my changes”."));
      var retry = document.createElement("button");
      retry.type = "button";
      retry.className = "button button-small";
      retry.textContent = "Save my changes";
      retry.addEventListener("click", function () {
        submitting = true;  // the drafts are stored: reloading restores and saves them
        window.location.reload();
      });
      notice.appendChild(text);
      notice.appendChild(retry);
      form.insertAdjacentElement("beforebegin", notice);
      retry.focus();
    };

    Field.prototype.removeConflict = function () {
      this.el.classList.remove("has-conflict");
      this.el.querySelectorAll(".conflict").forEach(function (node) { node.remove(); });
    };

    function describe(values) {
      if (Array.isArray(values)) return values.length ? values.join(", ") : "(empty)";
      return values === null || values === undefined || values === "" ? "(empty)" : String(values);
    }

    function panelColumn(heading, text) {
      var column = document.createElement("div");
      var title = document.createElement("p");
      title.className = "conflict-heading";
      title.textContent = heading;
      var body = document.createElement("p");
      body.className = "conflict-text";
      body.textContent = text;
      column.appendChild(title);
      column.appendChild(body);
      return column;
    }

    Field.prototype.showConflict = function (server) {
      var self = this;
      this.removeConflict();
      this.el.classList.add("has-conflict");
      var panel = document.createElement("div");
      panel.className = "conflict";
      panel.setAttribute("role", "group");
      panel.setAttribute("aria-label", "Two versions of: " + this.question);
      panel.tabIndex = -1;
      var intro = document.createElement("p");
      intro.className = "conflict-intro";
      intro.textContent = "This was changed somewhere else (another tab or device) after you opened this page. Which version do you want to keep?";
      var versions = document.createElement("div");
      versions.className = "conflict-versions";
      versions.appendChild(panelColumn("Your version", this.isImage() ? "The image you just chose" : describe(this.values())));
      versions.appendChild(panelColumn("Saved version", this.isImage() ? (server.image_url ? "Another image" : "(no image)") : describe(server.display)));
      var actions = document.createElement("p");
      actions.className = "form-actions";
      var keepMine = document.createElement("button");
      keepMine.type = "button";
      keepMine.className = "button button-small";
      keepMine.textContent = "Keep my version";
      keepMine.addEventListener("click", function () {
        self.versionInput.value = String(server.version);
        self.removeConflict();
        self.saved = null;  // force a save even if identical
        self.focusAnswer();
        self.saveNow();
      });
      var useSaved = document.createElement("button");
      useSaved.type = "button";
      useSaved.className = "button button-small button-secondary";
      useSaved.textContent = "Use the saved version";
      useSaved.addEventListener("click", function () {
        self.versionInput.value = String(server.version);
        self.setValue(server.value);
        if (self.isImage()) self.inputs()[0].value = "";
        self.saved = self.serialize();
        storageRemove(self.draftKey);
        self.removeConflict();
        self.focusAnswer();
        self.say("Saved version restored", "saved");
      });
      actions.appendChild(keepMine);
      actions.appendChild(useSaved);
      panel.appendChild(intro);
      panel.appendChild(versions);
      panel.appendChild(actions);
      if (this.status) this.status.insertAdjacentElement("afterend", panel);
      else this.el.appendChild(panel);
      this.say("Not saved — changed somewhere else; choose a version below", "conflict");
      panel.focus();
    };

    // After a conflict choice the panel is gone: focus goes to the answer it was about.
    Field.prototype.focusAnswer = function () {
      var inputs = this.inputs();
      var target = inputs.filter(function (i) { return i.checked; })[0] || inputs[0];
      if (target) target.focus({ preventScroll: false });
    };

    // Text kept in this browser from an earlier visit (closed tab, lost connection): put it
    // back. Saved with the version it was typed against, so if the server copy moved on,
    // the learner sees the conflict view instead of losing either text.
    Field.prototype.restoreDraft = function () {
      if (this.isImage()) return;
      var draft = storageGet(this.draftKey);
      if (!draft || !("values" in draft)) return;
      if (JSON.stringify(draft.values) === this.serialize()) { storageRemove(this.draftKey); return; }
      this.setValue(draft.values);
      this.versionInput.value = String(draft.version);
      this.say("Restored text you had not saved yet — saving…", "pending");
      this.saveNow();
    };

    form.querySelectorAll("[data-autosave-url]").forEach(function (el) {
      var field = new Field(el);
      fields.push(field);
      el.addEventListener("input", function () { if (!field.isImage()) field.changed(); });
      el.addEventListener("change", function () { field.changed(); });
      el.addEventListener("focusout", function (event) {
        if (!el.contains(event.relatedTarget)) field.saveNow();
      });
      field.restoreDraft();
    });

    window.addEventListener("online", function () {
      fields.forEach(function (f) { if (f.isDirty()) f.saveNow(); });
    });

    // A normal submit sends everything; let running saves finish first so versions are current.
    form.addEventListener("submit", function (event) {
      var busy = fields.some(function (f) { return f.inflight; });
      fields.forEach(function (f) { window.clearTimeout(f.timer); window.clearTimeout(f.retryTimer); });
      if (busy) {
        event.preventDefault();
        var submitter = event.submitter;
        var wait = window.setInterval(function () {
          if (!fields.some(function (f) { return f.inflight; })) {
            window.clearInterval(wait);
            form.requestSubmit(submitter);
          }
        }, 100);
      } else {
        submitting = true;
      }
    });

    window.addEventListener("beforeunload", function (event) {
      if (!submitting && fields.some(function (f) { return f.inflight || (f.isDirty() && !f.isImage()); })) {
        event.preventDefault();
      }
    });
  });
})();

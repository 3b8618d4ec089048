/* The lesson video player: captions and speed controls, keyboard shortcuts, the interactive
 * transcript and the learner's saved place.
 *
 * The page renders <section data-player> around the native <video> (which works alone without
 * this script) and <section data-transcript> with one link per caption cue (data-start, in
 * seconds). The place is POSTed to data-position-url as `seconds` at most every SAVE_EVERY_S
 * while playing, and at once on pause, after a seek, at the end (as 0: next time starts over)
 * and when the page is hidden; the server keeps it per enrollment, so the next visit starts
 * there on any browser. data-resume-at is the place the server had when the page was made
 * (data-resume-saved, when, in epoch seconds). A report the server could not take is kept in
 * localStorage and wins on the next visit if it is newer than the server's.
 */
(function () {
  "use strict";

  var SAVE_EVERY_S = 10;
  var END_MARGIN_S = 3;
  var SPEEDS = [0.75, 1, 1.25, 1.5, 1.75, 2];

  var player = document.querySelector("[data-player]");
  if (!player) return;
  var video = player.querySelector("video");
  var bar = player.querySelector("[data-player-bar]");
  var statusBox = player.querySelector("[data-player-status]");
  var restart = player.querySelector("[data-restart]");
  var captionSelect = player.querySelector("[data-captions]");
  var speedSelect = player.querySelector("[data-speed]");
  var csrfInput = player.querySelector("input[name=csrfmiddlewaretoken]");
  var positionUrl = player.dataset.positionUrl;
  var canSave = player.dataset.canSave === "true";
  var resumeAt = parseFloat(player.dataset.resumeAt || "0") || 0;
  var pendingKey = "atelier-video-place:" + positionUrl;
  bar.hidden = false;

  function storageGet(key) {
    try { return JSON.parse(window.localStorage.getItem(key) || "null"); } catch (e) { return null; }
  }
  function storageSet(key, value) {
    try { window.localStorage.setItem(key, JSON.stringify(value)); } catch (e) { /* private mode */ }
  }
  function storageRemove(key) {
    try { window.localStorage.removeItem(key); } catch (e) { /* ignore */ }
  }

  function clock(seconds) {
    var whole = Math.floor(seconds);
    var h = Math.floor(whole / 3600), m = Math.floor((whole % 3600) / 60), s = whole % 60;
    var mm = h ? String(m).padStart(2, "0") : String(m);
    return (h ? h + ":" : "") + mm + ":" + String(s).padStart(2, "0");
  }

  function say(text) { statusBox.textContent = text; }

  // --- the saved place --------------------------------------------------------------------

  var lastSentAt = 0;
  var lastSentSeconds = -1;
  var inflight = false;

  function sendPlace(seconds, opts) {
    if (!canSave || !positionUrl || !csrfInput) return;
    seconds = Math.max(0, Math.round(seconds * 10) / 10);
    if (seconds === lastSentSeconds && !(opts && opts.force)) return;
    if (inflight && !(opts && opts.leaving)) return;
    lastSentAt = Date.now();
    lastSentSeconds = seconds;
    inflight = true;
    fetch(positionUrl, {
      method: "POST",
      credentials: "same-origin",
      keepalive: true,
      headers: { "X-CSRFToken": csrfInput.value, "Content-Type": "application/x-www-form-urlencoded" },
      body: "seconds=" + encodeURIComponent(seconds),
    }).then(function (response) {
      inflight = false;
      if (response.ok) { storageRemove(pendingKey); return; }
      if (response.status === 403) { canSave = false; return; }
      storageSet(pendingKey, { seconds: seconds, at: Date.now() });
    }).catch(function () {
      inflight = false;
      storageSet(pendingKey, { seconds: seconds, at: Date.now() });
    });
  }

  function placeNow() { return video.ended ? 0 : video.currentTime; }

  video.addEventListener("timeupdate", function () {
    if (!video.paused && Date.now() - lastSentAt >= SAVE_EVERY_S * 1000) sendPlace(video.currentTime);
  });
  video.addEventListener("pause", function () { if (!video.ended) sendPlace(video.currentTime); });
  video.addEventListener("seeked", function () { sendPlace(video.currentTime); });
  video.addEventListener("ended", function () {
    sendPlace(0, { force: true });
    say("You reached the end of the video. When you are ready, mark the lesson as complete below.");
  });
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden" && video.currentTime > 0) sendPlace(placeNow(), { leaving: true });
  });
  window.addEventListener("pagehide", function () {
    if (video.currentTime > 0) sendPlace(placeNow(), { leaving: true });
  });

  // A place this browser could not deliver last time counts if the server has nothing newer.
  var savedAt = parseInt(player.dataset.resumeSaved || "0", 10) * 1000;
  var pending = storageGet(pendingKey);
  if (pending && typeof pending.seconds === "number" && canSave) {
    if (pending.at > savedAt) {
      resumeAt = pending.seconds;
      sendPlace(pending.seconds, { force: true });
    } else {
      storageRemove(pendingKey);
    }
  }

  function resume() {
    if (resumeAt > 0 && (!video.duration || resumeAt < video.duration - END_MARGIN_S)) {
      video.currentTime = resumeAt;
      lastSentSeconds = Math.round(resumeAt * 10) / 10;
      say("Picking up where you left off, at " + clock(resumeAt) + ".");
      restart.hidden = false;
    }
  }
  if (video.readyState >= 1) resume(); else video.addEventListener("loadedmetadata", resume, { once: true });

  restart.addEventListener("click", function () {
    video.currentTime = 0;
    restart.hidden = true;
    say("Back to the beginning.");
    video.focus();
  });

  // --- captions ---------------------------------------------------------------------------

  var tracks = Array.prototype.slice.call(video.textTracks || []);

  function showCaptions(language) {
    tracks.forEach(function (track) { track.mode = track.language === language && language ? "showing" : "disabled"; });
    if (captionSelect) captionSelect.value = language || "";
    storageSet("atelier-player-captions", language || "");
    if (language) {
      storageSet("atelier-player-captions-last", language);
      showTranscript(language);
    }
  }

  function showingLanguage() {
    var on = tracks.filter(function (track) { return track.mode === "showing"; })[0];
    return on ? on.language : "";
  }

  if (captionSelect) {
    captionSelect.addEventListener("change", function () { showCaptions(captionSelect.value); });
    // The native menu changes the tracks directly: keep the select in step.
    if (video.textTracks && video.textTracks.addEventListener) {
      video.textTracks.addEventListener("change", function () {
        var language = showingLanguage();
        if (captionSelect.value !== language) {
          captionSelect.value = language;
          if (language) showTranscript(language);
        }
      });
    }
  }

  function toggleCaptions() {
    if (!tracks.length) return;
    if (showingLanguage()) {
      showCaptions("");
      say("Captions off.");
    } else {
      var language = storageGet("atelier-player-captions-last") || tracks[0].language;
      showCaptions(language);
      say("Captions on.");
    }
  }

  // --- speed ------------------------------------------------------------------------------

  function setSpeed(rate) {
    video.playbackRate = rate;
    speedSelect.value = String(rate);
    storageSet("atelier-player-speed", rate);
  }
  speedSelect.addEventListener("change", function () { setSpeed(parseFloat(speedSelect.value)); });
  var savedSpeed = storageGet("atelier-player-speed");
  if (SPEEDS.indexOf(savedSpeed) >= 0) setSpeed(savedSpeed);
  // The browser resets the rate when it loads the source: apply the choice again.
  video.addEventListener("loadedmetadata", function () { video.playbackRate = parseFloat(speedSelect.value); });

  function stepSpeed(direction) {
    var index = SPEEDS.indexOf(video.playbackRate);
    if (index < 0) index = 1;
    index = Math.min(SPEEDS.length - 1, Math.max(0, index + direction));
    setSpeed(SPEEDS[index]);
    say("Speed " + SPEEDS[index] + "×.");
  }

  // --- keyboard ---------------------------------------------------------------------------

  function seekBy(delta) {
    var end = video.duration || Infinity;
    video.currentTime = Math.min(end, Math.max(0, video.currentTime + delta));
  }

  player.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    var target = event.target;
    var tag = target.tagName;
    if (tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || (tag === "BUTTON" && (event.key === " " || event.key === "Enter"))) return;
    if (target.closest("details")) return;
    var handled = true;
    switch (event.key) {
      case " ": case "k": case "K":
        if (video.paused) video.play(); else video.pause();
        break;
      case "ArrowLeft": seekBy(-5); break;
      case "ArrowRight": seekBy(5); break;
      case "j": case "J": seekBy(-10); break;
      case "l": case "L": seekBy(10); break;
      case "c": case "C": toggleCaptions(); break;
      case "<": case ",": stepSpeed(-1); break;
      case ">": case ".": stepSpeed(1); break;
      case "m": case "M": video.muted = !video.muted; say(video.muted ? "Sound off." : "Sound on."); break;
      case "f": case "F":
        if (document.fullscreenElement) document.exitFullscreen();
        else if (video.requestFullscreen) video.requestFullscreen();
        break;
      default: handled = false;
    }
    if (handled) event.preventDefault();
  });

  // --- the transcript ---------------------------------------------------------------------

  var transcript = document.querySelector("[data-transcript]");
  var bodies = transcript ? Array.prototype.slice.call(transcript.querySelectorAll("[data-transcript-lang]")) : [];
  var cues = [];
  var current = null;

  function visibleBody() { return bodies.filter(function (b) { return !b.hidden; })[0]; }

  function collectCues() {
    var body = visibleBody();
    cues = body ? Array.prototype.slice.call(body.querySelectorAll(".cue[data-start]")) : [];
    current = null;
  }

  function showTranscript(language) {
    if (!bodies.some(function (b) { return b.dataset.transcriptLang === language; })) return;
    bodies.forEach(function (b) { b.hidden = b.dataset.transcriptLang !== language; });
    collectCues();
    runSearch();
  }

  function cueAt(seconds) {
    // The last cue that has started: binary search over the start times (in order, as WebVTT requires).
    var lo = 0, hi = cues.length - 1, found = -1;
    while (lo <= hi) {
      var mid = (lo + hi) >> 1;
      if (parseFloat(cues[mid].dataset.start) <= seconds + 0.05) { found = mid; lo = mid + 1; } else { hi = mid - 1; }
    }
    return found >= 0 ? cues[found] : null;
  }

  // Where a cue sits inside its scrolling transcript box, in the box's own coordinates.
  function offsetIn(body, cue) {
    return cue.getBoundingClientRect().top - body.getBoundingClientRect().top + body.scrollTop;
  }

  var reading = false;  // the learner is pointing at or tabbing through the transcript: do not move it
  function follow(cue) {
    var body = cue.closest(".transcript-body");
    if (reading || !body) return;
    var top = offsetIn(body, cue);
    if (top < body.scrollTop || top > body.scrollTop + body.clientHeight - cue.offsetHeight) {
      body.scrollTop = Math.max(0, top - body.clientHeight / 3);
    }
  }

  function highlight() {
    var cue = cueAt(video.currentTime);
    if (cue === current) return;
    if (current) { current.classList.remove("is-current"); current.removeAttribute("aria-current"); }
    current = cue;
    if (cue) { cue.classList.add("is-current"); cue.setAttribute("aria-current", "true"); follow(cue); }
  }

  if (bodies.length) {
    collectCues();
    video.addEventListener("timeupdate", highlight);
    video.addEventListener("seeked", highlight);
    bodies.forEach(function (body) {
      body.addEventListener("click", function (event) {
        var cue = event.target.closest(".cue[data-start]");
        if (!cue) return;
        event.preventDefault();
        video.currentTime = parseFloat(cue.dataset.start);
        restart.hidden = true;
        var playing = video.play();
        if (playing && playing.catch) playing.catch(function () { /* autoplay refused: stays paused there */ });
      });
      body.addEventListener("pointerenter", function () { reading = true; });
      body.addEventListener("pointerleave", function () { reading = false; });
      body.addEventListener("focusin", function () { reading = true; });
      body.addEventListener("focusout", function () { reading = false; });
    });
  }

  // Search: mark the lines that contain the words, say how many, show the first; Enter goes to the next one.
  var searchBox = transcript && transcript.querySelector("[data-transcript-search-box]");
  var search = transcript && transcript.querySelector("[data-transcript-search]");
  var count = transcript && transcript.querySelector("[data-transcript-count]");
  var matches = [];
  var matchIndex = -1;

  function runSearch() {
    if (!search) return;
    var query = search.value.trim().toLowerCase();
    matches = [];
    matchIndex = -1;
    cues.forEach(function (cue) {
      var hit = query.length > 1 && cue.textContent.toLowerCase().indexOf(query) >= 0;
      cue.classList.toggle("is-match", hit);
      if (hit) matches.push(cue);
    });
    if (!query) count.textContent = "";
    else if (query.length < 2) count.textContent = "Type at least two letters.";
    else if (matches.length === 1) count.textContent = "1 line matches.";
    else count.textContent = matches.length + " lines match; Enter goes to the next.";
    if (matches.length) showMatch(0);  // the first one at once, without waiting for Enter
  }

  function showMatch(index) {
    matchIndex = index;
    var cue = matches[index];
    var body = cue.closest(".transcript-body");
    body.scrollTop = Math.max(0, offsetIn(body, cue) - body.clientHeight / 3);
  }

  if (search && bodies.length) {
    searchBox.hidden = false;
    search.addEventListener("input", runSearch);
    search.addEventListener("keydown", function (event) {
      if (event.key !== "Enter" || !matches.length) return;
      event.preventDefault();
      showMatch((matchIndex + 1) % matches.length);
      count.textContent = "Line " + (matchIndex + 1) + " of " + matches.length + ": Enter for the next, or follow the link to play from there.";
    });
  }

  // This browser's captions choice is restored last, once the transcript above is ready for it.
  var remembered = storageGet("atelier-player-captions");
  if (captionSelect && remembered && tracks.some(function (t) { return t.language === remembered; })) showCaptions(remembered);
})();

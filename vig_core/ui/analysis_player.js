// The analysis player and its timeline; vig_core/ui/analysis_player.py says what it does and why.
// The timeline itself is in analysis_timeline.js, joined to this file by analysis_player.py.
// One player per Python key lives in window.__vigAnalysisPlayers: a rerun (new data) or a remount of
// the component finds the same <video> element and moves it, so the film is never loaded again.

const EPSILON = 1e-3; // frames of slack, as vig_core.case.frames
const SPEEDS = [[1, "1\u00d7", "Normal speed"], [0.5, "\u00bd\u00d7", "Half speed"], [0.25, "\u00bc\u00d7", "Quarter speed"]];
const MIN_SPAN = 10; // seconds: the narrowest window of the timeline
const REPORT_AFTER_SEEK_MS = 600; // a seek (or a run of frame steps) is reported to Python once it has settled
const RECENT = 20; // marks and choices sent again with every event, so events folded together lose none
const TYPING = 'input, textarea, select, [contenteditable=""], [contenteditable="true"], [role="textbox"], ' +
  '[role="slider"], [role="combobox"], [role="listbox"], [role="option"], [role="spinbutton"]';
// Lanes of the timeline (CSS pixels from its top): ruler, sound, moments, clips, suggestions, overview.
const LANES = { ruler: [0, 16], sound: [16, 60], moments: [60, 80], clips: [80, 98], suggestions: [98, 116],
  overview: [121, 131] };
const HEIGHT = 132;
const LANE_NAMES = { sound: "Sound", moments: "Moments", clips: "Clips", suggestions: "Suggested" };
const TICKS = [0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600];

const frameIndex = (t, fps) => Math.max(0, Math.floor(t * fps + EPSILON));
const lastFrameIndex = (duration, fps) => Math.max(0, Math.ceil(duration * fps - EPSILON) - 1);
const round3 = (t) => Math.round(t * 1000) / 1000;
const clamp = (x, low, high) => Math.min(Math.max(x, low), high);
const uid = () => (crypto.randomUUID ? crypto.randomUUID() : `${Date.now()}-${Math.random()}`.replace(".", ""));
const pad = (n) => String(n).padStart(2, "0");

/** As vig_core.case.frames.format_time: m:ss.cc, the time inside the frame on screen. */
export function formatTime(seconds, fps) {
  const hundredths = fps ? Math.ceil((frameIndex(seconds, fps) / fps) * 100 - 1e-6) : Math.max(0, Math.round(seconds * 100));
  const minutes = Math.floor(hundredths / 6000), rest = hundredths % 6000;
  const clock = `${pad(Math.floor(rest / 100))}.${pad(rest % 100)}`;
  return minutes >= 60 ? `${Math.floor(minutes / 60)}:${pad(minutes % 60)}:${clock}` : `${minutes}:${clock}`;
}

function tickLabel(seconds) {
  const s = Math.round(seconds * 10) / 10, m = Math.floor(s / 60), rest = s - m * 60;
  const sec = Number.isInteger(rest) ? pad(rest) : rest.toFixed(1).padStart(4, "0");
  return m >= 60 ? `${Math.floor(m / 60)}:${pad(m % 60)}:${sec}` : `${m}:${sec}`;
}

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function button(label, title, onClick) {
  const node = element("button", "vig-ap-button", label);
  node.type = "button";
  node.title = title;
  node.setAttribute("aria-label", title);
  node.addEventListener("click", onClick);
  return node;
}

function decodePeaks(text) {
  const raw = atob(text || "");
  const peaks = new Uint8Array(raw.length);
  for (let i = 0; i < raw.length; i += 1) peaks[i] = raw.charCodeAt(i);
  return peaks;
}

// --- the player's actions -----------------------------------------------------------------------
const filmEnd = (p) => (Number.isFinite(p.video.duration) && p.video.duration > 0 ? p.video.duration : p.data.duration || 0);
const total = (p) => Math.max(p.data.duration || filmEnd(p), 1);

function seek(p, seconds, center = true) {
  const end = filmEnd(p);
  const time = Math.max(0, end > 0 ? Math.min(seconds, end) : seconds);
  p.video.currentTime = time;
  bringIntoView(p, time, center);
  redraw(p);
}

function stepFrames(p, frames) {
  const { fps } = p.data;
  if (!p.video.paused) p.video.pause();
  const end = filmEnd(p);
  let index = frameIndex(p.video.currentTime, fps) + frames;
  if (end > 0) index = Math.min(index, lastFrameIndex(end, fps));
  seek(p, Math.max(0, index) / fps);
}

function togglePlay(p) {
  if (p.video.paused || p.video.ended) p.video.play().catch(() => {});
  else p.video.pause();
}

function setSpeed(p, rate) {
  p.video.playbackRate = rate;
  p.video.defaultPlaybackRate = rate; // kept should the film be loaded again
}

function mark(p) {
  const at = p.video.currentTime;
  const entry = { id: uid(), at: round3(at), time: round3(Math.max(0, at - p.data.offset)) };
  p.marks = [...p.marks, entry].slice(-RECENT);
  p.pending.push({ time: entry.time, until: performance.now() + 10000 });
  p.trigger("mark", p.marks);
  p.status.textContent = `Marked at ${formatTime(entry.time, p.data.fps)}`;
  p.staticDirty = true;
  redraw(p);
}

// Calls ``then`` once the video shows the time it was sent to: a choice that reruns the page waits
// for the seek, so the page's drawing does not hold up the new frame.
function afterSeek(p, then) {
  if (!p.video.seeking) return then();
  let done = false;
  const once = () => { if (!done) { done = true; then(); } };
  p.video.addEventListener("seeked", once, { once: true });
  setTimeout(once, 1000);
}

function choose(p, kind, item, action) {
  p.choices = [...p.choices, { id: uid(), kind, item, action }].slice(-RECENT);
  p.trigger("choose", p.choices);
}

function report(p) {
  clearTimeout(p.reportTimer);
  p.reportDue = false;
  const time = round3(p.video.currentTime);
  p.lastReport = performance.now();
  if (time === p.lastSent) return;
  p.lastSent = time;
  p.state("time", time);
}

// --- building the player once -------------------------------------------------------------------
function create() {
  const p = { data: null, view: { start: 0, span: 0 }, peaks: new Uint8Array(0), peaksText: null, marks: [],
    choices: [], pending: [], selected: null, lastSent: null, lastReport: 0, reportTimer: null, reportDue: false, seekId: null,
    drawQueued: false, staticDirty: true, width: 0, dpr: 0, press: null, signature: "" };
  p.box = element("div", "vig-ap");
  p.video = element("video", "vig-ap-picture");
  Object.assign(p.video, { preload: "auto", playsInline: true, disablePictureInPicture: true });
  p.video.title = "Click to play or pause (keyboard: K)";
  p.video.addEventListener("click", () => togglePlay(p));
  const controls = element("div", "vig-ap-controls");
  p.playButton = button("\u25b6 Play", "Play or pause (K)", () => togglePlay(p));
  p.playButton.classList.add("vig-ap-play");
  controls.append(p.playButton,
    button("\u2212 1 s", "One second back (J)", () => seek(p, p.video.currentTime - 1)),
    button("\u25c0 frame", "One frame back (comma)", () => stepFrames(p, -1)),
    button("frame \u25b6", "One frame on (full stop)", () => stepFrames(p, 1)),
    button("+ 1 s", "One second on (L)", () => seek(p, p.video.currentTime + 1)));
  const speeds = element("div", "vig-ap-speeds");
  speeds.setAttribute("role", "group");
  speeds.setAttribute("aria-label", "Speed");
  p.speedButtons = SPEEDS.map(([rate, text, title]) => {
    const b = button(text, title, () => setSpeed(p, rate));
    b.dataset.rate = String(rate);
    speeds.append(b);
    return b;
  });
  p.markButton = button("Mark moment (M)", "Mark a moment here (M)", () => mark(p));
  p.markButton.classList.add("vig-ap-mark");
  p.sound = button("Sound on", "Sound on or off", () => { p.video.muted = !p.video.muted; });
  p.clock = element("span", "vig-ap-clock", "0:00.00");
  p.status = element("span", "vig-ap-status");
  p.status.setAttribute("role", "status");
  controls.append(speeds, p.markButton, p.sound, p.clock, p.status);
  const zoomBar = element("div", "vig-ap-zoom");
  zoomBar.append(button("\u25c0", "Move the timeline back", () => pan(p, -0.8 * p.view.span)),
    button("Zoom in", "Zoom in (Ctrl + wheel over the timeline)", () => zoom(p, 0.5)),
    button("Zoom out", "Zoom out", () => zoom(p, 2)),
    button("Whole film", "Show the whole film", () => { p.view = { start: 0, span: total(p) }; clampView(p); redraw(p); }),
    button("\u25b6", "Move the timeline on", () => pan(p, 0.8 * p.view.span)));
  p.legend = element("div", "vig-ap-legend");
  zoomBar.append(p.legend);
  const lane = element("div", "vig-ap-timeline");
  p.canvas = element("canvas", "vig-ap-canvas");
  p.canvas.setAttribute("role", "img");
  p.canvas.setAttribute("aria-label", "Timeline of the whole film: click to go there");
  p.canvas.style.height = `${HEIGHT}px`;
  p.layer = document.createElement("canvas");
  p.tip = element("div", "vig-ap-tip");
  p.tip.hidden = true;
  lane.append(p.canvas, p.tip);
  p.suggestionBar = element("div", "vig-ap-suggestion");
  p.suggestionBar.hidden = true;
  p.suggestionText = element("span");
  const decide = (action) => () => {
    if (p.selected) choose(p, "suggestion", p.selected, action);
    selectSuggestion(p, null);
  };
  p.suggestionBar.append(p.suggestionText, button("Accept", "Make this suggestion a moment", decide("accept")),
    button("Dismiss", "Dismiss this suggestion", decide("dismiss")), button("Close", "Close", () => selectSuggestion(p, null)));
  p.box.append(p.video, controls, zoomBar, lane, p.suggestionBar);

  const v = p.video;
  const showState = () => {
    p.playButton.textContent = v.paused ? "\u25b6 Play" : "\u275a\u275a Pause";
    p.sound.textContent = v.muted ? "Sound off" : "Sound on";
    for (const b of p.speedButtons) b.setAttribute("aria-pressed", String(Number(b.dataset.rate) === v.playbackRate));
  };
  v.addEventListener("play", () => { showState(); redraw(p); });
  v.addEventListener("pause", () => { showState(); report(p); redraw(p); });
  v.addEventListener("ratechange", showState);
  v.addEventListener("volumechange", showState);
  v.addEventListener("seeked", () => {
    redraw(p);
    clearTimeout(p.reportTimer);
    // Once a run of steps or clicks has settled: each report reruns the page, whose drawing would
    // hold up the next seek. A press on the page's own buttons reports at once (below).
    p.reportDue = true;
    p.reportTimer = setTimeout(() => report(p), REPORT_AFTER_SEEK_MS);
  });
  v.addEventListener("timeupdate", () => {
    if (v.paused) return redraw(p);
    bringIntoView(p, v.currentTime, false);
    const every = p.data.report_every;
    if (every > 0 && performance.now() - p.lastReport >= every * 1000) report(p);
  });
  v.addEventListener("loadedmetadata", () => {
    const restore = p.restore;
    p.restore = null;
    if (!(p.data.duration > 0)) p.view = { start: 0, span: 0 }; // the whole film, now that its length is known
    if (restore) {
      v.currentTime = restore.time;
      setSpeed(p, restore.rate);
      if (restore.playing) v.play().catch(() => {});
    }
    clampView(p);
    redraw(p);
  });
  showState();
  listenToPointer(p);
  new ResizeObserver(() => redraw(p)).observe(p.box);

  const keys = { k: () => togglePlay(p), j: () => seek(p, v.currentTime - 1), l: () => seek(p, v.currentTime + 1),
    ",": () => stepFrames(p, -1), ".": () => stepFrames(p, 1), m: () => mark(p) };
  p.onKey = (event) => {
    const action = keys[event.key.length === 1 ? event.key.toLowerCase() : ""];
    if (!action || !p.box.isConnected || event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey) return;
    const target = event.composedPath()[0];
    if (target instanceof Element && target.closest(TYPING)) return;
    event.preventDefault();
    action();
  };
  document.addEventListener("keydown", p.onKey);
  // The page's own buttons that use the player's time (Mark moment, In/Out = player time) must see
  // where the film is now, not its last report (up to report_every seconds old while playing): a
  // press anywhere outside the player first reports the time, which reaches Python before the click.
  p.onPress = (event) => {
    if (!p.box.isConnected || p.box.contains(event.composedPath()[0])) return;
    if (event.type === "keydown" && event.key !== "Enter" && event.key !== " ") return;
    if (p.video.paused && !p.reportDue) return; // its time is known already: no extra run of the page
    report(p);
  };
  document.addEventListener("pointerdown", p.onPress, true);
  document.addEventListener("keydown", p.onPress, true);
  return p;
}

function readColors(box) {
  const style = getComputedStyle(box);
  const read = (name, fallback) => style.getPropertyValue(name).trim() || fallback;
  const text = read("--st-text-color", "#31333f");
  return { text, muted: "rgba(110, 116, 130, 0.95)", band: "rgba(130, 140, 160, 0.10)", backing: "rgba(255, 255, 255, 0.7)",
    wave: "rgba(70, 95, 130, 0.75)", accent: read("--st-primary-color", "#2f6f5e"), playhead: "#d0342c",
    marker: "#5b6b7f", clip: "#2f6f5e", suggestion: "#c98a00" };
}

function update(p, data) {
  const old = p.data;
  if (!old || old.url !== data.url) {
    // Under one key a new URL is the same film issued again: keep its place.
    if (old) p.restore = { time: p.video.currentTime, playing: !p.video.paused, rate: p.video.playbackRate };
    p.video.src = data.url;
  }
  p.data = data;
  p.video.style.setProperty("--vig-ap-max-height", data.max_height);
  if (data.peaks !== p.peaksText) {
    p.peaksText = data.peaks;
    p.peaks = decodePeaks(data.peaks);
  }
  const signature = JSON.stringify(data.legend);
  if (signature !== p.signature) {
    p.signature = signature;
    p.legend.replaceChildren(...data.legend.map(({ color, label }) => {
      const item = element("span", "vig-ap-key");
      const swatch = element("span", "vig-ap-swatch");
      swatch.style.background = color;
      item.append(swatch, document.createTextNode(label));
      return item;
    }));
  }
  // a mark that has come back as a moment needs no dashed line any more
  p.pending = p.pending.filter((m) => !data.moments.some((moment) => Math.abs(moment.time - m.time) < 0.05));
  if (p.selected && !data.suggestions.some((s) => s.id === p.selected)) selectSuggestion(p, null);
  clampView(p);
  if (data.seek && data.seek.id !== p.seekId) {
    p.seekId = data.seek.id;
    seek(p, data.seek.time);
  }
  redraw(p);
}

export default function (component) {
  const { parentElement, data, setStateValue, setTriggerValue } = component;
  const players = (window.__vigAnalysisPlayers = window.__vigAnalysisPlayers || new Map());
  let p = players.get(data.key);
  if (!p) {
    p = create();
    players.set(data.key, p);
  }
  clearTimeout(p.releaseTimer);
  p.state = setStateValue; // the newest: the component may have been drawn again
  p.trigger = setTriggerValue;
  if (p.box.parentNode !== parentElement) parentElement.appendChild(p.box);
  p.colors = readColors(p.box);
  update(p, data);
  return () => {
    // Unmounted: perhaps for good (another page), perhaps to be mounted again at once (the page's
    // layout changed). Pause now; let the film go only if no mount has taken it back meanwhile.
    p.video.pause();
    p.releaseTimer = setTimeout(() => {
      if (p.box.isConnected) return;
      document.removeEventListener("keydown", p.onKey);
      document.removeEventListener("pointerdown", p.onPress, true);
      document.removeEventListener("keydown", p.onPress, true);
      p.video.removeAttribute("src");
      p.video.load();
      players.delete(data.key);
    }, 5000);
  };
}

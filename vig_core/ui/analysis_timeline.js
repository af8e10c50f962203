// The timeline under the analysis player: which stretch of the film it shows, how it is drawn,
// and what the pointer does on it. Not a module of its own: vig_core/ui/analysis_player.py joins it
// to analysis_player.js (one module scope: the names of either file are seen by the other).

// --- the view: which stretch of the film the timeline shows ----------------------------------
function clampView(p) {
  const whole = total(p);
  const span = clamp(p.view.span || whole, Math.min(MIN_SPAN, whole), whole);
  p.view = { span, start: clamp(p.view.start, 0, whole - span) };
  p.staticDirty = true;
}

function zoom(p, factor, anchor) {
  const { start, span } = p.view;
  const at = anchor ?? (p.video.currentTime >= start && p.video.currentTime <= start + span ? p.video.currentTime : start + span / 2);
  const newSpan = span * factor;
  p.view = { span: newSpan, start: at - ((at - start) / span) * newSpan };
  clampView(p);
  redraw(p);
}

function pan(p, seconds) {
  p.view = { ...p.view, start: p.view.start + seconds };
  clampView(p);
  redraw(p);
}

function bringIntoView(p, time, center) {
  const { start, span } = p.view;
  if (time >= start && time <= start + span) return;
  p.view = { span, start: time - span * (center ? 0.5 : 0.1) };
  clampView(p);
}

const toX = (p, t) => ((t - p.view.start) / p.view.span) * p.width;
const toTime = (p, x) => p.view.start + (x / p.width) * p.view.span;
const laneAt = (y) => Object.keys(LANES).find((name) => y >= LANES[name][0] && y < LANES[name][1]) || null;

// --- drawing: a layer redrawn when the data or view change, the playhead on every frame --------
function redraw(p) {
  if (p.drawQueued) return;
  p.drawQueued = true;
  requestAnimationFrame(() => draw(p));
}

function drawStatic(p) {
  const { layer, width } = p;
  const ctx = layer.getContext("2d");
  const dpr = p.dpr;
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.clearRect(0, 0, width, HEIGHT);
  const { colors } = p;
  for (const name of ["sound", "clips"]) {
    ctx.fillStyle = colors.band;
    ctx.fillRect(0, LANES[name][0], width, LANES[name][1] - LANES[name][0]);
  }
  // ruler
  const { start, span } = p.view;
  const tick = TICKS.find((step) => (step / span) * width >= 70) || TICKS[TICKS.length - 1];
  ctx.fillStyle = colors.muted;
  ctx.font = "10px sans-serif";
  ctx.textBaseline = "top";
  for (let t = Math.ceil(start / tick) * tick; t <= start + span; t += tick) {
    const x = Math.round(toX(p, t)) + 0.5;
    ctx.fillRect(x, 10, 1, 6);
    ctx.fillText(tickLabel(t), x + 3, 1);
  }
  // the sound's loudness, the loudest peak within each pixel column
  const peaks = p.peaks, rate = peaks.length / total(p);
  const [top, bottom] = LANES.sound, middle = (top + bottom) / 2, half = (bottom - top) / 2 - 2;
  ctx.fillStyle = colors.wave;
  if (peaks.length) {
    for (let x = 0; x < width; x += 1) {
      const first = Math.floor(toTime(p, x) * rate);
      const last = Math.max(first + 1, Math.ceil(toTime(p, x + 1) * rate));
      let loudest = 0;
      for (let i = Math.max(0, first); i < Math.min(last, peaks.length); i += 1) loudest = Math.max(loudest, peaks[i]);
      const h = Math.max(0.5, (loudest / 255) * half);
      ctx.fillRect(x, middle - h, 1, 2 * h);
    }
  } else {
    ctx.fillRect(0, middle, width, 1);
  }
  // clips and suggestions as spans, moments as markers (with a faint line across the sound)
  const spans = (items, lane, fallback, selected) => {
    const [y0, y1] = LANES[lane];
    for (const item of items) {
      const x0 = toX(p, item.start), x1 = toX(p, item.end);
      if (x1 < 0 || x0 > width) continue;
      ctx.globalAlpha = 0.75;
      ctx.fillStyle = fallback;
      ctx.fillStyle = item.color || fallback;
      ctx.fillRect(x0, y0 + 3, Math.max(2, x1 - x0), y1 - y0 - 6);
      ctx.globalAlpha = 1;
      if (item.id === selected) {
        ctx.strokeStyle = colors.text;
        ctx.lineWidth = 2;
        ctx.strokeRect(x0, y0 + 2, Math.max(2, x1 - x0), y1 - y0 - 4);
      }
    }
  };
  spans(p.data.clips, "clips", colors.clip, null);
  spans(p.data.suggestions, "suggestions", colors.suggestion, p.selected);
  const [m0, m1] = LANES.moments;
  for (const moment of p.data.moments) {
    const x = toX(p, moment.time);
    if (x < -6 || x > width + 6) continue;
    ctx.fillStyle = colors.marker;
    ctx.fillStyle = moment.color || colors.marker;
    ctx.globalAlpha = 0.35;
    ctx.fillRect(Math.round(x), LANES.sound[0], 1, m0 - LANES.sound[0]);
    ctx.globalAlpha = 1;
    ctx.beginPath();
    ctx.moveTo(x, m0 + 2);
    ctx.lineTo(x + 5, m0 + 9);
    ctx.lineTo(x, m1 - 2);
    ctx.lineTo(x - 5, m0 + 9);
    ctx.closePath();
    ctx.fill();
  }
  // lane names, over a faint backing so the markers under them stay readable
  ctx.font = "10px sans-serif";
  ctx.textBaseline = "middle";
  for (const [name, text] of Object.entries(LANE_NAMES)) {
    const y = (LANES[name][0] + LANES[name][1]) / 2;
    ctx.fillStyle = colors.backing;
    ctx.fillRect(0, y - 6, ctx.measureText(text).width + 6, 12);
    ctx.fillStyle = colors.muted;
    ctx.fillText(text, 3, y);
  }
  // overview: the whole film, the window shown above, the moments as ticks
  const [o0, o1] = LANES.overview, whole = total(p);
  ctx.fillStyle = colors.band;
  ctx.fillRect(0, o0, width, o1 - o0);
  for (const moment of p.data.moments) {
    ctx.fillStyle = colors.marker;
    ctx.fillStyle = moment.color || colors.marker;
    ctx.fillRect((moment.time / whole) * width, o0, 1, o1 - o0);
  }
  ctx.strokeStyle = colors.accent;
  ctx.lineWidth = 1.5;
  ctx.strokeRect((start / whole) * width + 0.75, o0 + 0.75, Math.max(3, (span / whole) * width - 1.5), o1 - o0 - 1.5);
  p.staticDirty = false;
}

function draw(p) {
  p.drawQueued = false;
  if (!p.box.isConnected || !p.data) return;
  const width = Math.max(1, Math.round(p.canvas.clientWidth || p.box.clientWidth));
  const dpr = window.devicePixelRatio || 1;
  if (width !== p.width || dpr !== p.dpr) {
    p.width = width;
    p.dpr = dpr;
    for (const c of [p.canvas, p.layer]) {
      c.width = Math.round(width * dpr);
      c.height = Math.round(HEIGHT * dpr);
    }
    p.staticDirty = true;
  }
  const now = performance.now();
  p.pending = p.pending.filter((mark) => mark.until > now);
  if (p.staticDirty) drawStatic(p);
  const ctx = p.canvas.getContext("2d");
  ctx.setTransform(1, 0, 0, 1, 0, 0);
  ctx.clearRect(0, 0, p.canvas.width, p.canvas.height);
  ctx.drawImage(p.layer, 0, 0);
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.strokeStyle = p.colors.muted;
  ctx.setLineDash([3, 3]);
  for (const pending of p.pending) {
    const x = Math.round(toX(p, pending.time)) + 0.5;
    ctx.beginPath();
    ctx.moveTo(x, LANES.sound[0]);
    ctx.lineTo(x, LANES.moments[1]);
    ctx.stroke();
  }
  ctx.setLineDash([]);
  const time = p.video.currentTime, x = toX(p, time);
  ctx.fillStyle = p.colors.playhead;
  if (x >= -1 && x <= width + 1) ctx.fillRect(Math.round(x) - 1, 0, 2, LANES.suggestions[1]);
  ctx.fillRect((time / total(p)) * width - 1, LANES.overview[0] - 2, 2, LANES.overview[1] - LANES.overview[0] + 4);
  p.clock.textContent = `${formatTime(time, p.data.fps)} / ${formatTime(filmEnd(p), null)}`;
  p.canvas.dataset.viewStart = String(round3(p.view.start));
  p.canvas.dataset.viewSpan = String(round3(p.view.span));
  if (!p.video.paused || p.pending.length) redraw(p);
}

// --- the timeline's pointer: click to seek, drag to move along, hover for a label -------------
function itemAt(p, x, y) {
  const lane = laneAt(y);
  // The sound lane only seeks (with 200 moments, a marker's faint line is a few pixels from
  // anywhere); a moment is opened from its own lane.
  if (lane === "moments") {
    let best = null, distance = 7;
    for (const moment of p.data.moments) {
      const d = Math.abs(toX(p, moment.time) - x);
      if (d <= distance) [best, distance] = [moment, d];
    }
    return best && { kind: "moment", item: best, time: best.time };
  }
  if (lane === "clips" || lane === "suggestions") {
    const hits = p.data[lane].filter((s) => x >= toX(p, s.start) - 3 && x <= Math.max(toX(p, s.end), toX(p, s.start) + 2) + 3);
    hits.sort((a, b) => a.end - a.start - (b.end - b.start)); // the shortest on top
    return hits.length ? { kind: lane === "clips" ? "clip" : "suggestion", item: hits[0], time: hits[0].start } : null;
  }
  return null;
}

function showTip(p, hit, x) {
  if (!hit) {
    p.tip.hidden = true;
    p.canvas.style.cursor = "";
    return;
  }
  const when = hit.kind === "moment" ? formatTime(hit.item.time, p.data.fps)
    : `${formatTime(hit.item.start, p.data.fps)}\u2013${formatTime(hit.item.end, p.data.fps)}`;
  p.tip.textContent = hit.item.label ? `${when}\n${hit.item.label}` : when;
  p.tip.hidden = false;
  p.tip.style.left = `${clamp(x + 10, 0, Math.max(0, p.width - p.tip.offsetWidth))}px`;
  p.tip.style.top = `${LANES[hit.kind === "moment" ? "moments" : `${hit.kind}s`][1] + 2}px`;
  p.canvas.style.cursor = "pointer";
}

function selectSuggestion(p, suggestion) {
  p.selected = suggestion ? suggestion.id : null;
  p.suggestionBar.hidden = !suggestion;
  if (suggestion) p.suggestionText.textContent = `Suggested ${formatTime(suggestion.start, p.data.fps)}\u2013` +
    `${formatTime(suggestion.end, p.data.fps)}${suggestion.label ? `: ${suggestion.label}` : ""}`;
  p.staticDirty = true;
  redraw(p);
}

function listenToPointer(p) {
  const { canvas } = p;
  const where = (event) => { const r = canvas.getBoundingClientRect(); return [event.clientX - r.left, event.clientY - r.top]; };
  canvas.addEventListener("pointerdown", (event) => {
    const [x, y] = where(event);
    p.press = { x, y, start: p.view.start, dragged: false, lane: laneAt(y) };
    canvas.setPointerCapture(event.pointerId);
  });
  canvas.addEventListener("pointermove", (event) => {
    const [x, y] = where(event);
    const press = p.press;
    if (!press) return showTip(p, itemAt(p, x, y), x);
    if (!press.dragged && Math.abs(x - press.x) < 4) return;
    press.dragged = true;
    p.tip.hidden = true;
    if (press.lane === "overview") p.view = { ...p.view, start: (x / p.width) * total(p) - p.view.span / 2 };
    else p.view = { ...p.view, start: press.start - ((x - press.x) / p.width) * p.view.span };
    clampView(p);
    redraw(p);
  });
  canvas.addEventListener("pointerup", (event) => {
    const press = p.press;
    p.press = null;
    if (!press || press.dragged) return;
    const [x, y] = where(event);
    if (press.lane === "overview") {
      p.view = { ...p.view, start: (x / p.width) * total(p) - p.view.span / 2 };
      clampView(p);
      return redraw(p);
    }
    const hit = itemAt(p, x, y);
    if (!hit) return seek(p, toTime(p, x));
    seek(p, hit.time);
    if (hit.kind === "suggestion") selectSuggestion(p, hit.item);
    afterSeek(p, () => choose(p, hit.kind, hit.item.id, "open"));
  });
  canvas.addEventListener("pointerleave", () => { if (!p.press) showTip(p, null, 0); });
  canvas.addEventListener("wheel", (event) => {
    const [x] = where(event);
    if (event.ctrlKey || event.metaKey || event.altKey) {
      event.preventDefault();
      zoom(p, Math.exp(clamp(event.deltaY, -200, 200) * 0.004), toTime(p, x));
    } else if (event.shiftKey || Math.abs(event.deltaX) > Math.abs(event.deltaY)) {
      event.preventDefault();
      pan(p, ((event.deltaX || event.deltaY) / p.width) * p.view.span);
    }
  }, { passive: false });
}

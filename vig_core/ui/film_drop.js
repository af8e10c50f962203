// The drop zone for films; vig_core/ui/film_drop.py says what it does and why.
// One zone per Python key lives in window.__vigFilmDrops, so a rerun or a remount keeps the uploads going.

const RETRIES = 5; // a piece refused for its offset is sent again from the server's count this often
const MB = 1024 * 1024;

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function button(label, onClick) {
  const node = element("button", "vig-fd-button", label);
  node.type = "button";
  node.addEventListener("click", onClick);
  return node;
}

const uid = () => (crypto.randomUUID ? crypto.randomUUID() : `${Date.now()}-${Math.random()}`.replace(".", ""));

function duration(seconds) {
  if (!Number.isFinite(seconds)) return "";
  if (seconds < 60) return `${Math.max(1, Math.round(seconds))} s left`;
  const minutes = Math.round(seconds / 60);
  return minutes < 60 ? `${minutes} min left` : `${Math.floor(minutes / 60)} h ${minutes % 60} min left`;
}

function sizeText(bytes) {
  return bytes >= 1000 * MB ? `${(bytes / (1024 * MB)).toFixed(1)} GB` : `${Math.max(1, Math.round(bytes / MB))} MB`;
}

// --- one file ---------------------------------------------------------------------------------
function show(z, item) {
  const { row } = item;
  row.progress.max = item.file.size;
  row.progress.value = item.received;
  row.cancel.hidden = !["waiting", "asking", "sending"].includes(item.state);
  row.retry.hidden = item.state !== "failed";
  const percent = Math.floor((100 * item.received) / Math.max(1, item.file.size));
  const texts = {
    asking: "Checking there is room for it…",
    waiting: "Waiting for the film before it",
    sending: `${percent} % · ${item.speed ? `${(item.speed / MB).toFixed(0)} MB/s · ${duration((item.file.size - item.received) / item.speed)}` : "starting"}`,
    done: "Arrived; importing it now (see below).",
    cancelled: "Cancelled; nothing of it was kept.",
    failed: item.error || "It did not arrive.",
    refused: item.error,
  };
  row.status.textContent = texts[item.state] || "";
  row.box.dataset.state = item.state;
}

function addRow(z, item) {
  const box = element("li", "vig-fd-file");
  const name = element("span", "vig-fd-name", `${item.file.name} (${sizeText(item.file.size)})`);
  const progress = element("progress", "vig-fd-progress");
  progress.setAttribute("aria-label", `${item.file.name} arriving`);
  const status = element("span", "vig-fd-status");
  status.setAttribute("role", "status");
  const cancel = button("Cancel", () => cancelItem(z, item));
  const retry = button("Retry", () => { item.state = "waiting"; item.error = ""; show(z, item); pump(z); });
  box.append(name, progress, status, cancel, retry);
  z.list.appendChild(box);
  item.row = { box, progress, status, cancel, retry };
  show(z, item);
}

function cancelItem(z, item) {
  if (item.abort) item.abort.abort();
  const wasSending = item.state === "sending";
  item.state = "cancelled";
  show(z, item);
  if (item.ticket) z.trigger("cancel", { id: item.id, ticket: item.ticket });
  if (wasSending) z.sending = null;
  pump(z);
}

async function answerOf(response) {
  try {
    return await response.json();
  } catch (error) {
    return {};
  }
}

async function send(z, item) {
  z.sending = item;
  item.state = "sending";
  item.abort = new AbortController();
  const url = `${z.data.prefix}/${encodeURIComponent(item.ticket)}`;
  const options = { credentials: "same-origin", cache: "no-store", signal: item.abort.signal };
  let retries = 0;
  try {
    const status = await fetch(url, options); // where to carry on: after a dropped connection or a reload
    const known = await answerOf(status);
    if (!status.ok) throw new Error(known.error || "The workbook did not accept this film; choose it again.");
    item.received = known.received;
    let started = performance.now(), startedAt = item.received;
    show(z, item);
    while (item.received < item.file.size) {
      const piece = item.file.slice(item.received, Math.min(item.file.size, item.received + z.data.piece));
      const response = await fetch(url, { ...options, method: "PUT", body: piece,
        headers: { "Upload-Offset": String(item.received), "Content-Type": "application/octet-stream" } });
      const answer = await answerOf(response);
      if (response.status === 409 && Number.isFinite(answer.received) && retries < RETRIES) {
        retries += 1;
        item.received = answer.received;
        continue;
      }
      if (!response.ok) throw new Error(answer.error || (response.status === 403
        ? "The workbook is locked; unlock it and press Retry." : "The workbook did not accept this film."));
      item.received = answer.received;
      const seconds = (performance.now() - started) / 1000;
      if (seconds > 0.5) item.speed = (item.received - startedAt) / seconds;
      if (seconds > 10) { started = performance.now(); startedAt = item.received; }
      show(z, item);
    }
    item.state = "done";
    show(z, item);
    z.trigger("done", { id: item.id, ticket: item.ticket });
  } catch (error) {
    if (item.state === "cancelled") return;
    item.state = "failed";
    item.error = error instanceof TypeError
      ? "The connection was lost. Press Retry to carry on from where it stopped."
      : String(error.message || error);
    show(z, item);
  } finally {
    if (z.sending === item) z.sending = null;
    pump(z);
  }
}

function pump(z) {
  if (z.sending) return;
  const next = z.items.find((item) => item.state === "waiting" && item.ticket);
  if (next) send(z, next);
}

// --- the zone -----------------------------------------------------------------------------------
function addFiles(z, files) {
  const wanted = [];
  for (const file of files) {
    const item = { id: uid(), file, received: 0, state: "asking", ticket: null, speed: 0 };
    z.items.push(item);
    addRow(z, item);
    wanted.push({ id: item.id, name: file.name, size: file.size });
  }
  if (wanted.length) z.trigger("want", { files: wanted });
}

function create() {
  const box = element("div", "vig-fd");
  const zone = element("div", "vig-fd-zone");
  const input = element("input", "vig-fd-input");
  input.type = "file";
  input.multiple = true;
  input.setAttribute("aria-label", "Choose films");
  const hint = element("span", "vig-fd-hint", "Drop films here, any size, or");
  const z = { box, input, items: [], sending: null, data: null, trigger: () => {} };
  const choose = button("Choose films…", () => input.click());
  zone.append(hint, choose, input);
  z.list = element("ul", "vig-fd-list");
  box.append(zone, z.list);
  input.addEventListener("change", () => { addFiles(z, [...input.files]); input.value = ""; });
  zone.addEventListener("dragover", (event) => { event.preventDefault(); zone.classList.add("vig-fd-over"); });
  zone.addEventListener("dragleave", () => zone.classList.remove("vig-fd-over"));
  zone.addEventListener("drop", (event) => {
    event.preventDefault();
    zone.classList.remove("vig-fd-over");
    addFiles(z, [...(event.dataTransfer ? event.dataTransfer.files : [])]);
  });
  return z;
}

function update(z, data) {
  z.data = data;
  z.input.accept = data.accept;
  for (const item of z.items) {
    const answer = (data.tickets || {})[item.id];
    if (item.state !== "asking" || !answer) continue;
    if (answer.error) {
      item.state = "refused"; // before any byte was sent: no Retry, choosing it again is the way
      item.error = answer.error;
      show(z, item);
    } else {
      item.ticket = answer.ticket;
      item.state = "waiting";
      show(z, item);
    }
  }
  pump(z);
}

export default function (component) {
  const { parentElement, data, setTriggerValue } = component;
  const zones = (window.__vigFilmDrops = window.__vigFilmDrops || new Map());
  let z = zones.get(data.key);
  if (!z) {
    z = create();
    zones.set(data.key, z);
  }
  z.trigger = setTriggerValue; // the newest: the component may have been drawn again
  if (z.box.parentNode !== parentElement) parentElement.appendChild(z.box);
  update(z, data);
  return () => {};
}

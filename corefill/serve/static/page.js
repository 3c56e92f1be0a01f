// corefill serve: open or pick an image, paint the hole (white = hole = 1 in the mask
// sent), Fill, compare with Telea, download. Translation models take a conditioning image
// instead and have nothing to paint. Plain JS, no build step.
"use strict";

const $ = (id) => document.getElementById(id);
const state = {
  mode: "inpainting", file: null, name: "image.png", width: 0, height: 0,
  scale: 1, painting: false, last: null, preview: null, mask: null,
};
window.corefill = state; // read by the browser test (and handy in the console)

function say(text, isError = false) {
  $("message").textContent = text;
  $("message").className = isError ? "error" : "";
}

async function api(url, options) {
  const response = await fetch(url, options);
  let body = null;
  try { body = await response.json(); } catch (e) { body = null; }
  if (!response.ok) {
    const reason = body && body.error ? body.error : `${response.status} ${response.statusText}`;
    throw new Error(reason);
  }
  return body;
}

// ---------------------------------------------------------------- the run and its report
function fmt(value) {
  if (value === null || value === undefined) return "–";
  return Math.abs(value) >= 1000 ? value.toFixed(0) : value.toPrecision(4);
}

function renderReport(report) {
  const body = $("report-body");
  if (report.missing) { body.textContent = report.missing; return; }
  const best = {};
  for (const metric of report.metrics) {
    const values = report.rows.map((r) => r.metrics[metric.name]).filter((v) => v !== null);
    best[metric.name] = metric.higher_is_better ? Math.max(...values) : Math.min(...values);
  }
  const head = report.metrics.map((m) => `<th>${m.name} ${m.higher_is_better ? "↑" : "↓"}</th>`);
  const rows = report.rows.map((row) => {
    const cells = report.metrics.map((m) => {
      const v = row.metrics[m.name];
      return `<td class="${v === best[m.name] ? "best" : ""}">${fmt(v)}</td>`;
    });
    return `<tr><td>${row.model} <span class="quiet">(${row.role})</span></td>${cells.join("")}</tr>`;
  });
  const verdict = report.verdict.map((line) => `<li>${escapeHtml(line)}</li>`).join("");
  const t = report.training || {};
  const notes = [
    `${report.images} test images, ${report.checkpoint} checkpoint` +
      (t.steps !== undefined && t.steps !== null ? `, ${t.steps} training steps` : ""),
    report.smoke_check ? "smoke check: few test images, the figures are rough" : "",
    t.note ? escapeHtml(t.note) : "",
  ].filter(Boolean).map((n) => `<p class="quiet">${n}</p>`).join("");
  body.className = "";
  body.innerHTML = `<table><tr><th>model</th>${head.join("")}</tr>${rows.join("")}</table>` +
    (verdict ? `<ul class="verdict">${verdict}</ul>` : "<p>no verdict (no baseline)</p>") + notes;
}

function escapeHtml(text) {
  const div = document.createElement("div");
  div.textContent = text;
  return div.innerHTML;
}

async function start() {
  const info = await api("/api/info");
  state.mode = info.mode;
  const spec = info.spec;
  $("mode").textContent = `· ${info.mode} · ${info.recipe}`;
  $("model-line").textContent = `${info.generator}, trained on ${spec.size[0]}×${spec.size[1]} ` +
    `${spec.channels === 3 ? "RGB" : "grey"} images (values ${spec.value_range.join("…")}); ` +
    `other sizes are resized for the model and the result comes back at your image's size.`;
  if (info.mode === "translation") {
    $("paint-tools").hidden = true;
    $("telea-panel").hidden = true;
    $("input-caption").textContent = "Conditioning image (e.g. a segmentation)";
    $("fill").textContent = "Generate";
  }
  renderReport(info.report);
  loadSamples();
}

async function loadSamples() {
  const select = $("samples");
  try {
    const listing = await api("/api/samples");
    select.innerHTML = '<option value="">(choose)</option>' + listing.samples.map((s) =>
      `<option value="${s.key}">${escapeHtml(s.name)} · ${s.source}</option>`).join("");
    if (!listing.samples.length) select.innerHTML = '<option value="">(none)</option>';
    if (listing.note) say(listing.note);
  } catch (error) {
    select.innerHTML = '<option value="">(none)</option>';
  }
}

// ---------------------------------------------------------------- opening an image
async function openFile(file, name) {
  say("reading " + name + "…");
  const form = new FormData();
  form.append("image", file, name);
  let preview;
  try {
    preview = await api("/api/preview", { method: "POST", body: form });
  } catch (error) {
    say(error.message, true);
    return;
  }
  const picture = new Image();
  picture.onload = () => {
    Object.assign(state, { file, name, width: preview.width, height: preview.height,
                           preview: picture });
    setupCanvas();
    $("fill").disabled = false;
    $("result").removeAttribute("src");
    $("telea").removeAttribute("src");
    $("download").hidden = true;
    say(`${name}: ${preview.width}×${preview.height}, ${preview.description}` +
        (state.mode === "inpainting" ? ". Paint the hole, then Fill." : ". Press Generate."));
  };
  picture.src = preview.preview;
}

function setupCanvas() {
  const fit = 512 / Math.max(state.width, state.height);
  state.scale = Math.min(fit, 8);
  const view = $("view");
  view.width = Math.round(state.width * state.scale);
  view.height = Math.round(state.height * state.scale);
  for (const id of ["result", "telea"]) { // results shown at the canvas's size, pixels kept sharp
    Object.assign($(id).style, { width: `${view.width}px`, height: `${view.height}px`,
                                 imageRendering: state.scale > 1 ? "pixelated" : "auto" });
  }
  state.mask = document.createElement("canvas");
  state.mask.width = state.width;
  state.mask.height = state.height;
  redraw();
}

function redraw() {
  const view = $("view");
  const ctx = view.getContext("2d");
  ctx.imageSmoothingEnabled = state.scale < 1;
  ctx.clearRect(0, 0, view.width, view.height);
  ctx.drawImage(state.preview, 0, 0, view.width, view.height);
  if (state.mode !== "inpainting") return;
  const tint = document.createElement("canvas");
  tint.width = state.width;
  tint.height = state.height;
  const t = tint.getContext("2d");
  t.drawImage(state.mask, 0, 0);
  t.globalCompositeOperation = "source-in";
  t.fillStyle = "rgb(255, 40, 40)";
  t.fillRect(0, 0, tint.width, tint.height);
  ctx.globalAlpha = 0.55;
  ctx.imageSmoothingEnabled = false;
  ctx.drawImage(tint, 0, 0, view.width, view.height);
  ctx.globalAlpha = 1;
}

// ---------------------------------------------------------------- painting the mask
function imagePoint(event) {
  const box = $("view").getBoundingClientRect();
  return { x: (event.clientX - box.left) / state.scale, y: (event.clientY - box.top) / state.scale };
}

function paint(from, to) {
  const ctx = state.mask.getContext("2d");
  const erase = $("eraser").checked;
  ctx.globalCompositeOperation = erase ? "destination-out" : "source-over";
  ctx.strokeStyle = ctx.fillStyle = "white";
  ctx.lineWidth = Number($("size").value) / state.scale; // the size is in screen pixels
  ctx.lineCap = ctx.lineJoin = "round";
  ctx.beginPath();
  ctx.moveTo(from.x, from.y);
  ctx.lineTo(to.x, to.y);
  ctx.stroke();
  redraw();
}

function onDown(event) {
  if (!state.mask || state.mode !== "inpainting") return;
  state.painting = true;
  $("view").setPointerCapture(event.pointerId);
  state.last = imagePoint(event);
  paint(state.last, state.last);
}

function onMove(event) {
  if (!state.painting) return;
  const point = imagePoint(event);
  paint(state.last, point);
  state.last = point;
}

function onUp() { state.painting = false; }

function maskBlob() {
  // White = hole (1), black = known (0), at the image's own size.
  const out = document.createElement("canvas");
  out.width = state.width;
  out.height = state.height;
  const ctx = out.getContext("2d");
  ctx.fillStyle = "black";
  ctx.fillRect(0, 0, out.width, out.height);
  ctx.drawImage(state.mask, 0, 0);
  return new Promise((resolve) => out.toBlob(resolve, "image/png"));
}

// ---------------------------------------------------------------- fill / generate
async function fill() {
  if (!state.file) return;
  const form = new FormData();
  const inpainting = state.mode === "inpainting";
  form.append(inpainting ? "image" : "condition", state.file, state.name);
  if (inpainting) form.append("mask", await maskBlob(), "mask.png");
  $("fill").disabled = true;
  say(inpainting ? "filling…" : "generating…");
  try {
    const answer = await api(inpainting ? "/api/fill" : "/api/translate",
                             { method: "POST", body: form });
    $("result").src = answer.result;
    if (inpainting) $("telea").src = answer.telea;
    const stem = state.name.replace(/\.[^.]*$/, "");
    $("download").href = answer.result;
    $("download").download = `${stem}_${inpainting ? "inpainted" : "generated"}.png`;
    $("download").hidden = false;
    state.result = answer.result;
    say(`done: ${answer.width}×${answer.height}` +
        (inpainting ? `, ${answer.hole_pixels} hole pixels filled` : ""));
  } catch (error) {
    say(error.message, true);
  } finally {
    $("fill").disabled = false;
  }
}

$("file").addEventListener("change", (event) => {
  const file = event.target.files[0];
  if (file) openFile(file, file.name);
  event.target.value = "";
});
$("samples").addEventListener("change", async (event) => {
  const key = event.target.value;
  if (!key) return;
  const response = await fetch(`/api/samples/${encodeURIComponent(key)}`);
  if (!response.ok) { say(`could not load ${key}`, true); return; }
  const label = event.target.selectedOptions[0].textContent.split(" · ")[0];
  const stem = label.replace(/\.[^.]*$/, "").replace(/[^A-Za-z0-9._-]/g, "_");
  openFile(await response.blob(), stem + ".png");
});
$("size").addEventListener("input", () => { $("size-value").textContent = $("size").value; });
$("clear").addEventListener("click", () => {
  if (!state.mask) return;
  state.mask.getContext("2d").clearRect(0, 0, state.width, state.height);
  redraw();
});
$("view").addEventListener("pointerdown", onDown);
$("view").addEventListener("pointermove", onMove);
$("view").addEventListener("pointerup", onUp);
$("view").addEventListener("pointercancel", onUp);
$("fill").addEventListener("click", fill);
start().catch((error) => say(error.message, true));

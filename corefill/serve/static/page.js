// corefill serve: open or pick an image, paint the hole (white = hole = 1 in the mask
// sent; strokes undo and redo, mask.js), choose the strategy, Fill, compare every model's
// fill (with its notes) and Telea's, download. Translation models take a conditioning
// image instead and have nothing to paint. Plain JS, no build step.
"use strict";

const $ = (id) => document.getElementById(id);
const state = {
  mode: "inpainting", models: [], file: null, name: "image.png", width: 0, height: 0,
  scale: 1, painting: false, preview: null, strokes, sentMask: null, answer: null,
};
window.corefill = state; // read by the browser test (and handy in the console)

const STRATEGY_MEANING = {
  crop: "each hole in windows scaled like its training holes, at your image's resolution",
  resize: "the whole image at the model's size and back (thin strokes on large images blur)",
};

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

// ---------------------------------------------------------------- the models
async function start() {
  const info = await api("/api/info");
  state.mode = info.mode;
  state.models = info.models;
  const recipes = [...new Set(info.models.map((m) => m.recipe))].join(", ");
  $("mode").textContent = `· ${info.mode} · ${recipes}`;
  $("model-lines").innerHTML = info.models.map((model, i) =>
    `<li id="model-line-${i}"><b>${escapeHtml(model.label)}</b>: ` +
    `${escapeHtml(model.generator)}, ${escapeHtml(model.holes_line)}` +
    `<span class="strategy-line" id="strategy-line-${i}"></span></li>`).join("");
  info.models.forEach((model, i) => $("telea-panel").before(modelPanel(model, i)));
  if (info.mode === "translation") {
    for (const id of ["paint-tools", "strategy-tools", "telea-panel"]) $(id).hidden = true;
    $("input-caption").textContent = "Conditioning image (e.g. a segmentation)";
    $("fill").textContent = "Generate";
  }
  showStrategy();
  renderReports(info.models);
  loadSamples();
}

function modelPanel(model, i) {
  const figure = document.createElement("figure");
  figure.className = "model-panel";
  figure.id = `panel-${i}`;
  figure.innerHTML =
    `<figcaption><span class="label" title="${escapeHtml(model.checkpoint)}">` +
    `${escapeHtml(model.label)}</span>` +
    `<a id="download-${i}" class="button" download="result.png" hidden>Download PNG</a>` +
    `</figcaption><img id="result-${i}" alt="${escapeHtml(model.label)}'s result">` +
    `<p class="quiet fill-strategy" id="strategy-${i}"></p><ul class="notes" id="notes-${i}"></ul>`;
  return figure;
}

// What the chosen strategy means for each model (auto is each model's own choice).
function showStrategy() {
  const chosen = $("strategy").value;
  state.models.forEach((model, i) => {
    const used = model.strategy_in_force[chosen];
    $(`strategy-line-${i}`).textContent = used === undefined ? "" :
      `; strategy ${chosen}${chosen === "auto" ? ` → ${used}` : ""}: ${STRATEGY_MEANING[used]}`;
  });
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
                           preview: picture, sentMask: null, answer: null });
    setupCanvas();
    clearResults();
    $("fill").disabled = false;
    say(`${name}: ${preview.width}×${preview.height}, ${preview.description}` +
        (state.mode === "inpainting" ? ". Paint the hole, then Fill." : ". Press Generate."));
  };
  picture.src = preview.preview;
}

function clearResults() {
  state.models.forEach((_, i) => {
    $(`result-${i}`).removeAttribute("src");
    $(`download-${i}`).hidden = true;
    $(`strategy-${i}`).textContent = "";
    $(`notes-${i}`).innerHTML = "";
  });
  $("telea").removeAttribute("src");
}

function setupCanvas() {
  const fit = 512 / Math.max(state.width, state.height);
  state.scale = Math.min(fit, 8);
  const view = $("view");
  view.width = Math.round(state.width * state.scale);
  view.height = Math.round(state.height * state.scale);
  const shown = ["telea", ...state.models.map((_, i) => `result-${i}`)];
  for (const id of shown) { // results shown at the canvas's size, pixels kept sharp
    Object.assign($(id).style, { width: `${view.width}px`, height: `${view.height}px`,
                                 imageRendering: state.scale > 1 ? "pixelated" : "auto" });
  }
  for (const figure of document.querySelectorAll(".model-panel")) {
    figure.style.maxWidth = `${Math.max(view.width, 240)}px`; // notes wrap under the fill
  }
  resetMask(state.width, state.height);
  historyChanged();
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
  t.drawImage(strokes.canvas, 0, 0);
  t.globalCompositeOperation = "source-in";
  t.fillStyle = "rgb(255, 40, 40)";
  t.fillRect(0, 0, tint.width, tint.height);
  ctx.globalAlpha = 0.55;
  ctx.imageSmoothingEnabled = false;
  ctx.drawImage(tint, 0, 0, view.width, view.height);
  ctx.globalAlpha = 1;
}

// ---------------------------------------------------------------- painting, undo, redo
function imagePoint(event) {
  const box = $("view").getBoundingClientRect();
  return { x: (event.clientX - box.left) / state.scale, y: (event.clientY - box.top) / state.scale };
}

function onDown(event) {
  if (!strokes.canvas || state.mode !== "inpainting") return;
  state.painting = true;
  $("view").setPointerCapture(event.pointerId);
  // The size is in screen pixels; the stroke keeps its width in image pixels.
  beginStroke(imagePoint(event), $("eraser").checked, Number($("size").value) / state.scale);
  redraw();
}

function onMove(event) {
  if (!state.painting) return;
  extendStroke(imagePoint(event));
  redraw();
}

function onUp() {
  if (!state.painting) return;
  state.painting = false;
  endStroke();
  historyChanged();
}

function historyChanged() {
  $("undo").disabled = !canUndo();
  $("redo").disabled = !canRedo();
  if (strokes.canvas) redraw();
}

function onKey(event) {
  if (!(event.ctrlKey || event.metaKey) || event.altKey || state.mode !== "inpainting") return;
  if (event.target.matches && event.target.matches("input[type=text], textarea")) return;
  const key = event.key.toLowerCase();
  const redo = (key === "z" && event.shiftKey) || key === "y";
  if (key !== "z" && !redo) return;
  event.preventDefault();
  if (redo ? redoStroke() : undoStroke()) historyChanged();
}

// ---------------------------------------------------------------- fill / generate
async function fill() {
  if (!state.file) return;
  const form = new FormData();
  const inpainting = state.mode === "inpainting";
  form.append(inpainting ? "image" : "condition", state.file, state.name);
  if (inpainting) {
    const mask = maskCanvas();
    state.sentMask = mask.toDataURL("image/png");
    form.append("mask", await new Promise((done) => mask.toBlob(done, "image/png")), "mask.png");
    form.append("strategy", $("strategy").value);
  }
  $("fill").disabled = true;
  say(inpainting ? "filling…" : "generating…");
  try {
    const answer = await api(inpainting ? "/api/fill" : "/api/translate",
                             { method: "POST", body: form });
    state.answer = answer;
    answer.models.forEach((entry, i) => showResult(entry, i, answer.models.length));
    if (inpainting) $("telea").src = answer.telea;
    const models = answer.models.length > 1 ? ` by ${answer.models.length} models` : "";
    say(`done: ${answer.width}×${answer.height}` +
        (inpainting ? `, ${answer.hole_pixels} hole pixels filled${models} ` +
                      `(strategy ${answer.strategy})` : models));
  } catch (error) {
    say(error.message, true);
  } finally {
    $("fill").disabled = false;
  }
}

function showResult(entry, i, count) {
  $(`result-${i}`).src = entry.result;
  const stem = state.name.replace(/\.[^.]*$/, "");
  const which = count > 1 ? "_" + entry.label.replace(/[^A-Za-z0-9._-]+/g, "_") : "";
  const link = $(`download-${i}`);
  link.href = entry.result;
  link.download = `${stem}_${state.mode === "inpainting" ? "inpainted" : "generated"}${which}.png`;
  link.hidden = false;
  if (state.mode !== "inpainting") return;
  const fits = entry.strategy === "crop" && !entry.notes.length;
  $(`strategy-${i}`).textContent = `strategy ${entry.strategy}` +
    (fits ? ": the holes are like its training holes" : "");
  $(`notes-${i}`).innerHTML = entry.notes.map((note) => `<li>${escapeHtml(note)}</li>`).join("");
}

// ---------------------------------------------------------------- wiring
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
$("clear").addEventListener("click", () => { if (clearStrokes()) historyChanged(); });
$("undo").addEventListener("click", () => { if (undoStroke()) historyChanged(); });
$("redo").addEventListener("click", () => { if (redoStroke()) historyChanged(); });
$("strategy").addEventListener("change", showStrategy);
$("view").addEventListener("pointerdown", onDown);
$("view").addEventListener("pointermove", onMove);
$("view").addEventListener("pointerup", onUp);
$("view").addEventListener("pointercancel", onUp);
document.addEventListener("keydown", onKey);
$("fill").addEventListener("click", fill);
start().catch((error) => say(error.message, true));

// corefill serve: the painted hole as a history of strokes, so that strokes can be undone
// and redone. The mask (a canvas at the image's own size, white = hole) is always what the
// strokes in force draw: undo and redo replay them from an empty mask, segment by segment
// as they were painted, so a replayed mask is the painted one, pixel for pixel.
// Plain JS, no build step; loaded before page.js.
"use strict";

const strokes = {
  canvas: null,   // the mask
  done: [],       // in force, oldest first: {erase, width, points: [{x, y}]} or {clear: true}
  undone: [],     // taken back, the latest last (redo brings it back)
  current: null,  // the stroke being painted
};

function resetMask(width, height) {
  strokes.canvas = document.createElement("canvas");
  strokes.canvas.width = width;
  strokes.canvas.height = height;
  strokes.done = [];
  strokes.undone = [];
  strokes.current = null;
}

function drawSegment(stroke, from, to) {
  const ctx = strokes.canvas.getContext("2d");
  ctx.globalCompositeOperation = stroke.erase ? "destination-out" : "source-over";
  ctx.strokeStyle = ctx.fillStyle = "white";
  ctx.lineWidth = stroke.width;
  ctx.lineCap = ctx.lineJoin = "round";
  ctx.beginPath();
  ctx.moveTo(from.x, from.y);
  ctx.lineTo(to.x, to.y);
  ctx.stroke();
}

// A stroke of the brush (or eraser) ``width`` image pixels wide, starting at ``point``.
function beginStroke(point, erase, width) {
  strokes.current = { erase, width, points: [point] };
  drawSegment(strokes.current, point, point);
}

function extendStroke(point) {
  const stroke = strokes.current;
  if (!stroke) return;
  drawSegment(stroke, stroke.points[stroke.points.length - 1], point);
  stroke.points.push(point);
}

// The stroke joins the history; what was undone cannot be redone past a new stroke.
function endStroke() {
  if (!strokes.current) return false;
  strokes.done.push(strokes.current);
  strokes.undone = [];
  strokes.current = null;
  return true;
}

function replay() {
  const ctx = strokes.canvas.getContext("2d");
  ctx.globalCompositeOperation = "source-over";
  ctx.clearRect(0, 0, strokes.canvas.width, strokes.canvas.height);
  for (const stroke of strokes.done) {
    if (stroke.clear) {
      ctx.globalCompositeOperation = "source-over";
      ctx.clearRect(0, 0, strokes.canvas.width, strokes.canvas.height);
      continue;
    }
    const points = stroke.points;
    points.forEach((point, i) => drawSegment(stroke, points[Math.max(i - 1, 0)], point));
  }
}

// Clearing is a step of the history too (undo brings the strokes back).
function clearStrokes() {
  if (!strokes.canvas || !strokes.done.length || strokes.done[strokes.done.length - 1].clear) {
    return false;
  }
  strokes.done.push({ clear: true });
  strokes.undone = [];
  replay();
  return true;
}

function canUndo() { return Boolean(strokes.canvas && strokes.done.length && !strokes.current); }
function canRedo() { return Boolean(strokes.canvas && strokes.undone.length && !strokes.current); }

function undoStroke() {
  if (!canUndo()) return false;
  strokes.undone.push(strokes.done.pop());
  replay();
  return true;
}

function redoStroke() {
  if (!canRedo()) return false;
  strokes.done.push(strokes.undone.pop());
  replay();
  return true;
}

// The mask as sent: white = hole (1), black = known (0), at the image's own size.
function maskCanvas() {
  const out = document.createElement("canvas");
  out.width = strokes.canvas.width;
  out.height = strokes.canvas.height;
  const ctx = out.getContext("2d");
  ctx.fillStyle = "black";
  ctx.fillRect(0, 0, out.width, out.height);
  ctx.drawImage(strokes.canvas, 0, 0);
  return out;
}

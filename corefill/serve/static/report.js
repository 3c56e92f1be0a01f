// corefill serve: each run's test report (metrics beside the baselines, the verdict), as
// /api/info gives it per model. Plain JS, no build step; loaded before page.js.
"use strict";

function escapeHtml(text) {
  const div = document.createElement("div");
  div.textContent = text;
  return div.innerHTML;
}

function fmt(value) {
  if (value === null || value === undefined) return "–";
  return Math.abs(value) >= 1000 ? value.toFixed(0) : value.toPrecision(4);
}

function reportTable(report) {
  const best = {};
  for (const metric of report.metrics) {
    const values = report.rows.map((r) => r.metrics[metric.name]).filter((v) => v !== null);
    best[metric.name] = metric.higher_is_better ? Math.max(...values) : Math.min(...values);
  }
  const head = report.metrics.map((m) =>
    `<th>${escapeHtml(m.name)} ${m.higher_is_better ? "↑" : "↓"}</th>`);
  const rows = report.rows.map((row) => {
    const cells = report.metrics.map((m) => {
      const v = row.metrics[m.name];
      return `<td class="${v === best[m.name] ? "best" : ""}">${fmt(v)}</td>`;
    });
    return `<tr><td>${escapeHtml(row.model)} <span class="quiet">(${escapeHtml(row.role)})` +
      `</span></td>${cells.join("")}</tr>`;
  });
  return `<table><tr><th>model</th>${head.join("")}</tr>${rows.join("")}</table>`;
}

function reportHtml(report) {
  if (report.missing) return `<p class="quiet">${escapeHtml(report.missing)}</p>`;
  const verdict = report.verdict.map((line) => `<li>${escapeHtml(line)}</li>`).join("");
  const t = report.training || {};
  const notes = [
    `${report.images} test images, ${escapeHtml(String(report.checkpoint))} checkpoint` +
      (t.steps !== undefined && t.steps !== null ? `, ${t.steps} training steps` : ""),
    report.smoke_check ? "smoke check: few test images, the figures are rough" : "",
    t.note ? escapeHtml(t.note) : "",
  ].filter(Boolean).map((n) => `<p class="quiet">${n}</p>`).join("");
  return reportTable(report) +
    (verdict ? `<ul class="verdict">${verdict}</ul>` : "<p>no verdict (no baseline)</p>") + notes;
}

// One section per model, headed by its label (the run's name).
function renderReports(models) {
  const body = document.getElementById("report-body");
  body.className = "";
  body.innerHTML = models.map((model) =>
    `<section class="run-report"><h3>${escapeHtml(model.label)} ` +
    `<span class="quiet">${escapeHtml(model.checkpoint)}</span></h3>` +
    `${reportHtml(model.report)}</section>`).join("");
}

// The model view (/models/{m}): window and resolution in the URL; metric, volume, latency and error charts; the drift
// heatmap with each cell's distributions; data-quality findings; score distribution; versions side by side; the
// live evaluation of the window; the model's open alerts and incidents.
import { get, enc, Series, FeatureDrift, Evaluation, Quality, AlertList, Incident, Canary } from "./api";
import { h, clear, num, pct, count, time, since, severity, errorBox } from "./dom";
import { chartBox, lineChart, noData, barChart, sweep, ramp, PALETTE, SEVERITY_COLOUR, Box, Marker } from "./charts";

const WINDOWS = ["1h", "24h", "7d", "30d"];
const RESOLUTIONS = ["minute", "hour", "day"];
const STEP_S: Record<string, number> = { minute: 60, hour: 3600, day: 86400 };
const METRIC_TITLE: Record<string, string> = {
  roc_auc: "ROC AUC (binned)", accuracy: "Accuracy", mean_score: "Mean score", label_rate: "Share of predictions labelled",
  mae: "Mean absolute error", rmse: "Root mean squared error", average_precision: "Average precision", f1: "F1",
  mean_prediction: "Mean prediction", positive_rate: "Positive rate",
};
const METRIC_UNITS: Record<string, string> = { label_rate: "share 0–1", mean_score: "score 0–1", roc_auc: "0–1, 0.5 = chance", accuracy: "share 0–1" };

interface View { window: string; from: string; to: string; resolution: string; version: string }

function readView(): View {
  const p = new URLSearchParams(location.search);
  const from = p.get("from") ?? "", to = p.get("to") ?? "";
  const win = p.get("window") ?? "";
  return {
    window: from && to ? "" : (WINDOWS.includes(win) ? win : "24h"),
    from: from && to ? from : "", to: from && to ? to : "",
    resolution: RESOLUTIONS.includes(p.get("resolution") ?? "") ? p.get("resolution")! : "",
    version: p.get("version") ?? "",
  };
}

function viewQuery(v: View): string {
  const p = new URLSearchParams();
  if (v.from && v.to) { p.set("from", v.from); p.set("to", v.to); } else if (v.window && v.window !== "24h") p.set("window", v.window);
  if (v.resolution) p.set("resolution", v.resolution);
  if (v.version) p.set("version", v.version);
  const s = p.toString();
  return s ? "?" + s : "";
}

const sec = (iso: string) => new Date(iso).getTime() / 1000;
const isoOf = (s: number) => new Date(s * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");

/** A datetime-local input's value (UTC shown as is) and back. */
const toLocalInput = (iso: string) => (iso ? new Date(iso).toISOString().slice(0, 16) : "");
const fromLocalInput = (v: string) => (v ? new Date(v + ":00Z").toISOString().replace(/\.\d{3}Z$/, "Z") : "");

export function modelPage(app: HTMLElement, model: string): void {
  document.title = `${model} · Vigil`;
  const head = h("div.pagehead", null, h("h1", null, h("a.crumb", { href: "/" }, "Fleet"), " / ", model), h("span.muted", { "data-testid": "model-task" }));
  const picker = h("div.picker", { "data-testid": "window-picker" });
  const problems = h("section.panel", { "data-testid": "model-open" });
  const body = h("div.sections");
  clear(app, head, picker, problems, body);

  let seq = 0;
  async function load(): Promise<void> {
    const my = ++seq;
    const v = readView();
    renderPicker(picker, v, (next, push) => {
      const url = location.pathname + viewQuery(next);
      if (push) history.pushState(null, "", url); else history.replaceState(null, "", url);
      void load();
    });
    const q = new URLSearchParams();
    if (v.from && v.to) { q.set("from", v.from); q.set("to", v.to); } else q.set("window", v.window);
    if (v.resolution) q.set("resolution", v.resolution);
    clear(body, h("p.muted", null, "Loading…"));
    void openProblems(problems, model);
    let s: Series;
    try {
      s = await get<Series>(`/v1/models/${enc(model)}/series?${q}`);
    } catch (e) {
      if (my === seq) clear(body, errorBox((e as Error).message));
      return;
    }
    if (my !== seq) return;
    (head.lastChild as HTMLElement).textContent = `${s.task} · ${time(s.from)} → ${time(s.to)} · per ${s.resolution}`;
    sweep();
    renderSeries(body, model, s, v);
  }
  window.addEventListener("popstate", () => void load());
  void load();
}

function renderPicker(el: HTMLElement, v: View, go: (v: View, push: boolean) => void): void {
  const from = h("input", { type: "datetime-local", value: toLocalInput(v.from), "data-testid": "window-from", "aria-label": "From (UTC)" });
  const to = h("input", { type: "datetime-local", value: toLocalInput(v.to), "data-testid": "window-to", "aria-label": "To (UTC)" });
  const res = h("select", { "data-testid": "resolution", "aria-label": "Resolution" },
    h("option", { value: "" }, "auto"), RESOLUTIONS.map((r) => h("option", { value: r }, "per " + r)));
  res.value = v.resolution;
  res.addEventListener("change", () => go({ ...v, resolution: res.value }, true));
  clear(el,
    h("span.lbl", null, "Window"),
    h("div.seg", { role: "group" }, WINDOWS.map((w) => h("button", {
      type: "button", class: v.window === w ? "active" : "", "data-testid": "window-" + w, "aria-pressed": v.window === w ? "true" : "false",
      onclick: () => go({ ...v, window: w, from: "", to: "" }, true),
    }, w))),
    h("span.lbl", null, "or from"), from, h("span.lbl", null, "to"), to,
    h("button", { type: "button", "data-testid": "window-apply", onclick: () => {
      const f = fromLocalInput(from.value), t = fromLocalInput(to.value);
      if (f && t) go({ ...v, window: "", from: f, to: t }, true);
    } }, "Apply"),
    h("span.lbl", null, "UTC · Resolution"), res);
}

async function openProblems(el: HTMLElement, model: string): Promise<void> {
  clear(el, h("h2", null, "Open alerts and incidents"), h("p.muted", null, "Loading…"));
  try {
    const [alerts, incidents] = await Promise.all([get<AlertList>("/v1/alerts"), get<{ incidents: Incident[] }>("/v1/incidents")]);
    const mine = alerts.active.filter((a) => a.model === model);
    const open = incidents.incidents.filter((i) => i.model === model && i.state !== "resolved");
    clear(el, h("h2", null, "Open alerts and incidents"),
      mine.length === 0 && open.length === 0 ? h("p.ok-text", null, "✓ Nothing open for this model.") : null,
      open.length ? h("ul.plain", { "data-testid": "model-incidents" }, open.map((i) => h("li", null,
        severity(i.severity), " ", h("a", { href: "/incidents/" + i.id }, `Incident #${i.id}`), ` · ${i.state} · opened ${since(i.opened_at)}`,
        i.assignee ? ` · assigned to ${i.assignee}` : ""))) : null,
      mine.length ? h("ul.plain", { "data-testid": "model-alerts" }, mine.map((a) => {
        const inc = incidents.incidents.find((i) => i.alerts.includes(a.key));
        return h("li", null,
          severity(a.severity), " ", h("b", null, a.monitor), ` ${a.state} · value ${num(a.value)} (${a.condition})`,
          a.fired_at ? ` · fired ${since(a.fired_at)}` : "",
          inc ? [" · ", h("a", { href: "/incidents/" + inc.id }, `incident #${inc.id}`)] : null);
      })) : null);
  } catch (e) {
    clear(el, h("h2", null, "Open alerts and incidents"), errorBox((e as Error).message));
  }
}

function renderSeries(body: HTMLElement, model: string, s: Series, v: View): void {
  const xs = s.buckets.map(sec);
  const xRange: [number, number] = [sec(s.from), sec(s.to)];
  const versions = v.version ? s.versions.filter((x) => x === v.version) : s.versions;
  const colourOf = (ver: string) => PALETTE[Math.max(0, s.versions.indexOf(ver)) % PALETTE.length];
  const charts = h("div.grid");
  const versionSel = h("select", { "data-testid": "version", "aria-label": "Version" }, h("option", { value: "" }, "all versions"), s.versions.map((x) => h("option", { value: x }, x)));
  versionSel.value = v.version;
  versionSel.addEventListener("change", () => { history.pushState(null, "", location.pathname + viewQuery({ ...v, version: versionSel.value })); window.dispatchEvent(new PopStateEvent("popstate")); });
  clear(body,
    h("div.sectionhead", null, h("h2", null, "Performance and traffic"), h("label", null, "Version ", versionSel)),
    xs.length === 0 ? h("p.nodata-banner", { "data-testid": "no-data" }, "No data in this window: no predictions arrived between these times.") : null,
    charts);

  // One chart per metric: a line per version, the monitors' thresholds dashed, alerts marked on the time axis.
  const metricNames = Object.keys(s.metrics);
  const alertsOf = (metric: string | null): Marker[] => s.alerts
    .filter((a): a is typeof a & { fired_at: string } => a.fired_at !== null)
    .filter((a) => metric === null ? !s.thresholds.some((t) => t.monitor === a.monitor) : s.thresholds.some((t) => t.monitor === a.monitor && t.metric === metric))
    .map((a) => ({ at: sec(a.fired_at), to: a.resolved_at ? sec(a.resolved_at) : null, label: `${a.severity} ${a.monitor}`, colour: SEVERITY_COLOUR[a.severity] ?? "#D55E00" }));
  for (const name of metricNames) {
    const b = chartBox("metric-" + name, METRIC_TITLE[name] ?? name, METRIC_UNITS[name] ?? "per " + s.resolution,
      "A line per version; dashed: the monitors' thresholds; marks on the time axis: alerts.");
    charts.appendChild(b.box);
    const rules = s.thresholds.filter((t) => t.metric === name).flatMap((t) => [
      ...(t.min !== null ? [{ value: t.min, label: `${t.monitor} min ${num(t.min)} (${t.severity})`, colour: SEVERITY_COLOUR[t.severity] ?? "#D55E00" }] : []),
      ...(t.max !== null ? [{ value: t.max, label: `${t.monitor} max ${num(t.max)} (${t.severity})`, colour: SEVERITY_COLOUR[t.severity] ?? "#D55E00" }] : []),
    ]);
    lineChart(b, { x: xs, xRange, lines: versions.map((ver) => ({ label: ver, values: s.metrics[name][ver] ?? [], colour: colourOf(ver) })), rules, markers: alertsOf(name), points: xs.length < 40 });
  }
  if (metricNames.length === 0) { const b = chartBox("metrics", "Metrics", ""); charts.appendChild(b.box); noData(b); }

  const vol = chartBox("volume", "Volume", `predictions per ${s.resolution}`, "A line per version; marks: alerts of monitors without a threshold line (drift, volume).");
  charts.appendChild(vol.box);
  lineChart(vol, { x: xs, xRange, lines: versions.map((ver) => ({ label: ver, values: s.volume[ver] ?? [], colour: colourOf(ver) })), markers: alertsOf(null), format: (x) => count(x) });
  const lat = chartBox("latency", "Latency", "milliseconds, all versions");
  charts.appendChild(lat.box);
  lineChart(lat, { x: xs, xRange, lines: [{ label: "p50", values: s.latency_p50_ms, colour: PALETTE[0] }, { label: "p99", values: s.latency_p99_ms, colour: PALETTE[5] }], format: (x) => num(x) + " ms", axisFormat: (x) => num(x) });
  const err = chartBox("errors", "Error rate", "share of predictions that failed, all versions");
  charts.appendChild(err.box);
  lineChart(err, { x: xs, xRange, lines: [{ label: "error rate", values: s.error_rate, colour: PALETTE[5] }], format: (x) => pct(x) });

  body.appendChild(driftSection(model, s));
  const pair = h("div.grid");
  body.appendChild(h("h2", null, "Scores and versions"));
  body.appendChild(pair);
  pair.appendChild(scoreSection(s, versions, colourOf));
  pair.appendChild(versionsSection(model, s, v));
  body.appendChild(evaluationSection(model, s, v));
  body.appendChild(qualitySection(model, s));
}

function driftSection(model: string, s: Series): HTMLElement {
  const sec_ = h("section.panel");
  const detail = h("div.drift-detail", { "data-testid": "drift-detail" });
  const d = s.drift;
  const b = chartBox("drift-heatmap", `Drift per feature (${d?.statistic?.toUpperCase() ?? "PSI"} against the reference)`,
    `per ${s.resolution}; threshold ${num(d?.threshold ?? 0.2)}`,
    "Rows: features, most important first. Cells at or above the threshold carry a dot. Click a cell for its distributions.");
  clear(sec_, h("h2", null, "Drift"), b.box, detail);
  if (!d || d.features.length === 0 || s.buckets.length === 0) { noData(b, d ? "No data in this window" : "No reference: this model has no drift to show"); return sec_; }
  const features = d.features.slice().sort((a, c) => (c.importance ?? -1) - (a.importance ?? -1) || a.name.localeCompare(c.name));
  const top = Math.max(d.threshold * 2.5, ...features.flatMap((f) => f.values.filter((x): x is number => x !== null)).map((x) => Math.min(x, d.threshold * 5)));
  // At most 240 columns: past that, a column stands for k consecutive buckets and shows their largest value.
  const n = s.buckets.length, k = Math.ceil(n / 240), columns = Math.ceil(n / k);
  const lastEnd = isoOf(Math.min(sec(s.buckets[n - 1]) + STEP_S[s.resolution], sec(s.to)));
  const startOf = (j: number) => s.buckets[j * k];
  const endOf = (j: number) => ((j + 1) * k < n ? s.buckets[(j + 1) * k] : lastEnd);
  let cells = 0;
  const grid = h("div.heat", { style: `grid-template-columns: minmax(120px, max-content) repeat(${columns}, minmax(1px, 1fr)); column-gap: ${columns > 60 ? 0 : 1}px` });
  for (const f of features) {
    grid.appendChild(h("div.hlabel", { title: f.importance !== null ? `importance ${num(f.importance)}` : "" }, f.name, f.importance !== null ? h("span.muted", null, ` ${num(f.importance, 2)}`) : null));
    for (let j = 0; j < columns; j++) {
      let val: number | null = null;
      for (let i = j * k; i < Math.min(n, (j + 1) * k); i++) { const x = f.values[i]; if (x !== null && x !== undefined && (val === null || x > val)) val = x; }
      const from = startOf(j), to = endOf(j);
      const cell = h("button.hcell", {
        type: "button",
        style: val === null ? "" : `background:${ramp(Math.min(1, val / top))}`,
        class: val === null ? "none" : val >= d.threshold ? "over" : "",
        title: `${f.name}, ${time(from)}${k > 1 ? " → " + time(to) : ""}: ${val === null ? "no data" : (k > 1 ? "largest " : "") + d.statistic + " " + num(val)}`,
        "data-feature": f.name, "data-bucket": from,
        onclick: () => {
          grid.querySelectorAll(".hcell.sel").forEach((x) => x.classList.remove("sel"));
          cell.classList.add("sel");
          void driftDetail(detail, model, f.name, from, to);
        },
      });
      if (val !== null) cells++;
      grid.appendChild(cell);
    }
  }
  // The time axis: a few labels under the grid.
  const axis = h("div.heat-axis", null, h("span", null, time(s.buckets[0])), h("span", null, time(s.buckets[Math.floor(s.buckets.length / 2)])), h("span", null, time(s.buckets[s.buckets.length - 1])));
  const stops = Array.from({ length: 11 }, (_, i) => ramp(i / 10)).join(",");
  const legend = h("div.scale", null, h("span", null, "0"), h("i.gradient", { style: `background:linear-gradient(to right, ${stops})` }),
    h("span", null, "≥ " + num(top, 2)), h("span.muted", null, ` · threshold ${num(d.threshold)} (cells at or above it are marked •) · grey: no rows`));
  clear(b.body, grid, axis, legend);
  b.box.setAttribute("data-points", String(cells));
  clear(detail, h("p.muted", null, "Click a cell to compare that feature's reference and current distributions."));
  return sec_;
}

async function driftDetail(el: HTMLElement, model: string, feature: string, from: string, to: string): Promise<void> {
  clear(el, h("p.muted", null, `Loading ${feature}…`));
  try {
    const d = await get<FeatureDrift>(`/v1/models/${enc(model)}/drift/${enc(feature)}?from=${enc(from)}&to=${enc(to)}`);
    const b = chartBox("drift-distribution", `${feature}: reference against current`, "share of rows per bin",
      `${time(from)} → ${time(to)} · ${d.rows.toLocaleString("en-US")} rows · ${d.statistic.toUpperCase()} ${num(d.value)} (threshold ${num(d.threshold)}) · ${d.drifted === null ? "not judged" : d.drifted ? "drifted" : "not drifted"}`);
    clear(el, b.box);
    if (d.rows === 0) { noData(b); return; }
    barChart(b, d.bins, [{ label: "reference", values: d.reference, colour: "#999999" }, { label: "current", values: d.current, colour: "#0072B2" }], (x) => pct(x, 0));
  } catch (e) {
    clear(el, errorBox((e as Error).message));
  }
}

function scoreSection(s: Series, versions: string[], colourOf: (v: string) => string): HTMLElement {
  const b = chartBox("score-distribution", s.task === "regression" ? "Prediction distribution per version" : "Score distribution per version", "share of the version's predictions per bin");
  const hist = s.score_histogram;
  if (!hist || hist.edges.length < 2) { noData(b); return b.box; }
  // Shares (versions of different volume compare), drawn as steps over the bin edges.
  const lines = versions.map((ver) => {
    const c = hist.counts[ver] ?? [];
    const total = c.reduce((a, x) => a + x, 0);
    const shares = total > 0 ? c.map((x) => x / total) : c.map(() => null);
    return { label: ver, values: [...shares, shares[shares.length - 1] ?? null], colour: colourOf(ver), stepped: true };
  }).filter((l) => l.values.some((x) => x !== null));
  // Draw after the box is in the page (uPlot measures its width).
  requestAnimationFrame(() => {
    const plot = lineChart(b, { x: hist.edges, time: false, lines, xLabel: s.task === "regression" ? "prediction" : "score", format: (x) => pct(x, 0) });
    // data-points: the bins drawn, not the repeated last step.
    if (plot) b.box.setAttribute("data-points", String(lines.length * (hist.edges.length - 1)));
  });
  return b.box;
}

function canaryWindow(v: View, s: Series): string {
  if (v.window) return v.window;
  const minutes = Math.max(1, Math.round((sec(s.to) - sec(s.from)) / 60));
  return minutes % 1440 === 0 ? `${minutes / 1440}d` : minutes % 60 === 0 ? `${minutes / 60}h` : `${minutes}m`;
}

function versionsSection(model: string, s: Series, v: View): HTMLElement {
  const box = h("section.chart", { "data-testid": "versions" }, h("h3", null, "Versions side by side", h("span.units", null, " · canary comparison")));
  if (s.versions.length < 2) {
    box.appendChild(h("p.nodata", null, s.versions.length === 1 ? `One version in this window (${s.versions[0]}): nothing to compare.` : "No data in this window"));
    return box;
  }
  const base = h("select", { "aria-label": "Baseline", "data-testid": "canary-baseline" }, s.versions.map((x) => h("option", { value: x }, x)));
  const cand = h("select", { "aria-label": "Candidate", "data-testid": "canary-candidate" }, s.versions.map((x) => h("option", { value: x }, x)));
  base.value = s.versions[0];
  cand.value = s.versions[s.versions.length - 1];
  const out = h("div");
  const win = canaryWindow(v, s);
  const run = async () => {
    clear(out, h("p.muted", null, "Comparing…"));
    try {
      const c = await get<Canary>(`/v1/models/${enc(model)}/canary?baseline=${enc(base.value)}&candidate=${enc(cand.value)}&window=${enc(win)}`);
      const keys = [...new Set([...Object.keys(c.baseline.metrics), ...Object.keys(c.candidate.metrics)])];
      clear(out,
        h("p", { "data-testid": "canary-verdict", class: c.ok ? "ok-text" : c.conclusive ? "bad-text" : "muted" },
          c.ok ? "✓ The candidate is within the canary limits." : c.conclusive ? "✖ The candidate fails the canary limits." : "○ Not conclusive."),
        c.reasons.length ? h("ul.plain", null, c.reasons.map((r) => h("li", null, r))) : null,
        h("table.data", null,
          h("thead", null, h("tr", null, h("th", null, "measure"), h("th.num", null, c.baseline.version + " (baseline)"), h("th.num", null, c.candidate.version + " (candidate)"), h("th.num", null, "difference"))),
          h("tbody", null, keys.map((k) => {
            const a = c.baseline.metrics[k] ?? null, z = c.candidate.metrics[k] ?? null;
            return h("tr", null, h("td", null, k), h("td.num", null, num(a, 4)), h("td.num", null, num(z, 4)), h("td.num", null, a !== null && z !== null ? num(z - a, 3) : "–"));
          }))));
    } catch (e) {
      clear(out, errorBox((e as Error).message));
    }
  };
  base.addEventListener("change", run);
  cand.addEventListener("change", run);
  box.append(h("p.note", null, `The last ${win} up to now (the canary compares windows ending now).`),
    h("div.inline", null, h("label", null, "Baseline ", base), h("label", null, "Candidate ", cand)), out);
  void run();
  return box;
}

function evaluationSection(model: string, s: Series, v: View): HTMLElement {
  const el = h("section.panel", { "data-testid": "evaluation" }, h("h2", null, "Evaluation of this window"), h("p.muted", null, "Loading…"));
  const q = new URLSearchParams({ from: s.from, to: s.to });
  if (v.version) q.set("version", v.version);
  get<Evaluation>(`/v1/models/${enc(model)}/evaluation?${q}`).then((e) => {
    const title = h("h2", null, "Evaluation of this window", h("span.units", null, ` · exact, on ${e.rows.toLocaleString("en-US")} labelled predictions${v.version ? " of " + v.version : ""}`));
    if (!e.rows) {
      clear(el, title);
      for (const name of ["roc", "pr", "calibration"]) { const b = chartBox(name, name.toUpperCase(), ""); el.appendChild(b.box); noData(b, e.note ?? "No labelled predictions in this window"); b.box.hidden = true; }
      el.appendChild(h("p.nodata", { "data-testid": "evaluation-empty" }, e.note ?? "No labelled predictions in this window."));
      return;
    }
    const metrics = h("div.kv", { "data-testid": "evaluation-metrics" }, Object.entries(e.metrics ?? {}).map(([k, x]) => h("div", null, h("span.k", null, k), h("span.v", null, num(x, 4)))));
    const grid = h("div.grid3");
    clear(el, title, metrics, grid);
    const c = e.curves;
    const roc = chartBox("roc", "ROC curve", "true positive rate against false positive rate; dashed: chance");
    const pr = chartBox("pr", "Precision–recall curve", "precision against recall");
    const cal = chartBox("calibration", "Calibration", "share positive against mean predicted score, per bin; dashed: perfect");
    grid.append(roc.box, pr.box, cal.box);
    requestAnimationFrame(() => {
      if (!c) {
        for (const b of [roc, pr, cal]) { noData(b, "Curves are drawn for binary models"); b.box.hidden = true; }
        grid.replaceWith(h("p.note", { "data-testid": "evaluation-no-curves" }, "ROC, precision–recall and calibration curves and the threshold table are drawn for binary models."), grid);
        return;
      }
      lineChart(roc, { x: c.roc.map((p) => p.fpr), time: false, yRange: [0, 1], diagonal: true, xLabel: "false positive rate", legend: false, lines: [{ label: "true positive rate", values: c.roc.map((p) => p.tpr), colour: PALETTE[0] }], height: 240 });
      const prSorted = c.pr.slice().sort((a, z) => a.recall - z.recall);
      lineChart(pr, { x: prSorted.map((p) => p.recall), time: false, yRange: [0, 1], xLabel: "recall", legend: false, lines: [{ label: "precision", values: prSorted.map((p) => p.precision), colour: PALETTE[2] }], height: 240 });
      lineChart(cal, { x: c.calibration.map((p) => p.mean_predicted), time: false, yRange: [0, 1], diagonal: true, points: true, xLabel: "mean predicted score", legend: false, lines: [{ label: "share positive", values: c.calibration.map((p) => p.fraction_positive), colour: PALETTE[1] }], height: 240 });
    });
    if (e.threshold_table?.length) {
      el.appendChild(h("h3", null, "Threshold table", h("span.units", null, ` · predicted positive at score ≥ threshold; the model's threshold is ${num(e.threshold ?? null)}`)));
      el.appendChild(h("div.scroll", null, h("table.data", { "data-testid": "threshold-table" },
        h("thead", null, h("tr", null, ["threshold", "precision", "recall", "F1", "FPR", "accuracy", "TP", "FP", "TN", "FN"].map((t) => h("th.num", null, t)))),
        h("tbody", null, e.threshold_table.map((r) => h("tr", { class: e.threshold !== undefined && Math.abs(r.threshold - e.threshold) < 1e-9 ? "hl" : "" },
          h("td.num", null, num(r.threshold, 2)), h("td.num", null, num(r.precision)), h("td.num", null, num(r.recall)), h("td.num", null, num(r.f1)),
          h("td.num", null, num(r.fpr)), h("td.num", null, num(r.accuracy)), h("td.num", null, count(r.confusion.tp)), h("td.num", null, count(r.confusion.fp)),
          h("td.num", null, count(r.confusion.tn)), h("td.num", null, count(r.confusion.fn))))))));
    }
  }).catch((err: Error) => clear(el, h("h2", null, "Evaluation of this window"), errorBox(err.message)));
  return el;
}

function qualitySection(model: string, s: Series): HTMLElement {
  const el = h("section.panel", { "data-testid": "quality" }, h("h2", null, "Data quality"), h("p.muted", null, "Loading…"));
  get<Quality>(`/v1/models/${enc(model)}/quality?from=${enc(s.from)}&to=${enc(s.to)}`).then((q) => {
    const rank: Record<string, number> = { error: 0, warning: 1, info: 2 };
    const f = q.findings.slice().sort((a, b) => (rank[a.severity] ?? 3) - (rank[b.severity] ?? 3) || b.count - a.count);
    clear(el, h("h2", null, "Data quality", h("span.units", null, ` · ${time(s.from)} → ${time(s.to)}${q.rows !== undefined ? ` · ${q.rows.toLocaleString("en-US")} predictions` : ""}`)),
      q.note ? h("p.note", { "data-testid": "quality-note" }, q.note) : null,
      f.length === 0 ? h("p.ok-text", { "data-testid": "quality-none" }, "✓ No data-quality findings in this window.") :
        h("table.data", { "data-testid": "quality-table" },
          h("thead", null, h("tr", null, h("th", null, "severity"), h("th", null, "check"), h("th", null, "column"), h("th.num", null, "rows"), h("th", null, "what"))),
          h("tbody", null, f.map((x) => h("tr", { "data-testid": "quality-row" },
            h("td", null, h("span.qsev", { class: "q-" + x.severity }, x.severity === "error" ? "✖ error" : x.severity === "warning" ? "▲ warning" : "ℹ info")),
            h("td", null, h("code", null, x.check)), h("td", null, x.column ?? "–"), h("td.num", null, count(x.count), x.rate !== undefined && x.rate !== null ? h("div.sub", null, pct(x.rate)) : null), h("td", null, x.message))))));
  }).catch((err: Error) => clear(el, h("h2", null, "Data quality"), errorBox(err.message)));
  return el;
}

export type { Box };

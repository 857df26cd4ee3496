// Charts: uPlot for every time series and curve, plain SVG and HTML for sparklines, bars and the drift heatmap.
// Every chart sits in a box with a title saying what it shows and in which units, data-testid="chart-<name>" and
// data-points="N" (the data points drawn), and says "No data in this window" instead of drawing empty axes.
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import { h, clear, num } from "./dom";

/** Okabe–Ito: distinguishable with the common colour-vision deficiencies. */
export const PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#000000", "#999999"];
export const SEVERITY_COLOUR: Record<string, string> = { P1: "#D55E00", P2: "#E69F00", P3: "#56B4E9" };

export interface Box { box: HTMLElement; body: HTMLElement }

export function chartBox(name: string, title: string, units: string, note?: string): Box {
  const body = h("div.chart-body");
  const box = h("section.chart", { "data-testid": "chart-" + name, "data-points": "0" },
    h("h3", null, title, units ? h("span.units", null, " · ", units) : null),
    note ? h("p.note", null, note) : null,
    body);
  return { box, body };
}

export function noData(b: Box, text = "No data in this window"): void {
  b.box.setAttribute("data-points", "0");
  b.box.classList.add("empty");
  clear(b.body, h("div.nodata", null, text));
}

export interface Line { label: string; values: (number | null)[]; colour?: string; dash?: number[]; width?: number; stepped?: boolean }
export interface Rule { value: number; label: string; colour: string }
export interface Marker { at: number; to?: number | null; label: string; colour: string }

export interface LineOptions {
  x: number[];                 // seconds since the epoch when time is true, else plain numbers (ascending)
  lines: Line[];
  time?: boolean;
  height?: number;
  yRange?: [number, number];   // fixed y range (e.g. 0..1 for a curve)
  xRange?: [number, number];   // the x range drawn (a time chart: the whole window, so a late alert still shows)
  xLabel?: string;
  yLabel?: string;
  rules?: Rule[];              // horizontal threshold lines
  markers?: Marker[];          // vertical marks on the time axis (alerts), with a band to `to` when given
  points?: boolean;
  diagonal?: boolean;          // the y = x line (ROC chance, perfect calibration)
  format?: (v: number) => string;      // values in the legend (and on the y axis unless axisFormat is given)
  axisFormat?: (v: number) => string;
  legend?: boolean;
}

const charts = new Set<uPlot>();

const pad2 = (n: number) => String(n).padStart(2, "0");
/** Time-axis labels in UTC, 24-hour: "14:00" within two days (with the date under the first tick and at midnight), else "12-02". */
function utcTicks(u: uPlot, splits: number[]): string[] {
  const span = (u.scales.x.max ?? 0) - (u.scales.x.min ?? 0);
  return splits.map((t, i) => {
    const d = new Date(t * 1000);
    const date = `${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())}`;
    if (span > 2 * 86400) return date;
    const hm = `${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}`;
    return i === 0 || (d.getUTCHours() === 0 && d.getUTCMinutes() === 0) ? `${hm}\n${date}` : hm;
  });
}
let observer: ResizeObserver | null = null;

function widthOf(el: HTMLElement): number {
  return Math.max(280, Math.floor(el.getBoundingClientRect().width || 600));
}

/** Draws lines with uPlot; data-points counts the non-null values drawn. */
export function lineChart(b: Box, o: LineOptions): uPlot | null {
  const drawn = o.lines.reduce((n, l) => n + l.values.filter((v) => v !== null && v !== undefined && Number.isFinite(v)).length, 0);
  if (o.x.length === 0 || drawn === 0) { noData(b); return null; }
  b.box.setAttribute("data-points", String(drawn));
  b.box.classList.remove("empty");
  clear(b.body);
  const rules = o.rules ?? [], markers = o.markers ?? [];
  const fmt = o.format ?? ((v: number) => num(v));
  const opts: uPlot.Options = {
    width: widthOf(b.body),
    height: o.height ?? 200,
    scales: {
      x: o.xRange ? { time: o.time !== false, range: (): [number, number] => o.xRange! } : { time: o.time !== false },
      y: o.yRange ? { range: o.yRange } : {
        range: (_u, lo, hi) => {
          // Keep the thresholds in view.
          for (const r of rules) { lo = Math.min(lo, r.value); hi = Math.max(hi, r.value); }
          if (lo === hi) { const d = Math.abs(lo) * 0.1 || 1; return [lo - d, hi + d]; }
          const pad = (hi - lo) * 0.08;
          return [lo >= 0 && lo - pad < 0 ? 0 : lo - pad, hi + pad];
        },
      },
    },
    axes: [
      { stroke: "#444", grid: { stroke: "#eee" }, ticks: { stroke: "#ddd" }, label: o.xLabel, values: o.time === false ? (_u: uPlot, vs: number[]) => vs.map((v) => num(v, 2)) : utcTicks },
      { stroke: "#444", grid: { stroke: "#eee" }, ticks: { stroke: "#ddd" }, label: o.yLabel, size: 60, values: (_u: uPlot, vs: number[]) => vs.map((v) => (o.axisFormat ?? fmt)(v)) },
    ],
    legend: { show: o.legend !== false, live: true },
    tzDate: (ts: number) => uPlot.tzDate(new Date(ts * 1000), "Etc/UTC"),
    cursor: { drag: { x: false, y: false } },
    series: [
      { label: o.time === false ? (o.xLabel ?? "x") : "time (UTC)", value: o.time === false ? (_u, v) => (v === null ? "–" : num(v, 3)) : (_u, v) => (v === null ? "–" : new Date(v * 1000).toISOString().slice(0, 16).replace("T", " ")) },
      ...o.lines.map((l, i) => ({
        label: l.label,
        stroke: l.colour ?? PALETTE[i % PALETTE.length],
        width: l.width ?? 1.75,
        dash: l.dash,
        spanGaps: false,
        points: { show: o.points ?? false, size: 5 },
        value: (_u: uPlot, v: number | null) => (v === null ? "–" : fmt(v)),
        ...(l.stepped ? { paths: uPlot.paths.stepped!({ align: 1 }) } : {}),
      })),
    ],
    hooks: {
      draw: [(u: uPlot) => {
        const ctx = u.ctx, { left, top, width, height } = u.bbox;
        ctx.save();
        ctx.font = `${11 * devicePixelRatio}px system-ui, sans-serif`;
        if (o.diagonal) {
          ctx.strokeStyle = "#bbb"; ctx.setLineDash([4 * devicePixelRatio, 4 * devicePixelRatio]); ctx.lineWidth = devicePixelRatio;
          ctx.beginPath(); ctx.moveTo(u.valToPos(0, "x", true), u.valToPos(0, "y", true)); ctx.lineTo(u.valToPos(1, "x", true), u.valToPos(1, "y", true)); ctx.stroke();
        }
        for (const r of rules) {
          const y = u.valToPos(r.value, "y", true);
          if (y < top || y > top + height) continue;
          ctx.strokeStyle = r.colour; ctx.lineWidth = 1.5 * devicePixelRatio; ctx.setLineDash([6 * devicePixelRatio, 4 * devicePixelRatio]);
          ctx.beginPath(); ctx.moveTo(left, y); ctx.lineTo(left + width, y); ctx.stroke();
          ctx.fillStyle = r.colour; ctx.textAlign = "left";
          ctx.fillText(r.label, left + 4, y - 4);
        }
        ctx.setLineDash([]);
        for (const m of markers) {
          const x0 = Math.max(left, u.valToPos(m.at, "x", true));
          const x1 = m.to === undefined ? x0 : Math.min(left + width, u.valToPos(m.to ?? u.scales.x.max!, "x", true));
          if (x0 > left + width || x1 < left) continue;
          ctx.fillStyle = m.colour + "22";
          if (x1 > x0) ctx.fillRect(x0, top, x1 - x0, height);
          ctx.strokeStyle = m.colour; ctx.lineWidth = 2 * devicePixelRatio;
          ctx.beginPath(); ctx.moveTo(x0, top); ctx.lineTo(x0, top + height); ctx.stroke();
          // A triangle on the time axis with the alert's name.
          ctx.fillStyle = m.colour;
          ctx.beginPath(); ctx.moveTo(x0, top + height); ctx.lineTo(x0 - 5 * devicePixelRatio, top + height + 8 * devicePixelRatio); ctx.lineTo(x0 + 5 * devicePixelRatio, top + height + 8 * devicePixelRatio); ctx.fill();
          const right = x0 > left + width * 0.7;
          ctx.textAlign = right ? "right" : "left";
          ctx.fillText(m.label, right ? x0 - 4 : x0 + 4, top + 12 * devicePixelRatio);
        }
        ctx.restore();
      }],
    },
  };
  const data: uPlot.AlignedData = [o.x, ...o.lines.map((l) => l.values.map((v) => (v === null || v === undefined || !Number.isFinite(v) ? null : v)))];
  const plot = new uPlot(opts, data, b.body);
  charts.add(plot);
  watchResize();
  (b.body as HTMLElement & { _plot?: uPlot })._plot = plot;
  return plot;
}

function watchResize(): void {
  if (observer) return;
  let pending = 0;
  const resize = () => {
    for (const c of charts) {
      if (!c.root.isConnected) { charts.delete(c); c.destroy(); continue; }
      const w = widthOf(c.root.parentElement as HTMLElement);
      if (Math.abs(w - c.width) > 4) c.setSize({ width: w, height: c.height });
    }
  };
  observer = new ResizeObserver(() => { cancelAnimationFrame(pending); pending = requestAnimationFrame(resize); });
  observer.observe(document.body);
}

/** Destroys the charts no longer in the page (before a page redraws its sections). */
export function sweep(): void {
  for (const c of charts) if (!c.root.isConnected) { charts.delete(c); c.destroy(); }
}

/** Grouped vertical bars (e.g. reference against current shares per bin), as SVG; data-points counts the bars. */
export function barChart(b: Box, labels: string[], groups: { label: string; values: number[]; colour: string }[], format: (v: number) => string): void {
  const n = labels.length * groups.length;
  if (labels.length === 0) { noData(b); return; }
  b.box.setAttribute("data-points", String(n));
  const ns = "http://www.w3.org/2000/svg";
  const W = Math.max(360, Math.min(900, labels.length * groups.length * 18 + 80)), H = 200, L = 44, B = 48, T = 10;
  const max = Math.max(1e-9, ...groups.flatMap((g) => g.values));
  const svg = document.createElementNS(ns, "svg");
  svg.setAttribute("viewBox", `0 0 ${W} ${H}`);
  svg.setAttribute("width", String(W));
  svg.setAttribute("height", String(H));
  svg.setAttribute("class", "bars");
  svg.setAttribute("role", "img");
  const el = (name: string, attrs: Record<string, string | number>, text?: string) => {
    const e = document.createElementNS(ns, name);
    for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
    if (text !== undefined) e.textContent = text;
    svg.appendChild(e);
    return e;
  };
  const plotW = W - L - 8, plotH = H - B - T, slot = plotW / labels.length, bw = Math.max(2, (slot * 0.8) / groups.length);
  for (const f of [0, 0.5, 1]) {
    const y = T + plotH * (1 - f);
    el("line", { x1: L, x2: W - 8, y1: y, y2: y, stroke: "#e5e5e5" });
    el("text", { x: L - 4, y: y + 4, "text-anchor": "end", class: "ax" }, format(max * f));
  }
  labels.forEach((lab, i) => {
    groups.forEach((g, j) => {
      const v = g.values[i] ?? 0, bh = plotH * (v / max);
      const r = el("rect", { x: L + i * slot + slot * 0.1 + j * bw, y: T + plotH - bh, width: bw - 1, height: Math.max(0, bh), fill: g.colour });
      const t = document.createElementNS(ns, "title");
      t.textContent = `${g.label}, ${lab}: ${format(v)}`;
      r.appendChild(t);
    });
    const short = lab.length > 12 ? lab.slice(0, 11) + "…" : lab;
    el("text", { x: L + i * slot + slot / 2, y: H - B + 14, "text-anchor": "end", class: "ax", transform: `rotate(-35 ${L + i * slot + slot / 2} ${H - B + 14})` }, short);
  });
  clear(b.body, svg, h("div.legend", null, groups.map((g) => h("span", null, h("i.swatch", { style: `background:${g.colour}` }), g.label))));
}

/** A light-to-dark sequential scale (ColorBrewer's Blues into purple): ordered by lightness, so it reads the same for
 * colour-blind readers and in greyscale; t = 0 is the lightest. */
const RAMP = ["#f7fbff", "#deebf7", "#c6dbef", "#9ecae1", "#6baed6", "#4292c6", "#2171b5", "#08519c", "#08306b", "#3f007d"];
export function ramp(t: number): string {
  const VIRIDIS = RAMP;
  const x = Math.min(1, Math.max(0, t)) * (VIRIDIS.length - 1);
  const i = Math.floor(x), f = x - i;
  if (i >= VIRIDIS.length - 1) return VIRIDIS[VIRIDIS.length - 1];
  const a = parseInt(VIRIDIS[i].slice(1), 16), c = parseInt(VIRIDIS[i + 1].slice(1), 16);
  const mix = (s: number) => Math.round(((a >> s) & 255) * (1 - f) + ((c >> s) & 255) * f);
  return `rgb(${mix(16)},${mix(8)},${mix(0)})`;
}

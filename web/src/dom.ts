// A tiny element builder and the number and time formats every page shares.

type Child = Node | string | number | null | undefined | false;
type Attrs = Record<string, string | number | boolean | null | undefined | EventListener>;

/** Creates an element: h("a.link", {href: "/"}, "text", child). Class names after dots; "on*" attributes are listeners. */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K | `${K}.${string}`, attrs?: Attrs | null, ...children: (Child | Child[])[]): HTMLElementTagNameMap[K] {
  const [name, ...classes] = tag.split(".");
  const el = document.createElement(name as K);
  if (classes.length) el.className = classes.join(" ");
  if (attrs) {
    for (const [k, v] of Object.entries(attrs)) {
      if (v === null || v === undefined || v === false) continue;
      if (k.startsWith("on") && typeof v === "function") el.addEventListener(k.slice(2), v);
      else if (k === "class") el.className = (el.className ? el.className + " " : "") + String(v);
      else if (k === "style") el.style.cssText = String(v); // CSSOM, which a CSP without 'unsafe-inline' styles allows
      else if (v === true) el.setAttribute(k, "");
      else el.setAttribute(k, String(v));
    }
  }
  append(el, children);
  return el;
}

function append(el: Node, children: (Child | Child[])[]): void {
  for (const c of children) {
    if (Array.isArray(c)) append(el, c);
    else if (c === null || c === undefined || c === false) continue;
    else el.appendChild(typeof c === "object" ? c : document.createTextNode(String(c)));
  }
}

export function clear(el: Element, ...children: (Child | Child[])[]): void {
  el.textContent = "";
  append(el, children);
}

/** A number for a table: 3 significant digits for small values, thousands separators for counts. */
export function num(v: number | null | undefined, digits = 3): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return "–";
  if (Number.isInteger(v) && Math.abs(v) >= 1000) return v.toLocaleString("en-US");
  if (Math.abs(v) >= 1000) return Math.round(v).toLocaleString("en-US");
  if (v === 0) return "0";
  return Number(v.toPrecision(digits)).toString();
}

export function count(v: number | null | undefined): string {
  if (v === null || v === undefined) return "–";
  if (v >= 1e6) return (v / 1e6).toFixed(v >= 1e7 ? 0 : 1) + "M";
  if (v >= 1e4) return (v / 1e3).toFixed(v >= 1e5 ? 0 : 1) + "k";
  return v.toLocaleString("en-US");
}

export function pct(v: number | null | undefined, digits = 1): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return "–";
  return (v * 100).toFixed(v !== 0 && Math.abs(v) < 0.01 ? 2 : digits) + "%";
}

/** "42 s", "5 min", "3 h", "2 d" for an age in seconds. */
export function age(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined) return "never";
  if (seconds < 90) return `${Math.round(seconds)} s`;
  if (seconds < 5400) return `${Math.round(seconds / 60)} min`;
  if (seconds < 172800) return `${Math.round(seconds / 3600)} h`;
  return `${Math.round(seconds / 86400)} d`;
}

/** A UTC time as "2026-12-02 16:05 UTC" (the server's times are UTC, so are the pages'). */
export function time(iso: string | null | undefined): string {
  if (!iso) return "–";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toISOString().slice(0, 16).replace("T", " ") + " UTC";
}

export function since(iso: string | null | undefined): string {
  if (!iso) return "";
  return age((Date.now() - new Date(iso).getTime()) / 1000) + " ago";
}

export const STATUS_LABEL: Record<string, string> = { critical: "Critical", warning: "Warning", no_data: "No data", ok: "OK" };
const STATUS_ICON: Record<string, string> = { critical: "✖", warning: "▲", no_data: "○", ok: "✓" };

/** A status badge: icon and word as well as colour (readable without colour vision). */
export function badge(status: string): HTMLElement {
  return h("span.badge", { class: "s-" + status, title: STATUS_LABEL[status] ?? status },
    h("span.icon", { "aria-hidden": "true" }, STATUS_ICON[status] ?? "?"), " ", STATUS_LABEL[status] ?? status);
}

export function severity(sev: string): HTMLElement {
  return h("span.sev", { class: "sev-" + sev.toLowerCase() }, sev);
}

export function errorBox(message: string): HTMLElement {
  return h("div.error", { role: "alert" }, message);
}

/** A tiny SVG line for a table cell; nulls break the line. */
export function sparkline(values: (number | null)[], w = 96, hgt = 22, label = ""): SVGSVGElement {
  const ns = "http://www.w3.org/2000/svg";
  const svg = document.createElementNS(ns, "svg");
  svg.setAttribute("width", String(w));
  svg.setAttribute("height", String(hgt));
  svg.setAttribute("class", "spark");
  svg.setAttribute("role", "img");
  if (label) svg.setAttribute("aria-label", label);
  const finite = values.filter((v): v is number => v !== null && Number.isFinite(v));
  svg.setAttribute("data-points", String(finite.length));
  if (finite.length === 0) return svg;
  let lo = Math.min(...finite), hi = Math.max(...finite);
  if (hi === lo) { if (hi > 0) lo = 0; else if (hi < 0) hi = 0; else hi = 1; } // a constant: a flat line (at the bottom for 0)
  const step = values.length > 1 ? (w - 2) / (values.length - 1) : 0;
  let d = "";
  let pen = false;
  values.forEach((v, i) => {
    if (v === null || !Number.isFinite(v)) { pen = false; return; }
    const x = 1 + i * step, y = 1 + (hgt - 2) * (1 - (v - lo) / (hi - lo));
    d += `${pen ? "L" : "M"}${x.toFixed(1)},${y.toFixed(1)}`;
    pen = true;
  });
  const path = document.createElementNS(ns, "path");
  path.setAttribute("d", d);
  svg.appendChild(path);
  return svg;
}

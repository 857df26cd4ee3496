// The fleet page (/): counts per status, one row per model, filters and sort in the URL, refreshed every 15 s.
import { get, Fleet, FleetModel, STATUSES, Status } from "./api";
import { h, clear, badge, severity, count, num, pct, age, sparkline, errorBox, STATUS_LABEL, time } from "./dom";

const REFRESH_MS = 15_000;
const SORTS: Record<string, string> = { worst: "Worst first", name: "Name", volume: "Volume (24 h)", metric: "Key metric (lowest first)", drift: "Drift share" };
const LOWER_IS_BETTER = new Set(["mae", "mse", "rmse", "log_loss", "brier", "mape", "max_error", "median_absolute_error", "ece"]);

interface Filters { q: string; team: string; owner: string; tag: string; status: string; sort: string }

function readFilters(): Filters {
  const p = new URLSearchParams(location.search);
  const sort = p.get("sort") ?? "worst";
  return { q: p.get("q") ?? "", team: p.get("team") ?? "", owner: p.get("owner") ?? "", tag: p.get("tag") ?? "", status: p.get("status") ?? "", sort: sort in SORTS ? sort : "worst" };
}

/** Writes the filters into the URL: a new history entry (back undoes it) unless typing in the search box. */
function writeFilters(f: Filters, push: boolean): void {
  const p = new URLSearchParams();
  for (const k of ["q", "status", "team", "owner", "tag"] as const) if (f[k]) p.set(k, f[k]);
  if (f.sort !== "worst") p.set("sort", f.sort);
  const url = location.pathname + (p.toString() ? "?" + p.toString() : "");
  if (url === location.pathname + location.search) return;
  if (push) history.pushState(null, "", url); else history.replaceState(null, "", url);
}

function matches(m: FleetModel, f: Filters, ignoreStatus = false): boolean {
  if (!ignoreStatus && f.status && m.status !== f.status) return false;
  if (f.team && m.team !== f.team) return false;
  if (f.owner && m.owner !== f.owner) return false;
  if (f.tag && !m.tags.includes(f.tag)) return false;
  if (f.q) {
    const q = f.q.toLowerCase();
    const hay = [m.name, m.team ?? "", m.owner ?? "", m.task, m.reason ?? "", ...m.tags].join(" ").toLowerCase();
    if (!q.split(/\s+/).every((w) => hay.includes(w))) return false;
  }
  return true;
}

const RANK: Record<string, number> = { critical: 0, warning: 1, no_data: 2, ok: 3 };

function sorted(models: FleetModel[], sort: string): FleetModel[] {
  const by = (key: (m: FleetModel) => number | null, desc: boolean) => (a: FleetModel, b: FleetModel) => {
    const x = key(a), y = key(b);
    if (x === null && y === null) return a.name.localeCompare(b.name);
    if (x === null) return 1;
    if (y === null) return -1;
    return (desc ? y - x : x - y) || a.name.localeCompare(b.name);
  };
  const copy = models.slice();
  switch (sort) {
    case "name": return copy.sort((a, b) => a.name.localeCompare(b.name));
    case "volume": return copy.sort(by((m) => m.volume_24h, true));
    case "metric": return copy.sort(by((m) => m.key_metric?.value ?? null, false));
    case "drift": return copy.sort(by((m) => m.drift?.share ?? null, true));
    default: return copy.sort((a, b) => (RANK[a.status] - RANK[b.status]) || a.name.localeCompare(b.name));
  }
}

function trend(m: FleetModel): HTMLElement | null {
  const k = m.key_metric;
  if (!k || k.change === null || k.change === undefined) return null;
  if (Math.abs(k.change) < 1e-9) return h("span.trend.flat", { title: "no change: last 6 h against the 18 h before" }, "→ 0");
  const up = k.change > 0;
  const good = LOWER_IS_BETTER.has(k.name) ? !up : up;
  return h("span.trend", { class: good ? "good" : "bad", title: "last 6 h against the 18 h before" },
    (up ? "▲ +" : "▼ −") + num(Math.abs(k.change), 2));
}

function row(m: FleetModel): HTMLTableRowElement {
  const k = m.key_metric;
  return h("tr", { "data-testid": "fleet-row", "data-model": m.name, "data-status": m.status, class: "st-" + m.status },
    h("td", null, badge(m.status)),
    h("td.name", null,
      h("a", { href: "/models/" + encodeURIComponent(m.name) }, m.name),
      h("div.sub", { title: m.reason ?? "" }, m.task, m.reason ? " · " + m.reason : "")),
    h("td.who", null,
      h("div", null, m.team ?? "–", h("span.muted", null, " / ", m.owner ?? "–")),
      m.tags.length ? h("div.tags", null, m.tags.map((t) => h("span.tag", null, t))) : null),
    h("td.num", null, h("div.cellspark", null, sparkline(m.volume, 64, 20, `${m.name} volume per hour`), h("span", null, count(m.volume_24h)))),
    h("td.num", { class: m.status === "no_data" ? "stale" : "", title: m.last_prediction ? time(m.last_prediction) : "no prediction" },
      m.seconds_since_last === null ? "never" : age(m.seconds_since_last)),
    h("td", null, k
      ? h("div.cellspark", null,
          sparkline(k.trend, 64, 20, `${m.name} ${k.name} per hour`),
          h("div.metric", null,
            h("div", null, h("b", null, num(k.value)), " ", trend(m)),
            h("div.sub", null, k.name, " ", h("span.src", { class: "src-" + k.source, title: k.source === "estimated" ? "estimated without labels" : "computed from labels" }, k.source === "estimated" ? "est." : "realized"))))
      : h("span.muted", null, "–")),
    h("td.num", { title: m.drift ? `${m.drift.drifted} of ${m.drift.features} features drifted (PSI ≥ 0.2, last 24 h)` : "no reference" },
      m.drift ? h("span", { class: m.drift.drifted > 0 ? "warn" : "" }, `${m.drift.drifted}/${m.drift.features}`, h("span.muted", null, ` ${pct(m.drift.share, 0)}`)) : h("span.muted", null, "–")),
    h("td.num", null, m.latency_p99_ms === null ? "–" : num(m.latency_p99_ms) + " ms"),
    h("td.num", null, pct(m.error_rate, 2)),
    h("td", null, m.incidents.length === 0 ? h("span.muted", null, "none") :
      m.incidents.map((i) => h("a.inc", { href: "/incidents/" + i.id, title: `incident ${i.id}, ${i.state}` }, severity(i.severity), " #", i.id, i.state === "acknowledged" ? " (ack)" : ""))));
}

export function fleetPage(app: HTMLElement): void {
  document.title = "Fleet · Vigil";
  let fleet: Fleet | null = null;
  let error = "";

  const counts = h("div.counts", { role: "group", "aria-label": "Models per status (click to filter)" });
  const search = h("input.search", { type: "search", placeholder: "Search models, teams, owners, tags…", "data-testid": "search", "aria-label": "Search" });
  const selStatus = h("select", { "data-testid": "filter-status", "aria-label": "Status" });
  const selTeam = h("select", { "data-testid": "filter-team", "aria-label": "Team" });
  const selOwner = h("select", { "data-testid": "filter-owner", "aria-label": "Owner" });
  const selTag = h("select", { "data-testid": "filter-tag", "aria-label": "Tag" });
  const selSort = h("select", { "data-testid": "sort", "aria-label": "Sort" });
  const reset = h("a.reset", { href: "/", "data-testid": "filter-clear" }, "Clear filters");
  const meta = h("div.meta.muted", { "data-testid": "fleet-meta" });
  const tbody = h("tbody");
  const errorSlot = h("div");
  const heads: [string, string, string][] = [["Status", "", ""], ["Model", "", ""], ["Team / owner · tags", "", ""],
    ["Volume 24 h", "num", "predictions in the last 24 hours, per hour"], ["Last seen", "num", "time since the last prediction"],
    ["Key metric 24 h", "", "the first performance monitor's metric over the last 24 h, its trend per hour and the change of the last 6 h against the 18 h before"],
    ["Drift", "num", "features whose PSI over the last 24 h is at least 0.2, of those with a reference"],
    ["p99", "num", "latency p99 over the last 24 h"], ["Errors", "num", "error rate over the last 24 h"], ["Open incidents", "", ""]];
  const table = h("table.fleet", { "data-testid": "fleet-table" }, h("thead", null, h("tr", null, heads.map(([t, c, title]) => h("th", { class: c || null, title: title || null }, t)))), tbody);

  clear(app,
    h("div.pagehead", null, h("h1", null, "Fleet"), meta),
    counts,
    h("div.filters", null, search,
      h("label", null, "Status ", selStatus), h("label", null, "Team ", selTeam), h("label", null, "Owner ", selOwner),
      h("label", null, "Tag ", selTag), h("label", null, "Sort ", selSort), reset),
    errorSlot, table);

  const options = (sel: HTMLSelectElement, all: string, values: [string, string][], current: string) => {
    // Rebuilt only when the choices change, so a refresh does not close a list the user has open.
    const key = JSON.stringify([values, current]);
    if (sel.dataset.key === key) return;
    sel.dataset.key = key;
    clear(sel, h("option", { value: "" }, all), values.map(([v, label]) => h("option", { value: v }, label)));
    if (current && !values.some(([v]) => v === current)) sel.appendChild(h("option", { value: current }, current));
    sel.value = current;
  };
  const uniq = (xs: (string | null)[]) => [...new Set(xs.filter((x): x is string => !!x))].sort().map((x): [string, string] => [x, x]);

  function render(): void {
    const f = readFilters();
    if (document.activeElement !== search) search.value = f.q;
    const models = fleet?.models ?? [];
    options(selStatus, "All", STATUSES.map((s): [string, string] => [s, STATUS_LABEL[s]]), f.status);
    options(selTeam, "All", uniq(models.map((m) => m.team)), f.team);
    options(selOwner, "All", uniq(models.map((m) => m.owner)), f.owner);
    options(selTag, "All", uniq(models.flatMap((m) => m.tags)), f.tag);
    if (!selSort.options.length) clear(selSort, Object.entries(SORTS).map(([v, l]) => h("option", { value: v }, l)));
    selSort.value = f.sort;
    reset.hidden = !(f.q || f.team || f.owner || f.tag || f.status || f.sort !== "worst");

    // The counts are the server's (the whole fleet); clicking one filters by that status, clicking it again clears it.
    clear(counts, STATUSES.map((s: Status) => h("button.count", {
      type: "button", class: "s-" + s + (f.status === s ? " active" : ""), "data-testid": "count-" + s,
      "aria-pressed": f.status === s ? "true" : "false",
      onclick: () => { writeFilters({ ...readFilters(), status: readFilters().status === s ? "" : s }, true); render(); },
    }, h("span.n", null, String(fleet?.counts?.[s] ?? 0)), h("span.l", null, badge(s)))));

    clear(errorSlot, error ? errorBox(error) : null);
    if (!fleet) { clear(tbody, h("tr", null, h("td", { colspan: heads.length, class: "muted" }, error ? "" : "Loading…"))); return; }
    const shown = sorted(models.filter((m) => matches(m, f)), f.sort);
    const frag = document.createDocumentFragment();
    for (const m of shown) frag.appendChild(row(m));
    if (shown.length === 0) frag.appendChild(h("tr", null, h("td.empty", { colspan: heads.length }, models.length ? "No model matches these filters." : "No models are configured.")));
    tbody.textContent = "";
    tbody.appendChild(frag);
    meta.textContent = `${shown.length} of ${models.length} models · updated ${new Date(fleet.generated_at).toISOString().slice(11, 19)} UTC · refreshes every 15 s`;
  }

  let typing: number | undefined;
  search.addEventListener("input", () => {
    window.clearTimeout(typing);
    typing = window.setTimeout(() => { writeFilters({ ...readFilters(), q: search.value.trim() }, false); render(); }, 150);
  });
  const onSelect = (sel: HTMLSelectElement, key: keyof Filters) =>
    sel.addEventListener("change", () => { writeFilters({ ...readFilters(), [key]: sel.value }, true); render(); });
  onSelect(selStatus, "status"); onSelect(selTeam, "team"); onSelect(selOwner, "owner"); onSelect(selTag, "tag"); onSelect(selSort, "sort");
  reset.addEventListener("click", (e) => { e.preventDefault(); writeFilters({ q: "", team: "", owner: "", tag: "", status: "", sort: "worst" }, true); search.value = ""; render(); });
  window.addEventListener("popstate", render);

  async function load(): Promise<void> {
    try {
      fleet = await get<Fleet>("/v1/fleet");
      error = "";
    } catch (e) {
      error = (e as Error).message + (fleet ? " (showing the last answer)" : "");
    }
    render();
  }
  render();
  void load();
  window.setInterval(() => { if (!document.hidden) void load(); }, REFRESH_MS);
}

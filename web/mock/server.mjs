// A development server for the pages without vigil serve: serves web/dist and answers the JSON of
// docs/dashboard.md from generated fixtures (100 models, deterministic). Not used by the build or the tests.
//   npm run build && node mock/server.mjs [port]        (MOCK_READONLY=1 for a read-only session)
import { createServer } from "node:http";
import { readFileSync, existsSync } from "node:fs";
import { join, dirname, extname } from "node:path";
import { fileURLToPath } from "node:url";

const dist = join(dirname(fileURLToPath(import.meta.url)), "..", "dist");
const port = Number(process.argv[2] ?? 5090);
const CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

let seed = 42;
const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
const HOUR = 3600_000;
const now = () => Date.now();
const iso = (t) => new Date(t).toISOString().replace(/\.\d{3}Z$/, "Z");
const floorTo = (t, step) => Math.floor(t / step) * step;

const teams = ["risk", "growth", "search", "ops", "pricing"], owners = ["ana", "ben", "chen", "dara", "eli", "fay"];
const tagsAll = ["payments", "eu", "us", "realtime", "batch", "experimental"];
const tasks = ["binary", "binary", "binary", "regression", "multiclass"];
const models = Array.from({ length: 100 }, (_, i) => {
  const task = tasks[i % tasks.length];
  const status = i < 4 ? "critical" : i < 12 ? "warning" : i < 16 ? "no_data" : "ok";
  return {
    name: i === 0 ? "fraud" : `model-${String(i).padStart(3, "0")}`, task, team: teams[i % 5], owner: owners[i % 6],
    tags: [tagsAll[i % 6], ...(i % 3 === 0 ? [tagsAll[(i + 2) % 6]] : [])], status,
    base: 500 + Math.floor(rnd() * 5000),
  };
});
const incidents = [
  { id: 3, model: "fraud", state: "open", severity: "P1", opened_at: iso(now() - 2.5 * HOUR), acknowledged_at: null, resolved_at: null, assignee: null,
    alerts: ["fraud/auc_floor", "fraud/amount-drift"], firing: ["fraud/auc_floor"], notes: [], notifications: [] },
  { id: 2, model: "model-001", state: "acknowledged", severity: "P2", opened_at: iso(now() - 6 * HOUR), acknowledged_at: iso(now() - 5 * HOUR), resolved_at: null, assignee: "ben",
    alerts: ["model-001/volume"], firing: ["model-001/volume"], notes: [{ at: iso(now() - 5 * HOUR), author: "ben", text: "upstream batch job late" }], notifications: [] },
];
const alerts = [
  { importance: null, performance_moved: null, feature: null, statistic: null, threshold: 0.75, key: "fraud/auc_floor", model: "fraud", monitor: "auc_floor", severity: "P1", state: "firing",
    since: iso(now() - 2.6 * HOUR), fired_at: iso(now() - 2.5 * HOUR), resolved_at: null, value: 0.702, condition: "min 0.75", notified: true, estimate: null, notifications: [] },
  { importance: 0.42, performance_moved: true, feature: "amount", statistic: "psi", threshold: 0.2, key: "fraud/amount-drift", model: "fraud", monitor: "amount-drift", severity: "P2", state: "resolved",
    since: iso(now() - 3 * HOUR), fired_at: iso(now() - 2.4 * HOUR), resolved_at: iso(now() - 1 * HOUR), value: 0.31, condition: "psi >= 0.2", notified: true, estimate: null, notifications: [] },
  { importance: null, performance_moved: null, feature: null, statistic: null, threshold: null, key: "model-001/volume", model: "model-001", monitor: "volume", severity: "P2", state: "firing",
    since: iso(now() - 6.2 * HOUR), fired_at: iso(now() - 6 * HOUR), resolved_at: null, value: 12, condition: "outside 480 ± 3σ", notified: true, estimate: null, notifications: [] },
];
const sent = [
  { alert: "fraud/auc_floor", event: "trigger", notifier: "oncall", type: "pagerduty", at: iso(now() - 2.5 * HOUR + 2000), status: "delivered", attempts: 1, error: null },
  { alert: "fraud/auc_floor", event: "trigger", notifier: "team", type: "slack", at: iso(now() - 2.5 * HOUR + 3000), status: "failed", attempts: 3, error: "HTTP 500 from hooks.slack.com" },
  { alert: "fraud/amount-drift", event: "resolve", notifier: "team", type: "slack", at: iso(now() - HOUR + 1000), status: "delivered", attempts: 1, error: null },
];
incidents[0].notifications = sent;
for (const a of alerts) a.notifications = sent.filter((n) => n.alert === a.key);
let silenceId = 1;

function fleet() {
  const t = floorTo(now(), HOUR);
  const hours = Array.from({ length: 24 }, (_, i) => iso(t - (23 - i) * HOUR));
  const counts = { ok: 0, warning: 0, critical: 0, no_data: 0 };
  const out = models.map((m, i) => {
    counts[m.status]++;
    const volume = hours.map((_, h) => (m.status === "no_data" && h > 20 ? 0 : Math.round(m.base * (1 + 0.3 * Math.sin((h + i) / 3)))));
    const metricName = m.task === "binary" ? "roc_auc" : m.task === "regression" ? "mae" : "accuracy";
    const baseV = m.task === "regression" ? 12 + i % 7 : 0.8 + (i % 10) / 100;
    const trend = hours.map((_, h) => (h % 11 === 5 && i % 4 === 0 ? null : +(baseV + (m.status === "critical" && h > 15 ? -0.08 : 0) + 0.01 * Math.sin(h + i)).toFixed(4)));
    return {
      name: m.name, task: m.task, team: m.team, owner: m.owner, tags: m.tags, status: m.status,
      reason: m.status === "critical" ? "P1 auc_floor firing since 15:02" : m.status === "warning" ? "P2 volume firing" : m.status === "no_data" ? "no prediction for 3 h (freshness 1 h)" : null,
      last_prediction: m.status === "no_data" ? iso(now() - 3 * HOUR) : iso(now() - 2000), seconds_since_last: m.status === "no_data" ? 10800 : 2,
      volume_24h: volume.reduce((a, b) => a + b, 0), volume,
      key_metric: { name: metricName, source: i % 7 === 3 ? "estimated" : "realized", value: trend[23] ?? baseV, trend, change: i % 9 === 0 ? null : +(trend[23] - baseV).toFixed(4) || -0.03 },
      drift: i % 8 === 7 ? null : { drifted: i < 6 ? 2 : 0, features: 8, share: i < 6 ? 0.25 : 0 },
      latency_p99_ms: 40 + (i * 7) % 200, error_rate: (i % 13) / 2000,
      incidents: incidents.filter((x) => x.model === m.name && x.state !== "resolved").map((x) => ({ id: x.id, severity: x.severity, state: x.state })),
    };
  });
  const rank = { critical: 0, warning: 1, no_data: 2, ok: 3 };
  out.sort((a, b) => rank[a.status] - rank[b.status] || a.name.localeCompare(b.name));
  return { generated_at: iso(now()), counts, hours, models: out };
}

function window(q) {
  const to = q.get("to") ? Date.parse(q.get("to")) : now();
  const w = { "1h": HOUR, "24h": 24 * HOUR, "7d": 168 * HOUR, "30d": 720 * HOUR }[q.get("window") ?? "24h"] ?? 24 * HOUR;
  const from = q.get("from") ? Date.parse(q.get("from")) : to - w;
  return { from, to };
}

function series(m, q) {
  const { from, to } = window(q);
  const span = to - from;
  const resolution = q.get("resolution") ?? (span <= 6 * HOUR ? "minute" : span <= 14 * 24 * HOUR ? "hour" : "day");
  const step = { minute: 60_000, hour: HOUR, day: 24 * HOUR }[resolution];
  const start = floorTo(from, step);
  const n = Math.ceil((to - start) / step);
  const buckets = Array.from({ length: n }, (_, i) => iso(start + i * step));
  const empty = m.status === "no_data" && q.get("window") !== "7d";
  if (empty) return { model: m.name, task: m.task, from: iso(from), to: iso(to), resolution, buckets: [], versions: [], volume: {}, latency_p50_ms: [], latency_p99_ms: [], error_rate: [], metrics: {}, score_histogram: { edges: [], counts: {} }, drift: { statistic: "psi", threshold: 0.2, features: [] }, thresholds: [], alerts: [], readings: {} };
  const versions = ["v1", "v2"];
  const wave = (i, a, b) => a + b * Math.sin(i / 5);
  const late = (i) => i > n * 0.6;
  const metrics = m.task === "regression"
    ? { mae: { v1: buckets.map((_, i) => +(wave(i, 12, 0.5)).toFixed(3)), v2: buckets.map((_, i) => (i < n / 3 ? null : +(wave(i, 12.6, 0.6)).toFixed(3))) } }
    : {
      [m.task === "binary" ? "roc_auc" : "accuracy"]: {
        v1: buckets.map((_, i) => (i % 17 === 3 ? null : +(wave(i, 0.84, 0.01) - (late(i) && m.status === "critical" ? 0.11 : 0)).toFixed(4))),
        v2: buckets.map((_, i) => (i < n / 3 ? null : +(wave(i, 0.83, 0.012) - (late(i) && m.status === "critical" ? 0.1 : 0)).toFixed(4))),
      },
      mean_score: { v1: buckets.map((_, i) => +wave(i, 0.2, 0.02).toFixed(4)), v2: buckets.map((_, i) => (i < n / 3 ? null : +wave(i, 0.22, 0.02).toFixed(4))) },
      label_rate: { v1: buckets.map((_, i) => +(i > n - 3 ? 0.1 : 0.9).toFixed(3)), v2: buckets.map((_, i) => (i < n / 3 ? null : 0.88)) },
    };
  const feats = [["amount", 0.42], ["merchant_category", 0.21], ["country", 0.03], ["hour", 0.08], ["device", 0.11], ["age_days", 0.05], ["card_type", 0.02], ["velocity_1h", 0.08]];
  const edges = Array.from({ length: 21 }, (_, i) => +(i * 0.05).toFixed(2));
  const fired = Date.parse(alerts[0].fired_at);
  return {
    model: m.name, task: m.task, from: iso(from), to: iso(to), resolution, buckets, versions,
    volume: { v1: buckets.map((_, i) => Math.round(wave(i, 300, 60) * step / HOUR * (resolution === "minute" ? 60 : 1))), v2: buckets.map((_, i) => (i < n / 3 ? 0 : Math.round(wave(i, 100, 20) * step / HOUR * (resolution === "minute" ? 60 : 1)))) },
    latency_p50_ms: buckets.map((_, i) => +wave(i, 22, 3).toFixed(1)), latency_p99_ms: buckets.map((_, i) => +wave(i, 120, 25).toFixed(1)),
    error_rate: buckets.map((_, i) => (i % 23 === 7 ? 0.004 : 0.0008)),
    metrics,
    score_histogram: m.task === "binary" ? { edges, counts: { v1: edges.slice(1).map((e) => Math.round(4000 * Math.exp(-e * 6))), v2: edges.slice(1).map((e) => Math.round(1500 * Math.exp(-e * 5))) } } : { edges: [], counts: {} },
    drift: { statistic: "psi", threshold: 0.2, features: feats.map(([name, imp], f) => ({ name, importance: imp, values: buckets.map((_, i) => (i % 29 === 13 ? null : +(0.02 + 0.01 * f + (f === 0 && late(i) ? 0.3 : 0) + (f === 1 && late(i) ? 0.12 : 0) + 0.01 * Math.sin(i)).toFixed(3))) })) },
    thresholds: m.task === "binary" ? [{ monitor: "auc_floor", metric: "roc_auc", min: 0.75, max: null, severity: "P1" }] : [],
    alerts: m.name === "fraud" && fired >= from && fired <= to ? [
      { key: "fraud/auc_floor", monitor: "auc_floor", severity: "P1", fired_at: alerts[0].fired_at, resolved_at: null, value: 0.702 },
      { key: "fraud/amount-drift", monitor: "amount-drift", severity: "P2", fired_at: alerts[1].fired_at, resolved_at: alerts[1].resolved_at, value: 0.31 },
    ] : [],
    readings: { auc_floor: [{ at: iso(to - 60_000), value: 0.702, breached: true }] },
  };
}

function drift(feature, q) {
  const bins = feature === "country" ? ["US", "DE", "FR", "GB", "other"] : ["< 10", "10–20", "20–50", "50–100", "100–200", "200–500", "≥ 500"];
  const ref = bins.map((_, i) => 1 / bins.length + (i % 2 ? 0.02 : -0.02));
  const cur = ref.map((r, i) => Math.max(0, r + (feature === "amount" ? (i > 3 ? 0.06 : -0.045) : 0.005 * (i % 2 ? 1 : -1))));
  const sum = cur.reduce((a, b) => a + b, 0);
  return { feature, type: feature === "country" ? "category" : "number", statistic: "psi", value: feature === "amount" ? 0.31 : 0.03, threshold: 0.2, drifted: feature === "amount",
    bins, reference: ref, current: cur.map((c) => c / sum), rows: 18240, from: q.get("from"), to: q.get("to") };
}

function evaluation(m, q) {
  if (m.task !== "binary" || m.status === "no_data") return { rows: 0, note: "no labelled predictions in this window" };
  const roc = [{ threshold: null, fpr: 0, tpr: 0 }], pr = [];
  for (let i = 1; i <= 50; i++) { const fpr = i / 50; roc.push({ threshold: 1 - fpr, fpr, tpr: Math.min(1, Math.pow(fpr, 0.35)) }); }
  for (let i = 0; i <= 50; i++) { const r = i / 50; pr.push({ threshold: 1 - r, precision: Math.max(0.1, 1 - 0.8 * Math.pow(r, 2)), recall: r }); }
  const calibration = Array.from({ length: 10 }, (_, i) => ({ lower: i / 10, upper: (i + 1) / 10, count: 1000 - i * 80, mean_predicted: i / 10 + 0.05, fraction_positive: Math.min(1, (i / 10 + 0.05) * 0.85) }));
  const threshold_table = Array.from({ length: 19 }, (_, i) => { const t = +(0.05 * (i + 1)).toFixed(2); const tp = Math.round(900 * (1 - t)), fp = Math.round(3000 * (1 - t) ** 3); return { threshold: t, confusion: { tp, fp, tn: 16000 - fp, fn: 900 - tp }, precision: tp / (tp + fp || 1), recall: tp / 900, f1: 2 * tp / (2 * tp + fp + 900 - tp), fpr: fp / 16000, specificity: 1 - fp / 16000, accuracy: (tp + 16000 - fp) / 16900 }; });
  return { kind: "evaluation", schema_version: 1, task: "binary", rows: 16900, threshold: 0.5, window: { from: q.get("from"), to: q.get("to") },
    metrics: { roc_auc: 0.8123, average_precision: 0.41, log_loss: 0.21, brier: 0.06, accuracy: 0.95, precision: 0.62, recall: 0.48, f1: 0.54 },
    curves: { roc, pr, calibration }, threshold_table };
}

const quality = (m) => ({ findings: m.status === "ok" ? [] : [
  { severity: "warning", check: "null_values", column: "merchant_category", count: 412, message: "412 predictions (2.3%) have no merchant_category" },
  { severity: "error", check: "out_of_range", column: "amount", count: 37, message: "37 amounts above the reference's maximum 9,800" },
  { severity: "info", check: "missing_latency", column: null, count: 5, message: "5 predictions carry no latency" },
] });

const canary = (q) => ({ ok: false, conclusive: true, reasons: ["roc_auc 0.79 against 0.83"], window: q.get("window") ?? "30m",
  baseline: { version: q.get("baseline"), metrics: { predictions: 9000, labeled: 7000, error_rate: 0.0008, latency_p99_ms: 118, roc_auc: 0.83, average_precision: 0.42, f1: 0.55, log_loss: 0.2 } },
  candidate: { version: q.get("candidate"), metrics: { predictions: 3000, labeled: 2400, error_rate: 0.0011, latency_p99_ms: 131, roc_auc: 0.79, average_precision: 0.37, f1: 0.5, log_loss: 0.24 } } });

function notFound(res, what) {
  res.writeHead(404, { "content-type": "text/html; charset=utf-8", "content-security-policy": CSP });
  res.end(`<!doctype html><title>Not found</title><h1>Not found</h1><p>${what}</p><p><a href="/">Back to the fleet</a></p>`);
}
const json = (res, status, body) => { res.writeHead(status, { "content-type": "application/json" }); res.end(JSON.stringify(body)); };

async function body(req) {
  let s = "";
  for await (const c of req) s += c;
  return s ? JSON.parse(s) : undefined;
}

createServer(async (req, res) => {
  const url = new URL(req.url, "http://x");
  const p = url.pathname, q = url.searchParams;
  let m;
  try {
    if (p.startsWith("/assets/")) {
      const f = join(dist, p.slice(8).replace(/\.\./g, ""));
      if (!existsSync(f)) return notFound(res, p);
      res.writeHead(200, { "content-type": extname(f) === ".js" ? "text/javascript; charset=utf-8" : "text/css; charset=utf-8" });
      return res.end(readFileSync(f));
    }
    const page = () => { res.writeHead(200, { "content-type": "text/html; charset=utf-8", "content-security-policy": CSP }); res.end(readFileSync(join(dist, "index.html"))); };
    if (p === "/") return page();
    if ((m = p.match(/^\/models\/([^/]+)$/))) return models.some((x) => x.name === decodeURIComponent(m[1])) ? page() : notFound(res, `No model '${decodeURIComponent(m[1])}'.`);
    if ((m = p.match(/^\/incidents\/(\d+)$/))) return incidents.some((x) => x.id === +m[1]) ? page() : notFound(res, `No incident ${m[1]}.`);
    if (p === "/login") { res.writeHead(200, { "content-type": "text/html" }); return res.end("<h1>Login (mock)</h1>"); }
    if (p === "/logout" && req.method === "POST") { res.writeHead(204); return res.end(); }
    if (p === "/v1/session") return json(res, 200, process.env.MOCK_READONLY ? { name: "dashboards", scopes: ["read"], can_act: false } : { name: "oncall-admin", scopes: ["admin"], can_act: true });
    if (p === "/v1/fleet") return json(res, 200, fleet());
    if (p === "/v1/alerts") return json(res, 200, { active: alerts.filter((a) => a.state !== "resolved"), resolved: alerts.filter((a) => a.state === "resolved"), deliveries: [] });
    if (p === "/v1/incidents") return json(res, 200, { incidents });
    if ((m = p.match(/^\/v1\/incidents\/(\d+)(?:\/(\w+))?$/))) {
      const inc = incidents.find((x) => x.id === +m[1]);
      if (!inc) return json(res, 404, { error: `no incident ${m[1]}` });
      if (!m[2]) return json(res, 200, inc);
      if (req.method !== "POST") return json(res, 405, { error: "POST" });
      if (!req.headers["x-vigil-csrf"] && req.headers.cookie?.includes("vigil_csrf")) return json(res, 403, { error: "missing or wrong CSRF token" });
      const b = await body(req);
      const at = iso(now());
      if (m[2] === "acknowledge") { if (inc.state !== "open") return json(res, 409, { error: `incident ${inc.id} is ${inc.state}, not open` }); inc.state = "acknowledged"; inc.acknowledged_at = at; inc.notes.push({ at, author: "oncall-admin", text: "acknowledged" }); }
      else if (m[2] === "resolve") { if (inc.state === "resolved") return json(res, 409, { error: `incident ${inc.id} is already resolved` }); inc.state = "resolved"; inc.resolved_at = at; inc.notes.push({ at, author: "oncall-admin", text: "resolved" }); }
      else if (m[2] === "assign") { inc.assignee = b?.assignee; inc.notes.push({ at, author: "oncall-admin", text: "assigned to " + b?.assignee }); }
      else if (m[2] === "notes") inc.notes.push({ at, author: "oncall-admin", text: b?.text });
      else return json(res, 400, { error: `unknown action '${m[2]}'` });
      return json(res, 200, inc);
    }
    if (p === "/v1/silences" && req.method === "POST") {
      const b = await body(req);
      if (b.reason !== undefined) return json(res, 400, { error: "'reason' is not a key of a silence; expected model, monitor, duration or ends_at, starts_at, comment" });
      return json(res, 201, { id: silenceId++, model: b.model, monitor: b.monitor ?? null, starts_at: iso(now()), ends_at: iso(now() + 2 * HOUR), author: "oncall-admin", comment: b.comment, expired_at: null, active: true });
    }
    if ((m = p.match(/^\/v1\/models\/([^/]+)\/(series|drift|evaluation|quality|canary)(?:\/([^/]+))?$/))) {
      const model = models.find((x) => x.name === decodeURIComponent(m[1]));
      if (!model) return json(res, 404, { error: `no model '${m[1]}'` });
      switch (m[2]) {
        case "series": return json(res, 200, series(model, q));
        case "drift": return json(res, 200, drift(decodeURIComponent(m[3]), q));
        case "evaluation": return json(res, 200, evaluation(model, q));
        case "quality": return json(res, 200, quality(model));
        case "canary": return json(res, 200, canary(q));
      }
    }
    return json(res, 404, { error: `no route ${p}` });
  } catch (e) {
    return json(res, 500, { error: String(e) });
  }
}).listen(port, "127.0.0.1", () => console.log(`mock: http://127.0.0.1:${port}/`));

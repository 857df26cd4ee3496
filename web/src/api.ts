// The JSON the pages read (docs/dashboard.md is the contract) and the two ways they talk to the server:
// GET with the session cookie, and state-changing requests that also carry the X-Vigil-CSRF header.

export type Status = "critical" | "warning" | "no_data" | "ok";
export const STATUSES: Status[] = ["critical", "warning", "no_data", "ok"];

export interface FleetIncident { id: number; severity: string; state: string }
export interface KeyMetric { name: string; source: string; value: number | null; trend: (number | null)[]; change: number | null }
export interface FleetModel {
  name: string; task: string; team: string | null; owner: string | null; tags: string[];
  status: Status; reason: string | null;
  last_prediction: string | null; seconds_since_last: number | null;
  volume_24h: number; volume: number[];
  key_metric: KeyMetric | null;
  drift: { drifted: number; features: number; share: number } | null;
  latency_p99_ms: number | null; error_rate: number | null;
  incidents: FleetIncident[];
}
export interface Fleet { generated_at: string; counts: Record<Status, number>; hours: string[]; models: FleetModel[] }

export interface Threshold { monitor: string; metric: string; min: number | null; max: number | null; severity: string }
export interface SeriesAlert { key: string; monitor: string; severity: string; fired_at: string | null; resolved_at: string | null; value: number | null }
export interface Series {
  model: string; task: string; from: string; to: string; resolution: string;
  buckets: string[]; versions: string[];
  volume: Record<string, (number | null)[]>;
  latency_p50_ms: (number | null)[]; latency_p99_ms: (number | null)[]; error_rate: (number | null)[];
  metrics: Record<string, Record<string, (number | null)[]>>;
  score_histogram: { edges: number[]; counts: Record<string, number[]> } | null;
  drift: { statistic: string; threshold: number; features: { name: string; importance: number | null; values: (number | null)[] }[] } | null;
  thresholds: Threshold[];
  alerts: SeriesAlert[];
  readings: Record<string, { at: string; value: number | null; breached: boolean | null }[]>;
}

export interface FeatureDrift {
  feature: string; type: string; statistic: string; value: number | null; threshold: number; drifted: boolean | null;
  bins: string[]; reference: number[]; current: number[]; rows: number;
}

export interface Confusion { tp: number; fp: number; tn: number; fn: number }
export interface Evaluation {
  rows: number; note?: string; task?: string; threshold?: number;
  metrics?: Record<string, number | null>;
  curves?: {
    roc: { threshold: number | null; fpr: number; tpr: number }[];
    pr: { threshold: number | null; precision: number; recall: number }[];
    calibration: { lower: number; upper: number; count: number; mean_predicted: number; fraction_positive: number }[];
  };
  threshold_table?: { threshold: number; confusion: Confusion; precision: number | null; recall: number | null; f1: number | null; fpr: number | null; specificity: number | null; accuracy: number | null }[];
}

export interface QualityFinding { severity: string; check: string; column: string | null; count: number; rate?: number | null; message: string }
export interface Quality { rows?: number; reference?: string | null; findings: QualityFinding[]; note?: string | null }

export interface Notification { alert: string; event: string; notifier: string; type: string; at: string; status: string; attempts: number; error: string | null }
export interface Alert {
  importance: number | null; performance_moved: boolean | null; feature: string | null; statistic: string | null; threshold: number | null;
  key: string; model: string; monitor: string; severity: string; state: string;
  since: string; fired_at: string | null; resolved_at: string | null; value: number | null; condition: string; notified: boolean;
  estimate: { metric: string; value: number; standard_error: number | null; lower: number | null; upper: number | null; rows: number } | null;
  notifications: Notification[];
}
export interface AlertList { active: Alert[]; resolved: Alert[] }
export interface Incident {
  id: number; model: string; state: string; severity: string; opened_at: string; acknowledged_at: string | null;
  resolved_at: string | null; assignee: string | null; alerts: string[]; firing: string[];
  notes: { at: string; author: string; text: string }[]; notifications: Notification[];
}
export interface Session { name: string; scopes: string[]; can_act: boolean }
export interface Canary {
  ok: boolean; conclusive: boolean; reasons: string[]; window: string;
  baseline: { version: string; metrics: Record<string, number | null> };
  candidate: { version: string; metrics: Record<string, number | null> };
}

/** An API answer other than 2xx, with the server's one-line {"error": "..."} when it sent one. */
export class ApiError extends Error {
  constructor(readonly status: number, message: string) { super(message); }
}

async function answer<T>(r: Response, what: string): Promise<T> {
  if (r.status === 401) {
    // The session ended: back to the login page, coming back here afterwards.
    location.href = "/login?next=" + encodeURIComponent(location.pathname + location.search);
    throw new ApiError(401, "not signed in");
  }
  if (!r.ok) {
    let message = `${what}: HTTP ${r.status}`;
    try {
      const body = await r.json() as { error?: string };
      if (body && typeof body.error === "string") message = `${what}: ${body.error}`;
    } catch { /* not JSON */ }
    throw new ApiError(r.status, message);
  }
  return await r.json() as T;
}

export async function get<T>(url: string): Promise<T> {
  const r = await fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } });
  return answer<T>(r, "GET " + url.split("?")[0]);
}

/** The vigil_csrf cookie's value (empty when there is none). */
export function csrfToken(): string {
  for (const part of document.cookie.split(";")) {
    const [k, ...v] = part.trim().split("=");
    if (k === "vigil_csrf") return decodeURIComponent(v.join("="));
  }
  return "";
}

export async function send<T>(method: "POST" | "DELETE", url: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { Accept: "application/json", "X-Vigil-CSRF": csrfToken() };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const r = await fetch(url, { method, credentials: "same-origin", headers, body: body === undefined ? undefined : JSON.stringify(body) });
  return answer<T>(r, `${method} ${url}`);
}

export const enc = encodeURIComponent;

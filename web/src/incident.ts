// The incident page (/incidents/{id}): header, timeline, evidence with links into the model view, and the actions
// (acknowledge, assign, note, resolve, silence a monitor), which need the admin scope.
import { get, send, enc, Incident, Alert, AlertList, Session } from "./api";
import { h, clear, num, time, since, severity, errorBox } from "./dom";
import { currentSession } from "./header";

interface Event { at: string; kind: string; icon: string; text: (Node | string)[] }

const DURATIONS = ["30m", "1h", "2h", "4h", "8h", "24h", "7d"];

export function incidentPage(app: HTMLElement, id: number): void {
  document.title = `Incident #${id} · Vigil`;
  const head = h("div.incident-head");
  const actions = h("section.panel.actions", { "data-testid": "actions" });
  const timeline = h("section.panel", { "data-testid": "timeline" });
  const evidence = h("section.panel", { "data-testid": "evidence" });
  // Kept across redraws, so an action's outcome stays on screen after the incident is drawn again.
  const message = h("div", { "data-testid": "incident-message", "aria-live": "polite" });
  clear(app, head, h("div.cols", null, h("div.main", null, evidence, timeline), h("aside", null, actions)));

  let incident: Incident | null = null;
  let alerts: Alert[] = [];
  let session: Session | null = null;

  async function load(): Promise<void> {
    try {
      const [i, list, s] = await Promise.all([get<Incident>(`/v1/incidents/${id}`), get<AlertList>("/v1/alerts"), currentSession()]);
      incident = i;
      session = s;
      const keys = new Set(i.alerts);
      alerts = [...list.active, ...list.resolved].filter((a) => keys.has(a.key));
      render();
    } catch (e) {
      clear(head, h("h1", null, `Incident #${id}`), errorBox((e as Error).message));
    }
  }

  function render(): void {
    const i = incident!;
    document.title = `#${i.id} ${i.model} · Vigil`;
    clear(head,
      h("h1", null, h("a.crumb", { href: "/" }, "Fleet"), " / ", h("a.crumb", { href: "/models/" + enc(i.model) }, i.model), " / ", `Incident #${i.id}`),
      h("div.facts", null,
        fact("Severity", severity(i.severity)),
        fact("State", h("span.state", { class: "state-" + i.state, "data-testid": "incident-state" }, i.state)),
        fact("Model", h("a", { href: "/models/" + enc(i.model) }, i.model)),
        fact("Opened", h("span", { title: since(i.opened_at) }, time(i.opened_at))),
        fact("Acknowledged", time(i.acknowledged_at)),
        fact("Resolved", time(i.resolved_at)),
        fact("Assignee", h("span", { "data-testid": "incident-assignee" }, i.assignee ?? "nobody")),
        fact("Firing", i.firing.length ? `${i.firing.length} of ${i.alerts.length} alerts` : `none of ${i.alerts.length} alerts`)));
    renderEvidence(evidence, i, alerts);
    renderTimeline(timeline, i, alerts);
    renderActions(actions, message, i, alerts, session, (next) => { if (next) { incident = next; render(); } void load(); });
  }
  void load();
}

function fact(label: string, value: Node | string): HTMLElement {
  return h("div.fact", null, h("div.k", null, label), h("div.v", null, value));
}

/** The model view around an alert: an hour before it fired to an hour after it resolved (or now). */
function modelLink(a: Alert): string {
  const start = new Date(a.fired_at ?? a.since).getTime() - 3600_000;
  const end = Math.min(Date.now(), (a.resolved_at ? new Date(a.resolved_at).getTime() : Date.now()) + 3600_000);
  const iso = (t: number) => new Date(t).toISOString().replace(/\.\d{3}Z$/, "Z");
  return `/models/${enc(a.model)}?from=${enc(iso(start))}&to=${enc(iso(end))}`;
}

function renderEvidence(el: HTMLElement, i: Incident, alerts: Alert[]): void {
  clear(el, h("h2", null, "Evidence"),
    alerts.length === 0 ? h("p.muted", null, `The incident's alerts (${i.alerts.join(", ")}) are no longer in /v1/alerts.`) :
      h("table.data", { "data-testid": "evidence-table" },
        h("thead", null, h("tr", null, ["alert", "state", "value", "condition", "drift", "fired", ""].map((t) => h("th", null, t)))),
        h("tbody", null, alerts.map((a) => h("tr", { "data-testid": "evidence-row", "data-alert": a.key },
          h("td.nowrap", null, severity(a.severity), " ", h("b", null, a.monitor)),
          h("td", null, a.state),
          h("td.num", null, num(a.value, 4), a.estimate ? h("div.sub", null, `estimated ${a.estimate.metric} ${num(a.estimate.value)} [${num(a.estimate.lower)}, ${num(a.estimate.upper)}]`) : null),
          h("td", null, a.condition, a.threshold !== null ? h("div.sub", null, "threshold " + num(a.threshold)) : null),
          h("td", null, a.feature ? [h("b", null, a.feature), ` ${a.statistic ?? ""}`,
            h("div.sub", null, a.importance !== null ? `importance ${num(a.importance, 2)}` : "", a.performance_moved !== null ? ` · performance ${a.performance_moved ? "moved" : "held"}` : "")] : "–"),
          h("td.nowrap", null, time(a.fired_at ?? a.since), a.resolved_at ? h("div.sub", null, "resolved " + time(a.resolved_at)) : null),
          h("td.nowrap", null, h("a", { href: modelLink(a), "data-testid": "evidence-link" }, "model view →")))))));
}

function renderTimeline(el: HTMLElement, i: Incident, alerts: Alert[]): void {
  const ev: Event[] = [{ at: i.opened_at, kind: "opened", icon: "●", text: ["Incident opened"] }];
  for (const a of alerts) {
    if (a.fired_at) ev.push({ at: a.fired_at, kind: "fired", icon: "▲", text: [`Alert fired: `, h("b", null, a.monitor), ` ${a.severity}, value ${num(a.value, 4)} (${a.condition})`] });
    if (a.resolved_at) ev.push({ at: a.resolved_at, kind: "cleared", icon: "✓", text: [`Alert resolved: `, h("b", null, a.monitor)] });
  }
  const byKey = new Map(alerts.map((a) => [a.key, a.monitor]));
  for (const n of i.notifications) {
    const ok = n.status === "delivered";
    ev.push({ at: n.at, kind: ok ? "sent" : "failed", icon: ok ? "✉" : "✖", text: [
      `${n.event} sent to `, h("b", null, n.notifier), ` (${n.type}) for ${byKey.get(n.alert) ?? n.alert}: `,
      h("span", { class: ok ? "ok-text" : "bad-text" }, n.status), n.attempts > 1 ? ` after ${n.attempts} attempts` : "", n.error ? ` · ${n.error}` : ""] });
  }
  // Acting on an incident leaves a note ("acknowledged", "assigned to ana", "resolved[: why]"), which dates the act.
  let acked = false, resolved = false;
  for (const n of i.notes) {
    if (n.text === "acknowledged") { acked = true; ev.push({ at: n.at, kind: "ack", icon: "◆", text: ["Acknowledged by ", h("b", null, n.author)] }); }
    else if (n.text.startsWith("assigned to ")) ev.push({ at: n.at, kind: "assign", icon: "→", text: ["Assigned to ", h("b", null, n.text.slice(12)), " by ", n.author] });
    else if (n.text === "resolved" || n.text.startsWith("resolved: ")) { resolved = true; ev.push({ at: n.at, kind: "resolved", icon: "✓", text: ["Incident resolved by ", h("b", null, n.author), n.text.slice(8) ? " — " + n.text.slice(10) : ""] }); }
    else ev.push({ at: n.at, kind: "note", icon: "✎", text: [h("b", null, n.author), ": ", n.text] });
  }
  if (i.acknowledged_at && !acked) ev.push({ at: i.acknowledged_at, kind: "ack", icon: "◆", text: ["Acknowledged"] });
  if (i.resolved_at && !resolved) ev.push({ at: i.resolved_at, kind: "resolved", icon: "✓", text: ["Incident resolved"] });
  ev.sort((a, b) => a.at.localeCompare(b.at));
  clear(el, h("h2", null, "Timeline"),
    h("ol.timeline", null, ev.map((e) => h("li", { class: "ev-" + e.kind, "data-testid": "timeline-event", "data-kind": e.kind },
      h("span.ti", { "aria-hidden": "true" }, e.icon), h("time", { datetime: e.at }, time(e.at)), h("span.tx", null, e.text)))),
    null);
}

function renderActions(el: HTMLElement, msg: HTMLElement, i: Incident, alerts: Alert[], session: Session | null, done: (next: Incident | null) => void): void {
  const canAct = session?.can_act === true;
  const busy = (b: HTMLButtonElement, on: boolean) => { b.disabled = on || !canAct; };
  const act = async (b: HTMLButtonElement, action: string, body?: unknown) => {
    busy(b, true);
    clear(msg);
    try {
      const next = await send<Incident>("POST", `/v1/incidents/${i.id}/${action}`, body);
      const said: Record<string, string> = { acknowledge: "Acknowledged", resolve: "Resolved", assign: "Assigned", notes: "Note added" };
      clear(msg, h("p.ok-text", null, `✓ ${said[action] ?? action}`));
      done(next);
    } catch (e) {
      clear(msg, errorBox((e as Error).message));
      busy(b, false);
    }
  };
  const dis = !canAct || undefined;
  const resolved = i.state === "resolved";
  const ack = h("button", { type: "button", "data-testid": "action-acknowledge", disabled: dis || i.state !== "open" || undefined }, "Acknowledge");
  ack.addEventListener("click", () => void act(ack, "acknowledge"));
  const res = h("button", { type: "button", "data-testid": "action-resolve", disabled: dis || resolved || undefined }, "Resolve");
  res.addEventListener("click", () => void act(res, "resolve"));
  const who = h("input", { type: "text", placeholder: "name", value: i.assignee ?? "", "data-testid": "assignee-input", "aria-label": "Assignee", disabled: dis });
  const assign = h("button", { type: "button", "data-testid": "action-assign", disabled: dis }, "Assign");
  assign.addEventListener("click", () => { if (who.value.trim()) void act(assign, "assign", { assignee: who.value.trim() }); });
  const note = h("textarea", { rows: 3, placeholder: "What you found or did", "data-testid": "note-input", "aria-label": "Note", disabled: dis });
  const addNote = h("button", { type: "button", "data-testid": "action-note", disabled: dis }, "Add note");
  // The server's action is "notes" (Vigil.Monitoring's Incidents.Act), though docs/dashboard.md wrote "note".
  addNote.addEventListener("click", () => { if (note.value.trim()) void act(addNote, "notes", { text: note.value.trim() }); });

  const monitors = [...new Set(alerts.map((a) => a.monitor))];
  const mon = h("select", { "data-testid": "silence-monitor", "aria-label": "Monitor", disabled: dis },
    monitors.map((m) => h("option", { value: m }, m)), h("option", { value: "" }, `every monitor of ${i.model}`));
  const dur = h("select", { "data-testid": "silence-duration", "aria-label": "Duration", disabled: dis }, DURATIONS.map((d) => h("option", { value: d }, d)));
  dur.value = "2h";
  const reason = h("input", { type: "text", placeholder: "reason (required)", "data-testid": "silence-reason", "aria-label": "Reason", disabled: dis });
  const silence = h("button", { type: "button", "data-testid": "action-silence", disabled: dis }, "Silence");
  silence.addEventListener("click", async () => {
    if (!reason.value.trim()) { clear(msg, errorBox("A silence needs a reason.")); return; }
    busy(silence, true);
    clear(msg);
    try {
      const body: Record<string, string> = { model: i.model, duration: dur.value, comment: reason.value.trim() };
      if (mon.value) body.monitor = mon.value;
      const s = await send<{ id: number; ends_at: string }>("POST", "/v1/silences", body);
      clear(msg, h("p.ok-text", null, `✓ Silence #${s.id} until ${time(s.ends_at)}`));
      reason.value = "";
    } catch (e) {
      clear(msg, errorBox((e as Error).message));
    }
    busy(silence, false);
  });

  clear(el, h("h2", null, "Actions"),
    canAct ? null : h("p.note", { "data-testid": "read-only" }, session ? `Signed in as ${session.name} (read only): acting on an incident needs a key with the admin scope.` : "Could not tell who is signed in; the actions are disabled."),
    msg,
    h("div.actrow", null, ack, res),
    h("div.field", null, h("label", null, "Assign to"), h("div.inline", null, who, assign)),
    h("div.field", null, h("label", null, "Note"), note, addNote),
    h("div.field", null, h("label", null, "Silence a monitor"), mon, h("div.inline", null, h("span", null, "for"), dur), reason, silence));
}

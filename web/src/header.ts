// The header on every page: Vigil, the fleet link, the signed-in key's name and logout.
import { get, send, Session } from "./api";
import { h, clear } from "./dom";

let session: Promise<Session | null> | null = null;

/** The signed-in key (null when /v1/session cannot say), fetched once per page. */
export function currentSession(): Promise<Session | null> {
  session ??= get<Session>("/v1/session").catch(() => null);
  return session;
}

export async function renderHeader(top: HTMLElement): Promise<void> {
  const who = h("span.who", { "data-testid": "session-name" }, "");
  const logout = h("button.link", {
    type: "button", "data-testid": "logout",
    onclick: async () => {
      try { await send("POST", "/logout"); } catch { /* the session is gone either way */ }
      location.href = "/login";
    },
  }, "Log out");
  clear(top,
    h("a.brand", { href: "/" }, h("span.logo", { "aria-hidden": "true" }, "◉"), " Vigil"),
    h("nav", null, h("a", { href: "/", "data-testid": "nav-fleet" }, "Fleet")),
    h("div.spacer"),
    who, logout);
  const s = await currentSession();
  who.textContent = s ? `${s.name}${s.can_act ? "" : " (read only)"}` : "";
}

// One bundle for every page: the path picks the page (the server answers the same shell for each).
import "./style.css";
import { renderHeader } from "./header";
import { h, clear } from "./dom";
import { fleetPage } from "./fleet";
import { modelPage } from "./model";
import { incidentPage } from "./incident";

function route(): void {
  const app = document.getElementById("app")!;
  const path = location.pathname;
  let m: RegExpMatchArray | null;
  if (path === "/" || path === "") fleetPage(app);
  else if ((m = path.match(/^\/models\/([^/]+)\/?$/))) modelPage(app, decodeURIComponent(m[1]));
  else if ((m = path.match(/^\/incidents\/(\d+)\/?$/))) incidentPage(app, Number(m[1]));
  else clear(app, h("h1", null, "Not found"), h("p", null, "No page at ", h("code", null, path), ". ", h("a", { href: "/" }, "Back to the fleet")));
}

document.addEventListener("DOMContentLoaded", () => {
  void renderHeader(document.getElementById("top")!);
  route();
});

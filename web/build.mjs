// Bundles web/src into web/dist: app-[hash].js and app-[hash].css (minified), and index.html naming them.
// The server embeds web/dist and serves the hashed files with a year-long cache, index.html with none.
import * as esbuild from "esbuild";
import { readFileSync, writeFileSync, rmSync, mkdirSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { createHash } from "node:crypto";
import { fileURLToPath } from "node:url";

const root = dirname(fileURLToPath(import.meta.url));
const dist = join(root, "dist");
rmSync(dist, { recursive: true, force: true });
mkdirSync(dist, { recursive: true });

const result = await esbuild.build({
  entryPoints: { app: join(root, "src/main.ts") },
  bundle: true,
  minify: true,
  sourcemap: false,
  target: ["es2020"],
  format: "iife",
  outdir: dist,
  entryNames: "[name]-[hash]",
  metafile: true,
  legalComments: "none",
  logLevel: "warning",
});

const outputs = Object.keys(result.metafile.outputs).map((p) => basename(p));
const js = outputs.find((f) => f.endsWith(".js"));
const css = outputs.find((f) => f.endsWith(".css"));
if (!js || !css) throw new Error(`build: expected one .js and one .css output, got ${outputs.join(", ")}`);
// The icon, named by its content's hash like the bundle (the server caches hashed names for a year).
const icon = readFileSync(join(root, "src/favicon.svg"));
const iconName = `favicon-${createHash("sha256").update(icon).digest("hex").slice(0, 8).toUpperCase()}.svg`;
writeFileSync(join(dist, iconName), icon);
const shell = readFileSync(join(root, "src/index.html"), "utf8").replace("{{APP_JS}}", js).replace("{{APP_CSS}}", css).replace("{{ICON}}", iconName);
writeFileSync(join(dist, "index.html"), shell);
console.log(`web: built ${js}, ${css}, ${iconName}, index.html`);

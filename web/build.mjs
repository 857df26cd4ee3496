// Bundles web/src into web/dist: app-[hash].js and app-[hash].css (minified), and index.html naming them.
// The server embeds web/dist and serves the hashed files with a year-long cache, index.html with none.
import * as esbuild from "esbuild";
import { readFileSync, writeFileSync, rmSync, mkdirSync } from "node:fs";
import { basename, dirname, join } from "node:path";
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
const shell = readFileSync(join(root, "src/index.html"), "utf8").replace("{{APP_JS}}", js).replace("{{APP_CSS}}", css);
writeFileSync(join(dist, "index.html"), shell);
console.log(`web: built ${js}, ${css}, index.html`);

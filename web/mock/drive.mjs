// A development check (not part of the build or the tests): drives headless Chromium over the DevTools protocol
// through a list of steps against a running server (the mock or vigil serve), prints the console and CSP messages,
// and takes screenshots.   node --experimental-websocket mock/drive.mjs http://127.0.0.1:5090 steps.json
// A step: {"go": "/path"} | {"eval": "js expression"} (its value is printed) | {"wait": ms} | {"shot": "/tmp/x.png"}
//         | {"cookie": {"name": ..., "value": ...}} | {"headers": {"Authorization": "Bearer KEY"}} (every request)
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";

const [base, stepsFile] = process.argv.slice(2);
const steps = JSON.parse(readFileSync(stepsFile, "utf8"));
const port = 9300 + Math.floor(Math.random() * 500);
const chrome = spawn("chromium", ["--headless", "--no-sandbox", "--disable-gpu", `--remote-debugging-port=${port}`, "--window-size=1400,1000", "about:blank"], { stdio: "ignore" });
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
let ws;
try {
  let target;
  for (let i = 0; i < 100 && !target; i++) {
    await sleep(200);
    try { target = (await (await fetch(`http://127.0.0.1:${port}/json/list`)).json()).find((t) => t.type === "page"); } catch { /* not up yet */ }
  }
  ws = new WebSocket(target.webSocketDebuggerUrl);
  await new Promise((r) => ws.addEventListener("open", r));
  let id = 0;
  const pending = new Map();
  ws.addEventListener("message", (e) => {
    const m = JSON.parse(e.data);
    if (m.id && pending.has(m.id)) { pending.get(m.id)(m); pending.delete(m.id); }
    else if (m.method === "Runtime.consoleAPICalled") console.log("console." + m.params.type + ":", m.params.args.map((a) => a.value ?? a.description).join(" "));
    else if (m.method === "Runtime.exceptionThrown") console.log("EXCEPTION:", m.params.exceptionDetails.exception?.description ?? m.params.exceptionDetails.text);
    else if (m.method === "Log.entryAdded") console.log("log." + m.params.entry.level + ":", m.params.entry.text);
  });
  const send = (method, params = {}) => new Promise((r) => { const i = ++id; pending.set(i, r); ws.send(JSON.stringify({ id: i, method, params })); });
  await send("Runtime.enable"); await send("Log.enable"); await send("Page.enable"); await send("Network.enable");
  await send("Emulation.setDeviceMetricsOverride", { width: 1400, height: 1000, deviceScaleFactor: 1, mobile: false });
  for (const s of steps) {
    if (s.go) { await send("Page.navigate", { url: base + s.go }); await sleep(s.ms ?? 1500); }
    else if (s.cookie) await send("Network.setCookie", { ...s.cookie, url: base });
    else if (s.headers) await send("Network.setExtraHTTPHeaders", { headers: s.headers });
    else if (s.eval) {
      const r = await send("Runtime.evaluate", { expression: s.eval, awaitPromise: true, returnByValue: true });
      console.log("eval:", s.label ?? s.eval.slice(0, 60), "=>", JSON.stringify(r.result?.result?.value ?? r.result?.exceptionDetails?.exception?.description ?? null));
      await sleep(s.ms ?? 300);
    } else if (s.wait) await sleep(s.wait);
    else if (s.shot) {
      const full = s.full ? await send("Page.getLayoutMetrics") : null;
      if (full) await send("Emulation.setDeviceMetricsOverride", { width: 1400, height: Math.ceil(full.result.cssContentSize.height), deviceScaleFactor: 1, mobile: false });
      const r = await send("Page.captureScreenshot", { format: "png" });
      (await import("node:fs")).writeFileSync(s.shot, Buffer.from(r.result.data, "base64"));
      if (full) await send("Emulation.setDeviceMetricsOverride", { width: 1400, height: 1000, deviceScaleFactor: 1, mobile: false });
      console.log("shot:", s.shot);
    }
  }
} finally {
  ws?.close();
  chrome.kill();
}

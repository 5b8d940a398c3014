// What the browser tests share: a real heard-server on 127.0.0.1 port 0
// with real TLS serving the built page, Debian's Chromium driven by
// playwright-core (no browser is downloaded), the terminal client `heard`
// in line mode, and waits with deadlines (never sleeps). Paths come from
// ctest's environment (web/CMakeLists.txt).
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { request } from "node:https";
import { chromium } from "playwright-core";

export const env = (name) => {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set: run the browser tests through ctest`);
  return v;
};

export const DEADLINE_MS = 15_000;
export const artifacts = () => {
  const dir = env("HEARD_ARTIFACTS");
  mkdirSync(dir, { recursive: true });
  return dir;
};

/** Resolves with the first line of `stream` that `match` accepts, or rejects at the deadline. */
function waitLine(child, match, what, deadline = DEADLINE_MS) {
  return new Promise((resolve, reject) => {
    let buffer = "";
    const timer = setTimeout(() => reject(new Error(`no "${what}" within ${deadline} ms; output:\n${buffer}`)), deadline);
    const onData = (chunk) => {
      buffer += chunk.toString();
      for (const line of buffer.split("\n")) {
        const m = match(line);
        if (m) {
          clearTimeout(timer);
          child.stdout.off("data", onData);
          resolve(m);
          return;
        }
      }
    };
    child.stdout.on("data", onData);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`exited (${code}) before "${what}"; output:\n${buffer}`));
    });
  });
}

/** A heard-server on `port` (0: a free one) serving `webRoot` (null: no page); stop() ends it. */
export async function startServer({ webRoot = env("HEARD_WEB_ROOT"), args = [], port: wanted = 0 } = {}) {
  const certs = env("HEARD_TEST_CERT_DIR");
  const dir = mkdtempSync(join(tmpdir(), "heard-web-"));
  const log = join(dir, "server.log");
  const child = spawn(
    env("HEARD_SERVER_BIN"),
    [
      ...["--port", String(wanted), "--threads", "2", "--cert", join(certs, "server.crt"), "--key", join(certs, "server.key")],
      ...(webRoot ? ["--web-root", webRoot] : []),
      ...["--log-level", "debug", ...args],
    ],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  let stderr = "";
  child.stderr.on("data", (c) => (stderr += c.toString()));
  const port = await waitLine(child, (l) => l.match(/heard-server listening on .*:(\d+)\s*$/)?.[1], "heard-server listening on").catch((e) => {
    throw new Error(`${e.message}\nstderr:\n${stderr}`);
  });
  return {
    port: Number(port),
    origin: `https://localhost:${port}`,
    log: () => stderr,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGTERM");
      await exited;
      writeFileSync(log, stderr);
    },
  };
}

// As the platform notes say: without these, Chromium's own background
// requests are refused by the closed network, many at a time.
const CHROMIUM_FLAGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--disable-dev-shm-usage",
];

export async function launchBrowser() {
  return chromium.launch({ executablePath: process.env.HEARD_CHROMIUM ?? "/usr/bin/chromium", args: CHROMIUM_FLAGS, headless: true });
}

/** A fresh browser profile (its own storage) on the server's page; the test's flag trusts the dev CA. */
export async function openPage(browser, server, { viewport = { width: 1280, height: 800 }, path = "/", colorScheme = "light", initScript } = {}) {
  const context = await browser.newContext({ ignoreHTTPSErrors: true, viewport, reducedMotion: "reduce", colorScheme });
  if (initScript) await context.addInitScript(initScript);
  const page = await context.newPage();
  const problems = [];
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  page.on("console", (m) => {
    if (m.type() === "error") problems.push(`console: ${m.text()}`);
  });
  page.problems = problems;
  // Everything the page asks for: it must all be this server's.
  page.requests = [];
  page.on("request", (r) => page.requests.push(r.url()));
  page.on("websocket", (ws) => page.requests.push(ws.url()));
  await page.goto(`${server.origin}${path}`);
  return page;
}

/** Waits until the page's headline is `text` (or matches it). */
export async function headline(page, text, timeout = DEADLINE_MS) {
  const h = page.locator("#headline");
  await h.filter({ hasText: text }).waitFor({ timeout }).catch(async (e) => {
    throw new Error(`headline never became ${text}; it is "${await h.textContent().catch(() => "?")}"\n${e.message}`);
  });
}

const AXE_SOURCE = readFileSync(join(env("HEARD_SOURCE_DIR"), "web", "node_modules", "axe-core", "axe.min.js"), "utf8");

/**
 * A phase as people see it: a screenshot into the artifacts, and axe-core's
 * WCAG 2.1 AA rules, failing on any serious or critical violation.
 */
export async function screenshot(page, name) {
  await page.screenshot({ path: join(artifacts(), `${name}.png`), fullPage: true });
  // Nothing wider than the window, at any width down to 320 px (or 200 % zoom of 640).
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  if (overflow > 0) throw new Error(`"${name}" is ${overflow} px wider than its ${page.viewportSize().width} px window`);
  // Evaluated through the DevTools protocol, which the page's CSP does not govern.
  if (!(await page.evaluate(() => typeof window.axe !== "undefined"))) await page.evaluate(AXE_SOURCE);
  const result = await page.evaluate(() =>
    window.axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"] } }),
  );
  const bad = result.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  if (bad.length > 0) {
    const report = bad.map((v) => `${v.impact} ${v.id}: ${v.help}\n  ${v.nodes.map((n) => n.target.join(" ")).join("\n  ")}`).join("\n");
    throw new Error(`axe-core found serious or critical problems on "${name}":\n${report}`);
  }
}

/** Starts a session in a browser page; returns the invite code(s) shown. */
export async function startIn(page, name, { guided = false, spoken = false, topic = "", speakLimitS = 0 } = {}) {
  await page.fill("#name", name);
  if (spoken) await page.selectOption("#mode", "spoken");
  if (guided) await page.check("#guided");
  if (topic) await page.fill("#topic", topic);
  if (speakLimitS) {
    await page.click("details.more > summary");
    await page.fill("#speak-limit", String(speakLimitS));
  }
  await page.click("#start button[type=submit]");
  const codes = page.locator(".invite .code");
  await codes.first().waitFor({ timeout: DEADLINE_MS });
  return codes.allTextContents();
}

export async function joinIn(page, name, code) {
  await page.fill("#name", name);
  await page.fill("#code", code);
  await page.click("#join button[type=submit]");
}

/** Compares the two safety codes as people would, and marks them compared. */
export async function compareCodes(...pages) {
  const codes = [];
  for (const p of pages) {
    await p.locator("#safety-code").waitFor({ timeout: DEADLINE_MS });
    codes.push(await p.locator("#safety-code").textContent());
  }
  for (const p of pages) await p.click("#compared");
  return codes;
}

/** The text of the last entry of the conversation. */
export const lastEntry = (page) => page.locator("#history > li").last().innerText();


/** `heard` in line mode, as a script or a screen reader uses it: lines in, one line per event out. */
export class Terminal {
  constructor(args, server) {
    const home = mkdtempSync(join(tmpdir(), "heard-term-"));
    this.lines = [];
    this.waiters = [];
    this.child = spawn(
      env("HEARD_CLIENT_BIN"),
      [...args, "--plain", "--server", `wss://localhost:${server.port}`, "--ca", join(env("HEARD_TEST_CERT_DIR"), "ca.crt")],
      { stdio: ["pipe", "pipe", "pipe"], env: { ...process.env, HOME: home, XDG_STATE_HOME: join(home, "state") } },
    );
    let partial = "";
    const take = (chunk) => {
      partial += chunk.toString();
      const parts = partial.split("\n");
      partial = parts.pop();
      for (const line of parts) {
        this.lines.push(line);
        this.waiters = this.waiters.filter((w) => !w(line));
      }
    };
    this.child.stdout.on("data", take);
    this.child.stderr.on("data", take);
    this.exited = new Promise((r) => this.child.once("exit", (code) => r(code)));
  }

  /** The first line (already printed or to come) matching `re`, within the deadline. */
  waitFor(re, timeout = DEADLINE_MS) {
    const seen = this.lines.find((l) => re.test(l));
    if (seen !== undefined) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`heard printed no line matching ${re} within ${timeout} ms:\n${this.lines.join("\n")}`)), timeout);
      this.waiters.push((line) => {
        if (!re.test(line)) return false;
        clearTimeout(timer);
        resolve(line);
        return true;
      });
    });
  }

  send(line) {
    this.child.stdin.write(`${line}\n`);
  }

  async stop() {
    if (this.child.exitCode === null) this.child.kill("SIGTERM");
    return this.exited;
  }
}

/** A server and a browser for one test, both stopped at its end whatever happened. */
export async function withServerAndBrowser(run, serverOptions = {}) {
  const server = await startServer(serverOptions);
  const browser = await launchBrowser();
  try {
    return await run({ server, browser });
  } finally {
    await browser.close();
    await server.stop();
  }
}

/**
 * Two partners in two browser profiles: Alex starts (with `start`'s options),
 * Sam joins with the code as `typed` turns it, both compare the safety code,
 * and, with `ready`, both say now is a good time. `initScripts[i]` runs in
 * the i-th page before its own scripts (a browser's behaviour to emulate).
 */
export async function pairUp(browser, site, { names = ["Alex", "Sam"], ready = true, typed = (c) => c, viewport, colorScheme, initScripts = [], ...start } = {}) {
  const alex = await openPage(browser, site, { viewport, colorScheme, initScript: initScripts[0] });
  const sam = await openPage(browser, site, { viewport, colorScheme, initScript: initScripts[1] });
  for (const p of [alex, sam]) p.setDefaultTimeout(DEADLINE_MS);
  const [code] = await startIn(alex, names[0], start);
  await joinIn(sam, names[1], typed(code));
  const codes = await compareCodes(alex, sam);
  if (ready) {
    await alex.click("#ready");
    await sam.click("#ready");
  }
  return { alex, sam, code, codes };
}

/** Speaks, says it back, and judges one floor: `speaker` writes `words`, `listener` says `back`, the speaker finds it accurate. */
export async function playRound(speaker, listener, words, back) {
  await headline(speaker, /Your turn to speak/);
  await speaker.fill("#words", words);
  await speaker.click("#done");
  await headline(listener, /say back what you heard/);
  await listener.fill("#words", back);
  await listener.click("#done");
  await headline(speaker, /Was that what you meant\?/);
  await speaker.click("button[data-verdict=accurate_done]");
}

/** Answers the check-in: three scores from 1 to 5, optional words, shared with a counselor or not. */
export async function answerCheckIn(page, [safe, judged, invested], words = "", share = false) {
  await page.locator("#check-in").waitFor();
  for (const [name, value] of [
    ["feltSafe", safe],
    ["couldSayAnything", judged],
    ["partnerInvested", invested],
  ]) {
    await page.check(`input[name=${name}][value="${value}"]`);
  }
  if (words) await page.fill("#check-in-words", words);
  if (share) await page.check("#share-words");
  await page.click("#send-check-in");
}

/** GET `path` from 127.0.0.1:`port` over TLS (the dev certificate, not checked): status, headers and body. */
export function httpsGet(port, path, headers = {}) {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path, headers, rejectUnauthorized: false, servername: "localhost" }, (res) => {
      let body = "";
      res.on("data", (c) => (body += c));
      res.on("end", () => resolve({ status: res.statusCode, headers: res.headers, body }));
    });
    req.on("error", reject);
    req.end();
  });
}

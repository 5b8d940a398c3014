// The same page served by deploy/nginx/heard.conf (run as shipped, only its
// addresses and paths replaced) in front of a heard-server node: the same
// files with the same headers as heard-server's own, and two browsers on
// nginx's origin meet and take a turn through it.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { env, headline, httpsGet, launchBrowser, pairUp, startServer, DEADLINE_MS } from "./harness.mjs";

const NGINX = "/usr/sbin/nginx";

function freePort() {
  return new Promise((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}


async function eventually(probe, deadline = DEADLINE_MS) {
  const until = Date.now() + deadline;
  while (!(await probe())) {
    if (Date.now() > until) throw new Error(`nginx did not listen within ${deadline} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

function shippedConfig({ port, node, dir }) {
  const certs = env("HEARD_TEST_CERT_DIR");
  let conf = readFileSync(join(env("HEARD_SOURCE_DIR"), "deploy", "nginx", "heard.conf"), "utf8");
  const servers = conf.match(/^ {4}server 10\.[^\n]*\n/gm) ?? [];
  assert.ok(servers.length > 0, "the shipped upstream lists its nodes");
  conf = conf.replace(servers.join(""), `    server 127.0.0.1:${node} max_fails=0;\n`);
  const swaps = [
    ["listen 443 ssl;", `listen 127.0.0.1:${port} ssl;`],
    ["    listen [::]:443 ssl;\n", ""],
    ["/etc/nginx/tls/heard-fullchain.pem", join(certs, "server.crt")],
    ["/etc/nginx/tls/heard.key", join(certs, "server.key")],
    ["/etc/nginx/tls/nodes-ca.crt", join(certs, "ca.crt")],
    ["heard-node.internal", "localhost"],
    ["access_log /var/log/nginx/heard.access.log;", `access_log ${join(dir, "access.log")};`],
    ["root /usr/share/heard/web;", `root ${env("HEARD_WEB_ROOT")};`],
  ];
  for (const [from, to] of swaps) {
    assert.ok(conf.includes(from), `the shipped file has "${from.trim()}"`);
    conf = conf.replace(from, to);
  }
  const temp = join(dir, "temp");
  mkdirSync(temp, { recursive: true });
  const paths = ["client_body", "proxy", "fastcgi", "uwsgi", "scgi"].map((p) => `  ${p}_temp_path ${join(temp, p)};`).join("\n");
  // As root (CI), workers would run as nobody, who may not read a build tree under a private /tmp.
  const user = process.getuid?.() === 0 ? "user root;\n" : "";
  return `${user}worker_processes 1;\ndaemon off;\npid ${join(dir, "nginx.pid")};\nerror_log ${join(dir, "error.log")};\n` +
    `events { worker_connections 256; }\nhttp {\n  include /etc/nginx/mime.types;\n${paths}\n${conf}}\n`;
}

test("deploy/nginx/heard.conf serves the same page, and sessions work through it", async () => {
  const node = await startServer({ webRoot: null, args: ["--trusted-proxy", "127.0.0.1", "--proxy-header", "x-forwarded-for"] });
  const own = await startServer();
  const dir = mkdtempSync(join(tmpdir(), "heard-nginx-"));
  const port = await freePort();
  const config = join(dir, "nginx.conf");
  writeFileSync(config, shippedConfig({ port, node: node.port, dir }));
  const check = spawnSync(NGINX, ["-t", "-c", config], { encoding: "utf8" });
  assert.equal(check.status, 0, `${check.stderr}\n${readFileSync(config, "utf8")}`);
  const nginx = spawn(NGINX, ["-c", config], { stdio: "ignore" });
  const browser = await launchBrowser();
  try {
    // nginx gives no sign of listening but listening: poll with a deadline, as the C++ tests do.
    await eventually(() => httpsGet(port, "/healthz-of-nginx").then(() => true, () => false));
    for (const path of ["/", "/app.js", "/app.css", "/icon.svg"]) {
      const [viaNginx, viaHeard] = [await httpsGet(port, path), await httpsGet(own.port, path)];
      assert.equal(viaNginx.status, 200, `${path}: nginx says\n${readFileSync(join(dir, "error.log"), "utf8")}`);
      assert.equal(viaNginx.body, viaHeard.body, `${path}: the same file`);
      for (const h of ["content-security-policy", "x-content-type-options", "referrer-policy", "cross-origin-opener-policy", "cross-origin-resource-policy", "permissions-policy"]) {
        assert.equal(viaNginx.headers[h], viaHeard.headers[h], `${path}: ${h}`);
      }
      assert.equal(viaNginx.headers["content-type"].split(";")[0], viaHeard.headers["content-type"].split(";")[0], `${path}: content type`);
    }

    const { alex, sam } = await pairUp(browser, { origin: `https://localhost:${port}`, port });
    await headline(alex, /Your turn to speak/);
    await alex.fill("#words", "Through the balancer.");
    await alex.click("#done");
    await headline(sam, /say back what you heard/);
    assert.match(await sam.locator("#history").innerText(), /Alex said:\s*Through the balancer\./);
    assert.deepEqual([...alex.problems, ...sam.problems], []);
    // The page connects only to where it came from: nginx.
    assert.ok(alex.requests.some((u) => u.startsWith(`wss://localhost:${port}/v2/`)), alex.requests.join("\n"));
  } finally {
    await browser.close();
    nginx.kill("SIGTERM");
    await node.stop();
    await own.stop();
  }
});

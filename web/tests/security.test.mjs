// The page's promises about itself: the security headers on every file, no
// inline script anywhere, people's words and names shown as text (never
// markup) under that policy, no request to anyone but this server, and a
// page of another origin refused at the WebSocket upgrade.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connect } from "node:tls";
import { env, headline, httpsGet, joinIn, openPage, pairUp, startServer, withServerAndBrowser } from "./harness.mjs";

const CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; " +
  "manifest-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";


/** The status line the server answers a WebSocket upgrade with. */
function upgradeStatus(server, origin) {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: "127.0.0.1", port: server.port, servername: "localhost", rejectUnauthorized: false }, () => {
      socket.write(
        `GET /v2/7KQ2 HTTP/1.1\r\nHost: localhost:${server.port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
          `Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nOrigin: ${origin}\r\n\r\n`,
      );
    });
    let head = "";
    socket.on("data", (c) => {
      head += c.toString("latin1");
      if (head.includes("\r\n")) {
        resolve(head.slice(0, head.indexOf("\r\n")));
        socket.destroy();
      }
    });
    socket.on("error", reject);
  });
}

test("every file carries the security headers, and the page has no inline script", async () => {
  const server = await startServer();
  try {
    for (const path of ["/", "/app.js", "/app.css", "/icon.svg"]) {
      const r = await httpsGet(server.port, path);
      assert.equal(r.status, 200, path);
      assert.equal(r.headers["content-security-policy"], CSP, path);
      assert.equal(r.headers["x-content-type-options"], "nosniff", path);
      assert.equal(r.headers["referrer-policy"], "no-referrer", path);
      assert.equal(r.headers["cross-origin-opener-policy"], "same-origin", path);
      assert.ok(r.headers.etag, path);
      const again = await httpsGet(server.port, path, { "If-None-Match": r.headers.etag });
      assert.equal(again.status, 304, `${path} unchanged`);
    }
    const index = (await httpsGet(server.port, "/")).body;
    assert.ok(!/<script(?![^>]*\bsrc=)[^>]*>/i.test(index), "no inline script");
    assert.ok(!/\son[a-z]+=/i.test(index), "no inline event handler");
    assert.equal((await httpsGet(server.port, "/nothing-here")).status, 404);
    assert.equal((await httpsGet(server.port, "/healthz")).body, "ok\n");
  } finally {
    await server.stop();
  }
});

test("only the server's own origin may open a WebSocket", async () => {
  const server = await startServer();
  try {
    assert.match(await upgradeStatus(server, `https://localhost:${server.port}`), / 101 /);
    assert.match(await upgradeStatus(server, "https://evil.example"), / 403 /);
    assert.match(await upgradeStatus(server, `http://localhost:${server.port}`), / 403 /, "not the plain-http origin");
  } finally {
    await server.stop();
  }
});

test("names and words with markup are shown as text, and the page asks nothing of anyone else", () =>
  withServerAndBrowser(async ({ server, browser }) => {
    const name = '<img src=x onerror="window.pwned=1">Mal\u202Eory';
    const { alex, sam: mallory } = await pairUp(browser, server, { names: ["Alex", name] });
    await headline(mallory, /Alex is speaking/);
    await alex.fill("#words", "<script>window.pwned=2</script><b>bold</b>");
    await alex.click("#done");
    await headline(mallory, /say back what you heard/);
    await mallory.fill("#words", "<iframe src=https://evil.example></iframe>");
    await mallory.click("#done");
    await headline(alex, /Was that what you meant/);
    const history = await alex.locator("#history").innerText();
    assert.ok(history.includes('<img src=x onerror="window.pwned=1">Mal'), history);
    assert.ok(history.includes("<iframe src=https://evil.example></iframe>"), history);
    assert.ok((await mallory.locator("#history").innerText()).includes("<script>window.pwned=2</script><b>bold</b>"));
    for (const p of [alex, mallory]) {
      assert.equal(await p.evaluate(() => window.pwned), undefined);
      assert.equal(await p.locator("#history img, #history iframe, #history b, #history script").count(), 0);
      const own = [`https://localhost:${server.port}/`, `wss://localhost:${server.port}/`];
      const foreign = p.requests.filter((u) => !own.some((o) => u.startsWith(o)));
      assert.deepEqual(foreign, [], "no request to anyone but this server");
    }
    assert.deepEqual([...alex.problems, ...mallory.problems], []);
  }));

test("a --web-root that holds no page stops the server at start, with one sentence", () => {
  const certs = env("HEARD_TEST_CERT_DIR");
  const run = (root) =>
    spawnSync(env("HEARD_SERVER_BIN"), ["--port", "0", "--cert", join(certs, "server.crt"), "--key", join(certs, "server.key"), "--web-root", root], {
      encoding: "utf8",
      timeout: 10_000,
    });
  const missing = run("/nonexistent/heard-web");
  assert.equal(missing.status, 1);
  assert.match(missing.stderr, /^heard-server: the browser client's directory \/nonexistent\/heard-web does not exist; build it with `make` or leave out --web-root\n$/);
  const stray = mkdtempSync(join(tmpdir(), "heard-stray-"));
  writeFileSync(join(stray, "index.html"), "<!doctype html>");
  writeFileSync(join(stray, "notes.md"), "not a page");
  const odd = run(stray);
  assert.equal(odd.status, 1);
  assert.match(odd.stderr, /notes\.md is of a type the server does not serve; remove it from /);
});

test("a wrong code gets the server's one answer, and the page offers to start again", () =>
  withServerAndBrowser(async ({ server, browser }) => {
    // The fragment fills the code in and never reaches the server.
    const page = await openPage(browser, server, { path: "/#7kq2-m9xd-4trb" });
    page.setDefaultTimeout(15_000);
    assert.equal(await page.inputValue("#code"), "7kq2-m9xd-4trb");
    await joinIn(page, "Sam", "7KQ2-M9XD-4TRB");
    assert.equal(new URL(page.url()).hash, "", "the code left the address bar once used");
    await page.locator("#status", { hasText: "That code does not open a session." }).waitFor();
    await page.click("#again");
    await page.locator("#start").waitFor();
  }));

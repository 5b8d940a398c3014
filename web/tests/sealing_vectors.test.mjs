// docs/privacy.md's test vectors, computed by the page's own sealing in
// Chromium's WebCrypto: the browser interoperates with heard byte for byte.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { env, launchBrowser, openPage, startServer } from "./harness.mjs";

// The table's rows, as the doc states them: | name | `hex` |
function docVectors() {
  const doc = readFileSync(join(env("HEARD_SOURCE_DIR"), "docs", "privacy.md"), "utf8");
  const table = doc.slice(doc.indexOf("## Test vectors"));
  const rows = {};
  for (const m of table.matchAll(/^\| (.+?) \| `([^`]+)` \|$/gm)) rows[m[1]] = m[2];
  return rows;
}

test("the doc's sealing vectors come out of the browser byte for byte", async () => {
  const expected = docVectors();
  assert.ok(Object.keys(expected).length >= 8, `the doc's table was not found: ${JSON.stringify(expected)}`);
  const server = await startServer({ webRoot: env("HEARD_WEB_TEST_ROOT") });
  const browser = await launchBrowser();
  try {
    const page = await openPage(browser, server);
    await page.locator("#result[data-done=yes]").waitFor({ timeout: 15_000 });
    const got = JSON.parse(await page.locator("#result").textContent());
    assert.equal(got.error, undefined, got.error);
    for (const [name, hex] of Object.entries(expected)) assert.equal(got[name], hex, name);
    assert.equal(got.round_trip, "I miss you.");
    assert.ok(got.both_sides_same_key, "B derives the key A sealed with");
    assert.ok(got.tampered_refused && got.wrong_kind_refused && got.wrong_counter_refused);
    // 64, 64, 256, 256, 16384 (a full turn of 4,000 four-byte characters), none past the largest bucket.
    assert.deepEqual(got.box_sizes, [92, 92, 284, 284, 16412, null]);
    assert.deepEqual(page.problems, []);
  } finally {
    await browser.close();
    await server.stop();
  }
});

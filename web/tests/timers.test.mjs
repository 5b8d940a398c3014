// A floor with a time limit: the time left counts down on both screens, a
// quiet warning in words 10 seconds before the end (no sound), and at the
// limit the floor moves on with what was written, marked in the history.
import { test } from "node:test";
import assert from "node:assert/strict";
import { headline, pairUp, withServerAndBrowser } from "./harness.mjs";

test("the floor's time runs out: a warning, then the floor moves on with what was written", () =>
  withServerAndBrowser(async ({ server, browser }) => {
    const { alex, sam } = await pairUp(browser, server, { speakLimitS: 12 });
    await headline(alex, /Your turn to speak/);
    await sam.locator("#timer", { hasText: /^0:1\d left$/ }).waitFor();
    await alex.fill("#words", "There was no time to say it all");
    await sam.locator("#live-text", { hasText: "There was no time to say it all" }).waitFor();
    await alex.locator("#notices", { hasText: "10 seconds left." }).waitFor({ timeout: 10_000 });
    // The floor ends about 10 s after that warning: wait past it, with slack for a loaded machine.
    await headline(sam, /say back what you heard/, 15_000);
    await sam.locator("#history .statement", { hasText: "(time ran out here)" }).waitFor();
    assert.match(await sam.locator("#history .statement").innerText(), /Alex said: \(time ran out here\)\s*There was no time to say it all/);
    assert.equal(await alex.inputValue("#words"), "", "the floor that ended took its draft with it");
    assert.deepEqual([...alex.problems, ...sam.problems], []);
  }));

// Chrome wakes a tab hidden for 5 minutes once a minute for a timer nested 5
// deep (set from a timer's task, its microtasks included; a message or an
// event starts a fresh task). Headless Chromium shows every page, so the
// policy is emulated before the page's own scripts: Blink's nesting, kept per
// task (a posted message after each timer's task resets it; measured against
// Chromium's own 4 ms clamp of nested timers), and the 1-minute wake-up. A
// heartbeat that re-arms itself from its timer falls under it after five
// beats, the server closes the quiet connection (here after 3 s) and the
// partner sees "connection dropped" until the next minute's wake-up.
const HIDDEN_FOR_FIVE_MINUTES = `(() => {
  const set = window.setTimeout.bind(window);
  let level = 0;
  let task = 0;
  const taskEnd = new MessageChannel();
  taskEnd.port1.onmessage = (e) => { if (e.data === task) level = 0; };
  window.setTimeout = (f, ms = 0, ...args) => {
    const nesting = level + 1;
    return set(() => {
      level = nesting;
      taskEnd.port2.postMessage(++task);
      f(...args);
    }, nesting >= 5 ? Math.max(ms, 60_000) : ms);
  };
})();`;

test("a tab in the background keeps its connection: the heartbeat never nests into the minute's wake-up", () =>
  withServerAndBrowser(
    async ({ server, browser }) => {
      const { alex, sam } = await pairUp(browser, server, { initScripts: [HIDDEN_FOR_FIVE_MINUTES] });
      await headline(sam, /Alex is speaking/);
      // Nothing is typed: only heartbeats keep Alex's connection. Twice the
      // server's idle timeout after the fifth beat, it must still be there.
      const dropped = sam.locator("#headline", { hasText: /connection dropped/ });
      const fell = await dropped.waitFor({ timeout: 8_000 }).then(() => true, () => false);
      assert.equal(fell, false, "Alex's quiet tab lost its connection: " + (await sam.locator("#headline").innerText()));
      assert.doesNotMatch(server.log(), /event=dropped/);
      assert.deepEqual([...alex.problems, ...sam.problems], []);
    },
    { args: ["--heartbeat-interval-ms", "1000", "--app-idle-timeout-ms", "3000"] },
  ));

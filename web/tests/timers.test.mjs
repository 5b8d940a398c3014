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

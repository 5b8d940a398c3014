// A spoken session in two browsers: nothing typed, Heard only holds the
// floor; "I'm done" passes it, the verdicts move it on, and the history
// says who spoke without any words.
import { test } from "node:test";
import assert from "node:assert/strict";
import { headline, lastEntry, pairUp, screenshot, withServerAndBrowser } from "./harness.mjs";

test("a spoken session: the floor without the words", () =>
  withServerAndBrowser(async ({ server, browser }) => {
    const { alex, sam } = await pairUp(browser, server, { spoken: true });
    await headline(alex, "Your turn: talk to Sam out loud.");
    await headline(sam, "Alex is talking - listen. You'll say it back out loud when Alex is done.");
    assert.ok(await alex.locator("#compose").isHidden(), "nothing to type in a spoken session");
    await screenshot(alex, "spoken-speaking");
    await alex.click("#done");
    await headline(sam, /say back out loud what you heard/);
    assert.match(await lastEntry(sam), /Alex finished speaking\./);
    await sam.click("#done");
    await headline(alex, /Was that what you meant/);
    assert.ok(await alex.locator("#compose").isHidden(), "what was missed is said out loud too");
    await alex.click("button[data-verdict=not_quite]");
    await headline(sam, /say back out loud what you heard/);
    await sam.click("#done");
    await alex.click("button[data-verdict=accurate_more]");
    await headline(alex, "Your turn: talk to Sam out loud.");
    assert.match(await alex.locator("#history").innerText(), /Accurate - there is more\./);
    assert.deepEqual([...alex.problems, ...sam.problems], []);
  }));

// Keyboard first: a round played with the keyboard alone. Focus lands on
// what is yours to do when your moment comes (the text box, the first
// button), Ctrl+Enter ends a turn, Tab reaches the verdicts, and every
// focused control shows where it is.
import { test } from "node:test";
import assert from "node:assert/strict";
import { compareCodes, headline, joinIn, lastEntry, openPage, withServerAndBrowser } from "./harness.mjs";

const focused = (page) => page.evaluate(() => document.activeElement?.id || document.activeElement?.tagName);

test("a round with the keyboard alone", () =>
  withServerAndBrowser(async ({ server, browser }) => {
    const alex = await openPage(browser, server);
    const sam = await openPage(browser, server);
    for (const p of [alex, sam]) p.setDefaultTimeout(15_000);

    // The start form, by keyboard: the name field, then Tab to Start.
    await alex.focus("#name");
    await alex.keyboard.type("Alex");
    let steps = 0;
    while ((await alex.evaluate(() => document.activeElement?.textContent)) !== "Start" && steps++ < 30) await alex.keyboard.press("Tab");
    await alex.keyboard.press("Enter");
    const code = await alex.locator(".invite .code").first().textContent();
    await joinIn(sam, "Sam", code);
    await compareCodes(alex, sam);

    // "Now is a good time" takes focus when it is the thing to do.
    await alex.locator("#ready").waitFor();
    await alex.waitForFunction(() => document.activeElement?.id === "ready");
    await alex.keyboard.press("Enter");
    await sam.locator("#ready").click();

    await headline(alex, /Your turn to speak/);
    await alex.waitForFunction(() => document.activeElement?.id === "words");
    const outline = await alex.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
    assert.notEqual(outline, "none", "the focused control shows it");
    await alex.keyboard.type("Can we talk about money?");
    await alex.keyboard.press("Control+Enter");

    await headline(sam, /say back what you heard/);
    assert.equal(await focused(sam), "words");
    await sam.keyboard.type("You want to talk about money.");
    await sam.keyboard.press("Control+Enter");

    await headline(alex, /Was that what you meant/);
    // From the text box (what was missed), Tab reaches the verdicts, accurate first.
    await alex.focus("#words");
    await alex.keyboard.press("Tab");
    while (!(await alex.evaluate(() => document.activeElement?.dataset?.verdict)) && steps++ < 60) await alex.keyboard.press("Tab");
    assert.equal(await alex.evaluate(() => document.activeElement?.dataset?.verdict), "accurate_done");
    await alex.keyboard.press("Enter");
    await headline(sam, /Your turn to speak/);
    assert.match(await lastEntry(sam), /Alex: Accurate - and that's all\./);
    assert.deepEqual([...alex.problems, ...sam.problems], []);
  }));

// Two partners in two browsers (two profiles, nothing shared) complete two
// rounds with a "not quite" retry and a switch, end, and check in; a
// listener's typing during the speaker's turn is refused by the server and
// never reaches the speaker. Screenshots of every phase at 1280x800, 390x844
// and 320x640 go to the test's artifacts, each checked by axe-core and for
// overflow.
import { test } from "node:test";
import assert from "node:assert/strict";
import { answerCheckIn, compareCodes, headline, joinIn, lastEntry, launchBrowser, openPage, screenshot, startIn, startServer } from "./harness.mjs";

for (const [label, viewport, colorScheme] of [
  ["1280x800", { width: 1280, height: 800 }, "light"],
  // A phone in dark mode: axe checks the dark colours' contrast too.
  ["390x844", { width: 390, height: 844 }, "dark"],
  // The narrowest phone, and a 640 px window at 200 % zoom.
  ["320x640", { width: 320, height: 640 }, "light"],
]) {
  test(`two browsers: two rounds, a retry, a switch and the check-in (${label})`, async () => {
    const server = await startServer();
    const browser = await launchBrowser();
    try {
      const alex = await openPage(browser, server, { viewport, colorScheme });
      const sam = await openPage(browser, server, { viewport, colorScheme });
      for (const p of [alex, sam]) p.setDefaultTimeout(15_000);
      const shot = (page, name) => screenshot(page, `${label}-${name}`);

      await shot(alex, "01-start");
      const [code] = await startIn(alex, "Alex", { topic: "Our Sundays" });
      assert.match(code, /^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/, "shown as it is read aloud");
      await headline(alex, "Waiting for your partner to join.");
      await shot(alex, "02-waiting-for-partner");
      // Read aloud and typed as heard: lower case, spaces, an O for a zero.
      await joinIn(sam, "Sam", code.toLowerCase().replaceAll("-", " ").replaceAll("0", "o"));

      const [codeA, codeB] = await compareCodes(alex, sam);
      assert.match(codeA, /^\d{3} \d{3}$/);
      assert.equal(codeA, codeB, "both screens show the same safety code");
      await headline(sam, "Is now a good time for you?");
      assert.equal(await sam.locator("#topic").innerText(), "Topic: Our Sundays");
      await shot(sam, "03-ready");
      await alex.click("#ready");
      await sam.click("#ready");

      // Round 1: Alex speaks.
      await headline(alex, /Your turn to speak/);
      await headline(sam, /Alex is speaking - listen/);
      await shot(alex, "04-speaking");
      await alex.fill("#words", "I miss our Sunday walks.");
      await sam.locator("#live-text", { hasText: "I miss our Sunday walks." }).waitFor();
      await shot(sam, "05-listening-live-text");
      // A screen reader hears the line once Alex pauses, not each keystroke.
      await sam.locator("#live-announce", { hasText: "Alex: I miss our Sunday walks." }).waitFor();

      // The listener types anyway: the server refuses it, and Alex never sees it.
      await sam.fill("#words", "But you always");
      await sam.locator("#notices", { hasText: "Not sent: Your partner has the floor." }).waitFor();
      // Refused words do not linger to be sent later.
      await sam.waitForFunction(() => document.querySelector("#words").value === "");
      assert.ok(!(await alex.locator("#live").innerText()).includes("But you always"));

      await alex.click("#done");
      await headline(sam, /say back what you heard/);
      assert.match(await lastEntry(sam), /Alex said:\s*I miss our Sunday walks\./);
      await sam.fill("#words", "You miss walking.");
      await shot(sam, "06-paraphrasing");
      await sam.click("#done");

      await headline(alex, /Was that what you meant\?/);
      await shot(alex, "07-confirming");
      await alex.fill("#words", "the talking, too");
      await alex.click("button[data-verdict=not_quite]");
      await headline(sam, /say back what you heard/);
      assert.match(await sam.locator("#history").innerText(), /Not quite\.\s*What was missed: the talking, too/);
      await sam.fill("#words", "You miss our walks and the talks on them.");
      await sam.click("#done");
      await headline(alex, /Was that what you meant\?/);
      await alex.click("button[data-verdict=accurate_done]");

      // Round 2: the roles switched.
      await headline(sam, /Your turn to speak/);
      await headline(alex, /Sam is speaking - listen/);
      await sam.fill("#words", "I want that too.");
      await sam.click("#done");
      await headline(alex, /say back what you heard/);
      await alex.fill("#words", "You want it too.");
      await alex.click("#done");
      await headline(sam, /Was that what you meant\?/);
      await sam.click("button[data-verdict=accurate_done]");
      await headline(alex, /Your turn to speak/);

      // Time-out: only the caller resumes.
      await sam.click("#time-out");
      await headline(sam, "Paused by you - resume when you're ready.");
      await headline(alex, /Paused by Sam/);
      await shot(alex, "08-paused");
      assert.equal(await alex.locator("#resume").count(), 0, "only the one who called it resumes");
      await sam.click("#resume");
      await headline(alex, /Your turn to speak/);

      alex.once("dialog", (d) => d.accept());
      await alex.click("#end-session");
      await headline(alex, /check-in/);
      await alex.locator("#check-in").waitFor();
      await shot(alex, "09-check-in");
      await answerCheckIn(alex, [5, 4, 5], "Thank you.");
      await answerCheckIn(sam, [4, 4, 3], "Same time next week?");
      await headline(alex, "The session is over. Thank you for listening to each other.");
      await headline(sam, "The session is over. Thank you for listening to each other.");
      const results = await alex.locator("#history .check-ins").innerText();
      assert.match(results, /Sam: safe and supported 4\/5, could say anything 4\/5, partner invested 3\/5\. "Same time next week\?"/);
      await shot(alex, "10-ended");
      assert.deepEqual([...alex.problems, ...sam.problems], []);
      // Never the words: the server's log, at debug level, has none of them, nor the names or the code.
      await server.stop();
      assert.match(server.log(), /event=joined/, "the log was read");
      for (const secret of ["Our Sundays", "Sunday walks", "You miss walking", "the talking", "I want that too", "You want it too", "But you always", "Same time next week", "Thank you.", "Alex", "Sam", code]) {
        assert.ok(!server.log().includes(secret), `the server logged "${secret}"`);
      }
    } finally {
      await browser.close();
      await server.stop();
    }
  });
}

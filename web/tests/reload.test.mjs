// A reloaded tab takes its seat back with nothing lost: the speaker reloads
// mid-turn and finds the conversation and their draft as they were, and
// goes on; the listener reloads and sees the speaker's words so far. At the
// end of the session the browser forgets the seat.
import { test } from "node:test";
import assert from "node:assert/strict";
import { compareCodes, headline, joinIn, lastEntry, launchBrowser, openPage, screenshot, startIn, startServer } from "./harness.mjs";

test("a reload mid-turn resumes with the draft intact", async () => {
  const server = await startServer();
  const browser = await launchBrowser();
  try {
    const alex = await openPage(browser, server);
    const sam = await openPage(browser, server);
    for (const p of [alex, sam]) p.setDefaultTimeout(15_000);
    const [code] = await startIn(alex, "Alex", { topic: "Weekends" });
    await joinIn(sam, "Sam", code);
    await compareCodes(alex, sam);
    await alex.click("#ready");
    await sam.click("#ready");

    // Round 1, quickly, so there is a conversation to come back to.
    await headline(alex, /Your turn to speak/);
    await alex.fill("#words", "Saturdays feel rushed.");
    await alex.click("#done");
    await headline(sam, /say back what you heard/);
    await sam.fill("#words", "Saturdays are rushed.");
    await sam.click("#done");
    await alex.click("button[data-verdict=accurate_done]");

    // Round 2: Sam speaks and reloads in the middle of a sentence.
    await headline(sam, /Your turn to speak/);
    await sam.fill("#words", "I would like one slow morning");
    await alex.locator("#live-text", { hasText: "I would like one slow morning" }).waitFor();
    await sam.fill("#words", "I would like one slow morning, just us,");
    await sam.reload();
    await headline(sam, /Your turn to speak/);
    assert.equal(await sam.inputValue("#words"), "I would like one slow morning, just us,", "the draft is intact");
    // The conversation comes back with the Welcome (want_history), opened with the kept keys.
    await sam.locator("#history .paraphrase", { hasText: "Saturdays are rushed." }).waitFor();
    assert.match(await sam.locator("#history").innerText(), /Alex said:\s*Saturdays feel rushed\.[\s\S]*You said back:\s*Saturdays are rushed\./);
    await sam.locator("#topic", { hasText: "Topic: Weekends" }).waitFor();
    assert.equal(await sam.locator("#safety-code").count(), 1, "the keys came back with the seat");
    await alex.locator("#live-text", { hasText: "just us," }).waitFor();
    await screenshot(sam, "reload-speaker-back");

    // The listener reloads too, and sees the words so far.
    await alex.reload();
    await headline(alex, /Sam is speaking - listen/);
    await alex.locator("#live-text", { hasText: "I would like one slow morning, just us," }).waitFor();

    await sam.fill("#words", "I would like one slow morning, just us, every week.");
    await sam.click("#done");
    await headline(alex, /say back what you heard/);
    assert.match(await lastEntry(alex), /Sam said:\s*I would like one slow morning, just us, every week\./);

    sam.once("dialog", (d) => d.accept());
    await sam.click("#end-session");
    for (const p of [alex, sam]) {
      await p.locator("#check-in").waitFor();
      for (const name of ["feltSafe", "couldSayAnything", "partnerInvested"]) await p.check(`input[name=${name}][value="3"]`);
      await p.click("#send-check-in");
    }
    await headline(alex, "The session is over. Thank you for listening to each other.");
    // Forgotten at the end: a reload now starts afresh.
    await alex.locator("#again").waitFor();
    await alex.reload();
    await alex.locator("#start").waitFor();
    assert.deepEqual([...alex.problems, ...sam.problems], []);
  } finally {
    await browser.close();
    await server.stop();
  }
});

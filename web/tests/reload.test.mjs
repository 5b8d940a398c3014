// A reloaded tab takes its seat back with nothing lost: the speaker reloads
// mid-turn and finds the conversation and their draft as they were, and
// goes on; the listener reloads and sees the speaker's words so far. At the
// end of the session the browser forgets the seat.
import { test } from "node:test";
import assert from "node:assert/strict";
import { answerCheckIn, headline, lastEntry, pairUp, playRound, screenshot, withServerAndBrowser } from "./harness.mjs";

test("a reload mid-turn resumes with the draft intact", () =>
  withServerAndBrowser(async ({ server, browser }) => {
    const { alex, sam } = await pairUp(browser, server, { topic: "Weekends" });
    // Round 1, quickly, so there is a conversation to come back to.
    await playRound(alex, sam, "Saturdays feel rushed.", "Saturdays are rushed.");

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
    for (const p of [alex, sam]) await answerCheckIn(p, [3, 3, 3]);
    await headline(alex, "The session is over. Thank you for listening to each other.");
    // Forgotten at the end: a reload now starts afresh.
    await alex.locator("#again").waitFor();
    await alex.reload();
    await alex.locator("#start").waitFor();
    assert.deepEqual([...alex.problems, ...sam.problems], []);
  }));

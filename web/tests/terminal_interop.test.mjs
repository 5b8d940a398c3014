// A browser and the terminal client `heard` in one session: the same
// protocol, the same sealing, both directions. The browser starts and
// speaks first; `heard` joins with the code, says it back, then speaks in
// round 2 and the browser says it back. Both show the same safety code.
import { test } from "node:test";
import assert from "node:assert/strict";
import { answerCheckIn, compareCodes, headline, lastEntry, launchBrowser, openPage, screenshot, startIn, startServer, Terminal } from "./harness.mjs";

test("a browser and heard complete a round each way", async () => {
  const server = await startServer();
  const browser = await launchBrowser();
  let sam;
  try {
    const alex = await openPage(browser, server);
    alex.setDefaultTimeout(15_000);
    const [code] = await startIn(alex, "Alex");
    sam = new Terminal(["join", code, "--name", "Sam"], server);
    await sam.waitFor(/^welcome seat=B mode=text/);

    const [browserCode] = await compareCodes(alex);
    const terminalLine = await sam.waitFor(/^safety-code /);
    assert.ok(terminalLine.includes(browserCode), `the terminal says "${terminalLine}", the browser ${browserCode}`);
    sam.send("/compared");

    await alex.click("#ready");
    sam.send("/ready");
    await headline(alex, /Your turn to speak/);
    await sam.waitFor(/^speaking Alex round=1/);

    // Browser -> terminal: live text, then the turn.
    await alex.fill("#words", "I felt alone last week.\nEvery evening.");
    await sam.waitFor(/^draft Alex: I felt alone last week\./);
    await alex.click("#done");
    await sam.waitFor(/^said Alex: I felt alone last week\./);
    await sam.waitFor(/^paraphrasing you round=1 attempt=1/);
    // Terminal -> browser.
    sam.send("You felt lonely, every evening.");
    await alex.locator("#live-text", { hasText: "You felt lonely, every evening." }).waitFor();
    sam.send("/done");
    await headline(alex, /Was that what you meant\?/);
    assert.match(await lastEntry(alex), /Sam said back:\s*You felt lonely, every evening\./);
    await alex.click("button[data-verdict=accurate_done]");
    await sam.waitFor(/^verdict accurate-done/);

    // Round 2: heard speaks, the browser says it back, heard judges.
    await sam.waitFor(/^speaking you round=2/);
    await headline(alex, /Sam is speaking - listen/);
    sam.send("I did not know. I am sorry.");
    sam.send("/done");
    await headline(alex, /say back what you heard/);
    assert.match(await lastEntry(alex), /Sam said:\s*I did not know\. I am sorry\./);
    await alex.fill("#words", "You did not know, and you are sorry.");
    await alex.click("#done");
    await sam.waitFor(/^paraphrase Alex: You did not know, and you are sorry\./);
    await headline(alex, "Waiting for Sam to confirm.");
    sam.send("/notquite that I want to do better");
    await alex.locator("#history .judged", { hasText: "What was missed: that I want to do better" }).waitFor();
    await headline(alex, /say back what you heard/);
    await alex.fill("#words", "You are sorry and want to do better.");
    await alex.click("#done");
    await sam.waitFor(/^paraphrase Alex: You are sorry and want to do better\./);
    sam.send("/accurate");
    await headline(alex, /Your turn to speak/);
    await screenshot(alex, "interop-round-3");

    sam.send("/end");
    await headline(alex, /Sam ended the session\. A short check-in/);
    sam.send("/checkin 4 5 5 thank you");
    await answerCheckIn(alex, [5, 5, 5]);
    await sam.waitFor(/^results Alex safe=5 unjudged=5 invested=5/);
    await headline(alex, "The session is over. Thank you for listening to each other.");
    assert.match(await alex.locator("#history .check-ins").innerText(), /Sam: safe and supported 4\/5, could say anything 5\/5, partner invested 5\/5\. "thank you"/);
    assert.equal(await sam.exited, 0, "heard exits 0 at the end");
    assert.deepEqual(alex.problems, []);
  } finally {
    await sam?.stop();
    await browser.close();
    await server.stop();
  }
});

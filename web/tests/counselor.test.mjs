// A counselor in a browser guides two partners (two more browsers): the two
// codes, the start, the speaker's timer and one more minute, a note, a hold
// and its release, choosing who speaks first, ending, and the summary download, which holds only the words a
// partner chose to share.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { answerCheckIn, compareCodes, headline, joinIn, openPage, screenshot, startIn, startServer, withServerAndBrowser } from "./harness.mjs";

test("a counselor in a browser guides two partners", () =>
  withServerAndBrowser(async ({ server, browser }) => {
    const [kim, alex, sam] = [await openPage(browser, server), await openPage(browser, server), await openPage(browser, server)];
    for (const p of [kim, alex, sam]) p.setDefaultTimeout(15_000);
    const [codeA, codeB] = await startIn(kim, "Kim", { guided: true, topic: "Money", speakLimitS: 120 });
    assert.ok(codeA && codeB && codeA !== codeB, "one code per partner");
    for (const code of [codeA, codeB]) assert.match(code, /^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
    await headline(kim, "Waiting for the partners.");
    await screenshot(kim, "counselor-01-waiting");
    await joinIn(alex, "Alex", codeA);
    await joinIn(sam, "Sam", codeB);

    const codes = await compareCodes(kim, alex, sam);
    assert.equal(new Set(codes).size, 1, `one safety code for all three: ${codes}`);
    await alex.click("#ready");
    await sam.click("#ready");
    await headline(alex, "You are both ready; Kim begins the first round.");
    await headline(kim, /Both partners are here\. Alex speaks first\. Both are ready\./);
    // Before the start, the counselor may choose who speaks first.
    await kim.click("button.next-speaker[data-seat=b]");
    await headline(kim, /Sam speaks first/);
    await screenshot(kim, "counselor-02-ready");
    await kim.click("#start");

    await headline(sam, /Your turn to speak/);
    await headline(kim, "Sam is speaking; Alex listens.");
    await sam.fill("#words", "I worry about rent.");
    await kim.locator("#live-text", { hasText: "I worry about rent." }).waitFor();

    // The speaker's two minutes count down on every screen; the counselor gives one more.
    const seconds = async (p) => {
      const m = (await p.locator("#timer").innerText()).match(/^(\d+):(\d\d) left/);
      assert.ok(m, `no time left shown: "${await p.locator("#timer").innerText()}"`);
      return Number(m[1]) * 60 + Number(m[2]);
    };
    assert.ok((await seconds(sam)) <= 120 && (await seconds(sam)) > 100);
    await kim.click("#extend");
    await sam.waitForFunction(() => /^(2:[3-5]\d|3:00) left/.test(document.querySelector("#timer").textContent));

    await kim.fill("#words", "Take your time, both of you.");
    await kim.click("#send-note");
    for (const p of [alex, sam]) await p.locator("#history .guidance", { hasText: "Take your time, both of you." }).waitFor();

    await kim.click("#hold");
    await headline(sam, "Your counselor has paused the exercise for a moment.");
    await headline(alex, "Your counselor has paused the exercise for a moment.");
    await screenshot(kim, "counselor-03-held");
    // The writer's words typed during the hold are kept, and go on at the release.
    await sam.fill("#words", "I worry about rent. And savings.");
    await sam.locator("#notices", { hasText: "Kept in your text" }).waitFor();
    await kim.click("#release");
    await kim.locator("#live-text", { hasText: "And savings." }).waitFor();
    await sam.click("#done");

    await headline(alex, /say back what you heard/);
    await alex.fill("#words", "Rent and savings worry you.");
    await alex.click("#done");
    await sam.click("button[data-verdict=accurate_done]");
    await headline(alex, /Your turn to speak/);
    await screenshot(kim, "counselor-04-round-2");

    kim.once("dialog", (d) => d.accept());
    await kim.click("#end-session");
    await headline(kim, /The partners are checking in/);
    await answerCheckIn(alex, [4, 4, 4], "Alex's private words");
    await answerCheckIn(sam, [4, 4, 4], "Sam shares this", true);
    await kim.locator("#download-summary").waitFor();
    const [download] = await Promise.all([kim.waitForEvent("download"), kim.click("#download-summary")]);
    const summary = readFileSync(await download.path(), "utf8");
    assert.match(summary, /# Session summary: Alex & Sam/);
    assert.match(summary, /Topic: Money/);
    assert.match(summary, /Sam shares this/);
    assert.ok(!summary.includes("private words"), "never the words a partner kept to the two of them");
    assert.ok(!(await kim.locator("#history").innerText()).includes("private words"));
    assert.match(await sam.locator("#history .check-ins").innerText(), /Alex's private words/, "partners read each other's words");
    await screenshot(kim, "counselor-05-summary");
    assert.deepEqual([...kim.problems, ...alex.problems, ...sam.problems], []);
  }));

// The server restarted without a state file (or crashed): the session is
// gone. Every page says so and gives back what its person wrote, the
// counselor's notes as much as a partner's turn and a paraphrase in progress.
test("a session the server lost gives each person back what they wrote, the counselor's notes and unfinished text too", () =>
  withServerAndBrowser(async ({ server, browser }) => {
    const [kim, alex, sam] = [await openPage(browser, server), await openPage(browser, server), await openPage(browser, server)];
    for (const p of [kim, alex, sam]) p.setDefaultTimeout(15_000);
    const [codeA, codeB] = await startIn(kim, "Kim", { guided: true });
    await joinIn(alex, "Alex", codeA);
    await joinIn(sam, "Sam", codeB);
    await compareCodes(kim, alex, sam);
    await alex.click("#ready");
    await sam.click("#ready");
    await kim.click("#start");
    await headline(alex, /Your turn to speak/);
    await kim.fill("#words", "Say how it felt, not what happened.");
    await kim.click("#send-note");
    await alex.locator("#history .guidance", { hasText: "Say how it felt" }).waitFor();
    await alex.fill("#words", "It felt lonely.");
    await alex.click("#done");
    await headline(sam, /say back what you heard/);
    await sam.fill("#words", "You felt alone");
    await kim.locator("#live-text", { hasText: "You felt alone" }).waitFor();

    await server.stop(); // no state file: the session is not kept
    const again = await startServer({ port: server.port });
    try {
      for (const [page, words] of [
        [kim, "Say how it felt, not what happened."],
        [alex, "It felt lonely."],
        [sam, "You felt alone  \\(unfinished\\)"],
      ]) {
        // The pages come back by themselves (their back-off grows to 8 s) and learn the session is gone.
        const button = page.getByRole("button", { name: "Download what you wrote" });
        await button.waitFor({ timeout: 30_000 });
        const [download] = await Promise.all([page.waitForEvent("download"), button.click()]);
        assert.match(readFileSync(await download.path(), "utf8"), new RegExp(words));
      }
      assert.deepEqual([...kim.problems, ...alex.problems, ...sam.problems], []);
    } finally {
      await again.stop();
    }
  }));

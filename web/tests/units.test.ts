// The browser client's pure parts, in Node.js (which has the same WebCrypto):
// invite codes forgiven as heard forgives them, the text rules, and the key
// exchange through snapshots, as docs/privacy.md describes it, for two and
// three members, with a relay in the middle caught.
import { test } from "node:test";
import assert from "node:assert/strict";
import { create } from "@bufbuild/protobuf";
import { MemberSchema, Seat, SnapshotSchema, type Keys, type Snapshot } from "../src/gen/heard/v1/heard_pb.js";
import { formatInviteCode, normalizeInviteCode, randomRoute, routeOf } from "../src/invite_code.js";
import { Kind } from "../src/sealing.js";
import { SessionKeys } from "../src/session_keys.js";
import { countCodePoints, textProblem, tooLongSentence } from "../src/text_rules.js";

test("invite codes: case, dashes, spaces and O/I/L forgiven; anything else refused", () => {
  assert.equal(normalizeInviteCode("7kq2-m9xd-4trb"), "7KQ2M9XD4TRB");
  assert.equal(normalizeInviteCode(" 7KQ2 M9XD 4TRB "), "7KQ2M9XD4TRB");
  assert.equal(normalizeInviteCode("7KQ2-M9XD-4TRO"), "7KQ2M9XD4TR0");
  assert.equal(normalizeInviteCode("7KQ2-M9XD-4TRl"), "7KQ2M9XD4TR1");
  for (const bad of ["7KQ2-M9XD-4TR", "7KQ2-M9XD-4TRBX", "7KQ2-M9XD-4TRU", "7KQ2_M9XD_4TRB", ""]) assert.equal(normalizeInviteCode(bad), null, bad);
  assert.equal(formatInviteCode("7KQ2M9XD4TRB"), "7KQ2-M9XD-4TRB");
  assert.equal(formatInviteCode("7KQ2-M9XD-4TRB"), "7KQ2-M9XD-4TRB", "as the server gives it");
  assert.equal(routeOf("7KQ2M9XD4TRB"), "7KQ2");
  for (let i = 0; i < 50; ++i) assert.match(randomRoute(), /^[0-9A-HJKMNP-TV-Z]{4}$/);
});

test("text rules: newline and tab only, code points counted, the limit said with its numbers", () => {
  assert.equal(textProblem("line one\n\tline two", 100), null);
  assert.match(textProblem("bell\u0007", 100)!, /control characters/);
  assert.match(textProblem("c1\u0085", 100)!, /control characters/);
  assert.match(textProblem("lone \ud800 surrogate", 100)!, /not valid UTF-8/);
  assert.equal(countCodePoints("héllo 👋"), 7);
  assert.equal(textProblem("👋".repeat(4000), 4000), null, "4,000 characters of four bytes each fit");
  assert.equal(textProblem("a".repeat(4001), 4000), tooLongSentence(4001, 4000));
  assert.equal(tooLongSentence(4001, 4000), "The text is 4,001 characters long; this server takes at most 4,000. Shorten it, then send it again.");
});

// A relay that shows each member what the others sent, as the server does in Snapshot.members.
function snapshotOf(guided: boolean, sent: Map<Seat, { commitment?: Uint8Array; publicKey?: Uint8Array }>): Snapshot {
  const seats = guided ? [Seat.A, Seat.B, Seat.COUNSELOR] : [Seat.A, Seat.B];
  return create(SnapshotSchema, {
    guided,
    members: seats.map((seat) =>
      create(MemberSchema, { seat, present: true, keyCommitment: sent.get(seat)?.commitment, publicKey: sent.get(seat)?.publicKey }),
    ),
  });
}

async function exchange(members: SessionKeys[], guided: boolean, tamper?: (seat: Seat, k: Keys) => Keys) {
  const sent = new Map<Seat, { commitment?: Uint8Array; publicKey?: Uint8Array }>();
  for (let round = 0; round < 4; ++round) {
    for (const m of members) {
      const out = await m.step(snapshotOf(guided, sent));
      if (!out) continue;
      const k = tamper ? tamper(m.seat, out) : out;
      const entry = sent.get(m.seat) ?? {};
      if (k.commitment.length) entry.commitment = k.commitment;
      if (k.publicKey.length) entry.publicKey = k.publicKey;
      sent.set(m.seat, entry);
    }
  }
  return snapshotOf(guided, sent);
}

test("the exchange: commit, reveal, one safety code; boxes open only for their reader, in order", async () => {
  const session = "7KQ2b1946ac92492d2347c6235b4d2611184";
  const [a, b, c] = await Promise.all([Seat.A, Seat.B, Seat.COUNSELOR].map((s) => SessionKeys.fresh(session, s)));
  const s = await exchange([a, b, c], true);
  for (const m of [a, b, c]) assert.equal(m.status, "ready", m.problem);
  assert.match(a.safetyCode, /^\d{3} \d{3}$/);
  assert.equal(a.safetyCode, b.safetyCode);
  assert.equal(a.safetyCode, c.safetyCode);

  const boxes = (await a.seal(s, Kind.Turn, 5n, new TextEncoder().encode("I hear you")))!;
  assert.deepEqual(boxes.map((x) => x.to).sort(), [Seat.A, Seat.B, Seat.COUNSELOR]);
  const forB = boxes.find((x) => x.to === Seat.B)!;
  const opened = await b.open(Seat.A, Kind.Turn, forB);
  assert.equal(new TextDecoder().decode(opened as Uint8Array), "I hear you");
  assert.equal(await b.open(Seat.A, Kind.Turn, forB), "replayed");
  assert.equal(await c.open(Seat.A, Kind.Turn, forB), "not_for_me");
  assert.equal(await b.open(Seat.A, Kind.Draft, { ...forB, counter: 6n }), "not_authentic");
  const older = (await a.seal(s, Kind.Turn, 4n, new TextEncoder().encode("earlier")))!.find((x) => x.to === Seat.B)!;
  assert.equal(await b.open(Seat.A, Kind.Turn, older), "replayed", "out of order");
});

test("a relay that swaps a key after the commitments is caught; one that commits its own gets a different code", async () => {
  const session = "7KQ2b1946ac92492d2347c6235b4d2611184";
  const mallory = await SessionKeys.fresh(session, Seat.B);
  const malloryKeys = await exchange([mallory], false).then(() => mallory.save());

  // Swapping B's revealed key for another: it does not match B's commitment.
  const [a1, b1] = await Promise.all([SessionKeys.fresh(session, Seat.A), SessionKeys.fresh(session, Seat.B)]);
  await exchange([a1, b1], false, (seat, k) => (seat === Seat.B && k.publicKey.length ? { ...k, publicKey: malloryKeys.publicKey } : k));
  assert.equal(a1.status, "broken");
  assert.match(a1.problem, /does not match what it committed to/);

  // A relay in the middle that committed to its own keys towards each side: the codes differ.
  const [a2, b2] = await Promise.all([SessionKeys.fresh(session, Seat.A), SessionKeys.fresh(session, Seat.B)]);
  const [fakeB, fakeA] = await Promise.all([SessionKeys.fresh(session, Seat.B), SessionKeys.fresh(session, Seat.A)]);
  await exchange([a2, fakeB], false);
  await exchange([fakeA, b2], false);
  assert.equal(a2.status, "ready");
  assert.equal(b2.status, "ready");
  assert.notEqual(a2.safetyCode, b2.safetyCode, "comparing the codes finds the relay");
});

test("kept keys: a restored member opens what was sealed for it before", async () => {
  const session = "7KQ2b1946ac92492d2347c6235b4d2611184";
  const [a, b] = await Promise.all([SessionKeys.fresh(session, Seat.A), SessionKeys.fresh(session, Seat.B)]);
  const s = await exchange([a, b], false);
  const box = (await a.seal(s, Kind.Draft, 9n, new TextEncoder().encode("kept")))!.find((x) => x.to === Seat.B)!;
  const again = SessionKeys.restore(session, Seat.B, b.save());
  assert.equal(await again.step(s), null, "nothing to send again");
  assert.equal(again.status, "ready");
  assert.equal(again.safetyCode, b.safetyCode);
  assert.equal(new TextDecoder().decode((await again.open(Seat.A, Kind.Draft, box)) as Uint8Array), "kept");
});

// Computes every row of docs/privacy.md's test vectors with the page's own
// sealing (WebCrypto in the browser), and a few round trips; the test
// (sealing_vectors.test.mjs) compares them with the doc.
import * as sealing from "../src/sealing.js";

const session = "7KQ2b1946ac92492d2347c6235b4d2611184";
const range = (from: number, n: number) => Uint8Array.from({ length: n }, (_, i) => from + i);

async function run() {
  const a = await sealing.keyPairFromPrivate(range(0x01, 32));
  const b = await sealing.keyPairFromPrivate(range(0x41, 32));
  const transcript = await sealing.transcriptHash(session, [
    [1, a.publicKey],
    [2, b.publicKey],
  ]);
  const keyAB = await sealing.contentKeyBytes(a.privateKey, b.publicKey, transcript, 1, 2);
  const keyABfromB = await sealing.contentKeyBytes(b.privateKey, a.publicKey, transcript, 1, 2);
  const binding = { session, sender: 1, recipient: 2, kind: sealing.Kind.Turn, counter: 7n };
  const box = await sealing.seal(await sealing.aesKey(keyAB!), binding, new TextEncoder().encode("I miss you."), range(0xa0, 12));
  const bKey = await sealing.aesKey(keyABfromB!);
  const opened = await sealing.open(bKey, binding, box!);
  const tampered = box!.slice();
  tampered[20] ^= 1;
  const wrongKind = await sealing.open(bKey, { ...binding, kind: sealing.Kind.Draft }, box!);
  const wrongCounter = await sealing.open(bKey, { ...binding, counter: 8n }, box!);
  const sizes = await Promise.all(
    [0, 60, 61, 252, 4000 * 4 - 4, 16381].map(async (n) => {
      const b2 = await sealing.seal(bKey, binding, new Uint8Array(n));
      return b2 ? b2.length : null;
    }),
  );
  return {
    "A public": sealing.toHex(a.publicKey),
    "B public": sealing.toHex(b.publicKey),
    "A's commitment": sealing.toHex(await sealing.commitment(session, 1, a.publicKey)),
    "transcript (A, B)": sealing.toHex(transcript),
    "safety code": await sealing.safetyCode(transcript),
    "key A→B": sealing.toHex(keyAB!),
    "associated data (A→B, turn, counter 7)": sealing.toHex(sealing.associatedData(binding)),
    'box of "I miss you." with nonce a0 a1 … ab': sealing.toHex(box!),
    round_trip: opened ? new TextDecoder().decode(opened) : null,
    both_sides_same_key: sealing.toHex(keyAB!) === sealing.toHex(keyABfromB!),
    tampered_refused: (await sealing.open(bKey, binding, tampered)) === null,
    wrong_kind_refused: wrongKind === null,
    wrong_counter_refused: wrongCounter === null,
    box_sizes: sizes,
  };
}

run().then(
  (r) => {
    const out = document.getElementById("result")!;
    out.textContent = JSON.stringify(r);
    out.dataset.done = "yes";
  },
  (e: unknown) => {
    const out = document.getElementById("result")!;
    out.textContent = JSON.stringify({ error: String(e) });
    out.dataset.done = "yes";
  },
);

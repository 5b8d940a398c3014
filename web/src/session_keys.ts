// One member's end-to-end keys for one session (docs/privacy.md, "The
// exchange"), as heard's common/crypto/session_keys does it: commit first,
// reveal once every seat of the session has committed (locking what was
// seen), check every key against its commitment, derive the content keys
// and the safety code, and open only authentic boxes in their order.
import { Seat, type Keys, type Sealed, type Snapshot, KeysSchema, SealedSchema } from "./gen/heard/v1/heard_pb.js";
import { create } from "@bufbuild/protobuf";
import * as sealing from "./sealing.js";
import { memberOf, seatLabel, sessionSeats, keysComplete } from "./seats.js";

/** What a browser keeps (IndexedDB) to resume with the same keys. */
export interface SavedKeys {
  privateKey: CryptoKey;
  publicKey: Uint8Array;
  locked: Array<[number, Uint8Array]>;
  revealed: boolean;
  compared: boolean;
}

export type KeyStatus = "exchanging" | "ready" | "broken";
export type Order = "next" | "last_again" | "any";
export type Refusal = "not_ready" | "not_for_me" | "not_authentic" | "replayed";

export class SessionKeys {
  status: KeyStatus = "exchanging";
  problem = "";
  safetyCode = "";
  holders: Seat[] = [];
  compared = false;

  private locked = new Map<number, Uint8Array>();
  private revealed = false;
  private commitSent = false;
  private revealSent = false;
  private sendKey = new Map<number, CryptoKey>();
  private receiveKey = new Map<number, CryptoKey>();
  private lastCounter = new Map<number, bigint>();
  private myCommitment: Uint8Array | null = null;

  private constructor(
    readonly session: string,
    readonly seat: Seat,
    private readonly mine: sealing.KeyPair,
  ) {}

  static async fresh(session: string, seat: Seat): Promise<SessionKeys> {
    return new SessionKeys(session, seat, await sealing.generateKeyPair());
  }

  static restore(session: string, seat: Seat, kept: SavedKeys): SessionKeys {
    const k = new SessionKeys(session, seat, { privateKey: kept.privateKey, publicKey: kept.publicKey });
    k.revealed = kept.revealed;
    k.compared = kept.compared;
    for (const [s, c] of kept.locked) k.locked.set(s, c);
    return k;
  }

  save(): SavedKeys {
    return {
      privateKey: this.mine.privateKey,
      publicKey: this.mine.publicKey,
      locked: [...this.locked.entries()],
      revealed: this.revealed,
      compared: this.compared,
    };
  }

  private fail(why: string) {
    this.status = "broken";
    this.problem = why;
    this.safetyCode = "";
    this.sendKey.clear();
    this.receiveKey.clear();
  }

  /** Takes a snapshot in; returns what to send now: our commitment, or our key once every seat committed. */
  async step(s: Snapshot): Promise<Keys | null> {
    if (this.status === "broken") return null;
    this.myCommitment ??= await sealing.commitment(this.session, this.seat, this.mine.publicKey);
    const me = memberOf(s, this.seat);
    if (me.keyCommitment.length > 0 && !sealing.equalBytes(me.keyCommitment, this.myCommitment)) {
      this.fail("The server shows a key commitment for you that is not yours.");
      return null;
    }
    if (me.publicKey.length > 0 && !sealing.equalBytes(me.publicKey, this.mine.publicKey)) {
      this.fail("The server shows a key for you that is not yours.");
      return null;
    }
    const seats = sessionSeats(s);
    for (const seat of seats) {
      if (seat === this.seat) continue;
      const m = memberOf(s, seat);
      const lockedFor = this.locked.get(seat);
      if (this.revealed && lockedFor && !sealing.equalBytes(m.keyCommitment, lockedFor)) {
        this.fail(`The key commitment of ${seatLabel(seat)} changed after you revealed your key.`);
        return null;
      }
      if (m.publicKey.length === 0) continue;
      const expected = this.revealed && lockedFor ? lockedFor : m.keyCommitment;
      const actual = m.publicKey.length === sealing.KEY_BYTES ? await sealing.commitment(this.session, seat, m.publicKey) : null;
      if (!actual || expected.length !== sealing.KEY_BYTES || !sealing.equalBytes(actual, expected)) {
        this.fail(`The key of ${seatLabel(seat)} does not match what it committed to.`);
        return null;
      }
    }

    let send: Keys | null = null;
    if (me.keyCommitment.length === 0 && !this.commitSent) {
      this.commitSent = true;
      send = create(KeysSchema, { commitment: this.myCommitment });
    } else if (me.keyCommitment.length > 0 && !this.revealed) {
      if (seats.every((seat) => memberOf(s, seat).keyCommitment.length === sealing.KEY_BYTES)) {
        for (const seat of seats) if (seat !== this.seat) this.locked.set(seat, memberOf(s, seat).keyCommitment);
        this.revealed = true;
        this.revealSent = true;
        send = create(KeysSchema, { publicKey: this.mine.publicKey });
      }
    } else if (this.revealed && me.publicKey.length === 0 && !this.revealSent) {
      this.revealSent = true; // revealed before a reload; the server may not have it
      send = create(KeysSchema, { publicKey: this.mine.publicKey });
    }
    if (this.status === "exchanging" && keysComplete(s)) await this.derive(s);
    return send;
  }

  private async derive(s: Snapshot) {
    const keys: Array<[number, Uint8Array]> = sessionSeats(s).map((seat) => [seat, memberOf(s, seat).publicKey]);
    const transcript = await sealing.transcriptHash(this.session, keys);
    const holders: Seat[] = [];
    for (const [seat, key] of keys) {
      const out = await sealing.contentKeyBytes(this.mine.privateKey, key, transcript, this.seat, seat);
      const inn = await sealing.contentKeyBytes(this.mine.privateKey, key, transcript, seat, this.seat);
      if (!out || !inn) {
        this.fail(`The key of ${seatLabel(seat)} is not a usable key.`);
        return;
      }
      this.sendKey.set(seat, await sealing.aesKey(out));
      this.receiveKey.set(seat, await sealing.aesKey(inn));
      holders.push(seat);
    }
    this.holders = holders;
    this.safetyCode = await sealing.safetyCode(transcript);
    this.status = "ready";
  }

  /** Seals `content` for every member present (ourselves included) under `counter`; null when it cannot. */
  async seal(s: Snapshot, kind: sealing.Kind, counter: bigint, content: Uint8Array, only?: Seat): Promise<Sealed[] | null> {
    if (this.status !== "ready") return null;
    const out: Sealed[] = [];
    for (const seat of this.holders) {
      if (only !== undefined && seat !== only) continue;
      const key = this.sendKey.get(seat);
      if (!memberOf(s, seat).present || !key) continue;
      const box = await sealing.seal(key, { session: this.session, sender: this.seat, recipient: seat, kind, counter }, content);
      if (!box) return null;
      out.push(create(SealedSchema, { to: seat, counter, box }));
    }
    return out;
  }

  /** Opens a box from `sender`, authentic and in its order, or says why not. */
  async open(sender: Seat, kind: sealing.Kind, sealed: Sealed, where: Order = "next"): Promise<Uint8Array | Refusal> {
    const key = this.receiveKey.get(sender);
    if (this.status !== "ready" || !key) return "not_ready";
    if (sealed.to !== this.seat) return "not_for_me";
    const content = await sealing.open(
      key,
      { session: this.session, sender, recipient: this.seat, kind, counter: sealed.counter },
      sealed.box,
    );
    if (!content) return "not_authentic";
    if (where !== "any") {
      const last = this.lastCounter.get(sender);
      if (last !== undefined && (sealed.counter < last || (sealed.counter === last && where !== "last_again"))) {
        return "replayed";
      }
      this.lastCounter.set(sender, sealed.counter);
    }
    return content;
  }

  /** A conversation shown afresh (a reloaded page's history): counters are checked from its start again. */
  restartOrder() {
    this.lastCounter.clear();
  }
}

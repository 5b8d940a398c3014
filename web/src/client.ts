// The browser's connection to its session, written from docs/protocol.md
// and docs/privacy.md alone: opening (start, join, take a seat back),
// reconnecting with back-off, every event handled once and in order, every
// input numbered and kept until the server acknowledges it, the key
// exchange, and every word sealed before it leaves and opened (and
// checked) before it is shown. Everything runs one task at a time (run()),
// as heard's client runs on one strand: WebCrypto is asynchronous, and the
// order of inputs and events must not depend on how long a seal takes.
import { clone, create, fromBinary, toBinary, type MessageInitShape } from "@bufbuild/protobuf";
import {
  Act,
  CheckInResultsSchema,
  CheckInSchema,
  ClientMessageSchema,
  CounselSchema,
  CreateOptionsSchema,
  ErrorCode,
  HelloSchema,
  Mode,
  Phase,
  Seat,
  ServerMessageSchema,
  SnapshotSchema,
  type CheckIn,
  type CheckInResults,
  type ClientMessage,
  type CreateOptions,
  type Error as ServerError,
  type Hello,
  type Judged,
  type Keys,
  type Sealed,
  type ServerMessage,
  type SessionSummary,
  type Snapshot,
  type Turn,
  type Verdict,
  type Welcome,
} from "./gen/heard/v1/heard_pb.js";
import { normalizeInviteCode, randomRoute, routeOf, sessionTarget } from "./invite_code.js";
import { Kind } from "./sealing.js";
import { creatorSeat, memberOf, seatName } from "./seats.js";
import { SessionKeys, type Order } from "./session_keys.js";
import { forgetSeat, keepDraft, keptDraft, loadSeat, saveSeat, type SavedSeat } from "./store.js";
import { countCodePoints, decodeText, encodeText, textProblem, tooLongSentence } from "./text_rules.js";

export const PROTOCOL_VERSION = 3;

/** Every setting of the client in one place; tests may shrink them. */
export interface ClientSettings {
  reconnectInitialMs: number; // back-off doubles from here ...
  reconnectMaxMs: number; // ... up to here, each wait drawn between half and all of it
  ackDelayMs: number; // a received event waits at most this long for its acknowledgement
  maxStartAttempts: number; // a start with no answer at all tries a fresh route
  saveDelayMs: number; // what is typed is in IndexedDB within about this long
  keptNotices: number;
}

export const DEFAULT_SETTINGS: ClientSettings = {
  reconnectInitialMs: 250,
  reconnectMaxMs: 8000,
  ackDelayMs: 200,
  maxStartAttempts: 3,
  saveDelayMs: 100,
  keptNotices: 6,
};

export type NoticeKind = "kept" | "not_sent" | "warning" | "refused" | "connection";
export interface Notice {
  kind: NoticeKind;
  text: string;
}

/** One thing said in the session, opened: what the conversation shows. */
export type Entry =
  | { kind: "turn"; turn: Turn; text: string }
  | { kind: "judged"; judged: Judged; missed: string }
  | { kind: "guidance"; text: string }
  | { kind: "check_ins"; results: CheckInResults }
  | { kind: "summary"; summary: SessionSummary };

export interface StartOptions {
  mode: Mode;
  firstSpeaker: number;
  guided: boolean;
  rounds: number;
  speakLimitS: number;
  reflectLimitS: number;
  topic: string;
}

export type CounselAction = MessageInitShape<typeof CounselSchema>["action"];

type Connection = "idle" | "connecting" | "open" | "reconnecting" | "closed";

const floorKey = (s: Snapshot | undefined) =>
  s ? `${s.round}:${s.attempt}:${s.phase === Phase.PAUSED ? s.pausedPhase : s.phase}` : "";

export class HeardClient {
  // --- What the screen shows (read it in onChange) ----------------------------------
  seat: Seat = Seat.UNSPECIFIED;
  snapshot: Snapshot | undefined;
  inviteA = ""; // self-guided: the partner's code; guided: seat A's
  inviteB = ""; // guided: seat B's
  maxTurnChars = 4000;
  maxCheckInChars = 1000;
  connection: Connection = "idle";
  closedReason = "";
  retryInMs = 0;
  entries: Entry[] = [];
  partnerDraft: { author: Seat; text: string } | null = null;
  myDraft = "";
  draftVersion = 0; // changes when the client itself changed myDraft (a new floor, a refused draft, a reload)
  unsentDraft = ""; // my words on a floor that ended before they were sent (the session ended)
  notices: Notice[] = [];
  topic = "";
  safetyCode = "";
  keysProblem = "";
  keysCompared = false;
  keyHolders: Seat[] = [];
  myWords: string[] = []; // everything this person committed, in case the server loses the session
  sessionGone = false;

  onChange: () => void = () => {};

  // --- Connection and ordering -------------------------------------------------------
  private socket: WebSocket | null = null;
  private generation = 0;
  private chain: Promise<void> = Promise.resolve();
  private name = "";
  private sessionKey = "";
  private resumeToken: Uint8Array = new Uint8Array();
  private lastSeq = 0n;
  private lastAckedSeq = 0n;
  private currentThrough = 0n;
  private historyGiven = false;
  private shownHistory = 0;
  private wantHistory = false;
  private welcomedOnce = false;
  private final = false;
  private finished = false;
  private replaced = false;
  private leaving = false;
  private createHello: Hello | null = null;
  private createAttempts = 0;
  private reconnectAttempt = 0;
  private heartbeatMs = 10_000;
  private draftIntervalMs = 300;
  private lastSentAt = 0;
  private finalReason = "";

  // --- Inputs ------------------------------------------------------------------------
  private outbox: ClientMessage[] = []; // sent or not, until acknowledged (plaintext: this person's own)
  private recent: ClientMessage[] = []; // acknowledged, for reading a refusal that names one
  private held: ClientMessage[] = []; // refused with PARTNER_AWAY: sent again once both are back
  private lastInputId = 0n;
  private pendingDraft: string | null = null;
  private lastDraftSentAt = 0;
  private draftKept = false;
  private restoredDraft = false; // a reloaded tab's draft, sent again at its first Welcome
  private draftKey = "";

  // --- Keys --------------------------------------------------------------------------
  private keys: SessionKeys | null = null;
  private keptKeys: SavedSeat["keys"] = null;
  private pendingKeys: Keys | null = null;
  private pendingTopic = "";
  private topicSent = false;

  // --- Timers ------------------------------------------------------------------------
  private timers = { reconnect: 0, ack: 0, heartbeat: 0, draft: 0, save: 0 };
  // A heartbeat re-armed from its own timer nests a level deeper each beat,
  // and Chrome wakes a tab hidden for 5 minutes only once a minute for timers
  // nested 5 deep: the server, hearing nothing for its idle timeout, would
  // close the connection and the partner would see it dropped. Re-armed from
  // a message to itself, every heartbeat timer starts from a fresh task.
  private readonly heartbeatRearm = new MessageChannel();

  constructor(
    private readonly url: (target: string) => string,
    private readonly settings: ClientSettings = DEFAULT_SETTINGS,
  ) {
    this.heartbeatRearm.port1.onmessage = () => {
      if (this.socket) this.armHeartbeat();
    };
  }

  // === Opening =======================================================================

  start(name: string, o: StartOptions) {
    this.run(async () => {
      this.name = name;
      // The topic is sealed to everyone once their keys are in; the server never has it.
      this.pendingTopic = o.topic;
      const options: CreateOptions = create(CreateOptionsSchema, {
        mode: o.mode,
        firstSpeaker: o.firstSpeaker,
        guided: o.guided,
        rounds: o.rounds,
        speakLimitS: o.speakLimitS,
        reflectLimitS: o.reflectLimitS,
        topicFollows: o.topic.length > 0,
      });
      this.createHello = create(HelloSchema, { create: options });
      this.createAttempts = 1;
      this.connect(sessionTarget(randomRoute()), this.createHello);
    });
  }

  join(name: string, typedCode: string) {
    this.run(async () => {
      this.name = name;
      // A typo still goes to the server, which answers it like any wrong code.
      const canonical = normalizeInviteCode(typedCode);
      const hello = create(HelloSchema, { joinCode: canonical ?? typedCode });
      this.connect(sessionTarget(canonical ? routeOf(canonical) : randomRoute()), hello);
    });
  }

  /** Takes back the seat this browser kept; false when it kept none. */
  async resumeSaved(): Promise<boolean> {
    const saved = await loadSeat().catch(() => undefined);
    if (!saved || saved.version !== 1 || saved.resumeToken.length === 0) return false;
    this.run(async () => {
      this.name = saved.name;
      this.sessionKey = saved.sessionKey;
      this.resumeToken = saved.resumeToken;
      this.seat = saved.seat;
      this.lastSeq = saved.lastSeq;
      this.lastAckedSeq = saved.lastSeq;
      this.outbox = saved.unacked.flatMap((bytes) => {
        try {
          return [fromBinary(ClientMessageSchema, bytes)];
        } catch {
          return [];
        }
      });
      this.lastInputId = saved.nextInputId > 0n ? saved.nextInputId - 1n : 0n;
      this.snapshot = saved.snapshot ? fromBinary(SnapshotSchema, saved.snapshot) : undefined;
      // The draft written at the last keystroke, if it is this floor's, is at least as new.
      const quick = keptDraft();
      this.myDraft = quick && quick.session === saved.sessionKey && quick.floor === saved.draftKey ? quick.text : saved.myDraft;
      this.restoredDraft = this.myDraft.length > 0;
      ++this.draftVersion;
      this.draftKey = saved.draftKey;
      this.myWords = saved.myWords;
      this.keptKeys = saved.keys;
      this.pendingTopic = saved.pendingTopic;
      this.topic = saved.topic;
      this.inviteA = saved.inviteA;
      this.inviteB = saved.inviteB;
      this.welcomedOnce = true;
      this.wantHistory = true; // a fresh page: nothing on screen yet
      this.connection = "reconnecting";
      this.reconnect();
    });
    return true;
  }

  private connect(target: string, hello: Hello) {
    if (this.final) return;
    hello.protocolVersion = PROTOCOL_VERSION;
    hello.minVersion = PROTOCOL_VERSION;
    hello.maxVersion = PROTOCOL_VERSION;
    hello.displayName = encodeText(this.name);
    const generation = ++this.generation;
    this.connection = this.welcomedOnce ? "reconnecting" : "connecting";
    let socket: WebSocket;
    try {
      socket = new WebSocket(this.url(target), []);
    } catch (e) {
      this.finish(`The server's address could not be used (${String(e)}).`);
      return;
    }
    socket.binaryType = "arraybuffer";
    this.socket = socket;
    const current = () => generation === this.generation;
    socket.onopen = () =>
      this.run(async () => {
        if (!current()) return;
        socket.send(toBinary(ClientMessageSchema, create(ClientMessageSchema, { body: { case: "hello", value: hello } })));
        this.lastSentAt = Date.now();
        this.armHeartbeat();
      });
    socket.onmessage = (e) =>
      this.run(async () => {
        if (current() && e.data instanceof ArrayBuffer) await this.onMessage(new Uint8Array(e.data));
      });
    socket.onclose = (e) =>
      this.run(async () => {
        if (current()) await this.onClose(e.reason || (e.code === 1006 ? "the connection was lost" : `closed (${e.code})`));
      });
    this.changed();
  }

  private reconnect() {
    const hello = create(HelloSchema, {
      rejoin: { resumeToken: this.resumeToken, lastSeq: this.lastSeq, wantHistory: this.wantHistory, sessionKey: this.sessionKey },
    });
    this.connect(sessionTarget(routeOf(this.sessionKey)), hello);
  }

  private async onClose(reason: string) {
    this.socket = null;
    const wasOpen = this.connection === "open";
    this.connection = "reconnecting";
    for (const t of ["draft", "ack", "heartbeat"] as const) clearTimeout(this.timers[t]);
    if (this.pendingDraft !== null) this.flushDraft(); // queued for the resume, not lost
    if (!this.final && !this.welcomedOnce && this.createHello && this.createAttempts < this.settings.maxStartAttempts) {
      // No answer at all to a start: another route most likely reaches another node.
      ++this.createAttempts;
      this.connect(sessionTarget(randomRoute()), this.createHello);
      return;
    }
    if (this.final || !this.welcomedOnce) {
      await this.finish(this.finalReason || reason);
      return;
    }
    const ceiling = Math.min(this.settings.reconnectMaxMs, this.settings.reconnectInitialMs * 2 ** Math.min(this.reconnectAttempt, 16));
    const wait = Math.round(ceiling / 2 + (Math.random() * ceiling) / 2);
    ++this.reconnectAttempt;
    this.retryInMs = wait;
    if (wasOpen) this.notify("connection", `The connection dropped (${reason}); reconnecting. Nothing you wrote is lost.`);
    this.timers.reconnect = window.setTimeout(() => this.run(async () => this.final || this.reconnect()), wait);
    this.changed();
  }

  private async finish(reason: string) {
    if (this.finished) return;
    this.finished = true;
    this.final = true;
    this.connection = "closed";
    this.closedReason = reason;
    Object.values(this.timers).forEach((t) => clearTimeout(t));
    const ended = this.snapshot?.phase === Phase.ENDED;
    if (this.replaced) {
      // The seat and its storage belong to the tab that took it back.
    } else if (ended || this.leaving || this.sessionGone || !this.welcomedOnce) {
      await forgetSeat().catch(() => undefined);
    } else {
      await this.saveNow();
    }
    this.changed();
  }

  // === Receiving =====================================================================

  private async onMessage(bytes: Uint8Array) {
    let m: ServerMessage;
    try {
      m = fromBinary(ServerMessageSchema, bytes);
    } catch {
      this.notify("warning", "A message from the server could not be read; it was skipped.");
      return;
    }
    if (m.seq !== 0n) {
      if (m.seq <= this.lastSeq) return; // handled before a reconnect
      this.lastSeq = m.seq;
      this.armAck();
      if (m.seq <= this.currentThrough && (m.body.case === "stateChanged" || this.historyGiven)) {
        // The Welcome covers it: its snapshot is newer, its history already shown.
        this.dropAcknowledged(m.ackInput);
        this.scheduleSave();
        return;
      }
    }
    this.dropAcknowledged(m.ackInput);
    switch (m.body.case) {
      case "welcome":
        await this.onWelcome(m.body.value);
        break;
      case "invite": {
        const second = this.seat === Seat.COUNSELOR && m.body.value.seat === Seat.B;
        if (second) this.inviteB = m.body.value.code;
        else this.inviteA = m.body.value.code;
        break;
      }
      case "stateChanged":
        if (m.body.value.snapshot) await this.takeSnapshot(m.body.value.snapshot);
        break;
      case "error":
        this.onRefused(m.body.value);
        break;
      case "turn":
      case "judged":
      case "guidance":
      case "checkInResults":
      case "summary":
        ++this.shownHistory;
        break;
      default:
        break;
    }
    if (m.seq !== 0n || m.body.case === "welcome") this.scheduleSave();
    await this.show(m);
    this.changed();
  }

  private async takeSnapshot(s: Snapshot) {
    const wasMine = this.snapshot?.you?.writes ?? false;
    this.snapshot = s;
    this.updateDraftKey(wasMine);
    await this.stepKeys();
    await this.flushKeys();
    if (s.phase === Phase.ENDED) this.final = true;
    if (s.phase !== Phase.PAUSED && this.held.length > 0) {
      const again = this.held;
      this.held = [];
      for (const m of again) await this.sendInput(m, false);
    }
    await this.sendKeptDraft();
  }

  private async onWelcome(w: Welcome) {
    const wasMine = this.snapshot?.you?.writes ?? false;
    this.connection = "open";
    this.seat = w.yourSeat;
    for (const invite of w.invites) {
      const second = w.yourSeat === Seat.COUNSELOR && invite.seat === Seat.B;
      if (second) this.inviteB = invite.code;
      else this.inviteA = invite.code;
    }
    this.maxTurnChars = w.maxTurnChars;
    this.maxCheckInChars = w.maxCheckInChars;
    this.snapshot = w.snapshot;
    if (w.draftIntervalMs > 0) this.draftIntervalMs = w.draftIntervalMs;
    if (w.heartbeatIntervalMs > 0 && w.heartbeatIntervalMs !== this.heartbeatMs) {
      // The beat armed when the connection opened used the old interval: a
      // server asking for a shorter one would close before it came.
      this.heartbeatMs = w.heartbeatIntervalMs;
      this.armHeartbeat();
    }
    this.sessionKey = w.sessionKey;
    this.resumeToken = w.resumeToken;
    this.reconnectAttempt = 0;
    this.retryInMs = 0;
    this.updateDraftKey(this.welcomedOnce ? wasMine : true);
    this.welcomedOnce = true;
    this.currentThrough = w.resumed ? w.currentThroughSeq : 0n;
    this.historyGiven = w.historySent;
    if (this.historyGiven) {
      this.wantHistory = false;
      const dropped = w.historyDropped;
      const seen = Math.min(Math.max(this.shownHistory - dropped, 0), w.history.length);
      w.history.splice(0, seen);
      this.shownHistory = dropped + seen + w.history.length;
    }
    await this.stepKeys();
    await this.openWelcome(w);
    // Everything the server has not processed goes again, in order.
    this.dropAcknowledged(w.lastInputId);
    if (w.resumed) await this.transmit(create(ClientMessageSchema, { body: { case: "ackOnly", value: {} } }));
    for (const kept of this.outbox) await this.transmit(kept);
    await this.flushKeys();
    if (this.restoredDraft) {
      // A reloaded tab: the last words typed may not have gone before it
      // closed. The floor's draft is the whole text, so sending it again is harmless.
      this.restoredDraft = false;
      if (this.myDraft && this.writesNow() && !this.outbox.some((m) => m.body.case === "draft")) {
        // The floor may still be stopped for our own absence (the Welcome can
        // come before the pause ends): then it waits as a kept draft.
        this.draftKept = true;
        await this.sendKeptDraft();
      }
    }
    await this.saveNow();
  }

  private dropAcknowledged(ackInput: bigint) {
    while (this.outbox.length > 0 && this.outbox[0].inputId <= ackInput) {
      this.recent.push(this.outbox.shift()!);
      if (this.recent.length > 64) this.recent.shift();
    }
  }

  private sentInput(id: bigint): ClientMessage | undefined {
    return this.recent.find((m) => m.inputId === id) ?? this.outbox.find((m) => m.inputId === id);
  }

  private onRefused(e: ServerError) {
    const input = e.inputId !== 0n ? this.sentInput(e.inputId) : undefined;
    const forNow = e.code === ErrorCode.ERROR_SESSION_PAUSED || e.code === ErrorCode.ERROR_PARTNER_AWAY;
    if (input?.body.case === "draft") {
      if (forNow && this.writesNow()) {
        this.draftKept = true; // crossed the pause on the wire: kept, sent when the floor goes on
      } else if (forNow || e.code === ErrorCode.ERROR_NOT_YOUR_TURN || e.code === ErrorCode.ERROR_WRONG_PHASE) {
        this.forgetRefusedDraft(input); // never sent later
        this.notify("refused", `Not sent: ${e.message}`);
      }
    } else if (input && e.code === ErrorCode.ERROR_PARTNER_AWAY) {
      this.held.push(input); // a Ready or a verdict goes through once both are back
    } else {
      this.notify("refused", e.message);
    }
    if (e.closes) {
      this.final = true;
      this.sessionGone = e.code === ErrorCode.ERROR_SESSION_EXPIRED;
      // Another tab (or device) took this seat: it keeps the stored seat now; this one must not overwrite it.
      this.replaced = e.code === ErrorCode.ERROR_REPLACED;
      this.finalReason = e.message;
    }
  }

  // Words typed when the floor was not ours are refused; they must not linger
  // and be sent later as part of a real turn.
  private forgetRefusedDraft(input: ClientMessage) {
    if (input.body.case !== "draft") return;
    const refused = decodeText(input.body.value.text) ?? "";
    if (!refused || !this.myDraft.startsWith(refused)) return;
    const lineBreak = this.myDraft.length > refused.length && this.myDraft[refused.length] === "\n";
    this.myDraft = this.myDraft.slice(refused.length + (lineBreak ? 1 : 0));
    ++this.draftVersion;
  }

  // A new floor (round, attempt or phase) starts a new draft; only a floor
  // that was mine ends my draft.
  private updateDraftKey(previousFloorMine: boolean) {
    const key = floorKey(this.snapshot);
    if (key === this.draftKey) return;
    this.draftKey = key;
    this.draftKept = false;
    this.partnerDraft = null;
    // What was said about the last floor's words no longer applies; warnings stay.
    this.notices = this.notices.filter((n) => n.kind === "warning");
    const phase = this.snapshot?.phase;
    const cutShort = phase === Phase.CHECK_IN || phase === Phase.ENDED;
    this.unsentDraft = previousFloorMine && cutShort ? this.myDraft : "";
    if (previousFloorMine) {
      this.myDraft = "";
      ++this.draftVersion;
    }
  }

  // === Sending =======================================================================

  may(act: Act): boolean {
    return this.snapshot?.you?.allowed.includes(act) ?? false;
  }

  /** The floor's words are mine, now or once the current pause or hold ends. */
  writesNow(): boolean {
    return this.snapshot?.you?.writes ?? false;
  }

  spoken(): boolean {
    return this.snapshot?.mode === Mode.SPOKEN;
  }

  ready() {
    this.input({ case: "ready", value: {} });
  }
  timeOut() {
    this.input({ case: "timeOut", value: {} });
  }
  resume() {
    this.input({ case: "resume", value: {} });
  }
  endSession() {
    this.input({ case: "endSession", value: {} });
  }
  counsel(action: CounselAction) {
    this.input({ case: "counsel", value: { action } });
  }
  /** What this person wrote, to give back when the server has lost the session: every word they sent, and the text in progress. */
  wordsToGiveBack(): string[] {
    return this.myDraft ? [...this.myWords, `${this.myDraft}  (unfinished)`] : [...this.myWords];
  }

  note(text: string) {
    this.counsel({ case: "note", value: { text: encodeText(text), sealed: [] } });
  }

  judge(verdict: Verdict, missed = "") {
    this.input({ case: "judge", value: { verdict, missed: encodeText(this.spoken() ? "" : missed), sealed: [] } });
  }

  checkIn(feltSafe: number, couldSayAnything: number, partnerInvested: number, words: string, shareWords: boolean) {
    this.input({
      case: "checkIn",
      value: { feltSafe, couldSayAnything, partnerInvested, words: encodeText(words), shareWords, sealed: [] },
    });
  }

  markCompared() {
    this.run(async () => {
      if (this.keys?.status !== "ready") return;
      this.keys.compared = true;
      this.keysCompared = true;
      await this.saveNow();
      this.changed();
    });
  }

  /** The text so far, while typing: sent at most once per the server's draft interval, the latest text winning. */
  setDraft(text: string) {
    if (this.sessionKey) keepDraft({ session: this.sessionKey, floor: this.draftKey, text });
    this.run(async () => {
      if (!this.acceptsDraft(text)) return this.changed();
      this.myDraft = text;
      // Stored before anything else happens: a tab closed right after a
      // keystroke keeps the keystroke.
      await this.saveNow();
      if (this.draftKept) return this.changed();
      if (this.connection !== "open") {
        await this.sendInput(create(ClientMessageSchema, { body: { case: "draft", value: { text: encodeText(text) } } }));
        return this.changed();
      }
      this.pendingDraft = text;
      if (this.timers.draft) return;
      const next = this.lastDraftSentAt + this.draftIntervalMs;
      if (Date.now() >= next) return this.flushDraft();
      this.timers.draft = window.setTimeout(() => {
        this.timers.draft = 0;
        this.run(async () => this.flushDraft());
      }, next - Date.now());
    });
  }

  endTurn(text: string) {
    this.run(async () => {
      // Spoken: the words were said out loud; what the screen holds is not sent.
      const words = this.spoken() ? "" : text;
      const chars = countCodePoints(words);
      if (this.maxTurnChars > 0 && chars > this.maxTurnChars) {
        this.notify("not_sent", tooLongSentence(chars, this.maxTurnChars));
        return this.changed();
      }
      this.pendingDraft = null;
      clearTimeout(this.timers.draft);
      this.timers.draft = 0;
      await this.sendInput(create(ClientMessageSchema, { body: { case: "endTurn", value: { text: encodeText(words) } } }));
      this.changed();
    });
  }

  leave() {
    this.run(async () => {
      this.leaving = true;
      if (this.connection !== "open") {
        this.final = true;
        clearTimeout(this.timers.reconnect);
        this.socket?.close();
        await this.finish("left");
        return;
      }
      await this.sendInput(create(ClientMessageSchema, { body: { case: "leave", value: {} } }));
      this.final = true; // the server closes with 1000 "left"
    });
  }

  private input(body: MessageInitShape<typeof ClientMessageSchema>["body"]) {
    this.run(async () => {
      await this.sendInput(create(ClientMessageSchema, { body }));
      this.changed();
    });
  }

  private acceptsDraft(text: string): boolean {
    if (this.spoken() && text) {
      this.notify("not_sent", "This is a spoken session: say it out loud. Nothing typed is sent; finish your turn with Done.");
      return false;
    }
    const chars = countCodePoints(text);
    if (this.maxTurnChars > 0 && chars > this.maxTurnChars) {
      this.notify("not_sent", tooLongSentence(chars, this.maxTurnChars));
      return false;
    }
    if (this.may(Act.WRITE)) return true;
    const s = this.snapshot;
    const stopped = !!s && (s.phase === Phase.PAUSED || s.held);
    // Not stopped: the server has the last word (it refuses what is not this
    // person's to write, and the refused words are dropped here).
    if (!stopped) return true;
    if (this.writesNow()) {
      // The writer's words wait in their draft for the floor to go on.
      if (!this.draftKept) this.notify("kept", "Kept in your text; it goes on when the session resumes.");
      this.draftKept = true;
      return true;
    }
    // Not the writer's: never sent, now or later.
    this.notify("not_sent", "Not sent: the exercise is paused, and these words are not yours to write now.");
    return false;
  }

  private async sendKeptDraft() {
    if (!this.draftKept) return;
    if (!this.writesNow()) {
      this.draftKept = false; // that floor is over; its draft went with it
      return;
    }
    if (!this.may(Act.WRITE)) return; // still stopped
    this.draftKept = false;
    this.pendingDraft = this.myDraft;
    await this.flushDraft();
  }

  private async flushDraft() {
    if (this.pendingDraft === null) return;
    const text = this.pendingDraft;
    this.pendingDraft = null;
    this.lastDraftSentAt = Date.now();
    await this.sendInput(create(ClientMessageSchema, { body: { case: "draft", value: { text: encodeText(text) } } }));
  }

  /** Why the server or a member's client would refuse this input's words; null when it may go. */
  private outgoingProblem(m: ClientMessage): string | null {
    // Said once, up front, rather than a warning for every input that cannot
    // be sealed. A check-in still goes: the server learns only that it was answered.
    if (this.keys?.status === "broken" && carriesWords(m)) {
      return "Not sent: the keys do not match, so nothing more is sealed. End the session and start a new one.";
    }
    const problem = (bytes: Uint8Array, max: number) => textProblem(decodeText(bytes) ?? "\ud800", max);
    switch (m.body.case) {
      case "draft":
        return problem(m.body.value.text, this.maxTurnChars);
      case "endTurn":
        if (this.spoken()) return null;
        if (m.body.value.text.length === 0) return "There is nothing to send yet.";
        return problem(m.body.value.text, this.maxTurnChars);
      case "judge":
        return problem(m.body.value.missed, this.maxTurnChars);
      case "counsel":
        if (m.body.value.action.case !== "note") return null;
        if (m.body.value.action.value.text.length === 0) return "The note is empty.";
        return problem(m.body.value.action.value.text, this.maxCheckInChars);
      case "checkIn":
        return checkInProblem(m.body.value, this.maxCheckInChars);
      case "topic": {
        const p = problem(m.body.value.text, this.maxCheckInChars);
        return p ? `Topic: ${p}` : null;
      }
      default:
        return null;
    }
  }

  /** Numbers an input, keeps it until acknowledged, and sends it when connected. */
  private async sendInput(m: ClientMessage, firstTime = true) {
    if (this.final) return;
    if (firstTime) {
      const problem = this.outgoingProblem(m);
      if (problem) return this.notify("not_sent", problem);
    }
    // Only the newest draft matters: a Turn carries its whole text.
    if (m.body.case === "draft") this.outbox = this.outbox.filter((k) => k.body.case !== "draft");
    m.inputId = ++this.lastInputId;
    if (firstTime) {
      // What this person wrote, kept to give back if the server loses the session.
      const b = m.body;
      const words =
        b.case === "endTurn"
          ? b.value.text
          : b.case === "judge"
            ? b.value.missed
            : b.case === "checkIn"
              ? b.value.words
              : b.case === "counsel" && b.value.action.case === "note"
                ? b.value.action.value.text
                : null;
      const text = words ? decodeText(words) : null;
      if (text) this.myWords.push(text);
    }
    this.outbox.push(m);
    this.scheduleSave();
    if (this.connection === "open") await this.transmit(m);
  }

  /** Seals a copy of the input (its text fields never leave) and sends it with the latest ack. */
  private async transmit(input: ClientMessage) {
    const m = clone(ClientMessageSchema, input);
    if (!(await this.sealInput(m))) {
      this.notify("warning", "Your words could not be sealed, so they were not sent.");
    }
    m.ack = this.lastSeq;
    this.lastAckedSeq = this.lastSeq;
    this.lastSentAt = Date.now();
    if (this.socket?.readyState === WebSocket.OPEN) this.socket.send(toBinary(ClientMessageSchema, m));
  }

  private async sealInput(m: ClientMessage): Promise<boolean> {
    const s = this.snapshot;
    const seal = async (kind: Kind, text: Uint8Array, into: Sealed[]) => {
      into.length = 0;
      if (!this.keys || !s) return false;
      const boxes = await this.keys.seal(s, kind, m.inputId, text);
      if (!boxes) return false;
      into.push(...boxes);
      return true;
    };
    switch (m.body.case) {
      case "draft": {
        const text = m.body.value.text;
        m.body.value.text = new Uint8Array();
        return seal(Kind.Draft, text, m.body.value.sealed);
      }
      case "endTurn": {
        const text = m.body.value.text;
        m.body.value.text = new Uint8Array();
        if (this.spoken()) return true;
        return seal(Kind.Turn, text, m.body.value.sealed);
      }
      case "judge": {
        const text = m.body.value.missed;
        m.body.value.missed = new Uint8Array();
        if (text.length === 0) return true;
        return seal(Kind.Missed, text, m.body.value.sealed);
      }
      case "topic": {
        const text = m.body.value.text;
        m.body.value.text = new Uint8Array();
        return seal(Kind.Topic, text, m.body.value.sealed);
      }
      case "counsel": {
        if (m.body.value.action.case !== "note") return true;
        const note = m.body.value.action.value;
        const text = note.text;
        note.text = new Uint8Array();
        return seal(Kind.Note, text, note.sealed);
      }
      case "checkIn": {
        const mine = m.body.value;
        m.body.value = create(CheckInSchema);
        // Keys never arrived (the session ended first): the server learns only that this partner answered.
        if (!this.keys || this.keys.status !== "ready" || !s) return true;
        for (const reader of this.keys.holders) {
          if (!memberOf(s, reader).present) continue;
          const content = toBinary(CheckInSchema, checkInFor(mine, reader));
          const boxes = await this.keys.seal(s, Kind.CheckIn, m.inputId, content, reader);
          if (!boxes) return false;
          m.body.value.sealed.push(...boxes);
        }
        return true;
      }
      default:
        return true;
    }
  }

  private armAck() {
    if (this.timers.ack) return;
    this.timers.ack = window.setTimeout(() => {
      this.timers.ack = 0;
      this.run(async () => {
        if (this.connection !== "open" || this.lastAckedSeq >= this.lastSeq) return;
        await this.transmit(create(ClientMessageSchema, { body: { case: "ackOnly", value: {} } }));
      });
    }, this.settings.ackDelayMs);
  }

  private armHeartbeat() {
    clearTimeout(this.timers.heartbeat);
    this.timers.heartbeat = window.setTimeout(() => {
      this.run(async () => {
        if (this.connection === "open" && Date.now() - this.lastSentAt >= this.heartbeatMs / 2) {
          await this.transmit(create(ClientMessageSchema, { body: { case: "ackOnly", value: {} } }));
        }
        this.heartbeatRearm.port2.postMessage(null);
      });
    }, this.heartbeatMs / 2);
  }

  // === End to end ====================================================================

  private async stepKeys() {
    if (!this.sessionKey || this.seat === Seat.UNSPECIFIED || !this.snapshot) return;
    if (!this.keys) {
      this.keys = this.keptKeys
        ? SessionKeys.restore(this.sessionKey, this.seat, this.keptKeys)
        : await SessionKeys.fresh(this.sessionKey, this.seat);
      this.keptKeys = null;
    }
    const before = this.keys.status;
    const send = await this.keys.step(this.snapshot);
    this.safetyCode = this.keys.safetyCode;
    this.keyHolders = this.keys.holders;
    this.keysCompared = this.keys.compared;
    this.keysProblem = this.keys.problem;
    if (send) this.pendingKeys = send;
    if (this.keys.status === before) return;
    // The safety panel shows the code; a broken exchange is also said where warnings go.
    if (this.keys.status === "broken") this.notify("warning", this.safetyCodeSentence());
  }

  safetyCodeSentence(): string {
    if (this.keysProblem) {
      return `Keys do not match: ${this.keysProblem} Someone may be reading along; nothing more is sealed or shown. End the session and start a new one.`;
    }
    if (!this.safetyCode) return "The keys are still being exchanged.";
    const others = this.keyHolders.filter((s) => s !== this.seat).map((s) => seatName(this.snapshot, this.seat, s));
    return `Safety code ${this.safetyCode}. Compare it with ${others.join(" and ")} by phone or in person: if the codes match, only you can read what is said.`;
  }

  private async flushKeys() {
    await this.sendTopic();
    if (!this.pendingKeys) return;
    const keys = this.pendingKeys;
    this.pendingKeys = null;
    // In storage before it goes: a reloaded page must reveal the key it committed to.
    await this.saveNow();
    await this.sendInput(create(ClientMessageSchema, { body: { case: "keys", value: keys } }));
  }

  // The creator's topic goes once every key is in, sealed to all.
  private async sendTopic() {
    const s = this.snapshot;
    if (!this.pendingTopic || this.topicSent || !s) return;
    if (s.topicGiven) {
      this.pendingTopic = "";
      return;
    }
    if (this.seat !== creatorSeat(s.guided) || this.keys?.status !== "ready") return;
    this.topicSent = true;
    await this.sendInput(create(ClientMessageSchema, { body: { case: "topic", value: { text: encodeText(this.pendingTopic) } } }));
  }

  private async openBox(sender: Seat, kind: Kind, box: Sealed, where: Order = "next"): Promise<Uint8Array | null> {
    const who = seatName(this.snapshot, this.seat, sender);
    if (!this.keys) {
      this.notify("warning", `Words from ${who} arrived before the keys; they are not shown.`);
      return null;
    }
    const opened = await this.keys.open(sender, kind, box, where);
    if (typeof opened !== "string") return opened;
    const why =
      opened === "replayed" ? "it came again or out of order" : opened === "not_ready" ? "the keys are not in place" : "it was changed on the way or sealed for someone else";
    this.notify("warning", `Not shown: words from ${who} failed their seal check (${why}). The server may be tampering; nothing in them was read.`);
    return null;
  }

  /** Opens and checks words as their sender had to: UTF-8, no control characters, within the limit. */
  private async openText(sender: Seat, kind: Kind, box: Sealed, where: Order = "next"): Promise<string | null> {
    const bytes = await this.openBox(sender, kind, box, where);
    if (!bytes) return null;
    const text = decodeText(bytes);
    const problem = text === null ? "The text is not valid UTF-8." : textProblem(text, kind === Kind.Note ? this.maxCheckInChars : this.maxTurnChars);
    if (problem !== null || text === null) {
      this.notify("warning", `Not shown: words from ${seatName(this.snapshot, this.seat, sender)} broke the text rules (${problem})`);
      return null;
    }
    return text;
  }

  private async openCheckIns(results: CheckInResults, where: Order): Promise<CheckInResults> {
    const out = clone(CheckInResultsSchema, results);
    for (const answer of out.answers) {
      answer.answers = undefined;
      if (!answer.answered || !answer.sealed) continue;
      const bytes = await this.openBox(answer.seat, Kind.CheckIn, answer.sealed, where);
      let opened: CheckIn | null = null;
      try {
        opened = bytes ? fromBinary(CheckInSchema, bytes) : null;
      } catch {
        opened = null;
      }
      if (!opened || checkInProblem(opened, this.maxCheckInChars)) {
        answer.answered = false;
        continue;
      }
      answer.answers = opened;
    }
    return out;
  }

  private async openTopic(from: Seat, box: Sealed | undefined) {
    if (!box) return;
    const text = await this.openText(from, Kind.Topic, box, "any");
    if (text !== null) this.topic = text;
  }

  /** Opens what an event carries and adds it to what the screen shows; words that fail are never shown. */
  private async show(m: ServerMessage) {
    switch (m.body.case) {
      case "draftUpdate": {
        const d = m.body.value;
        if (!d.sealed) return;
        const text = await this.openText(d.author, Kind.Draft, d.sealed);
        if (text !== null) this.partnerDraft = { author: d.author, text };
        return;
      }
      case "turn":
        return this.showTurn(m.body.value);
      case "judged":
        return this.showJudged(m.body.value);
      case "guidance": {
        if (!m.body.value.sealed) return;
        const text = await this.openText(Seat.COUNSELOR, Kind.Note, m.body.value.sealed);
        if (text !== null) this.entries.push({ kind: "guidance", text });
        return;
      }
      case "checkInResults":
        this.entries.push({ kind: "check_ins", results: await this.openCheckIns(m.body.value, "next") });
        return;
      case "summary": {
        const summary = m.body.value;
        // The same boxes as the counselor's CheckInResults: seen once already.
        if (summary.checkIns) summary.checkIns = await this.openCheckIns(summary.checkIns, "last_again");
        summary.topic = encodeText(this.topic);
        this.entries.push({ kind: "summary", summary });
        return;
      }
      case "topicSet":
        return this.openTopic(m.body.value.from, m.body.value.sealed);
      default:
        return;
    }
  }

  private async showTurn(t: Turn) {
    t.text = new Uint8Array();
    let text = "";
    if (t.sealed) {
      // A floor ended by its time or the counselor: its last draft, seen before.
      const lastDraft = t.timedOut || t.movedOn;
      const opened = await this.openText(t.author, lastDraft ? Kind.Draft : Kind.Turn, t.sealed, lastDraft ? "last_again" : "next");
      if (opened === null) return;
      text = opened;
    }
    this.entries.push({ kind: "turn", turn: t, text });
  }

  private async showJudged(j: Judged) {
    j.missed = new Uint8Array();
    let missed = "";
    if (j.sealed) {
      const opened = await this.openText(j.by, Kind.Missed, j.sealed);
      if (opened === null) return;
      missed = opened;
    }
    this.entries.push({ kind: "judged", judged: j, missed });
  }

  private async openWelcome(w: Welcome) {
    if (w.topic) await this.openTopic(w.topic.from, w.topic.sealed);
    if (w.historySent) {
      this.keys?.restartOrder(); // the conversation is shown afresh, oldest first
      for (const entry of w.history) {
        const b = entry.body;
        if (b.case === undefined) continue;
        await this.show(create(ServerMessageSchema, { body: b } as never));
      }
    }
    if (w.draft?.sealed) {
      const text = await this.openText(w.draft.author, Kind.Draft, w.draft.sealed);
      if (text !== null) this.partnerDraft = { author: w.draft.author, text };
    }
  }

  // === Keeping the seat ==============================================================

  private scheduleSave() {
    if (this.timers.save) return;
    this.timers.save = window.setTimeout(() => {
      this.timers.save = 0;
      this.run(async () => this.saveNow());
    }, this.settings.saveDelayMs);
  }

  private async saveNow() {
    if (!this.sessionKey || this.finished || this.replaced) return;
    const saved: SavedSeat = {
      version: 1,
      name: this.name,
      sessionKey: this.sessionKey,
      resumeToken: this.resumeToken,
      seat: this.seat,
      lastSeq: this.lastSeq,
      nextInputId: this.lastInputId + 1n,
      unacked: this.outbox.map((m) => toBinary(ClientMessageSchema, m)),
      snapshot: this.snapshot ? toBinary(SnapshotSchema, this.snapshot) : null,
      myDraft: this.myDraft,
      draftKey: this.draftKey,
      myWords: this.myWords,
      keys: this.keys ? this.keys.save() : this.keptKeys,
      pendingTopic: this.pendingTopic,
      topic: this.topic,
      inviteA: this.inviteA,
      inviteB: this.inviteB,
    };
    try {
      await saveSeat(saved);
    } catch {
      this.notify("warning", "This browser would not keep your seat (storage is off or full): a reload will not bring it back.");
    }
  }

  /** Closes the page's connection without leaving (the seat stays for a resume). */
  close() {
    this.final = true;
    this.socket?.close(1000, "closed");
  }

  // === Plumbing ======================================================================

  private run(task: () => Promise<unknown>) {
    this.chain = this.chain.then(task).then(
      () => undefined,
      (e: unknown) => {
        // A bug, not a state of the session: say it once, keep going.
        this.notify("warning", `Something went wrong in this page (${e instanceof Error ? e.message : String(e)}). Reload it; nothing you wrote is lost.`);
        this.changed();
      },
    );
  }

  private notify(kind: NoticeKind, text: string) {
    this.notices.push({ kind, text });
    if (this.notices.length > this.settings.keptNotices) this.notices.shift();
  }

  private changed() {
    this.onChange();
  }
}

/** Whether an input carries words (docs/protocol.md: they travel only sealed). */
function carriesWords(m: ClientMessage): boolean {
  switch (m.body.case) {
    case "draft":
    case "endTurn":
    case "topic":
      return m.body.value.text.length > 0;
    case "judge":
      return m.body.value.missed.length > 0;
    case "counsel":
      return m.body.value.action.case === "note" && m.body.value.action.value.text.length > 0;
    default:
      return false;
  }
}

// The check-in as sealed for `reader`: the counselor reads the words only when shared.
function checkInFor(mine: CheckIn, reader: Seat): CheckIn {
  const shared = reader !== Seat.COUNSELOR || mine.shareWords;
  return create(CheckInSchema, {
    feltSafe: mine.feltSafe,
    couldSayAnything: mine.couldSayAnything,
    partnerInvested: mine.partnerInvested,
    shareWords: mine.shareWords,
    words: shared ? mine.words : new Uint8Array(),
  });
}

function checkInProblem(c: CheckIn, maxChars: number): string | null {
  for (const v of [c.feltSafe, c.couldSayAnything, c.partnerInvested]) {
    if (v < 1 || v > 5) return "Each check-in answer is a number from 1 to 5.";
  }
  const words = decodeText(c.words);
  return words === null ? "The text is not valid UTF-8." : textProblem(words, maxChars);
}

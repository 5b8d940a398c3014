// The session screen: one headline, the conversation, the words being
// written, and only the controls the server says this member may use now
// (Snapshot.you). Built once and updated in place, so typing, focus and a
// screen reader's place survive every update. People's words are only ever
// text nodes (never markup), isolated for bidirectional text.
import { Act, Mode, Phase, Seat, TurnKind, Verdict } from "./gen/heard/v1/heard_pb.js";
import type { Entry, HeardClient } from "./client.js";
import { formatInviteCode } from "./invite_code.js";
import { isPartner, memberOf, seatName, capitalized } from "./seats.js";
import { summaryMarkdown } from "./summary.js";
import { decodeText, normalizeLineEnds } from "./text_rules.js";
import {
  CHECK_IN_QUESTIONS,
  FEELINGS,
  I_STATEMENT_SCAFFOLD,
  LISTENER_REMINDER,
  TIME_WARNINGS_MS,
  VERDICT_CHOICES,
  timeLeft,
  verdictWords,
} from "./words.js";

type Attrs = Record<string, string | boolean | undefined>;

/** An unfinished line of the partner's is read out after they pause this long (heard's --drafts lines). */
const PAUSE_BEFORE_ANNOUNCING_MS = 1500;

/** An element with attributes and children; strings become text nodes, never markup. */
export function h(tag: string, attrs: Attrs = {}, ...children: Array<Node | string | null | undefined>): HTMLElement {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    el.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children) if (c !== null && c !== undefined) el.append(c);
  return el;
}

/** A person's name or words: isolated, so right-to-left text or an override cannot reorder the page. */
const bdi = (text: string) => h("bdi", {}, text);

export class SessionScreen {
  readonly root: HTMLElement;
  private readonly status = h("p", { id: "status", class: "status", role: "status" });
  private readonly timer = h("p", { id: "timer", class: "timer" });
  private readonly count = h("p", { id: "count", class: "count" });
  private readonly headline = h("h1", { id: "headline", tabindex: "-1", "aria-live": "polite" });
  private readonly aside = h("p", { id: "aside", class: "aside" });
  private readonly topic = h("p", { id: "topic", class: "topic" });
  private readonly invites = h("div", { id: "invites", class: "invites" });
  private readonly safety = h("section", { id: "safety", class: "safety", "aria-labelledby": "safety-title" });
  private readonly history = h("ol", { id: "history", class: "history", "aria-live": "polite", "aria-relevant": "additions" });
  private readonly liveLabel = h("p", { id: "live-label", class: "live-label" });
  private readonly liveText = h("p", { id: "live-text", class: "live-text", dir: "auto" });
  // What a screen reader hears of the partner's live text: each line once it is
  // finished, or the unfinished one after a pause (heard's --drafts lines), never
  // every keystroke. The text itself (liveText) is not a live region.
  private readonly liveAnnounce = h("p", { id: "live-announce", class: "visually-hidden", "aria-live": "polite" });
  private announced = "";
  private announceTimer = 0;
  private readonly compose = h("section", { id: "compose", class: "compose", "aria-label": "Your words" });
  private readonly wordsLabel = h("label", { for: "words", id: "words-label" });
  private readonly words = h("textarea", {
    id: "words",
    rows: "6",
    dir: "auto",
    spellcheck: "true",
    "aria-describedby": "words-help",
  }) as HTMLTextAreaElement;
  private readonly wordsHelp = h("p", { id: "words-help", class: "help" });
  private readonly aids = h("div", { id: "aids", class: "aids" });
  private readonly actions = h("div", { id: "actions", class: "actions", role: "group", "aria-label": "What you can do now" });
  private readonly checkIn = h("form", { id: "check-in", class: "check-in", "aria-labelledby": "check-in-title" }) as HTMLFormElement;
  private readonly notices = h("div", { id: "notices", class: "notices", role: "status", "aria-live": "polite" });
  private readonly footer = h("footer", { class: "footer" });

  private shownEntries = 0;
  private actionsKey = "";
  private momentChanged = false;
  private draftFloor = "";
  private seenDraftVersion = -1;
  private timerShownAt = 0;
  private timerLeftMs = 0;
  private warnedAt = new Set<number>();
  private lastNotices = "";
  private lastHeadline = "";
  private tick = 0;

  constructor(private readonly client: HeardClient) {
    this.compose.append(this.wordsLabel, this.words, this.wordsHelp, this.count, this.aids);
    this.root = h(
      "div",
      { class: "session" },
      h("header", { class: "top" }, h("p", { class: "brand" }, "Heard"), this.status, this.timer),
      h("section", { class: "moment", "aria-label": "Now" }, this.headline, this.aside, this.topic, this.invites),
      this.safety,
      h(
        "section",
        { class: "conversation", "aria-labelledby": "conversation-title" },
        h("h2", { id: "conversation-title", class: "visually-hidden" }, "Conversation"),
        this.history,
        h("div", { class: "live", id: "live" }, this.liveLabel, this.liveText),
        this.liveAnnounce,
      ),
      this.compose,
      this.actions,
      this.checkIn,
      this.notices,
      this.footer,
    );
    this.words.addEventListener("input", () => this.onTyping());
    this.words.addEventListener("keydown", (e) => {
      if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) {
        e.preventDefault();
        this.primaryAction();
      }
    });
    this.buildAids();
    this.tick = window.setInterval(() => this.renderTimer(), 1000);
  }

  dispose() {
    clearInterval(this.tick);
  }

  // --- Typing ------------------------------------------------------------------------

  private composing(): "turn" | "missed" | "note" | "none" {
    const c = this.client;
    const s = c.snapshot;
    if (!s || c.spoken()) return c.seat === Seat.COUNSELOR && c.may(Act.NOTE) ? "note" : "none";
    if (c.seat === Seat.COUNSELOR) return c.may(Act.NOTE) ? "note" : "none";
    if (c.may(Act.JUDGE)) return "missed";
    const floor = s.phase === Phase.PAUSED ? s.pausedPhase : s.phase;
    // Partners type on the floor; the server has the last word on whose it is.
    if (floor === Phase.SPEAKING || floor === Phase.PARAPHRASING) return "turn";
    return "none";
  }

  private onTyping() {
    if (this.composing() === "turn") this.client.setDraft(normalizeLineEnds(this.words.value));
    this.renderCount();
  }

  private primaryAction() {
    const c = this.client;
    const mode = this.composing();
    if (mode === "turn" && c.may(Act.WRITE)) c.endTurn(this.words.value);
    else if (mode === "note" && this.words.value.trim()) {
      c.note(this.words.value);
      this.words.value = "";
    } else if (mode === "missed") {
      c.judge(Verdict.NOT_QUITE, this.words.value);
      this.words.value = "";
    }
  }

  private buildAids() {
    const feelings = h(
      "details",
      { class: "aid" },
      h("summary", {}, "Feelings, for words"),
      h(
        "ul",
        { class: "feelings" },
        ...FEELINGS.map(([group, words]) =>
          h(
            "li",
            {},
            h("span", { class: "feeling-group" }, `${group}: `),
            ...[group, ...words].map((w) => {
              const b = h("button", { type: "button", class: "chip", "aria-label": `Insert "${w}"` }, w);
              b.addEventListener("click", () => this.insert(w));
              return b;
            }),
          ),
        ),
      ),
    );
    const scaffold = h("details", { class: "aid", id: "aid-scaffold" }, h("summary", {}, "I-statement"), h("p", {}, I_STATEMENT_SCAFFOLD));
    const useScaffold = h("button", { type: "button" }, "Start with it");
    useScaffold.addEventListener("click", () => this.insert(I_STATEMENT_SCAFFOLD));
    scaffold.append(useScaffold);
    const reminder = h("details", { class: "aid", id: "aid-reminder" }, h("summary", {}, "The listener's reminder"), h("p", {}, LISTENER_REMINDER));
    this.aids.append(feelings, scaffold, reminder);
  }

  private insert(text: string) {
    const w = this.words;
    const at = w.selectionStart ?? w.value.length;
    const end = w.selectionEnd ?? at;
    w.value = w.value.slice(0, at) + text + w.value.slice(end);
    w.selectionStart = w.selectionEnd = at + text.length;
    w.focus();
    this.onTyping();
  }

  // --- Rendering ---------------------------------------------------------------------

  render() {
    const c = this.client;
    const s = c.snapshot;
    this.renderStatus();
    const headline = s?.you?.headline || (c.connection === "closed" ? "The session has closed." : "Connecting...");
    if (headline !== this.lastHeadline) {
      this.headline.textContent = headline;
      this.lastHeadline = headline;
      document.title = `${headline} - Heard`;
    }
    this.aside.textContent = s?.you?.aside ?? "";
    this.aside.hidden = !this.aside.textContent;
    this.topic.replaceChildren(...(c.topic ? ["Topic: ", bdi(c.topic)] : []));
    this.topic.hidden = !c.topic;
    this.renderInvites();
    this.renderSafety();
    this.renderHistory();
    this.renderLive();
    this.renderCompose();
    this.renderActions();
    this.renderCheckIn();
    this.renderNotices();
    this.renderFooter();
    this.renderTimer();
    this.placeFocus();
  }

  private renderStatus() {
    const c = this.client;
    const parts: string[] = [];
    if (c.connection === "connecting") parts.push("Connecting...");
    else if (c.connection === "reconnecting") parts.push(`Reconnecting${c.retryInMs ? ` (trying again in ${Math.ceil(c.retryInMs / 1000)} s)` : ""}...`);
    // A session that ended says so in its headline; any other close says why here.
    else if (c.connection === "closed" && c.snapshot?.phase !== Phase.ENDED) parts.push(`Closed: ${c.closedReason}`);
    const s = c.snapshot;
    if (s && s.round > 0) parts.push(`Round ${s.round}${s.roundsLimit ? ` of ${s.roundsLimit}` : ""}`);
    if (c.safetyCode && !c.keysCompared) parts.push(`Safety code ${c.safetyCode} (not compared yet)`);
    this.status.textContent = parts.join(" · ");
  }

  private renderInvites() {
    const c = this.client;
    const s = c.snapshot;
    const waiting = s?.phase === Phase.WAITING_FOR_PARTNER;
    const codes: Array<[string, string]> = [];
    if (waiting && c.seat === Seat.COUNSELOR) {
      if (c.inviteA && !memberOf(s, Seat.A).present) codes.push(["Partner A's code", c.inviteA]);
      if (c.inviteB && !memberOf(s, Seat.B).present) codes.push(["Partner B's code", c.inviteB]);
    } else if (waiting && c.inviteA && !memberOf(s, Seat.B).present) {
      codes.push(["Give your partner this code", c.inviteA]);
    }
    const key = codes.map(([, code]) => code).join();
    if (this.invites.dataset.key === key) return;
    this.invites.dataset.key = key;
    this.invites.replaceChildren(
      ...codes.map(([label, code]) => {
        const shown = formatInviteCode(code);
        const link = `${location.origin}/#${shown}`;
        const copy = h("button", { type: "button" }, "Copy the link");
        copy.addEventListener("click", () => {
          navigator.clipboard?.writeText(link).then(
            () => (copy.textContent = "Copied"),
            () => (copy.textContent = "Copy it by hand"),
          );
        });
        return h(
          "p",
          { class: "invite" },
          `${label}: `,
          h("strong", { class: "code", "data-code": shown }, shown),
          ` - read it aloud, or send the link ${link} `,
          copy,
        );
      }),
    );
  }

  private renderSafety() {
    const c = this.client;
    const key = `${c.safetyCode}|${c.keysCompared}|${c.keysProblem}`;
    if (this.safety.dataset.key === key) return;
    this.safety.dataset.key = key;
    this.safety.classList.toggle("broken", !!c.keysProblem);
    this.safety.classList.toggle("compared", c.keysCompared);
    if (c.keysCompared && !c.keysProblem) {
      // Done with: one quiet line, still there to read again.
      this.safety.replaceChildren(
        h("p", { id: "safety-sentence" }, "Safety code ", h("span", { id: "safety-code", class: "safety-code" }, c.safetyCode), ": compared, it matched."),
      );
      return;
    }
    const children: Node[] = [h("h2", { id: "safety-title" }, "Safety code")];
    if (c.safetyCode) children.push(h("p", { class: "safety-code", id: "safety-code" }, c.safetyCode));
    children.push(h("p", { id: "safety-sentence" }, c.safetyCodeSentence()));
    if (c.safetyCode) {
      const done = h("button", { type: "button", id: "compared" }, "We compared: the codes match");
      done.addEventListener("click", () => c.markCompared());
      children.push(done);
    }
    this.safety.replaceChildren(...children);
  }

  private renderHistory() {
    const entries = this.client.entries;
    if (entries.length < this.shownEntries) {
      this.history.replaceChildren();
      this.shownEntries = 0;
    }
    for (; this.shownEntries < entries.length; ++this.shownEntries) this.history.append(this.entryItem(entries[this.shownEntries]));
  }

  private name(seat: Seat) {
    return seatName(this.client.snapshot, this.client.seat, seat);
  }

  private entryItem(e: Entry): HTMLElement {
    const spoken = this.client.snapshot?.mode === Mode.SPOKEN;
    switch (e.kind) {
      case "turn": {
        const t = e.turn;
        const who = capitalized(this.name(t.author));
        const said = t.kind === TurnKind.PARAPHRASE ? "said back" : "said";
        const mark = t.timedOut ? " (time ran out here)" : t.movedOn ? " (the counselor moved the floor on here)" : "";
        if (spoken || !e.text) {
          const what = t.kind === TurnKind.PARAPHRASE ? "finished saying it back" : "finished speaking";
          return h("li", { class: "entry turn" }, bdi(who), ` ${what}.${mark}`);
        }
        return h(
          "li",
          { class: `entry turn ${t.kind === TurnKind.PARAPHRASE ? "paraphrase" : "statement"}` },
          h("p", { class: "who" }, bdi(who), ` ${said}:${mark}`),
          h("p", { class: "words", dir: "auto" }, e.text),
        );
      }
      case "judged": {
        const j = e.judged;
        return h(
          "li",
          { class: "entry judged" },
          h("p", { class: "who" }, bdi(capitalized(this.name(j.by))), `: ${verdictWords(j.verdict)}.`),
          e.missed ? h("p", { class: "words", dir: "auto" }, "What was missed: ", e.missed) : null,
        );
      }
      case "guidance": {
        const mine = this.client.seat === Seat.COUNSELOR;
        const who = mine ? "Your note:" : `A note from ${this.name(Seat.COUNSELOR)}:`;
        return h("li", { class: "entry guidance" }, h("p", { class: "who" }, who), h("p", { class: "words", dir: "auto" }, e.text));
      }
      case "check_ins":
        return h(
          "li",
          { class: "entry check-ins" },
          h("p", { class: "who" }, "Check-ins"),
          ...e.results.answers.map((a) => {
            const who = capitalized(this.name(a.seat));
            if (!a.answered || !a.answers) return h("p", {}, bdi(who), ": no answer.");
            const c = a.answers;
            const words = decodeText(c.words) ?? "";
            return h(
              "p",
              {},
              bdi(who),
              `: safe and supported ${c.feltSafe}/5, could say anything ${c.couldSayAnything}/5, partner invested ${c.partnerInvested}/5.`,
              words ? h("span", { class: "words", dir: "auto" }, ` "${words}"`) : null,
            );
          }),
        );
      case "summary": {
        const text = summaryMarkdown(e.summary);
        const download = h("button", { type: "button", id: "download-summary" }, "Download the summary");
        download.addEventListener("click", () => {
          const url = URL.createObjectURL(new Blob([text], { type: "text/markdown;charset=utf-8" }));
          const a = h("a", { href: url, download: "heard-summary.md" });
          document.body.append(a);
          a.click();
          a.remove();
          setTimeout(() => URL.revokeObjectURL(url), 10_000);
        });
        return h("li", { class: "entry summary" }, h("p", { class: "who" }, `Summary: ${e.summary.rounds} round${e.summary.rounds === 1 ? "" : "s"}.`), download);
      }
    }
  }

  private renderLive() {
    const c = this.client;
    const d = c.partnerDraft;
    const s = c.snapshot;
    const showing = !!d && !!s && d.author !== c.seat && !c.spoken();
    this.liveLabel.textContent = showing ? `${capitalized(this.name(d!.author))} is writing:` : "";
    this.liveText.textContent = showing ? d!.text : "";
    this.liveLabel.parentElement!.hidden = !showing;
    this.announceLines(showing ? d!.author : Seat.UNSPECIFIED, showing ? d!.text : "");
  }

  private announceLines(author: Seat, text: string) {
    clearTimeout(this.announceTimer);
    if (!text.startsWith(this.announced)) this.announced = ""; // rewritten, or a new floor
    const say = (upTo: number) => {
      const words = text.slice(this.announced.length, upTo).trim();
      this.announced = text.slice(0, upTo);
      if (words) this.liveAnnounce.textContent = `${capitalized(this.name(author))}: ${words}`;
    };
    const finished = text.lastIndexOf("\n") + 1;
    if (finished > this.announced.length) say(finished);
    if (text.length > this.announced.length) this.announceTimer = window.setTimeout(() => say(text.length), PAUSE_BEFORE_ANNOUNCING_MS);
  }

  private renderCompose() {
    const c = this.client;
    const mode = this.composing();
    this.compose.hidden = mode === "none";
    this.compose.dataset.mode = mode;
    const floor = c.snapshot ? `${c.snapshot.round}:${c.snapshot.attempt}:${mode}` : "";
    if (mode === "turn") {
      const mine = c.may(Act.WRITE) || c.writesNow();
      this.words.rows = mine ? 6 : 2;
      if (mine) {
        this.wordsLabel.textContent = c.snapshot?.phase === Phase.PARAPHRASING || c.snapshot?.pausedPhase === Phase.PARAPHRASING ? "Say back what you heard" : "Your words";
        this.wordsHelp.textContent = c.may(Act.WRITE) ? "Your partner sees them as you type. Ctrl+Enter or Done ends your turn." : "The floor is stopped; what you type is kept and goes on when it resumes.";
      } else {
        const writer = c.snapshot?.floorHolder ?? Seat.UNSPECIFIED;
        this.wordsLabel.textContent = "Listen now";
        this.wordsHelp.textContent = `It is ${writer !== Seat.UNSPECIFIED ? this.name(writer) : "your partner"}'s turn. What you type now is not sent.`;
      }
      // The client's draft wins when the floor changes or the client changed it itself
      // (a refused draft, a reload); otherwise what is in the box is the person's latest.
      if (floor !== this.draftFloor || c.draftVersion !== this.seenDraftVersion) this.words.value = c.myDraft;
      this.seenDraftVersion = c.draftVersion;
    } else if (mode === "missed") {
      this.wordsLabel.textContent = "What was missed (optional, for Not quite)";
      this.wordsHelp.textContent = "Choose below whether that was what you meant.";
      if (floor !== this.draftFloor) this.words.value = "";
    } else if (mode === "note") {
      this.wordsLabel.textContent = "A note to both partners";
      this.wordsHelp.textContent = "Everyone in the session reads it. Ctrl+Enter or Send note sends it.";
      if (floor !== this.draftFloor) this.words.value = "";
    }
    this.draftFloor = floor;
    const s = c.snapshot;
    const speaking = s?.phase === Phase.SPEAKING && s.speaker === c.seat;
    (this.aids.querySelector("#aid-scaffold") as HTMLElement).hidden = !speaking;
    (this.aids.querySelector("#aid-reminder") as HTMLElement).hidden = mode !== "turn" || speaking;
    this.aids.hidden = mode !== "turn";
    this.renderCount();
  }

  private renderCount() {
    const c = this.client;
    const max = this.composing() === "note" ? c.maxCheckInChars : c.maxTurnChars;
    const chars = [...this.words.value].length;
    this.count.textContent = `${chars.toLocaleString("en-US")} of ${max.toLocaleString("en-US")} characters`;
    this.count.classList.toggle("over", chars > max);
  }

  private button(label: string, onClick: () => void, attrs: Attrs = {}) {
    const b = h("button", { type: "button", ...attrs }, label);
    b.addEventListener("click", onClick);
    return b;
  }

  private renderActions() {
    const c = this.client;
    const s = c.snapshot;
    const may = (a: Act) => c.may(a);
    const spoken = c.spoken();
    const mine = c.writesNow() && may(Act.WRITE);
    const key = [
      s?.you?.allowed.join(","),
      s?.held,
      s?.nextSpeaker,
      s?.speaker,
      s?.round,
      spoken,
      mine,
      s?.phase,
      c.connection,
      memberOf(s, Seat.A).name.length,
      memberOf(s, Seat.B).name.length,
    ].join("|");
    if (key === this.actionsKey) return;
    this.actionsKey = key;
    this.momentChanged = true;
    const buttons: HTMLElement[] = [];
    if (may(Act.READY)) buttons.push(this.button("Now is a good time", () => c.ready(), { id: "ready", class: "primary" }));
    if (may(Act.START)) buttons.push(this.button("Begin the first round", () => c.counsel({ case: "start", value: {} }), { id: "start", class: "primary" }));
    if (mine) {
      buttons.push(
        this.button(spoken ? "I'm done" : "Done", () => c.endTurn(this.words.value), { id: "done", class: "primary" }),
      );
    }
    if (may(Act.JUDGE)) {
      for (const [verdict, label, hint] of VERDICT_CHOICES) {
        buttons.push(
          this.button(label, () => c.judge(verdict, verdict === Verdict.NOT_QUITE ? this.words.value : ""), {
            class: verdict === Verdict.ACCURATE_DONE ? "primary verdict" : "verdict",
            "data-verdict": Verdict[verdict].toLowerCase(),
            title: hint,
          }),
        );
      }
    }
    if (may(Act.NOTE)) buttons.push(this.button("Send note", () => this.primaryAction(), { id: "send-note" }));
    if (may(Act.RESUME)) buttons.push(this.button("Resume", () => c.resume(), { id: "resume", class: "primary" }));
    if (may(Act.RELEASE)) buttons.push(this.button("Release the floor", () => c.counsel({ case: "release", value: {} }), { id: "release" }));
    if (may(Act.HOLD)) buttons.push(this.button("Hold the floor", () => c.counsel({ case: "hold", value: {} }), { id: "hold" }));
    if (may(Act.EXTEND)) {
      buttons.push(this.button("One more minute", () => c.counsel({ case: "extendTimer", value: { seconds: 60 } }), { id: "extend" }));
    }
    if (may(Act.SKIP)) buttons.push(this.button("Move the floor on", () => c.counsel({ case: "skipTimer", value: {} }), { id: "skip" }));
    if (may(Act.CHOOSE_NEXT) && s) {
      // Before the first round the choice is who speaks first (Snapshot.speaker).
      const first = s.round === 0;
      const chosen = first ? s.speaker : s.nextSpeaker;
      for (const seat of [Seat.A, Seat.B]) {
        if (chosen === seat) continue;
        buttons.push(
          this.button(`${capitalized(this.name(seat))} speaks ${first ? "first" : "next"}`, () => c.counsel({ case: "nextSpeaker", value: { seat } }), {
            class: "next-speaker",
            "data-seat": seat === Seat.A ? "a" : "b",
          }),
        );
      }
    }
    if (may(Act.TIME_OUT)) buttons.push(this.button("Time-out", () => c.timeOut(), { id: "time-out" }));
    if (may(Act.END_SESSION)) {
      buttons.push(
        this.button("End the session", () => {
          if (confirm("End the session for everyone? You will both answer a short check-in.")) c.endSession();
        }, { id: "end-session" }),
      );
    }
    this.actions.replaceChildren(...buttons);
    this.actions.hidden = buttons.length === 0;
  }

  /**
   * Keyboard and screen-reader users land on what is theirs to do when their
   * moment comes: the text box when the floor is theirs, else the first
   * main button, else the check-in. Focus that is still on a visible control
   * (someone typing, someone reading a button) is left where it is.
   */
  private placeFocus() {
    const changed = this.momentChanged;
    this.momentChanged = false;
    const active = document.activeElement as HTMLElement | null;
    const lost = !active || active === document.body || !active.isConnected || active.offsetParent === null;
    if (!lost && !(changed && active === this.headline)) return;
    const c = this.client;
    const target =
      (this.composing() === "turn" && c.may(Act.WRITE) ? this.words : null) ??
      (this.actions.querySelector("button.primary") as HTMLElement | null) ??
      (this.checkIn.hidden ? null : (this.checkIn.querySelector("input") as HTMLElement | null)) ??
      this.headline;
    if (target !== active) target.focus();
  }

  private renderCheckIn() {
    const c = this.client;
    const show = c.may(Act.CHECK_IN);
    this.checkIn.hidden = !show;
    if (!show || this.checkIn.childElementCount > 0) return;
    const guided = c.snapshot?.guided ?? false;
    const fields = CHECK_IN_QUESTIONS.map(([question, name]) =>
      h(
        "fieldset",
        { class: "scale" },
        h("legend", {}, question),
        ...[1, 2, 3, 4, 5].map((n) =>
          h(
            "label",
            { class: "scale-choice" },
            h("input", { type: "radio", name, value: String(n), required: true }),
            ` ${n}${n === 1 ? " (not at all)" : n === 5 ? " (fully)" : ""}`,
          ),
        ),
      ),
    );
    const words = h("textarea", { id: "check-in-words", name: "words", rows: "3", dir: "auto" }) as HTMLTextAreaElement;
    const share = h("input", { type: "checkbox", id: "share-words", name: "share" }) as HTMLInputElement;
    this.checkIn.append(
      h("h2", { id: "check-in-title" }, "A short check-in"),
      h("p", {}, "1 is not at all, 5 is fully. Your partner reads your answers."),
      ...fields,
      h("label", { for: "check-in-words" }, "Anything you want to add (optional)"),
      words,
      guided ? h("p", {}, h("label", {}, share, " Let the counselor read my words too (they always see the numbers)")) : "",
      h("button", { type: "submit", class: "primary", id: "send-check-in" }, "Send my check-in"),
    );
    this.checkIn.addEventListener("submit", (e) => {
      e.preventDefault();
      const data = new FormData(this.checkIn);
      const score = (name: string) => Number(data.get(name) ?? 0);
      c.checkIn(score("feltSafe"), score("couldSayAnything"), score("partnerInvested"), words.value, guided && share.checked);
    });
  }

  private renderNotices() {
    const key = this.client.notices.map((n) => n.text).join("\n");
    if (key === this.lastNotices) return;
    this.lastNotices = key;
    const latest = this.client.notices.slice(-3);
    this.notices.replaceChildren(...latest.map((n) => h("p", { class: `notice ${n.kind}` }, n.text)));
  }

  private renderFooter() {
    const c = this.client;
    const children: HTMLElement[] = [];
    if (c.connection === "closed") {
      const mine = c.wordsToGiveBack();
      if (c.sessionGone && mine.length > 0) {
        children.push(
          this.button("Download what you wrote", () => {
            const url = URL.createObjectURL(new Blob([mine.join("\n\n")], { type: "text/plain;charset=utf-8" }));
            const a = h("a", { href: url, download: "heard-my-words.txt" });
            document.body.append(a);
            a.click();
            a.remove();
          }),
        );
      }
      children.push(this.button("Start or join another session", () => location.assign("/"), { id: "again" }));
    } else {
      if (c.unsentDraft) children.push(h("p", {}, "Not sent before the session ended: ", h("span", { dir: "auto" }, c.unsentDraft)));
      if (c.snapshot && c.snapshot.phase !== Phase.ENDED) {
        // Leaving for good (closing the tab keeps the seat for a return).
        const partner = isPartner(c.seat) && c.snapshot.phase !== Phase.CHECK_IN;
        children.push(
          this.button("Leave the session", () => {
            const sure = partner ? "Leave for good? Your partner is told, and the session goes to the check-in." : "Leave the session for good?";
            if (confirm(sure)) c.leave();
          }, { id: "leave", class: "quiet" }),
        );
      }
    }
    const key = children.map((e) => e.textContent).join("|");
    if (this.footer.dataset.key === key) return;
    this.footer.dataset.key = key;
    this.footer.replaceChildren(...children);
  }

  /** The floor's clock, counted down here from the snapshot; quiet warnings in words, no sound. */
  private renderTimer() {
    const s = this.client.snapshot;
    const t = s?.timer;
    if (!t || t.limitMs === 0) {
      this.timer.textContent = "";
      this.timer.hidden = true;
      return;
    }
    this.timer.hidden = false;
    if (this.timerLeftMs !== t.leftMs) {
      this.timerLeftMs = t.leftMs;
      this.timerShownAt = Date.now();
      this.warnedAt.clear();
    }
    const left = t.running ? Math.max(0, t.leftMs - (Date.now() - this.timerShownAt)) : t.leftMs;
    this.timer.textContent = timeLeft(left, t.running);
    for (const at of TIME_WARNINGS_MS) {
      if (left <= at && left > 0 && t.leftMs > at && !this.warnedAt.has(at)) {
        this.warnedAt.add(at);
        this.notices.append(h("p", { class: "notice timer" }, `${at / 1000} seconds left.`));
      }
    }
  }
}

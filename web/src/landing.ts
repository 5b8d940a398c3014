// The first screen: start a session (text or spoken, who goes first,
// guided, rounds, timers, topic) or join one with a code.
import { FirstSpeaker, Mode } from "./gen/heard/v1/heard_pb.js";
import type { StartOptions } from "./client.js";
import { formatInviteCode, normalizeInviteCode } from "./invite_code.js";
import { countCodePoints, normalizeLineEnds, textProblem } from "./text_rules.js";
import { h } from "./ui.js";

export interface LandingChoice {
  name: string;
  start?: StartOptions;
  join?: string;
}

const MAX_NAME_CHARS = 64;
const MAX_TOPIC_CHARS = 1000; // the server's default check-in limit, which a topic meets

function field(id: string, label: string, input: HTMLElement, help?: string): HTMLElement {
  if (help) input.setAttribute("aria-describedby", `${id}-help`);
  return h("p", { class: "field" }, h("label", { for: id }, label), input, help ? h("span", { class: "help", id: `${id}-help` }, help) : null);
}

function select(id: string, options: Array<[string, string]>): HTMLSelectElement {
  return h("select", { id, name: id }, ...options.map(([value, label]) => h("option", { value }, label))) as HTMLSelectElement;
}

export function landing(prefilledCode: string, onChoice: (c: LandingChoice) => void): HTMLElement {
  const problem = h("p", { class: "problem", role: "alert", id: "landing-problem" });
  const name = h("input", { id: "name", name: "name", autocomplete: "nickname", maxlength: "200" }) as HTMLInputElement;

  // --- Join --------------------------------------------------------------------------
  const code = h("input", {
    id: "code",
    name: "code",
    autocomplete: "off",
    autocapitalize: "characters",
    spellcheck: "false",
    inputmode: "text",
    placeholder: "7KQ2-M9XD-4TRB",
  }) as HTMLInputElement;
  code.value = prefilledCode;
  const join = h(
    "form",
    { id: "join", class: "card", "aria-labelledby": "join-title" },
    h("h2", { id: "join-title" }, "Join with a code"),
    field("code", "The code you were given", code, "Case, dashes and spaces do not matter; O is read as 0, I and L as 1."),
    h("button", { type: "submit", class: "primary" }, "Join"),
  ) as HTMLFormElement;

  // --- Start -------------------------------------------------------------------------
  const mode = select("mode", [
    ["text", "Typed: the words appear as they are written"],
    ["spoken", "Spoken: talk on the phone; Heard only holds the floor"],
  ]);
  const first = select("first", [
    ["creator", "I speak first"],
    ["partner", "My partner speaks first"],
    ["random", "Decide at random"],
  ]);
  const guided = h("input", { type: "checkbox", id: "guided", name: "guided" }) as HTMLInputElement;
  const rounds = h("input", { id: "rounds", name: "rounds", type: "number", min: "0", max: "100", value: "0", inputmode: "numeric" }) as HTMLInputElement;
  const speak = h("input", { id: "speak-limit", type: "number", min: "0", max: "3600", value: "0", inputmode: "numeric" }) as HTMLInputElement;
  const reflect = h("input", { id: "reflect-limit", type: "number", min: "0", max: "3600", value: "0", inputmode: "numeric" }) as HTMLInputElement;
  const topic = h("textarea", { id: "topic", name: "topic", rows: "2", dir: "auto" }) as HTMLTextAreaElement;
  const start = h(
    "form",
    { id: "start", class: "card", "aria-labelledby": "start-title" },
    h("h2", { id: "start-title" }, "Start a session"),
    field("mode", "How you talk", mode),
    field("first", "Who speaks first", first),
    h("p", { class: "field check" }, h("label", {}, guided, " I am a counselor guiding two partners (you get a code for each)")),
    field("topic", "Topic (optional)", topic, "Sealed: only the people in the session can read it."),
    h(
      "details",
      { class: "more" },
      h("summary", {}, "Rounds and time limits"),
      field("rounds", "Rounds (0: no limit)", rounds),
      field("speak-limit", "Seconds to speak (0: no limit)", speak),
      field("reflect-limit", "Seconds to say it back (0: no limit)", reflect),
    ),
    h("button", { type: "submit", class: "primary" }, "Start"),
  ) as HTMLFormElement;

  const checkName = (): string | null => {
    const n = name.value.trim();
    const p = textProblem(n, MAX_NAME_CHARS) ?? (/[\n\t]/.test(n) ? "The name contains control characters." : null);
    if (p) {
      problem.textContent = `Your name: ${p}`;
      name.focus();
      return null;
    }
    return n;
  };

  join.addEventListener("submit", (e) => {
    e.preventDefault();
    const n = checkName();
    if (n === null) return;
    const canonical = normalizeInviteCode(code.value);
    if (!canonical) {
      problem.textContent = "A code has twelve letters and digits, like 7KQ2-M9XD-4TRB. Check it with the person who gave it to you.";
      code.focus();
      return;
    }
    onChoice({ name: n, join: formatInviteCode(canonical) });
  });

  start.addEventListener("submit", (e) => {
    e.preventDefault();
    const n = checkName();
    if (n === null) return;
    const t = normalizeLineEnds(topic.value).trim();
    const p = textProblem(t, MAX_TOPIC_CHARS);
    if (p) {
      problem.textContent = `Topic: ${p}`;
      topic.focus();
      return;
    }
    const seconds = (i: HTMLInputElement) => Math.max(0, Math.min(3600, Math.floor(Number(i.value) || 0)));
    onChoice({
      name: n,
      start: {
        mode: mode.value === "spoken" ? Mode.SPOKEN : Mode.TEXT,
        firstSpeaker: first.value === "partner" ? FirstSpeaker.PARTNER : first.value === "random" ? FirstSpeaker.RANDOM : FirstSpeaker.CREATOR,
        guided: guided.checked,
        rounds: Math.max(0, Math.min(100, Math.floor(Number(rounds.value) || 0))),
        speakLimitS: seconds(speak),
        reflectLimitS: seconds(reflect),
        topic: t,
      },
    });
  });

  guided.addEventListener("change", () => {
    first.options[0].textContent = guided.checked ? "Partner A speaks first" : "I speak first";
    first.options[1].textContent = guided.checked ? "Partner B speaks first" : "My partner speaks first";
  });

  const intro = h(
    "section",
    { class: "intro" },
    h("h1", {}, "Heard"),
    h("p", {}, "Two people take turns: one speaks, the other says back what they heard, until the speaker feels heard. Then the roles switch."),
  );
  const who = h("section", { class: "card" }, field("name", "Your name (your partner sees it)", name));
  if (countCodePoints(prefilledCode) > 0) queueMicrotask(() => name.focus());
  return h("main", { class: "landing" }, intro, who, problem, prefilledCode ? join : start, prefilledCode ? start : join);
}

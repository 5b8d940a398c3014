// What the page says that the server's headline does not: the aids (the
// same words as heard's full screen, client/core/tui_copy.cpp), button labels
// and history lines.
import { Verdict } from "./gen/heard/v1/heard_pb.js";

export const FEELINGS: Array<[string, string[]]> = [
  ["angry", ["frustrated", "resentful", "irritated"]],
  ["sad", ["lonely", "disappointed", "discouraged"]],
  ["afraid", ["anxious", "insecure", "overwhelmed"]],
  ["hurt", ["rejected", "unappreciated", "left out"]],
  ["ashamed", ["embarrassed", "guilty", "inadequate"]],
  ["happy", ["grateful", "relieved", "hopeful"]],
  ["loved", ["close", "safe", "cared for"]],
];

export const I_STATEMENT_SCAFFOLD = "When ..., I feel ..., and I would like ...";
export const LISTENER_REMINDER = "Say it back in your own words. No rebuttal, no advice - just show you heard.";

export const CHECK_IN_QUESTIONS: Array<[string, "feltSafe" | "couldSayAnything" | "partnerInvested"]> = [
  ["I felt safe and supported", "feltSafe"],
  ["I could say anything without being judged", "couldSayAnything"],
  ["My partner was invested in what I said", "partnerInvested"],
];

export const VERDICT_CHOICES: Array<[Verdict, string, string]> = [
  [Verdict.ACCURATE_DONE, "Accurate - and that's all", "The roles switch."],
  [Verdict.ACCURATE_MORE, "Accurate - there is more", "You go on speaking."],
  [Verdict.NOT_QUITE, "Not quite", "They try again; say what was missed if you like."],
];

export function verdictWords(v: Verdict): string {
  return VERDICT_CHOICES.find(([k]) => k === v)?.[1] ?? "a verdict";
}

/** "4:05 left" for a floor's timer; "(stopped)" while paused or held. */
export function timeLeft(ms: number, running: boolean): string {
  const seconds = Math.ceil(ms / 1000);
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, "0")} left${running ? "" : " (stopped)"}`;
}

/** The quiet warnings, in words: 30 and 10 seconds before a floor's time. */
export const TIME_WARNINGS_MS = [30_000, 10_000];

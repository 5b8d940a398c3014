// The counselor's summary as a Markdown file, the same layout as heard's
// summary_markdown (client/core/summary_format.cpp): names, the topic and
// only the words a partner chose to share.
import { Phase, Seat, type SessionSummary } from "./gen/heard/v1/heard_pb.js";
import { decodeText } from "./text_rules.js";

const md = (t: string) => t.replace(/[\n\r\t]/g, " ").replace(/[\\`*_{}[\]<>()#+\-!|~]/g, (c) => `\\${c}`);
const minutes = (ms: number) => `${Math.floor(ms / 60000)}m ${Math.floor(ms / 1000) % 60}s`;
const phaseName = (p: Phase) => (Phase[p] ?? "unknown").toLowerCase();

export function summaryMarkdown(s: SessionSummary): string {
  const name = (seat: Seat) => {
    const n = decodeText(seat === Seat.A ? s.aName : s.bName) ?? "";
    return n || (seat === Seat.A ? "Partner A" : "Partner B");
  };
  const a = name(Seat.A);
  const b = name(Seat.B);
  const topic = decodeText(s.topic) ?? "";
  let out = `# Session summary: ${md(a)} & ${md(b)}\n\n`;
  if (topic) out += `Topic: ${md(topic)}\n\n`;
  out += `Duration ${minutes(Number(s.durationMs))}, ${s.rounds} round${s.rounds === 1 ? "" : "s"}. `;
  out += `Time-outs: ${md(a)} ${s.timeOutsA}, ${md(b)} ${s.timeOutsB}. Counselor pauses: ${s.holds}.\n\n`;
  out += "## Statements\n\n| round | speaker | paraphrase attempts | the floor |\n| --- | --- | --- | --- |\n";
  for (const st of s.statements) {
    const how = st.timedOut ? "time ran out" : st.movedOn ? "moved on by the counselor" : "finished";
    out += `| ${st.round} | ${md(name(st.speaker))} | ${st.attempts} | ${how} |\n`;
  }
  out += "\n## Time in each phase\n\n| phase | time |\n| --- | --- |\n";
  for (const t of s.phaseTimes) out += `| ${phaseName(t.phase)} | ${minutes(Number(t.ms))} |\n`;
  out +=
    "\n## Check-ins (1 = not at all, 5 = fully)\n\n" +
    "| | safe and supported | could say anything | partner invested | words they shared with you |\n" +
    "| --- | --- | --- | --- | --- |\n";
  for (const ans of s.checkIns?.answers ?? []) {
    out += `| ${md(name(ans.seat))} | `;
    if (!ans.answered || !ans.answers) {
      out += "- | - | - | (no answer) |\n";
      continue;
    }
    const c = ans.answers;
    out += `${c.feltSafe} | ${c.couldSayAnything} | ${c.partnerInvested} | ${md(decodeText(c.words) ?? "")} |\n`;
  }
  return out;
}

// The text rules of docs/protocol.md ("The floor is a promise"): the
// sender's checks before sealing, and every receiver's after opening. A
// string from the page is UTF-16; what goes on the wire is its UTF-8.

const strict = new TextDecoder("utf-8", { fatal: true });
const utf8 = new TextEncoder();

const isControl = (cp: number) => cp < 0x20 || cp === 0x7f || (cp >= 0x80 && cp < 0xa0);

const withCommas = (n: number) => n.toLocaleString("en-US");

export function tooLongSentence(chars: number, max: number): string {
  return `The text is ${withCommas(chars)} characters long; this server takes at most ${withCommas(max)}. Shorten it, then send it again.`;
}

export function countCodePoints(text: string): number {
  let n = 0;
  for (const _ of text) ++n;
  return n;
}

/** Why `text` may not go (or be shown), or null. Newline and tab are the only control characters allowed. */
export function textProblem(text: string, maxChars: number): string | null {
  let chars = 0;
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    if (cp >= 0xd800 && cp <= 0xdfff) return "The text is not valid UTF-8.";
    if (isControl(cp) && cp !== 0x0a && cp !== 0x09) {
      return "The text contains control characters; only newline and tab are allowed.";
    }
    ++chars;
  }
  if (maxChars > 0 && chars > maxChars) return tooLongSentence(chars, maxChars);
  return null;
}

export const encodeText = (text: string) => utf8.encode(text);

/** The words of a box: strict UTF-8, or null. */
export function decodeText(bytes: Uint8Array): string | null {
  try {
    return strict.decode(bytes);
  } catch {
    return null;
  }
}

/** Pasted text as the server's rules take it: Windows and old Mac line ends become newlines. */
export const normalizeLineEnds = (text: string) => text.replace(/\r\n?/g, "\n");

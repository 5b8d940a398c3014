// Invite codes as docs/protocol.md describes them: 12 Crockford base32
// digits shown as 7KQ2-M9XD-4TRB, the first four the session's route. What
// a person types or heard read aloud is forgiven: any case, dashes and
// spaces, O for 0, I and L for 1.
const ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
export const CODE_DIGITS = 12;
export const ROUTE_DIGITS = 4;

function canonicalDigit(c: string): string | null {
  const u = c.toUpperCase();
  if (u === "O") return "0";
  if (u === "I" || u === "L") return "1";
  return ALPHABET.includes(u) ? u : null;
}

/** The canonical code (upper case, no separators), or null if it cannot be one. */
export function normalizeInviteCode(typed: string): string | null {
  let out = "";
  for (const c of typed.trim()) {
    if (c === "-" || c === " ") continue;
    const d = canonicalDigit(c);
    if (d === null || out.length === CODE_DIGITS) return null;
    out += d;
  }
  return out.length === CODE_DIGITS ? out : null;
}

/** The display form, 7KQ2-M9XD-4TRB, of a code in any form the server or a person gave it. */
export function formatInviteCode(code: string): string {
  const canonical = normalizeInviteCode(code) ?? code;
  return canonical.match(/.{1,4}/g)?.join("-") ?? canonical;
}

/** A route for a new session: random, public, only spreads sessions over a balancer's nodes. */
export function randomRoute(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(ROUTE_DIGITS));
  return Array.from(bytes, (b) => ALPHABET[b & 31]).join("");
}

export const routeOf = (canonicalOrSessionKey: string) => canonicalOrSessionKey.slice(0, ROUTE_DIGITS);
export const sessionTarget = (route: string) => `/v2/${route}`;

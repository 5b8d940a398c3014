// The sealing of docs/privacy.md in WebCrypto, byte for byte what heard's
// common/crypto/sealing.cpp does: X25519, SHA-256 commitments and
// transcript, HKDF-SHA256 content keys, AES-256-GCM boxes with a random
// nonce, zero padding to fixed buckets. The doc's test vectors run against
// this file in Chromium (tests/sealing_vectors.mjs).

export const KEY_BYTES = 32;
export const NONCE_BYTES = 12;
export const TAG_BYTES = 16;
export const LENGTH_PREFIX_BYTES = 4;
export const BUCKETS = [64, 256, 1024, 4096, 16384] as const;

/** What a box holds (bound into its associated data). */
export const enum Kind {
  Draft = 1,
  Turn = 2,
  Missed = 3,
  Note = 4,
  CheckIn = 5,
  Topic = 6,
}

const utf8 = new TextEncoder();
const subtle = globalThis.crypto.subtle;

export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** lp(x): x's length as two bytes big endian, then x. */
function lp(bytes: Uint8Array): Uint8Array {
  return concat(new Uint8Array([bytes.length >> 8, bytes.length & 0xff]), bytes);
}
const text = (s: string) => utf8.encode(s);

async function sha256(bytes: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await subtle.digest("SHA-256", bytes as BufferSource));
}

export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; ++i) diff |= a[i] ^ b[i];
  return diff === 0;
}

export function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

export function fromHex(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; ++i) out[i] = parseInt(hex.substr(2 * i, 2), 16);
  return out;
}

// --- Keys ------------------------------------------------------------------------------

export interface KeyPair {
  privateKey: CryptoKey; // X25519, never extractable: stored as the object itself
  publicKey: Uint8Array; // raw, 32 bytes
}

export async function generateKeyPair(): Promise<KeyPair> {
  const pair = (await subtle.generateKey({ name: "X25519" }, false, ["deriveBits"])) as CryptoKeyPair;
  return { privateKey: pair.privateKey, publicKey: new Uint8Array(await subtle.exportKey("raw", pair.publicKey)) };
}

// PKCS#8 for a raw X25519 private key (RFC 8410): WebCrypto imports no raw
// private keys. Only the test vectors need this.
const PKCS8_X25519_PREFIX = fromHex("302e020100300506032b656e04220420");

export async function keyPairFromPrivate(raw: Uint8Array): Promise<KeyPair> {
  const pkcs8 = concat(PKCS8_X25519_PREFIX, raw) as BufferSource;
  const privateKey = await subtle.importKey("pkcs8", pkcs8, { name: "X25519" }, true, ["deriveBits"]);
  const jwk = await subtle.exportKey("jwk", privateKey);
  return { privateKey, publicKey: base64urlDecode(jwk.x ?? "") };
}

function base64urlDecode(s: string): Uint8Array {
  const b64 = s.replace(/-/g, "+").replace(/_/g, "/") + "===".slice((s.length + 3) % 4);
  return Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
}

/** SHA-256(lp("heard/commit/1") || lp(session) || seat || public_key). */
export function commitment(session: string, seat: number, publicKey: Uint8Array): Promise<Uint8Array> {
  return sha256(concat(lp(text("heard/commit/1")), lp(text(session)), new Uint8Array([seat]), publicKey));
}

/** SHA-256(lp("heard/keys/1") || lp(session) || for each seat in order: seat || public_key). */
export function transcriptHash(session: string, keys: Array<[number, Uint8Array]>): Promise<Uint8Array> {
  const parts = [lp(text("heard/keys/1")), lp(text(session))];
  for (const [seat, key] of keys) parts.push(new Uint8Array([seat]), key);
  return sha256(concat(...parts));
}

/**
 * HKDF-SHA256(ikm = X25519(own private, other's public), salt = transcript,
 * info = "heard/content/1" || sender || recipient), 32 bytes. Null when the
 * other key is not a usable X25519 key (a low-order point).
 */
export async function contentKeyBytes(
  own: CryptoKey,
  otherPublic: Uint8Array,
  transcript: Uint8Array,
  sender: number,
  recipient: number,
): Promise<Uint8Array | null> {
  try {
    const other = await subtle.importKey("raw", otherPublic as BufferSource, { name: "X25519" }, true, []);
    const shared = new Uint8Array(await subtle.deriveBits({ name: "X25519", public: other } as EcdhKeyDeriveParams, own, 256));
    if (shared.every((b) => b === 0)) return null;
    const ikm = await subtle.importKey("raw", shared as BufferSource, "HKDF", false, ["deriveBits"]);
    const info = concat(text("heard/content/1"), new Uint8Array([sender, recipient]));
    return new Uint8Array(
      await subtle.deriveBits({ name: "HKDF", hash: "SHA-256", salt: transcript, info } as HkdfParams, ikm, 256),
    );
  } catch {
    return null;
  }
}

export function aesKey(raw: Uint8Array): Promise<CryptoKey> {
  return subtle.importKey("raw", raw as BufferSource, { name: "AES-GCM" }, false, ["encrypt", "decrypt"]);
}

/** Six digits in two groups: the first four bytes of SHA-256(lp("heard/safety-code/1") || transcript) mod 10^6. */
export async function safetyCode(transcript: Uint8Array): Promise<string> {
  const h = await sha256(concat(lp(text("heard/safety-code/1")), transcript));
  const n = ((h[0] << 24) >>> 0) + (h[1] << 16) + (h[2] << 8) + h[3];
  const digits = String(n % 1_000_000).padStart(6, "0");
  return `${digits.slice(0, 3)} ${digits.slice(3)}`;
}

// --- Boxes -----------------------------------------------------------------------------

export interface Binding {
  session: string;
  sender: number;
  recipient: number;
  kind: Kind;
  counter: bigint;
}

/** lp("heard/box/1") || lp(session) || sender || recipient || kind || counter (8 bytes BE). */
export function associatedData(b: Binding): Uint8Array {
  const counter = new Uint8Array(8);
  new DataView(counter.buffer).setBigUint64(0, b.counter);
  return concat(lp(text("heard/box/1")), lp(text(b.session)), new Uint8Array([b.sender, b.recipient, b.kind]), counter);
}

export function bucketFor(contentBytes: number): number | null {
  for (const b of BUCKETS) if (contentBytes + LENGTH_PREFIX_BYTES <= b) return b;
  return null;
}

export const boxBytes = (bucket: number) => NONCE_BYTES + bucket + TAG_BYTES;

/** nonce || AES-256-GCM(padded content) || tag; null when the content fits no bucket. */
export async function seal(
  key: CryptoKey,
  binding: Binding,
  content: Uint8Array,
  nonce: Uint8Array = crypto.getRandomValues(new Uint8Array(NONCE_BYTES)),
): Promise<Uint8Array | null> {
  const bucket = bucketFor(content.length);
  if (bucket === null) return null;
  const plain = new Uint8Array(bucket);
  new DataView(plain.buffer).setUint32(0, content.length);
  plain.set(content, LENGTH_PREFIX_BYTES);
  const sealed = await subtle.encrypt(
    { name: "AES-GCM", iv: nonce as BufferSource, additionalData: associatedData(binding) as BufferSource, tagLength: 128 },
    key,
    plain as BufferSource,
  );
  return concat(nonce, new Uint8Array(sealed));
}

/** The content of an authentic box with the smallest bucket and zero padding, else null. */
export async function open(key: CryptoKey, binding: Binding, box: Uint8Array): Promise<Uint8Array | null> {
  if (!BUCKETS.some((b) => box.length === boxBytes(b))) return null;
  let plain: Uint8Array;
  try {
    plain = new Uint8Array(
      await subtle.decrypt(
        {
          name: "AES-GCM",
          iv: box.subarray(0, NONCE_BYTES) as BufferSource,
          additionalData: associatedData(binding) as BufferSource,
          tagLength: 128,
        },
        key,
        box.subarray(NONCE_BYTES) as BufferSource,
      ),
    );
  } catch {
    return null;
  }
  const n = new DataView(plain.buffer, plain.byteOffset).getUint32(0);
  if (n > plain.length - LENGTH_PREFIX_BYTES || bucketFor(n) !== plain.length) return null;
  if (!plain.subarray(LENGTH_PREFIX_BYTES + n).every((b) => b === 0)) return null;
  return plain.slice(LENGTH_PREFIX_BYTES, LENGTH_PREFIX_BYTES + n);
}

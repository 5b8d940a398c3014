// What a tab needs to take its seat back after a reload or a closed tab:
// the resume token, the seat's keys (the private key as a non-extractable
// CryptoKey, which IndexedDB stores as it is: a script can use it here but
// never read it out), the inputs not yet acknowledged and the person's own
// draft. One seat per browser profile; forgotten when the session ends.
import type { SavedKeys } from "./session_keys.js";

export interface SavedSeat {
  version: 1;
  name: string;
  sessionKey: string;
  resumeToken: Uint8Array;
  seat: number;
  lastSeq: bigint;
  nextInputId: bigint;
  unacked: Uint8Array[]; // ClientMessage, with this person's own words in the clear, as in heard's state file
  snapshot: Uint8Array | null;
  myDraft: string;
  draftKey: string;
  myWords: string[];
  keys: SavedKeys | null;
  pendingTopic: string;
  topic: string;
  inviteA: string;
  inviteB: string;
}

const DB_NAME = "heard";
const STORE = "seat";
const KEY = "current";

function database(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(DB_NAME, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(STORE);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error ?? new Error("IndexedDB could not be opened"));
  });
}

async function withStore<T>(mode: IDBTransactionMode, act: (s: IDBObjectStore) => IDBRequest<T>): Promise<T> {
  const db = await database();
  try {
    return await new Promise<T>((resolve, reject) => {
      const tx = db.transaction(STORE, mode);
      const request = act(tx.objectStore(STORE));
      tx.oncomplete = () => resolve(request.result);
      tx.onerror = () => reject(tx.error ?? new Error("IndexedDB transaction failed"));
      tx.onabort = () => reject(tx.error ?? new Error("IndexedDB transaction aborted"));
    });
  } finally {
    db.close();
  }
}

export const loadSeat = () => withStore<SavedSeat | undefined>("readonly", (s) => s.get(KEY));
export const saveSeat = (seat: SavedSeat) => withStore("readwrite", (s) => s.put(seat, KEY)).then(() => undefined);
export async function forgetSeat() {
  forgetDraft();
  await withStore("readwrite", (s) => s.delete(KEY));
}

// IndexedDB is asynchronous: a tab closed a moment after a keystroke may
// close before the write lands. So the draft alone is also written at once,
// synchronously, to localStorage, keyed by its session and floor; a restored
// seat takes it when it is for the same floor.
const DRAFT = "heard.draft";
export interface QuickDraft {
  session: string;
  floor: string;
  text: string;
}

export function keepDraft(d: QuickDraft) {
  try {
    localStorage.setItem(DRAFT, JSON.stringify(d));
  } catch {
    // Storage off or full: IndexedDB still has it a moment later.
  }
}

export function keptDraft(): QuickDraft | null {
  try {
    const d = JSON.parse(localStorage.getItem(DRAFT) ?? "null") as QuickDraft | null;
    return d && typeof d.text === "string" && typeof d.session === "string" && typeof d.floor === "string" ? d : null;
  } catch {
    return null;
  }
}

function forgetDraft() {
  try {
    localStorage.removeItem(DRAFT);
  } catch {
    // nothing kept
  }
}

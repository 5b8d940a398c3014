// Seats as docs/protocol.md describes them: A, B, and the counselor of a
// guided session; one Member record per seat in every Snapshot.
import { create } from "@bufbuild/protobuf";
import { MemberSchema, Seat, type Member, type Snapshot } from "./gen/heard/v1/heard_pb.js";

const EMPTY_MEMBER = create(MemberSchema);
const names = new TextDecoder("utf-8", { fatal: false });

export function memberOf(s: Snapshot | undefined, seat: Seat): Member {
  return s?.members.find((m) => m.seat === seat) ?? EMPTY_MEMBER;
}

export function sessionSeats(s: Snapshot): Seat[] {
  return s.guided ? [Seat.A, Seat.B, Seat.COUNSELOR] : [Seat.A, Seat.B];
}

export function keysComplete(s: Snapshot): boolean {
  return sessionSeats(s).every((seat) => memberOf(s, seat).publicKey.length > 0);
}

export function seatLabel(seat: Seat): string {
  return seat === Seat.B ? "B" : seat === Seat.COUNSELOR ? "counselor" : "A";
}

export const isPartner = (seat: Seat) => seat === Seat.A || seat === Seat.B;
export const creatorSeat = (guided: boolean) => (guided ? Seat.COUNSELOR : Seat.A);

/** How the person in `me` calls `seat` in a sentence: "you", the name, or the role ("your partner"). */
export function seatName(s: Snapshot | undefined, me: Seat, seat: Seat): string {
  if (seat === me) return "you";
  const name = names.decode(memberOf(s, seat).name);
  if (name) return name;
  if (seat === Seat.COUNSELOR) return "your counselor";
  if (me === Seat.COUNSELOR) return `partner ${seatLabel(seat)}`;
  return "your partner";
}

export const capitalized = (t: string) => (t ? t[0].toUpperCase() + t.slice(1) : t);

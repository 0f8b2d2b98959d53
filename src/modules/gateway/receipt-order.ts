/**
 * The order of a record's statuses, for receipts coming back from customs (connected mode). Receipts may arrive
 * twice, late, or out of order (transport.ts: nothing orders messages across redeliveries, consumers or
 * dead-letters), so a receipt changes a record's status only when it moves the record forward:
 *
 *     1 暂存 < 2 申报中 < 3/4 发送海关 < 120 入库 < 300 人工审核 / 500 查验 < 399 审结 < 800 放行 < 899 结关
 *
 * - A status at the same rank as the current one but different (300 ⇄ 500: a list under review sent to inspection,
 *   or the reverse) applies: both are possible successors of each other and the later arrival is the better guess.
 * - A rejection (100 退单, or a negative customs error code such as -621005) is final. It applies over any status
 *   before the conclusion (up to 300/500), never after 399 / 800 / 899: customs does not reject a concluded list.
 * - After a rejection nothing applies any more (a late 120 does not revive a rejected list), and neither does anything
 *   after the platform's own final statuses (`cancelled` after a CEB624 399 撤单成功, `deleted` after appType 3).
 *   A re-declaration (appType 2) is accepted by the intake, which resets the record's status to 2; receipts of the
 *   new declaration then start again from there. Receipts of the superseded declaration are told apart by the record
 *   guid they answer (the gateway compares it before asking here).
 * - Unknown status codes never change a status.
 *
 * Pure, no I/O.
 */

/** Ranks of the non-final statuses; a higher rank is further along. */
const RANK: Readonly<Record<string, number>> = {
  '1': 0,
  '2': 1,
  '3': 2,
  '4': 2,
  '120': 3,
  '300': 4,
  '500': 4,
  '399': 5,
  '800': 6,
  '899': 7,
};

/** The platform's own final statuses (no receipt code): cancelled lists, deleted records. */
const PLATFORM_FINAL = new Set(['cancelled', 'deleted']);

/** 100 退单 or a negative customs error code (-621005, -301010 …). */
export function isRejection(status: string): boolean {
  return status === '100' || /^-\d+$/.test(status);
}

/** A status after which no receipt changes the record (until a re-declaration resets it to 2). */
export function isFinalStatus(status: string): boolean {
  return isRejection(status) || PLATFORM_FINAL.has(status);
}

/** The rank of a non-final status, or undefined for final and unknown statuses. */
export function statusRank(status: string): number | undefined {
  return Object.hasOwn(RANK, status) ? RANK[status] : undefined;
}

/** The highest status a rejection may still follow: 300/500 (a list rejected after review or inspection). */
const REJECTABLE_UP_TO = RANK['500'] as number;

/**
 * Whether a receipt with status `incoming` may replace the record's `current` status. False for a repeat (same
 * status), for anything older, and for anything after a final status.
 */
export function supersedes(incoming: string, current: string): boolean {
  if (incoming === current) return false;
  if (isFinalStatus(current)) return false;
  const now = statusRank(current);
  if (isRejection(incoming)) return now === undefined || now <= REJECTABLE_UP_TO;
  const next = statusRank(incoming);
  if (next === undefined) return false;
  if (now === undefined) return true; // an unknown current status: any known customs status is better information
  return next >= now;
}

/**
 * The status a record ends with after receipts arrive in the given order, starting from `initial`: what applying
 * them one by one with `supersedes` gives. Convenient for tests and for replaying a receipt log.
 */
export function finalStatus(initial: string, arrivals: readonly string[]): string {
  let s = initial;
  for (const r of arrivals) if (supersedes(r, s)) s = r;
  return s;
}

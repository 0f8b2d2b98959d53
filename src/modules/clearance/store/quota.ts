/**
 * The annual quota ledger (个人年度交易限值): platform-decisions.md "Retail import" — quota consumption is atomic, two
 * lists of one buyer processed at the same time can never together exceed the limit; a release consumes quota, a
 * return within the 30/45-day rule restores it.
 *
 * - `consume` adds a list's amount to the buyer's total of the year in one statement that checks the limit on the
 *   row it updates (`INSERT … ON CONFLICT DO UPDATE … WHERE used + amount <= limit`): PostgreSQL locks the buyer's
 *   row and evaluates the condition on its latest committed version, so there is no read-then-write race. "Exceeds"
 *   is strictly greater: a total of exactly the limit is within.
 * - Each list consumes at most once and is restored at most once (unique (list_key, kind)): repeating either call
 *   returns the first outcome and changes nothing, also when the repeats run concurrently.
 * - Amounts are exact decimals to the fen (numeric(19,2)): an amount with more fraction digits is refused rather
 *   than rounded by the database.
 * - `consume` is one statement on its common path (entry and total together, in a data-modifying CTE) and undoes its
 *   entry itself when refused, so a refusal leaves the caller's transaction usable and the ledger unchanged; `restore`
 *   runs in a savepoint of the caller's transaction (or its own transaction when given the database).
 */
import { sql } from 'drizzle-orm';
import { Decimal } from '../../../kernel/money.js';
import { type Queryable, rowsOf } from '../../../platform/db/client.js';
import { checkReturn, RETURN_WINDOW, type ReturnCheck } from '../rules/import/limits.js';
import { json } from './lists.js';

export type ConsumeResult =
  /** Consumed (or, `repeated`, consumed earlier for this list): the buyer's total of the year afterwards. */
  | { ok: true; usedAfter: Decimal; repeated: boolean }
  /** Refused: the amount would take the total over the limit; nothing was recorded. */
  | { ok: false; used: Decimal; limit: Decimal; messageZh: string; messageEn: string };

export type RestoreResult =
  | { ok: true; amount: Decimal; usedAfter: Decimal; repeated: boolean }
  | { ok: false; reason: 'not-consumed'; messageZh: string; messageEn: string }
  | {
      ok: false;
      reason: 'not-eligible';
      check: Extract<ReturnCheck, { eligible: false }>;
      messageZh: string;
      messageEn: string;
    };

export interface QuotaStanding {
  used: Decimal;
  /** limit − used, never below 0. */
  remaining: Decimal;
  limit: Decimal;
}

export interface ReturnDates {
  releasedAt: Date;
  appliedAt: Date;
  /** When the goods arrived back; absent while they have not. */
  arrivedAt?: Date;
}

/** A list key already in the ledger for another buyer, year or amount: a caller's error, never silently accepted. */
export class QuotaConflictError extends Error {
  constructor(
    readonly listKey: string,
    readonly messageZh: string,
    readonly messageEn: string,
  ) {
    super(messageEn);
    this.name = 'QuotaConflictError';
  }
}

const MAX_LIST_KEY = 200;

function decimal(value: Decimal | string): Decimal {
  return typeof value === 'string' ? Decimal.parse(value) : value;
}

function checkAmount(value: Decimal | string): Decimal {
  const amount = decimal(value);
  if (amount.isNegative()) throw new RangeError(`quota amount must not be negative: ${amount}`);
  if (amount.fractionDigits() > 2) throw new RangeError(`quota amount has more than 2 fraction digits: ${amount}`);
  if (!amount.fitsDigits(19, 2)) throw new RangeError(`quota amount is too large: ${amount}`);
  return amount;
}

function checkLimit(value: Decimal | string): Decimal {
  const limit = decimal(value);
  if (!limit.isPositive()) throw new RangeError(`quota limit must be positive: ${limit}`);
  return limit;
}

function checkKeys(buyerHash: string, year: number, listKey?: string): void {
  if (buyerHash.length === 0 || buyerHash.length > 64) throw new RangeError('buyerHash must have 1 to 64 characters');
  if (!Number.isInteger(year) || year < 1900 || year > 9999) throw new RangeError(`not a calendar year: ${year}`);
  if (listKey !== undefined && (listKey.length === 0 || listKey.length > MAX_LIST_KEY)) {
    throw new RangeError(`listKey must have 1 to ${MAX_LIST_KEY} characters`);
  }
}

type EntryRow = { id: string | number; buyer_hash: string; year: number; amount: string };

export class QuotaLedger {
  /** `db` serves the reads outside a transaction (`remaining`, `used`). */
  constructor(private readonly db: Queryable) {}

  /** The buyer's total of the year (0 when nothing was consumed). */
  async used(buyerHash: string, year: number, q: Queryable = this.db): Promise<Decimal> {
    checkKeys(buyerHash, year);
    const rows = rowsOf<{ used: string }>(
      await q.execute(
        sql`select used::text as used from clearance_quota where buyer_hash = ${buyerHash} and year = ${year}`,
      ),
    );
    return rows[0] ? Decimal.parse(rows[0].used) : Decimal.ZERO;
  }

  /** For the checkout pre-check: what the buyer has used and may still spend this year. */
  async remaining(buyerHash: string, year: number, limit: Decimal | string): Promise<QuotaStanding> {
    const lim = checkLimit(limit);
    const used = await this.used(buyerHash, year);
    return { used, remaining: Decimal.max(lim.sub(used), Decimal.ZERO), limit: lim };
  }

  /**
   * Adds `amount` to the buyer's total of `year` if the total stays within `limit`, once per `listKey`.
   * Refused (`ok: false`) when it would exceed the limit; then nothing is recorded.
   */
  async consume(
    tx: Queryable,
    buyerHash: string,
    year: number,
    listKey: string,
    amount: Decimal | string,
    limit: Decimal | string,
  ): Promise<ConsumeResult> {
    checkKeys(buyerHash, year, listKey);
    const amt = checkAmount(amount);
    const lim = checkLimit(limit);
    const amountText = amt.toFixed(2);
    const limitText = lim.toString();
    // One statement on the common path: record the list's entry (once per list) and add its amount to the buyer's
    // total only if the total stays within the limit. The limit is checked on the row being updated, under its lock:
    // concurrent consumers queue on the row and each sees the total the previous one left. A first consumption
    // inserts only when the amount alone fits.
    const rows = rowsOf<{ id: string | number | null; used: string | null }>(
      await tx.execute(sql`
        with entry as (
          insert into clearance_quota_entries (buyer_hash, year, list_key, amount, kind, ref)
          values (${buyerHash}, ${year}, ${listKey}, ${amountText}::numeric, 'consume', '')
          on conflict (list_key, kind, ref) do nothing
          returning id
        ), total as (
          insert into clearance_quota as q (buyer_hash, year, used, updated_at)
          select ${buyerHash}, ${year}, ${amountText}::numeric, now()
          where exists (select 1 from entry) and ${amountText}::numeric <= ${limitText}::numeric
          on conflict (buyer_hash, year) do update
            set used = q.used + excluded.used, updated_at = now()
            where q.used + excluded.used <= ${limitText}::numeric
          returning q.used::text as used
        )
        select (select id from entry) as id, (select used from total) as used`),
    );
    const entryId = rows[0]?.id ?? null;
    const usedAfter = rows[0]?.used ?? null;
    if (entryId === null) {
      // consumed earlier for this list: the first outcome stands, if it was for the same buyer, year and amount
      const earlier = await this.entry(tx, listKey, 'consume');
      if (!earlier) throw new Error(`quota entry of ${listKey} vanished`);
      this.sameEntry(earlier, buyerHash, year, listKey, amt);
      return { ok: true, usedAfter: await this.used(buyerHash, year, tx), repeated: true };
    }
    if (usedAfter !== null) return { ok: true, usedAfter: Decimal.parse(usedAfter), repeated: false };
    // refused: the entry goes, nothing was added
    await tx.execute(sql`delete from clearance_quota_entries where id = ${entryId}`);
    const used = await this.used(buyerHash, year, tx);
    return {
      ok: false,
      used,
      limit: lim,
      messageZh: `购买人已用购买额度为[${used.toAmountString()}]，本次购买[${amt.toAmountString()}]将超过年度限额[${lim.toAmountString()}]`,
      messageEn:
        `The buyer has used [${used.toAmountString()}] of the annual quota; this purchase of ${amt.toAmountString()} ` +
        `would exceed the annual limit [${lim.toAmountString()}]`,
    };
  }

  /**
   * Gives back the amount a list consumed when its return meets the 30/45-day rule (`checkReturn`), once per list.
   * `not-eligible` when the return is late or the goods are not back; `not-consumed` when the list consumed nothing.
   */
  async restore(
    tx: Queryable,
    buyerHash: string,
    year: number,
    listKey: string,
    dates: ReturnDates,
    window: { applyWithinDays: number; arriveWithinDays: number } = RETURN_WINDOW,
    part?: { ref: string; amount: Decimal | string },
  ): Promise<RestoreResult> {
    checkKeys(buyerHash, year, listKey);
    const check = checkReturn(dates, window);
    if (!check.eligible) {
      return { ok: false, reason: 'not-eligible', check, messageZh: check.messageZh, messageEn: check.messageEn };
    }
    return tx.transaction(async (t) => {
      const consumed = await this.entry(t, listKey, 'consume');
      if (!consumed) {
        return {
          ok: false,
          reason: 'not-consumed',
          messageZh: `清单[${listKey}]未计入年度额度，无可恢复的额度`,
          messageEn: `List ${listKey} consumed no quota: there is nothing to restore`,
        };
      }
      this.sameEntry(consumed, buyerHash, year, listKey, null);
      const ref = part?.ref ?? '';
      const earlier = rowsOf<{ amount: string }>(
        await t.execute(sql`
          select amount::text as amount from clearance_quota_entries
          where list_key = ${listKey} and kind = 'restore' and ref = ${ref}`),
      )[0];
      if (earlier) {
        const amount = Decimal.parse(earlier.amount);
        return { ok: true, amount, usedAfter: await this.used(buyerHash, year, t), repeated: true };
      }
      // A part (a partial return) restores its own amount, never more than what the list consumed and has not got back.
      const restored = rowsOf<{ total: string }>(
        await t.execute(sql`
          select coalesce(sum(amount), 0)::text as total from clearance_quota_entries
          where list_key = ${listKey} and kind = 'restore'`),
      )[0];
      const left = Decimal.parse(consumed.amount).sub(Decimal.parse(restored?.total ?? '0'));
      const wanted = part ? checkAmount(part.amount) : left;
      const amount = Decimal.min(wanted, Decimal.max(left, Decimal.ZERO));
      const inserted = rowsOf<{ id: string | number }>(
        await t.execute(sql`
          insert into clearance_quota_entries (buyer_hash, year, list_key, amount, kind, ref)
          values (${buyerHash}, ${year}, ${listKey}, ${amount.toFixed(2)}::numeric, 'restore', ${ref})
          on conflict (list_key, kind, ref) do nothing
          returning id`),
      );
      if (!inserted[0]) return { ok: true, amount, usedAfter: await this.used(buyerHash, year, t), repeated: true };
      const updated = rowsOf<{ used: string }>(
        await t.execute(sql`
          update clearance_quota set used = used - ${amount.toFixed(2)}::numeric, updated_at = now()
          where buyer_hash = ${buyerHash} and year = ${year}
          returning used::text as used`),
      );
      if (!updated[0]) throw new Error(`no quota row for the consumption of ${listKey}`);
      return { ok: true, amount, usedAfter: Decimal.parse(updated[0].used), repeated: false };
    });
  }

  private async entry(q: Queryable, listKey: string, kind: 'consume'): Promise<EntryRow | undefined> {
    const rows = rowsOf<EntryRow>(
      await q.execute(sql`
        select id, buyer_hash, year, amount::text as amount from clearance_quota_entries
        where list_key = ${listKey} and kind = ${kind} and ref = ''`),
    );
    return rows[0];
  }

  /** A repeated call must name the same buyer, year (and amount) as the first. */
  private sameEntry(row: EntryRow, buyerHash: string, year: number, listKey: string, amount: Decimal | null): void {
    const sameAmount = amount === null || Decimal.parse(row.amount).eq(amount);
    if (row.buyer_hash === buyerHash && Number(row.year) === year && sameAmount) return;
    throw new QuotaConflictError(
      listKey,
      `清单[${listKey}]已按其他购买人、年度或金额[${row.amount}]计入额度`,
      `List ${listKey} is already in the quota ledger for another buyer, year or amount [${row.amount}]`,
    );
  }
}

/** The batch reads and the pre-check's counters and consents (clearance_quota, clr_quota_check_counts, clr_quota_consents). */
export const quotaStore = {
  /**
   * Counts one quota pre-check in `bucket`'s window and returns the count so far, in one statement (concurrent
   * checks queue on the row). A new window clears the bucket's old ones.
   */
  async countQuotaCheck(q: Queryable, bucket: string, windowStart: Date): Promise<number> {
    const at = windowStart.toISOString();
    const n = Number(
      rowsOf<{ count: number }>(
        await q.execute(sql`insert into clr_quota_check_counts (bucket, window_start, count)
          values (${bucket}, ${at}::timestamptz, 1)
          on conflict (bucket, window_start) do update set count = clr_quota_check_counts.count + 1
          returning count`),
      )[0]?.count ?? 0,
    );
    if (n === 1) {
      await q.execute(
        sql`delete from clr_quota_check_counts where bucket = ${bucket} and window_start < ${at}::timestamptz`,
      );
    }
    return n;
  },

  /**
   * Records an attested consent, or counts one more use of a reference recorded before: returns the consent as
   * first recorded (the caller compares its buyer and scope).
   */
  async recordQuotaConsent(
    q: Queryable,
    c: {
      enterpriseUscc: string;
      reference: string;
      buyerHash: string;
      scope: string;
      givenAt: Date;
      recordedBy: string;
    },
  ): Promise<{ buyerHash: string; scope: string; givenAt: Date }> {
    const rows = rowsOf<{ buyer_hash: string; scope: string; given_at: string | Date }>(
      await q.execute(sql`insert into clr_quota_consents (enterprise_uscc, reference, buyer_hash, scope, given_at, recorded_by)
        values (${c.enterpriseUscc}, ${c.reference}, ${c.buyerHash}, ${c.scope}, ${c.givenAt.toISOString()}::timestamptz,
          ${c.recordedBy.slice(0, 100)})
        on conflict (enterprise_uscc, reference) do update
          set uses = clr_quota_consents.uses + 1, last_used_at = now()
        returning buyer_hash, scope, given_at`),
    );
    const r = rows[0];
    if (!r) throw new Error('consent not recorded');
    return { buyerHash: r.buyer_hash, scope: r.scope, givenAt: new Date(r.given_at) };
  },

  /** The buyers' released totals of a year, for a batch (absent buyers used nothing). */
  async quotaUsed(q: Queryable, keys: { buyer: string; year: number }[]): Promise<Map<string, Decimal>> {
    if (!keys.length) return new Map();
    const rows = rowsOf<{ buyer_hash: string; year: number; used: string }>(
      await q.execute(sql`select q.buyer_hash, q.year, q.used::text as used from clearance_quota q
        join jsonb_to_recordset(${json(keys)}) as k(buyer text, year int) on q.buyer_hash = k.buyer and q.year = k.year`),
    );
    return new Map(rows.map((r) => [`${r.buyer_hash}|${r.year}`, Decimal.parse(r.used)]));
  },
};

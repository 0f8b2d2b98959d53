/**
 * The login throttle's rules (model.ts LOGIN_THROTTLE) and their SQL (store.ts throttleStore): the rules by example,
 * then a seeded property test that runs random sequences of reservations, failures, successes and clock moves on the
 * pure functions and on the database statements (PGlite in memory) side by side, and requires the same answers and
 * states at every step, and the invariant that a key never has more attempts checked than its limit in a streak.
 */
import { PGlite } from '@electric-sql/pglite';
import { drizzle } from 'drizzle-orm/pglite';
import { migrate } from 'drizzle-orm/pglite/migrator';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as schema from '../../src/app/schema.js';
import {
  backoffSeconds,
  EMPTY_THROTTLE,
  LOGIN_THROTTLE,
  recordFailure,
  recordSuccess,
  reserveAttempt,
  type ThrottleState,
  throttleKeys,
} from '../../src/modules/identity/model.js';
import { throttleStore } from '../../src/modules/identity/store.js';
import { type Database, MIGRATIONS_FOLDER } from '../../src/platform/db/client.js';

const T0 = Date.parse('2026-03-02T08:00:00.000Z');
const P = LOGIN_THROTTLE;

function reserve(s: ThrottleState, now: number, limit = 5): ThrottleState {
  const r = reserveAttempt(s, now, limit);
  if (!r.granted) throw new Error(`refused, retry after ${r.retryAfter}`);
  return r.state;
}
const fail = (s: ThrottleState, now: number, limit = 5) => recordFailure(s, now, limit).state;

describe('the rules', () => {
  it('the limits: 5 per account and address, 20 per account, a warning at 100 per address; waits 60 s doubling to 1 h', () => {
    expect(P).toMatchObject({ accountClientLimit: 5, accountLimit: 20, clientWarning: 100 });
    expect([0, 1, 2, 3, 4, 5, 6, 7, 50].map((s) => backoffSeconds(s))).toEqual([
      60, 120, 240, 480, 960, 1920, 3600, 3600, 3600,
    ]);
  });

  it('attempts in flight count: with 5 reserved, a 6th is refused for a second, before any has failed', () => {
    let s = EMPTY_THROTTLE;
    for (let i = 0; i < 5; i++) s = reserve(s, T0);
    expect(reserveAttempt(s, T0, 5)).toEqual({ granted: false, retryAfter: 1 });
    // one of them succeeds: the key is cleared, the 4 others still count
    s = recordSuccess(s, T0);
    expect(s.pending).toBe(4);
    expect(reserveAttempt(s, T0, 5).granted).toBe(true);
  });

  it('the failure that reaches the limit locks for the wait of its strike, and leaves one attempt for after it', () => {
    let s = EMPTY_THROTTLE;
    for (let i = 0; i < 4; i++) s = fail(reserve(s, T0 + i), T0 + i);
    const r = recordFailure(reserve(s, T0 + 10), T0 + 10, 5);
    expect(r.lockedNow).toBe(true);
    expect(r.state).toMatchObject({ failures: 4, strikes: 1, lockedAt: T0 + 10, lockedUntil: T0 + 10 + 60_000 });
    expect(reserveAttempt(r.state, T0 + 10 + 59_001, 5)).toEqual({ granted: false, retryAfter: 1 });
    expect(reserveAttempt(r.state, T0 + 10 + 60_000, 5).granted).toBe(true);
  });

  it('forgets failures a window after the last failure or the end of the lock-out, strikes after a day', () => {
    const s = { ...EMPTY_THROTTLE, failures: 4, strikes: 3, lastFailureAt: T0, lockedUntil: T0 + 480_000 };
    const at = (ms: number) => (reserveAttempt(s, ms, 5) as { state: ThrottleState }).state;
    expect(at(T0 + 480_000 + 899_999).failures).toBe(4);
    expect(at(T0 + 480_000 + 900_000).failures).toBe(0);
    expect(at(T0 + 480_000 + 900_001).strikes).toBe(3);
    expect(at(T0 + 24 * 3600_000 + 1).strikes).toBe(0);
  });

  it('attempts in flight are forgotten a minute after the latest reservation (a process that died mid-check)', () => {
    let s = EMPTY_THROTTLE;
    for (let i = 0; i < 5; i++) s = reserve(s, T0);
    expect(reserveAttempt(s, T0 + 59_999, 5).granted).toBe(false);
    expect(reserveAttempt(s, T0 + 60_000, 5).granted).toBe(true);
  });

  it('keys: the account from one address, the account, the address', () => {
    expect(throttleKeys('5b1c…', '203.0.113.9')).toEqual({
      accountClient: 'ac:5b1c…|203.0.113.9',
      account: 'a:5b1c…',
      client: 'c:203.0.113.9',
    });
  });
});

describe('the SQL statements apply the same rules (PGlite, seeded random sequences)', () => {
  let client: PGlite;
  let db: Database;
  beforeAll(async () => {
    client = new PGlite();
    db = drizzle(client, { schema }) as unknown as Database;
    await migrate(db as never, { migrationsFolder: MIGRATIONS_FOLDER });
  });
  afterAll(() => client?.close());

  type Op =
    | { op: 'reserve' }
    | { op: 'finish'; ok: boolean }
    | { op: 'wait'; ms: number }
    | { op: 'crash' /* a reservation never finished */ };
  const opArb: fc.Arbitrary<Op> = fc.oneof(
    { weight: 4, arbitrary: fc.constant({ op: 'reserve' as const }) },
    { weight: 4, arbitrary: fc.boolean().map((ok) => ({ op: 'finish' as const, ok })) },
    {
      weight: 2,
      arbitrary: fc
        .oneof(fc.integer({ min: 1, max: 5_000 }), fc.integer({ min: 50_000, max: 4_000_000 }))
        .map((ms) => ({ op: 'wait' as const, ms })),
    },
    { weight: 1, arbitrary: fc.constant({ op: 'crash' as const }) },
  );
  let run = 0;

  it('same grants, same states, never more than the limit checked per streak', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 6 }),
        fc.array(opArb, { minLength: 1, maxLength: 60 }),
        async (limit, ops) => {
          const key = `ac:prop-${run++}|198.51.100.1`;
          let now = T0;
          let model = EMPTY_THROTTLE;
          let inFlight = 0;
          for (const o of ops) {
            if (o.op === 'wait') now += o.ms;
            else if (o.op === 'reserve' || o.op === 'crash') {
              const m = reserveAttempt(model, now, limit);
              const granted = await throttleStore.reserve(db, key, now, limit, P);
              expect(granted).toBe(m.granted);
              if (m.granted) {
                model = m.state;
                if (o.op === 'reserve') inFlight++;
              }
            } else if (inFlight > 0) {
              inFlight--;
              if (o.ok) {
                model = recordSuccess(model, now);
                await throttleStore.succeed(db, key, now, P);
              } else {
                const m = recordFailure(model, now, limit);
                model = m.state;
                const stored = await throttleStore.fail(db, key, now, limit, P);
                expect(stored).toEqual(model);
              }
            }
            expect((await throttleStore.get(db, key)) ?? EMPTY_THROTTLE).toEqual(model);
            // failures and attempts in flight together never pass the limit: at most `limit` wrong passwords are
            // checked before a lock-out, a correct one, or a lapse
            expect(model.failures + model.pending).toBeLessThanOrEqual(limit);
          }
        },
      ),
      { seed: 20260302, numRuns: 150 },
    );
  });
});

import { createHash, randomBytes, scrypt as scryptCb, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import { z } from 'zod';

const scrypt = promisify(scryptCb) as (pw: string, salt: Buffer, len: number, opts: object) => Promise<Buffer>;

/** scrypt parameters (memory-hard: 128·N·r bytes = 32 MiB per hash). Stored with each hash so they can grow. */
const N = 2 ** 15;
const R = 8;
const P = 1;
const KEY_LEN = 32;

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scrypt(password.normalize('NFKC'), salt, KEY_LEN, { N, r: R, p: P, maxmem: 64 * 1024 * 1024 });
  return `scrypt$${N}$${R}$${P}$${salt.toString('base64')}$${key.toString('base64')}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [, n, r, p, saltB64, keyB64] = parts as [string, string, string, string, string, string];
  const expected = Buffer.from(keyB64, 'base64');
  const key = await scrypt(password.normalize('NFKC'), Buffer.from(saltB64, 'base64'), expected.length, {
    N: Number(n),
    r: Number(r),
    p: Number(p),
    maxmem: 256 * 1024 * 1024,
  });
  return timingSafeEqual(key, expected);
}

/** A hash to compare against when the user does not exist, so that timing does not reveal which usernames exist. */
export const DUMMY_HASH = `scrypt$${N}$${R}$${P}$${Buffer.alloc(16).toString('base64')}$${Buffer.alloc(KEY_LEN).toString('base64')}`;

/** Password policy: 10+ characters with at least three of: lower case, upper case, digits, symbols. */
export function passwordProblem(pw: string): { zh: string; en: string } | null {
  const classes = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^A-Za-z0-9]/].filter((re) => re.test(pw)).length;
  if (pw.length < 10 || pw.length > 128 || classes < 3) {
    return {
      zh: '密码至少 10 位，并包含大写字母、小写字母、数字、符号中的至少三类',
      en: 'Passwords need at least 10 characters from at least three of: upper case, lower case, digits, symbols',
    };
  }
  return null;
}

/** The password policy as a zod schema, so that a weak password is reported with the other field errors. */
export const passwordSchema = z
  .string()
  .max(128)
  .superRefine((pw, ctx) => {
    const p = passwordProblem(pw);
    if (p) ctx.addIssue({ code: 'custom', message: p.zh, params: { messageEn: p.en, code: 'WEAK_PASSWORD' } });
  });

export function sha256Hex(s: string): string {
  return createHash('sha256').update(s).digest('hex');
}

/** Session tokens: 256 random bits; the database keeps only their SHA-256. */
export function newSessionToken(): { token: string; id: string } {
  const token = randomBytes(32).toString('base64url');
  return { token, id: sha256Hex(token) };
}

/** API keys: `cbk_<prefix>_<secret>`, prefix 12 hex chars (public, for look-up), secret 256 random bits. */
export function newApiKey(): { key: string; prefix: string; secretHash: string } {
  const prefix = randomBytes(6).toString('hex');
  const secret = randomBytes(32).toString('base64url');
  return { key: `cbk_${prefix}_${secret}`, prefix, secretHash: sha256Hex(secret) };
}

export function parseApiKey(key: string): { prefix: string; secret: string } | null {
  const m = /^cbk_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$/.exec(key);
  return m ? { prefix: m[1] as string, secret: m[2] as string } : null;
}

export function secretMatches(secret: string, storedHash: string): boolean {
  const a = Buffer.from(sha256Hex(secret), 'hex');
  const b = Buffer.from(storedHash, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Login throttling, counted BEFORE the password is hashed and kept in the database (table `login_throttle`, one row
 * per key), so that it holds under concurrency, survives a restart and is shared by every process on one database.
 *
 * Each sign-in is checked against three keys, each doing one thing:
 * - `account+client` (the account from one client address): LIMIT failures, then that client is refused for that
 *   account, with growing waits. One attacker cannot go on guessing, and the account's own user, elsewhere, is not
 *   refused.
 * - `account` (the account from any client): a higher limit, then the account is refused from every client, with
 *   growing waits. This bounds guessing spread over many addresses (or spoofed forwarded addresses); it is the only
 *   limit that refuses a user for someone else's failures, and only the user of the account under attack.
 * - `client` (one address, any account): counted, never refused. Everyone behind a reverse proxy or a NAT shares one
 *   address, so refusing by address alone locks out every user who is not under attack; past its limit the platform
 *   logs a warning (password spraying, or CBEC_TRUST_PROXY not set behind a proxy).
 *
 * A key's state: `failures` in the current streak (forgotten WINDOW after the last failure or the end of the last
 * lock-out), `pending` attempts
 * reserved and being checked (forgotten PENDING after the latest reservation: a process that died mid-check),
 * `strikes` (lock-outs in a row, forgotten STRIKE_MEMORY after the last failure) and `lockedUntil`. An attempt is
 * reserved only while the key is not locked and failures + pending < limit, so at most `limit` wrong passwords are
 * hashed per key and streak however many arrive at once. The failure that reaches the limit locks the key for
 * BASE_WAIT · 2^strikes (at most MAX_WAIT) and leaves failures at limit − 1: once the wait is over, each further
 * failure locks again for twice as long, until a quiet WINDOW or a correct password. A correct password clears the key.
 *
 * These functions are the rules; the store applies the same rules in one SQL statement per key (the tests run both
 * side by side).
 */
export const LOGIN_THROTTLE = {
  /** Failures of one account from one client address before that address is refused for the account. */
  accountClientLimit: 5,
  /** Failures of one account from all addresses before the account is refused from every address. */
  accountLimit: 20,
  /** Failures from one address (all accounts) past which a warning is logged; never refused. */
  clientWarning: 100,
  windowSeconds: 15 * 60,
  strikeMemorySeconds: 24 * 3600,
  pendingSeconds: 60,
  baseWaitSeconds: 60,
  maxWaitSeconds: 3600,
} as const;
export type ThrottlePolicy = typeof LOGIN_THROTTLE;

export type ThrottleState = {
  failures: number;
  pending: number;
  strikes: number;
  lastFailureAt: number | null;
  reservedAt: number | null;
  lockedAt: number | null;
  lockedUntil: number | null;
};

export const EMPTY_THROTTLE: ThrottleState = {
  failures: 0,
  pending: 0,
  strikes: 0,
  lastFailureAt: null,
  reservedAt: null,
  lockedAt: null,
  lockedUntil: null,
};

/** The wait after the `strikes`-th lock-out in a row (0-based): BASE · 2^strikes, at most MAX. */
export function backoffSeconds(strikes: number, policy: ThrottlePolicy = LOGIN_THROTTLE): number {
  return Math.min(policy.maxWaitSeconds, policy.baseWaitSeconds * 2 ** Math.min(strikes, 30));
}

/** The state as it counts at `now` (ms): what has been forgotten is 0. */
export function effective(s: ThrottleState, now: number, policy: ThrottlePolicy = LOGIN_THROTTLE) {
  // failures are forgotten a window after the last failure or after the lock-out ends, whichever is later (so that a
  // lock-out longer than the window does not end with a fresh count)
  const since = now - policy.windowSeconds * 1000;
  const recentFailure =
    (s.lastFailureAt !== null && s.lastFailureAt > since) || (s.lockedUntil !== null && s.lockedUntil > since);
  const rememberedStrikes = s.lastFailureAt !== null && s.lastFailureAt > now - policy.strikeMemorySeconds * 1000;
  const livePending = s.reservedAt !== null && s.reservedAt > now - policy.pendingSeconds * 1000;
  return {
    failures: recentFailure ? s.failures : 0,
    pending: livePending ? s.pending : 0,
    strikes: rememberedStrikes ? s.strikes : 0,
    locked: s.lockedUntil !== null && s.lockedUntil > now,
  };
}

/** Reserves one attempt, or says how long to wait (whole seconds, at least 1). */
export function reserveAttempt(
  s: ThrottleState,
  now: number,
  limit: number,
  policy: ThrottlePolicy = LOGIN_THROTTLE,
): { granted: true; state: ThrottleState } | { granted: false; retryAfter: number } {
  const e = effective(s, now, policy);
  if (e.locked || e.failures + e.pending >= limit) {
    // Not locked but full: the attempts in flight decide; ask again in a second.
    const retryAfter = e.locked ? Math.max(1, Math.ceil(((s.lockedUntil as number) - now) / 1000)) : 1;
    return { granted: false, retryAfter };
  }
  return {
    granted: true,
    state: { ...s, failures: e.failures, strikes: e.strikes, pending: e.pending + 1, reservedAt: now },
  };
}

/** A reserved attempt (or, for the client key, any attempt) failed. */
export function recordFailure(
  s: ThrottleState,
  now: number,
  limit: number,
  policy: ThrottlePolicy = LOGIN_THROTTLE,
): { state: ThrottleState; lockedNow: boolean } {
  const e = effective(s, now, policy);
  const failures = e.failures + 1;
  const base = { ...s, pending: Math.max(e.pending - 1, 0), lastFailureAt: now };
  if (failures < limit) return { state: { ...base, failures, strikes: e.strikes }, lockedNow: false };
  return {
    state: {
      ...base,
      failures: limit - 1,
      strikes: e.strikes + 1,
      lockedAt: now,
      lockedUntil: now + backoffSeconds(e.strikes, policy) * 1000,
    },
    lockedNow: true,
  };
}

/** A reserved attempt succeeded: the key is cleared (its other attempts in flight still count). */
export function recordSuccess(s: ThrottleState, now: number, policy: ThrottlePolicy = LOGIN_THROTTLE): ThrottleState {
  const e = effective(s, now, policy);
  return { ...EMPTY_THROTTLE, pending: Math.max(e.pending - 1, 0), reservedAt: s.reservedAt };
}

/** The throttle keys of one sign-in: the account (a user id, or the name tried when no user has it) and the client. */
export function throttleKeys(account: string, client: string) {
  return { accountClient: `ac:${account}|${client}`, account: `a:${account}`, client: `c:${client}` };
}

/**
 * Database outages, in one place: which errors mean "the database is not answering" (as opposed to a bug or a
 * constraint; the HTTP layer answers them with 503, see http/app.ts toAppError), and the start-up message that names
 * the cause.
 *
 * - Network errors of the driver: ECONNREFUSED, ETIMEDOUT, ECONNRESET, EPIPE, EHOSTUNREACH, ENETUNREACH, ENOTFOUND,
 *   EAI_AGAIN (on the error or its cause: drizzle wraps the driver's error in its own).
 * - pg / pg-pool's own: the pool's connection timeout, the client-side query read timeout, a connection that ended.
 * - SQLSTATE class 08 (connection exception), 57P01 admin_shutdown, 57P02 crash_shutdown, 57P03 cannot_connect_now,
 *   53300 too_many_connections, 57014 query_canceled (the statement timeout), 25P03 idle_in_transaction timeout.
 */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ETIMEDOUT',
  'ECONNRESET',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ECONNABORTED',
]);
const SQLSTATES = new Set(['57P01', '57P02', '57P03', '53300', '57014', '25P03']);
const DRIVER_MESSAGES = [
  /timeout exceeded when trying to connect/i,
  /Connection terminated/i,
  /Query read timeout/i,
  /not queryable/i,
  /Client was closed and is not queryable/i,
  /connection (?:is )?(?:closed|ended)/i,
];

/** Seconds a client should wait before retrying after a 503 for an outage. */
export const RETRY_AFTER_SECONDS = 5;

type ErrorLike = { code?: unknown; message?: unknown; cause?: unknown; errors?: unknown };

/** The error itself, its causes and (AggregateError, as for a host with several addresses) its parts. */
function* chain(e: unknown): Generator<ErrorLike> {
  const seen = new Set<unknown>();
  const queue: unknown[] = [e];
  while (queue.length > 0 && seen.size < 16) {
    const x = queue.shift();
    if (x === null || typeof x !== 'object' || seen.has(x)) continue;
    seen.add(x);
    const err = x as ErrorLike;
    yield err;
    queue.push(err.cause);
    if (Array.isArray(err.errors)) queue.push(...err.errors);
  }
}

/** The network or SQLSTATE code that makes `e` an outage, or 'timeout'/'connection' for the driver's own; else null. */
export function outageCause(e: unknown): string | null {
  for (const err of chain(e)) {
    const code = typeof err.code === 'string' ? err.code : undefined;
    if (code && NETWORK_CODES.has(code)) return code;
    if (code && (code.startsWith('08') || SQLSTATES.has(code)) && /^[0-9A-Z]{5}$/.test(code)) return code;
    const message = typeof err.message === 'string' ? err.message : '';
    if (DRIVER_MESSAGES.some((re) => re.test(message))) return /timeout/i.test(message) ? 'timeout' : 'connection';
  }
  return null;
}

/** Whether `e` means the database is not answering (refused, unreachable, timed out, shutting down, full). */
export function isDatabaseUnavailable(e: unknown): boolean {
  return outageCause(e) !== null;
}

/** host:port of a PostgreSQL URL (no user, no password). */
export function databaseAddress(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname || 'localhost'}:${u.port || '5432'}`;
  } catch {
    return 'the configured address';
  }
}

/** The start-up error that names the cause: "cannot reach the database at host:port: ECONNREFUSED". */
export class DatabaseUnreachableError extends Error {
  constructor(
    readonly address: string,
    readonly causeCode: string,
  ) {
    super(`无法连接数据库 ${address}：${causeCode} / cannot reach the database at ${address}: ${causeCode}`);
    this.name = 'DatabaseUnreachableError';
  }
}

/**
 * Back-off for a background loop (clearance worker, webhook deliveries, customs gateway) whose rounds fail while
 * the database is down: after n failures in a row the next round waits min(base · 2^(n-1), max); a success resets
 * it. The loop keeps running through an outage, logs once per round it tries, and resumes by itself.
 */
export class Backoff {
  private failures = 0;
  private until = 0;

  constructor(
    private readonly baseMs = 1_000,
    private readonly maxMs = 30_000,
  ) {}

  /** Records a failed round; returns the wait before the next one (ms). */
  failed(now = Date.now()): number {
    this.failures++;
    const delay = Math.min(this.maxMs, this.baseMs * 2 ** Math.min(this.failures - 1, 20));
    this.until = now + delay;
    return delay;
  }

  succeeded(): void {
    this.failures = 0;
    this.until = 0;
  }

  /** Whether a round may run now (false while backing off). */
  ready(now = Date.now()): boolean {
    return now >= this.until;
  }

  get consecutiveFailures(): number {
    return this.failures;
  }
}

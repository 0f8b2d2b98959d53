/**
 * Receipt webhooks (回执推送): an enterprise registers up to five HTTP(S) endpoints; every business receipt issued to
 * it afterwards (CEB312, 412, 512, 622 …) is POSTed to each endpoint, signed with the platform's SM2 key.
 *
 * Deliveries are queued by `declarationStore.addReceipts` (one `webhook_deliveries` row per active endpoint, in the
 * same transaction as the receipt) and sent by `deliverDue`, which a background loop (`start`/`stop`) calls.
 *
 * The wire format, for receivers (also in the route description):
 *
 *   POST <endpoint url>
 *   content-type: application/json
 *   x-cbec-delivery: <delivery id>        stable across retries and replays: deduplicate on it (or on the seq)
 *   x-cbec-receipt-seq: <seq>             the receipt's sequence number (the cursor of the receipt API)
 *   x-cbec-timestamp: <Unix seconds>      when this attempt was signed
 *   x-cbec-key-id: <key id>               the platform key (purpose `webhook`) at /.well-known/cbec-zone/keys
 *   x-cbec-signature: <128 hex>           SM2 signature (SM3 digest with Z, default user id 1234567812345678,
 *                                         raw r‖s hex) over the UTF-8 bytes of `${timestamp}.${body}`, `body`
 *                                         being the raw request body exactly as received
 *
 *   { "seq", "type", "businessKey", "returnStatus", "returnTime", "returnInfo", "record", "messageId" }
 *
 * A receiver verifies the signature with the public key of that key id, rejects timestamps far from its clock
 * (e.g. more than 5 minutes) and answers 2xx within 5 seconds. Anything else (redirects included: they are never
 * followed) counts as a failed attempt, retried with exponential back-off (10 s · 2^(attempt-1), at most 1 h, minus
 * up to 25 % jitter); after 8 attempts the delivery is `failed`, stays listed and can be replayed. Deliveries may
 * arrive out of order and more than once: receivers order by seq and deduplicate.
 *
 * Delivery is at least once: a delivery is leased (its next_attempt_at pushed past the round's longest possible
 * duration) in a short transaction with `FOR UPDATE SKIP LOCKED`, so concurrent workers (several processes on
 * PostgreSQL) never send the same delivery in the same round; a worker that dies mid-round leaves its leased
 * deliveries to be picked up again when the lease expires.
 *
 * Endpoint URLs are tenant input, so by default they may not point into private, loopback or link-local networks
 * (SSRF): checked on the literal host at registration and on the resolved addresses before every attempt. The
 * resolution fetch does itself is not pinned, so a DNS-rebinding host can still slip through between the two; the
 * option `allowPrivateNetworks` turns the check off (intranet deployments, tests).
 */
import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import { and, count, desc, eq, inArray, sql } from 'drizzle-orm';
import type { Logger } from 'pino';
import type { Actor, AuditTrail } from '../../platform/audit/audit.js';
import type { PlatformSigner } from '../../platform/crypto/signing.js';
import type { Database } from '../../platform/db/client.js';
import { rowsOf } from '../../platform/db/client.js';
import { Backoff } from '../../platform/db/outage.js';
import { loggableError } from '../../platform/http/app.js';
import { AppError } from '../../platform/http/errors.js';
import { declReceipts, webhookDeliveries, webhookEndpoints } from './schema.js';

export const MAX_ENDPOINTS_PER_ENTERPRISE = 5;
export const DELIVERY_STATUSES = ['pending', 'delivered', 'failed'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];
export const WEBHOOK_KEY_PURPOSE = 'webhook';
export const MAX_URL_LENGTH = 500;

export type WebhookOptions = {
  /** Per-attempt timeout (default 5 s). */
  timeoutMs?: number;
  /** Attempts before a delivery is `failed` (default 8). */
  maxAttempts?: number;
  /** Back-off after the first failed attempt, doubled after each further one (default 10 s). */
  backoffBaseMs?: number;
  /** Longest back-off (default 1 h). */
  backoffMaxMs?: number;
  /** Random source in [0, 1) for the jitter (default Math.random); the jitter removes up to 25 % of the back-off. */
  random?: () => number;
  /** Deliveries sent at the same time within one round (default 8). */
  concurrency?: number;
  /** Deliveries claimed per round of the background loop (default 50). */
  batchSize?: number;
  /** Allow endpoints in private, loopback and link-local networks (default false). */
  allowPrivateNetworks?: boolean;
  /** Whether an enterprise exists (asked of the filing module); unknown enterprises get 404. */
  enterpriseExists?: (uscc: string) => Promise<boolean>;
  log?: Logger;
};

export type EndpointView = { id: string; url: string; fromSeq: number; active: boolean; createdAt: string };

export type DeliveryView = {
  id: number;
  endpointId: string;
  url: string;
  receiptSeq: number;
  receiptType: string | null;
  businessKey: string | null;
  status: DeliveryStatus;
  attempts: number;
  /** When the next attempt is due (pending deliveries only). */
  nextAttemptAt: string | null;
  lastError: string | null;
  lastStatusCode: number | null;
  deliveredAt: string | null;
  createdAt: string;
};

export type DeliveryFilter = {
  status?: DeliveryStatus;
  endpointId?: string;
  page: number;
  pageSize: number;
};

/** A round's outcome: `released` deliveries were claimed but put back unattempted (the loop was stopping). */
export type RoundResult = { claimed: number; delivered: number; retrying: number; failed: number; released: number };

/** The JSON body POSTed for one receipt. */
export type ReceiptPayload = {
  seq: number;
  type: string;
  businessKey: string;
  returnStatus: string;
  returnTime: string;
  returnInfo: string;
  record: unknown;
  messageId: string | null;
};

/** What is wrong with a proposed endpoint URL, with a stable code; null when it is acceptable. */
export type UrlProblem = { code: string; zh: string; en: string };

const PRIVATE_V4 = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  PRIVATE_V4.addSubnet(net, prefix, 'ipv4');
}
const PRIVATE_V6 = new BlockList();
for (const [net, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const) {
  PRIVATE_V6.addSubnet(net, prefix, 'ipv6');
}

/** The IPv4 address embedded in an IPv4-mapped (::ffff:a.b.c.d), IPv4-compatible or NAT64 (64:ff9b::/96) address. */
function embeddedV4(v6: string): string | null {
  const m = /^(?:::ffff:|::|64:ff9b::)(?:(\d+\.\d+\.\d+\.\d+)|([0-9a-f]{1,4}):([0-9a-f]{1,4}))$/i.exec(v6);
  if (!m) return null;
  if (m[1]) return m[1];
  const hi = Number.parseInt(m[2] as string, 16);
  const lo = Number.parseInt(m[3] as string, 16);
  return `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
}

/** Whether an IP address (v4 or v6, without brackets) lies in a private, loopback, link-local or reserved network. */
export function isPrivateAddress(ip: string): boolean {
  const kind = isIP(ip);
  if (kind === 4) return PRIVATE_V4.check(ip, 'ipv4');
  if (kind === 6) {
    const v4 = embeddedV4(ip);
    if (v4) return PRIVATE_V4.check(v4, 'ipv4');
    return PRIVATE_V6.check(ip, 'ipv6');
  }
  return true; // not an address at all: refuse
}

function hostOf(u: URL): string {
  return u.hostname.startsWith('[') ? u.hostname.slice(1, -1) : u.hostname;
}

/** Checks an endpoint URL; returns the normalised URL or the problem. */
export function checkEndpointUrl(
  raw: string,
  opts: { allowPrivateNetworks?: boolean } = {},
): { ok: true; url: string } | { ok: false; problem: UrlProblem } {
  const bad = (code: string, zh: string, en: string) => ({ ok: false as const, problem: { code, zh, en } });
  if (raw.length > MAX_URL_LENGTH) {
    return bad('URL_TOO_LONG', `地址不能超过 ${MAX_URL_LENGTH} 个字符`, `At most ${MAX_URL_LENGTH} characters`);
  }
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    return bad('URL_INVALID', '不是有效的网址', 'Not a valid URL');
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') {
    return bad('URL_SCHEME', '只接受 https 或 http 地址', 'Only https and http URLs are accepted');
  }
  if (u.username || u.password) {
    return bad(
      'URL_CREDENTIALS',
      '地址中不能包含用户名或密码',
      'The URL may not carry a user name or password: verify our signature instead',
    );
  }
  if (u.hash) return bad('URL_FRAGMENT', '地址中不能包含 # 片段', 'The URL may not have a #fragment');
  const host = hostOf(u);
  if (!host) return bad('URL_INVALID', '不是有效的网址', 'Not a valid URL');
  if (!opts.allowPrivateNetworks) {
    const local = /^(?:localhost|.*\.localhost|.*\.local)\.?$/i.test(host);
    if (local || (isIP(host) !== 0 && isPrivateAddress(host))) {
      return bad(
        'URL_PRIVATE_ADDRESS',
        '地址不能指向内网、本机或链路本地地址',
        'The URL may not point to a private, loopback or link-local address',
      );
    }
  }
  const url = u.toString();
  if (url.length > MAX_URL_LENGTH) {
    return bad('URL_TOO_LONG', `地址不能超过 ${MAX_URL_LENGTH} 个字符`, `At most ${MAX_URL_LENGTH} characters`);
  }
  return { ok: true, url };
}

/** The URL without its query string, for the audit trail (a query may carry a receiver's token). */
function urlForAudit(url: string): string {
  try {
    const u = new URL(url);
    return `${u.origin}${u.pathname}${u.search ? '?…' : ''}`;
  } catch {
    return '(invalid)';
  }
}

/** The back-off before the next attempt, after `attempts` attempts (≥ 1) have failed. */
export function backoffMs(attempts: number, base: number, max: number, random: () => number): number {
  const nominal = Math.min(max, base * 2 ** Math.min(attempts - 1, 40));
  return Math.round(nominal * (1 - 0.25 * random()));
}

/** The string a webhook signature covers. */
export function signedContent(timestamp: string, body: string): string {
  return `${timestamp}.${body}`;
}

function iso(d: Date | null): string | null {
  return d ? d.toISOString() : null;
}

function describeError(e: unknown, timeoutMs: number): string {
  const err = e as Error & { cause?: { code?: string; message?: string } };
  if (err?.name === 'TimeoutError') return `timeout after ${timeoutMs} ms`;
  if (err?.name === 'AbortError') return 'aborted';
  const cause = err?.cause?.code ?? err?.cause?.message;
  const msg = cause ? `${err.message}: ${cause}` : String(err?.message ?? e);
  return msg.slice(0, 500);
}

type Job = {
  id: number;
  attempts: number;
  url: string;
  receipt: typeof declReceipts.$inferSelect | undefined;
};

class Blocked extends Error {}

export class WebhookService {
  private readonly o: Required<Omit<WebhookOptions, 'log' | 'enterpriseExists'>> &
    Pick<WebhookOptions, 'log' | 'enterpriseExists'>;
  private timer: NodeJS.Timeout | null = null;
  private round: Promise<void> | null = null;
  private running = false;
  private generation = 0;
  /** Rounds failing in a row (the database is down): the loop waits longer before each next one. */
  private readonly roundBackoff = new Backoff(2_000, 60_000);
  private shutdown = new AbortController();

  constructor(
    private readonly db: Database,
    private readonly audit: AuditTrail,
    private readonly signer: PlatformSigner,
    opts: WebhookOptions = {},
  ) {
    this.o = {
      timeoutMs: opts.timeoutMs ?? 5_000,
      maxAttempts: opts.maxAttempts ?? 8,
      backoffBaseMs: opts.backoffBaseMs ?? 10_000,
      backoffMaxMs: opts.backoffMaxMs ?? 3_600_000,
      random: opts.random ?? Math.random,
      concurrency: Math.max(1, opts.concurrency ?? 8),
      batchSize: Math.max(1, opts.batchSize ?? 50),
      allowPrivateNetworks: opts.allowPrivateNetworks ?? false,
      enterpriseExists: opts.enterpriseExists,
      log: opts.log,
    };
  }

  /** The problem with an endpoint URL under this service's rules, or null (used by the route's body schema). */
  urlProblem(url: string): UrlProblem | null {
    const r = checkEndpointUrl(url, this.o);
    return r.ok ? null : r.problem;
  }

  /** 404 for an enterprise this platform does not know (when the service was given `enterpriseExists`). */
  async requireEnterprise(uscc: string): Promise<void> {
    if (this.o.enterpriseExists && !(await this.o.enterpriseExists(uscc)))
      throw AppError.notFound('enterprise', '企业');
  }

  // --- endpoints -------------------------------------------------------------------------------------------------

  async createEndpoint(actor: Actor, uscc: string, rawUrl: string): Promise<EndpointView> {
    const checked = checkEndpointUrl(rawUrl, this.o);
    if (!checked.ok) throw AppError.field('url', checked.problem.zh, checked.problem.en, checked.problem.code);
    const url = checked.url;
    await this.requireEnterprise(uscc);
    const row = await this.db.transaction(async (tx) => {
      // Serialise creations per enterprise so that the limit holds under concurrent requests.
      await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`webhook-endpoints:${uscc}`}))`);
      const active = await tx
        .select({ url: webhookEndpoints.url })
        .from(webhookEndpoints)
        .where(and(eq(webhookEndpoints.enterpriseUscc, uscc), eq(webhookEndpoints.active, 1)));
      if (active.length >= MAX_ENDPOINTS_PER_ENTERPRISE) {
        throw AppError.conflict(
          'WEBHOOK_LIMIT',
          `每家企业最多 ${MAX_ENDPOINTS_PER_ENTERPRISE} 个回执推送地址`,
          `At most ${MAX_ENDPOINTS_PER_ENTERPRISE} webhook endpoints per enterprise`,
        );
      }
      if (active.some((e) => e.url === url)) {
        throw AppError.conflict('WEBHOOK_DUPLICATE', '该推送地址已登记', 'This endpoint URL is already registered');
      }
      // Only receipts issued from now on: from_seq is the last receipt already issued.
      const [max] = rowsOf<{ seq: string | number }>(
        await tx.execute(sql`select coalesce(max(seq), 0) as seq from decl_receipts`),
      );
      const [r] = await tx
        .insert(webhookEndpoints)
        .values({ enterpriseUscc: uscc, url, fromSeq: Number(max?.seq ?? 0), active: 1 })
        .returning();
      if (!r) throw new Error('endpoint insert returned nothing');
      await this.audit.append(tx, actor, {
        action: 'webhook.endpoint-created',
        targetType: 'webhook-endpoint',
        targetId: r.id,
        enterpriseUscc: uscc,
        summary: { url: urlForAudit(url), fromSeq: r.fromSeq },
      });
      return r;
    });
    return endpointView(row);
  }

  async listEndpoints(uscc: string): Promise<EndpointView[]> {
    await this.requireEnterprise(uscc);
    const rows = await this.db
      .select()
      .from(webhookEndpoints)
      .where(and(eq(webhookEndpoints.enterpriseUscc, uscc), eq(webhookEndpoints.active, 1)))
      .orderBy(webhookEndpoints.createdAt, webhookEndpoints.id);
    return rows.map(endpointView);
  }

  /** Deactivates the endpoint; its pending deliveries become `failed` (they can no longer be sent). */
  async deleteEndpoint(actor: Actor, uscc: string, id: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      const [r] = await tx
        .update(webhookEndpoints)
        .set({ active: 0 })
        .where(
          and(eq(webhookEndpoints.id, id), eq(webhookEndpoints.enterpriseUscc, uscc), eq(webhookEndpoints.active, 1)),
        )
        .returning();
      if (!r) throw AppError.notFound('webhook endpoint', '推送地址');
      const cancelled = await tx
        .update(webhookDeliveries)
        .set({ status: 'failed', lastError: 'endpoint deleted (推送地址已删除)' })
        .where(and(eq(webhookDeliveries.endpointId, id), eq(webhookDeliveries.status, 'pending')))
        .returning({ id: webhookDeliveries.id });
      await this.audit.append(tx, actor, {
        action: 'webhook.endpoint-deleted',
        targetType: 'webhook-endpoint',
        targetId: id,
        enterpriseUscc: uscc,
        summary: { url: urlForAudit(r.url), pendingCancelled: cancelled.length },
      });
    });
  }

  // --- deliveries ------------------------------------------------------------------------------------------------

  async listDeliveries(uscc: string, f: DeliveryFilter): Promise<{ items: DeliveryView[]; total: number }> {
    await this.requireEnterprise(uscc);
    const where = and(
      eq(webhookEndpoints.enterpriseUscc, uscc),
      f.status ? eq(webhookDeliveries.status, f.status) : undefined,
      f.endpointId ? eq(webhookDeliveries.endpointId, f.endpointId) : undefined,
    );
    const [rows, [total]] = await Promise.all([
      this.deliveryQuery()
        .where(where)
        .orderBy(desc(webhookDeliveries.id))
        .limit(f.pageSize)
        .offset((f.page - 1) * f.pageSize),
      this.db
        .select({ n: count() })
        .from(webhookDeliveries)
        .innerJoin(webhookEndpoints, eq(webhookEndpoints.id, webhookDeliveries.endpointId))
        .where(where),
    ]);
    return { items: rows.map(deliveryView), total: total?.n ?? 0 };
  }

  /** Sends a failed (or already delivered) delivery again: pending, due now, with a fresh round of attempts. */
  async replay(actor: Actor, uscc: string, deliveryId: number, now = new Date()): Promise<DeliveryView> {
    await this.db.transaction(async (tx) => {
      const [d] = await tx
        .select({
          status: webhookDeliveries.status,
          attempts: webhookDeliveries.attempts,
          active: webhookEndpoints.active,
        })
        .from(webhookDeliveries)
        .innerJoin(webhookEndpoints, eq(webhookEndpoints.id, webhookDeliveries.endpointId))
        .where(and(eq(webhookDeliveries.id, deliveryId), eq(webhookEndpoints.enterpriseUscc, uscc)))
        .for('update', { of: webhookDeliveries });
      if (!d) throw AppError.notFound('webhook delivery', '推送记录');
      if (d.status === 'pending') {
        throw AppError.conflict(
          'WEBHOOK_DELIVERY_PENDING',
          '该推送尚在重试中，无需重发',
          'This delivery is still pending: it will be retried automatically',
        );
      }
      if (d.active !== 1) {
        throw AppError.conflict(
          'WEBHOOK_ENDPOINT_DELETED',
          '推送地址已删除，无法重发',
          'The endpoint of this delivery has been deleted',
        );
      }
      await tx
        .update(webhookDeliveries)
        .set({ status: 'pending', attempts: 0, nextAttemptAt: now, deliveredAt: null })
        .where(eq(webhookDeliveries.id, deliveryId));
      await this.audit.append(tx, actor, {
        action: 'webhook.delivery-replayed',
        targetType: 'webhook-delivery',
        targetId: String(deliveryId),
        enterpriseUscc: uscc,
        summary: { previousStatus: d.status, previousAttempts: d.attempts },
      });
    });
    const [row] = await this.deliveryQuery().where(eq(webhookDeliveries.id, deliveryId));
    if (!row) throw AppError.notFound('webhook delivery', '推送记录');
    return deliveryView(row);
  }

  private deliveryQuery() {
    return this.db
      .select({
        d: webhookDeliveries,
        url: webhookEndpoints.url,
        receiptType: declReceipts.type,
        businessKey: declReceipts.businessKey,
      })
      .from(webhookDeliveries)
      .innerJoin(webhookEndpoints, eq(webhookEndpoints.id, webhookDeliveries.endpointId))
      .leftJoin(declReceipts, eq(declReceipts.seq, webhookDeliveries.receiptSeq))
      .$dynamic();
  }

  /**
   * One round: claims up to `limit` due deliveries and sends them (`concurrency` at a time). `now` is the round's
   * clock: it decides what is due, stamps the signature and schedules the retries (tests pass a later time instead
   * of sleeping). When `stopping` aborts, attempts in flight are abandoned and the rest of the claim is put back,
   * neither counted as attempts.
   */
  async deliverDue(now: Date = new Date(), limit = this.o.batchSize, stopping?: AbortSignal): Promise<RoundResult> {
    const jobs = await this.claim(now, limit);
    const result: RoundResult = { claimed: jobs.length, delivered: 0, retrying: 0, failed: 0, released: 0 };
    const queue = [...jobs];
    const worker = async () => {
      for (let job = queue.shift(); job; job = queue.shift()) {
        const outcome = stopping?.aborted ? await this.release(job, now) : await this.attempt(job, now, stopping);
        result[outcome]++;
      }
    };
    // Settle every worker before answering, even when one fails, so that a finished round has nothing in flight.
    const settled = await Promise.allSettled(Array.from({ length: Math.min(this.o.concurrency, jobs.length) }, worker));
    const failure = settled.find((x) => x.status === 'rejected');
    if (failure) throw failure.reason;
    return result;
  }

  /**
   * Leases due deliveries in one short transaction: `FOR UPDATE SKIP LOCKED` makes concurrent workers take
   * disjoint sets, and pushing next_attempt_at past the round's longest duration keeps them disjoint after commit.
   */
  private async claim(now: Date, limit: number): Promise<Job[]> {
    const rounds = Math.ceil(limit / this.o.concurrency);
    const leaseUntil = new Date(now.getTime() + rounds * (this.o.timeoutMs + 5_000) + 30_000);
    return this.db.transaction(async (tx) => {
      const claimed = rowsOf<{ id: string | number; endpoint_id: string; receipt_seq: number; attempts: number }>(
        await tx.execute(sql`
          with due as (
            select d.id from webhook_deliveries d
            join webhook_endpoints e on e.id = d.endpoint_id
            where d.status = 'pending' and d.next_attempt_at <= ${now.toISOString()}::timestamptz and e.active = 1
            order by d.next_attempt_at, d.id
            limit ${limit}
            for update of d skip locked
          )
          update webhook_deliveries w set next_attempt_at = ${leaseUntil.toISOString()}::timestamptz
          from due where w.id = due.id
          returning w.id, w.endpoint_id, w.receipt_seq, w.attempts`),
      );
      if (!claimed.length) return [];
      const endpointIds = [...new Set(claimed.map((c) => c.endpoint_id))];
      const seqs = [...new Set(claimed.map((c) => Number(c.receipt_seq)))];
      const [endpoints, receipts] = await Promise.all([
        tx
          .select({ id: webhookEndpoints.id, url: webhookEndpoints.url })
          .from(webhookEndpoints)
          .where(inArray(webhookEndpoints.id, endpointIds)),
        tx.select().from(declReceipts).where(inArray(declReceipts.seq, seqs)),
      ]);
      const urls = new Map(endpoints.map((e) => [e.id, e.url]));
      const bySeq = new Map(receipts.map((r) => [r.seq, r]));
      return claimed
        .map((c) => ({
          id: Number(c.id),
          attempts: Number(c.attempts),
          url: urls.get(c.endpoint_id) as string,
          receipt: bySeq.get(Number(c.receipt_seq)),
        }))
        .sort((a, b) => a.id - b.id);
    });
  }

  /** Puts back a claimed delivery not attempted (shutting down): due again, no attempt counted. */
  private async release(job: Job, now: Date): Promise<'released'> {
    await this.db
      .update(webhookDeliveries)
      .set({ nextAttemptAt: now })
      .where(and(eq(webhookDeliveries.id, job.id), eq(webhookDeliveries.status, 'pending')));
    return 'released';
  }

  private async attempt(
    job: Job,
    now: Date,
    stopping: AbortSignal | undefined,
  ): Promise<'delivered' | 'retrying' | 'failed' | 'released'> {
    let statusCode: number | null = null;
    let error: string | null = null;
    if (!job.receipt) {
      error = 'receipt not found';
    } else {
      const r = job.receipt;
      const payload: ReceiptPayload = {
        seq: r.seq,
        type: r.type,
        businessKey: r.businessKey,
        returnStatus: r.returnStatus,
        returnTime: r.returnTime,
        returnInfo: r.returnInfo,
        record: r.record,
        messageId: r.messageId,
      };
      const body = JSON.stringify(payload);
      const timestamp = String(Math.floor(now.getTime() / 1000));
      try {
        if (!this.o.allowPrivateNetworks) await assertPublicHost(job.url);
        const res = await fetch(job.url, {
          method: 'POST',
          redirect: 'manual',
          signal: stopping
            ? AbortSignal.any([AbortSignal.timeout(this.o.timeoutMs), stopping])
            : AbortSignal.timeout(this.o.timeoutMs),
          headers: {
            'content-type': 'application/json',
            'user-agent': 'cbec-zone-webhooks/1',
            'x-cbec-delivery': String(job.id),
            'x-cbec-receipt-seq': String(r.seq),
            'x-cbec-timestamp': timestamp,
            'x-cbec-key-id': this.signer.keyId,
            'x-cbec-signature': this.signer.sign(signedContent(timestamp, body)),
          },
          body,
        });
        statusCode = res.status;
        await res.body?.cancel().catch(() => {});
        if (res.status < 200 || res.status > 299) error = `HTTP ${res.status}`;
      } catch (e) {
        if (stopping?.aborted && !(e instanceof Blocked)) return this.release(job, now);
        error = e instanceof Blocked ? e.message : describeError(e, this.o.timeoutMs);
      }
    }
    const attempts = job.attempts + 1;
    const mine = and(eq(webhookDeliveries.id, job.id), eq(webhookDeliveries.status, 'pending'));
    if (error === null) {
      await this.db
        .update(webhookDeliveries)
        .set({ status: 'delivered', attempts, deliveredAt: now, lastStatusCode: statusCode, lastError: null })
        .where(mine);
      return 'delivered';
    }
    const failed = attempts >= this.o.maxAttempts;
    const next = failed
      ? now
      : new Date(now.getTime() + backoffMs(attempts, this.o.backoffBaseMs, this.o.backoffMaxMs, this.o.random));
    await this.db
      .update(webhookDeliveries)
      .set({
        status: failed ? 'failed' : 'pending',
        attempts,
        nextAttemptAt: next,
        lastError: error,
        lastStatusCode: statusCode,
      })
      .where(mine);
    return failed ? 'failed' : 'retrying';
  }

  // --- background loop -------------------------------------------------------------------------------------------

  /**
   * Calls deliverDue every `intervalMs` (at once again when a round was full). Rounds never overlap: the next is
   * scheduled only when the previous one has finished. Idempotent.
   */
  start(intervalMs = 2_000): void {
    if (this.running) return;
    this.running = true;
    const generation = ++this.generation;
    const shutdown = new AbortController();
    this.shutdown = shutdown;
    const tick = async () => {
      this.timer = null;
      await this.round; // the last round of an earlier start() may still be finishing
      if (!this.running || generation !== this.generation) return;
      let full = false;
      let wait = intervalMs;
      const round = this.deliverDue(new Date(), this.o.batchSize, shutdown.signal).then(
        (r) => {
          full = r.claimed >= this.o.batchSize;
          this.roundBackoff.succeeded();
        },
        (err: unknown) => {
          // the database is down (or a bug): back off, keep the loop alive, resume by itself
          wait = Math.max(intervalMs, this.roundBackoff.failed());
          this.o.log?.error({ err: loggableError(err), retryInMs: wait }, 'webhook delivery round failed');
        },
      );
      this.round = round;
      await round;
      if (this.round === round) this.round = null;
      if (this.running && generation === this.generation) {
        this.timer = setTimeout(tick, full ? 0 : wait);
        this.timer.unref();
      }
    };
    this.timer = setTimeout(tick, 0);
    this.timer.unref();
  }

  /**
   * Stops the loop: no new round starts, attempts in flight are abandoned (put back, not counted), and the running
   * round is awaited, so the loop touches the database no more once this resolves. Idempotent.
   */
  async stop(): Promise<void> {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.shutdown.abort();
    await this.round;
  }
}

/** Refuses a host that resolves to a private, loopback or link-local address. */
async function assertPublicHost(url: string): Promise<void> {
  const host = hostOf(new URL(url));
  const addrs = isIP(host) ? [{ address: host }] : await lookup(host, { all: true, verbatim: true });
  if (!addrs.length || addrs.some((a) => isPrivateAddress(a.address))) {
    throw new Blocked(`blocked: ${host} resolves to a private, loopback or link-local address`);
  }
}

function endpointView(r: typeof webhookEndpoints.$inferSelect): EndpointView {
  return { id: r.id, url: r.url, fromSeq: r.fromSeq, active: r.active === 1, createdAt: r.createdAt.toISOString() };
}

function deliveryView(r: {
  d: typeof webhookDeliveries.$inferSelect;
  url: string;
  receiptType: string | null;
  businessKey: string | null;
}): DeliveryView {
  const d = r.d;
  return {
    id: Number(d.id),
    endpointId: d.endpointId,
    url: r.url,
    receiptSeq: d.receiptSeq,
    receiptType: r.receiptType,
    businessKey: r.businessKey,
    status: d.status as DeliveryStatus,
    attempts: d.attempts,
    nextAttemptAt: d.status === 'pending' ? iso(d.nextAttemptAt) : null,
    lastError: d.lastError,
    lastStatusCode: d.lastStatusCode,
    deliveredAt: iso(d.deliveredAt),
    createdAt: d.createdAt.toISOString(),
  };
}

/**
 * Receipt webhooks (回执推送): endpoints, signed delivery to a real local HTTP receiver, retries with back-off (driven
 * by the `now` given to deliverDue, never by sleeping), giving up after the last attempt, replay, no redirects, the
 * SSRF guard, the background loop's start/stop, and tenant isolation of the routes.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { and, eq } from 'drizzle-orm';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { demoUscc } from '../../src/app/demo.js';
import { type declReceipts, webhookDeliveries, webhookEndpoints } from '../../src/modules/declaration/schema.js';
import { declarationStore } from '../../src/modules/declaration/store.js';
import { registerWebhooks, webhookRoutes } from '../../src/modules/declaration/webhook-routes.js';
import { isPrivateAddress, type WebhookOptions, WebhookService } from '../../src/modules/declaration/webhooks.js';
import { ensurePlatformKey, type PlatformSigner } from '../../src/platform/crypto/signing.js';
import { sm2Verify } from '../../src/platform/crypto/sm2.js';
import { type App, buildApp } from '../../src/platform/http/app.js';
import { createLogger } from '../../src/platform/log.js';
import { login } from '../support/http.js';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';

const SYSTEM = { name: 'webhooks-test', role: 'system' };
const STRONG = 'Webhook#Passw0rd';
const NONEXISTENT = demoUscc(8);
const BASE = 1_000;
const MAX = 8_000;

/** What the receiver saw. */
type Hit = { path: string; headers: IncomingHttpHeaders; body: string };
/** How the receiver answers a path: a status code, `hang` (never), or `slow` (200 after 1.5 s). */
type Answer = number | 'hang' | 'slow';

describe('receipt webhooks', () => {
  let t: TestPlatform;
  let signer: PlatformSigner;
  let service: WebhookService;
  let app: App;
  let strictApp: App;
  let receiver: Server;
  let base: string;
  let uscc0: string;
  let uscc1: string;
  const cookies: Record<string, string> = {};
  let apiKey0: string;
  const hits: Hit[] = [];
  const scripts = new Map<string, Answer[]>();
  const pathsUsed = new Set<string>();

  const db = () => t.p.dbh.db;
  const hitsOf = (path: string) => hits.filter((h) => h.path === path);
  const as = (who: string | null, o: InjectOptions, on: App = app) =>
    on.inject({
      ...o,
      headers: who === 'api_key' ? { authorization: `Bearer ${apiKey0}` } : who ? { cookie: cookies[who] } : {},
    });
  const url0 = (rest = '') => `/api/v1/enterprises/${uscc0}/webhooks${rest}`;

  function makeService(opts: WebhookOptions = {}) {
    return new WebhookService(db(), t.p.audit, signer, {
      allowPrivateNetworks: true,
      backoffBaseMs: BASE,
      backoffMaxMs: MAX,
      random: () => 0,
      timeoutMs: 1_000,
      enterpriseExists: (u) => t.p.filing.exists(u),
      ...opts,
    });
  }
  async function makeApp(s: WebhookService) {
    const a = await buildApp({
      logger: createLogger('silent'),
      bodyLimit: 1 << 20,
      authenticate: (req) => t.p.identity.authenticate(req),
      version: 'test',
    });
    webhookRoutes(a, s);
    await a.ready();
    return a;
  }

  /** A fresh receiver path, answering the given statuses in turn (then 200). */
  function hook(name: string, ...answers: Answer[]) {
    const path = `/hook/${name}`;
    if (pathsUsed.has(path)) throw new Error(`path ${path} used twice`);
    pathsUsed.add(path);
    scripts.set(path, answers);
    return { path, url: `${base}${path}` };
  }

  let n = 0;
  function receipt(uscc: string): typeof declReceipts.$inferInsert {
    n++;
    return {
      recipientUscc: uscc,
      type: 'CEB312Message',
      businessKey: `${uscc}|${uscc}|ORDER-${n}`,
      returnStatus: '120',
      returnTime: '20260301120000000',
      returnInfo: `订单已入库 ${n}`,
      record: { guid: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`, orderNo: `ORDER-${n}`, note: '回执' },
      messageId: null,
    };
  }
  const addReceipts = (...rs: (typeof declReceipts.$inferInsert)[]) => declarationStore.addReceipts(db(), rs);

  async function createEndpoint(url: string, who = 'ebp') {
    const res = await as(who, { method: 'POST', url: url0(), payload: { url } });
    expect(res.statusCode, res.body).toBe(201);
    return res.json().endpoint as { id: string; url: string; fromSeq: number; active: boolean };
  }
  async function deliveriesOf(endpointId: string) {
    const res = await as('ebp', { method: 'GET', url: url0(`/deliveries?endpointId=${endpointId}&pageSize=200`) });
    expect(res.statusCode, res.body).toBe(200);
    return res.json().items as {
      id: number;
      receiptSeq: number;
      status: string;
      attempts: number;
      nextAttemptAt: string | null;
      lastError: string | null;
      lastStatusCode: number | null;
      deliveredAt: string | null;
    }[];
  }
  /** A `now` a little ahead of the database clock, so that rows it just wrote are due. */
  const soon = () => new Date(Date.now() + 1_000);

  beforeAll(async () => {
    t = await startTestPlatform();
    const [e0, e1] = t.report.demo?.enterprises ?? [];
    if (!e0 || !e1) throw new Error('demo enterprises missing');
    uscc0 = e0.uscc;
    uscc1 = e1.uscc;

    receiver = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const path = (req.url ?? '').split('?')[0] as string;
        hits.push({ path, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
        const answer = scripts.get(path)?.shift() ?? 200;
        if (answer === 'hang') return;
        if (answer === 'slow') {
          setTimeout(() => res.writeHead(200).end('late'), 1_500).unref();
          return;
        }
        if (answer >= 300 && answer < 400) res.setHeader('location', `${base}/hook/redirected`);
        res.writeHead(answer).end('ok');
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;

    signer = await ensurePlatformKey(db(), t.p.pi, 'webhook');
    service = makeService();
    app = await makeApp(service);
    strictApp = await makeApp(makeService({ allowPrivateNetworks: false }));

    await t.p.identity.createUserTx(SYSTEM, {
      username: 'operator.webhooks',
      displayName: '推送操作员',
      role: 'enterprise_operator',
      enterpriseUscc: uscc0,
      password: STRONG,
    });
    const [admin, ebp, ebc, customs, operator] = await Promise.all([
      login(t.app, 'admin', t.adminPassword),
      login(t.app, 'ebp.demo'),
      login(t.app, 'ebc.demo'),
      login(t.app, 'customs.demo'),
      login(t.app, 'operator.webhooks', STRONG),
    ]);
    Object.assign(cookies, { admin, ebp, ebc, customs, operator });
    apiKey0 = (await t.p.identity.createApiKey(SYSTEM, uscc0, 'webhooks', null)).secret;
  });

  afterEach(async () => {
    // Each case leaves no endpoint behind (deleting one also settles its pending deliveries).
    for (const e of await db().select().from(webhookEndpoints).where(eq(webhookEndpoints.active, 1))) {
      await service.deleteEndpoint(SYSTEM, e.enterpriseUscc, e.id);
    }
  });

  afterAll(async () => {
    await service?.stop();
    await app?.close();
    await strictApp?.close();
    receiver?.closeAllConnections();
    await new Promise((resolve) => receiver?.close(resolve));
    await t?.close();
  });

  it('registers an endpoint from the current receipt seq on, lists it and audits it', async () => {
    const [before] = await addReceipts(receipt(uscc0));
    const h = hook('register');
    const ep = await createEndpoint(h.url);
    expect(ep).toMatchObject({ url: h.url, fromSeq: before, active: true });
    const list = await as('ebp', { method: 'GET', url: url0() });
    expect(list.statusCode).toBe(200);
    expect(list.json().items).toEqual([expect.objectContaining({ id: ep.id, url: h.url })]);
    // The receipt issued before the endpoint existed is not queued for it.
    expect(await deliveriesOf(ep.id)).toEqual([]);
    const audit = await t.p.audit.list({ action: 'webhook.endpoint-created', targetId: ep.id, page: 1, pageSize: 5 });
    expect(audit.items).toHaveLength(1);
    expect(audit.items[0]).toMatchObject({ enterpriseUscc: uscc0, actorName: 'ebp.demo' });
  });

  it('delivers a new receipt, SM2-signed with the key published at /.well-known/cbec-zone/keys, to its recipient only', async () => {
    const h = hook('signed');
    const ep = await createEndpoint(h.url);
    const mine = receipt(uscc0);
    const [seq, otherSeq] = await addReceipts(mine, receipt(uscc1));
    const now = soon();
    const round = await service.deliverDue(now, 50);
    expect(round).toMatchObject({ claimed: 1, delivered: 1 });

    const got = hitsOf(h.path);
    expect(got).toHaveLength(1);
    const hit = got[0] as Hit;
    expect(hit.headers['content-type']).toBe('application/json');
    expect(hit.headers['x-cbec-receipt-seq']).toBe(String(seq));
    expect(hit.headers['x-cbec-timestamp']).toBe(String(Math.floor(now.getTime() / 1000)));
    const [delivery] = await deliveriesOf(ep.id);
    expect(hit.headers['x-cbec-delivery']).toBe(String(delivery?.id));
    expect(JSON.parse(hit.body)).toEqual({
      seq,
      type: mine.type,
      businessKey: mine.businessKey,
      returnStatus: mine.returnStatus,
      returnTime: mine.returnTime,
      returnInfo: mine.returnInfo,
      record: mine.record,
      messageId: null,
    });

    const keys = (await t.app.inject({ method: 'GET', url: '/.well-known/cbec-zone/keys' })).json().keys as {
      keyId: string;
      purpose: string;
      publicKey: string;
    }[];
    const key = keys.find((k) => k.keyId === hit.headers['x-cbec-key-id']);
    expect(key?.purpose).toBe('webhook');
    const signature = hit.headers['x-cbec-signature'] as string;
    const ts = hit.headers['x-cbec-timestamp'] as string;
    expect(signature).toMatch(/^[0-9a-f]{128}$/);
    expect(sm2Verify(`${ts}.${hit.body}`, signature, key?.publicKey as string)).toBe(true);
    expect(sm2Verify(`${ts}.${hit.body.replace('120', '100')}`, signature, key?.publicKey as string)).toBe(false);
    expect(sm2Verify(`${Number(ts) + 1}.${hit.body}`, signature, key?.publicKey as string)).toBe(false);

    expect(delivery).toMatchObject({ receiptSeq: seq, status: 'delivered', attempts: 1, lastStatusCode: 200 });
    expect(delivery?.deliveredAt).toBe(now.toISOString());
    // The other enterprise's receipt was never queued for, nor sent to, this endpoint.
    const rows = await db()
      .select()
      .from(webhookDeliveries)
      .where(and(eq(webhookDeliveries.endpointId, ep.id), eq(webhookDeliveries.receiptSeq, otherSeq as number)));
    expect(rows).toEqual([]);
    expect(hits.filter((x) => x.headers['x-cbec-receipt-seq'] === String(otherSeq))).toEqual([]);
  });

  it('retries a 500 after the back-off and marks the delivery delivered on the following 200', async () => {
    const h = hook('retry', 500, 200);
    const ep = await createEndpoint(h.url);
    await addReceipts(receipt(uscc0));
    const t0 = soon();
    expect(await service.deliverDue(t0)).toMatchObject({ claimed: 1, retrying: 1 });
    let [d] = await deliveriesOf(ep.id);
    expect(d).toMatchObject({ status: 'pending', attempts: 1, lastStatusCode: 500, lastError: 'HTTP 500' });
    expect(d?.nextAttemptAt).toBe(new Date(t0.getTime() + BASE).toISOString());

    // Not due yet: nothing is sent.
    expect(await service.deliverDue(new Date(t0.getTime() + BASE - 1))).toMatchObject({ claimed: 0 });
    expect(hitsOf(h.path)).toHaveLength(1);

    expect(await service.deliverDue(new Date(t0.getTime() + BASE))).toMatchObject({ claimed: 1, delivered: 1 });
    [d] = await deliveriesOf(ep.id);
    expect(d).toMatchObject({ status: 'delivered', attempts: 2, lastStatusCode: 200, lastError: null });
    const got = hitsOf(h.path);
    expect(got).toHaveLength(2);
    expect(got[1]?.headers['x-cbec-delivery']).toBe(got[0]?.headers['x-cbec-delivery']);
    expect(got[1]?.body).toBe(got[0]?.body);
  });

  it('gives up after 8 attempts (failed, listed with ?status=failed) and a replay sends it again', async () => {
    const h = hook('give-up', ...Array<Answer>(8).fill(503));
    const ep = await createEndpoint(h.url);
    await addReceipts(receipt(uscc0));
    const t0 = soon().getTime();
    const delays: number[] = [];
    for (let i = 0; i < 8; i++) {
      expect(await service.deliverDue(new Date(t0 + i * MAX))).toMatchObject({ claimed: 1 });
      const [d] = await deliveriesOf(ep.id);
      if (d?.nextAttemptAt) delays.push(Date.parse(d.nextAttemptAt) - (t0 + i * MAX));
    }
    // Back-off doubles from BASE, capped at MAX (jitter disabled here).
    expect(delays).toEqual([1000, 2000, 4000, 8000, 8000, 8000, 8000]);
    expect(hitsOf(h.path)).toHaveLength(8);
    expect(await service.deliverDue(new Date(t0 + 100 * MAX))).toMatchObject({ claimed: 0 });

    const failed = await as('ebp', { method: 'GET', url: url0('/deliveries?status=failed') });
    expect(failed.statusCode).toBe(200);
    const item = (failed.json().items as { endpointId: string }[]).find((x) => x.endpointId === ep.id);
    expect(item).toMatchObject({
      status: 'failed',
      attempts: 8,
      lastStatusCode: 503,
      lastError: 'HTTP 503',
      nextAttemptAt: null,
      receiptType: 'CEB312Message',
    });
    const id = (item as unknown as { id: number }).id;
    const delivered = await as('ebp', { method: 'GET', url: url0('/deliveries?status=delivered&pageSize=200') });
    expect((delivered.json().items as { id: number }[]).map((x) => x.id)).not.toContain(id);

    const replay = await as('api_key', { method: 'POST', url: url0(`/deliveries/${id}/replay`) });
    expect(replay.statusCode, replay.body).toBe(200);
    expect(replay.json().delivery).toMatchObject({ id, status: 'pending', attempts: 0 });
    const again = await as('ebp', { method: 'POST', url: url0(`/deliveries/${id}/replay`) });
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe('WEBHOOK_DELIVERY_PENDING');

    expect(await service.deliverDue(soon())).toMatchObject({ claimed: 1, delivered: 1 });
    expect(hitsOf(h.path)).toHaveLength(9);
    expect((await deliveriesOf(ep.id))[0]).toMatchObject({ status: 'delivered', attempts: 1 });
    const audit = await t.p.audit.list({
      action: 'webhook.delivery-replayed',
      targetId: String(id),
      page: 1,
      pageSize: 5,
    });
    expect(audit.items).toHaveLength(1);
    expect(audit.items[0]?.summary).toEqual({ previousStatus: 'failed', previousAttempts: 8 });
  });

  it('never follows a redirect, and records a timeout as a failed attempt', async () => {
    const r = hook('redirect', 302);
    const s = hook('hang', 'hang');
    const epR = await createEndpoint(r.url);
    const epS = await createEndpoint(s.url);
    await addReceipts(receipt(uscc0));
    const started = Date.now();
    expect(await service.deliverDue(soon())).toMatchObject({ claimed: 2, retrying: 2 });
    expect(Date.now() - started).toBeLessThan(4_000);
    expect(hitsOf('/hook/redirected')).toEqual([]);
    expect((await deliveriesOf(epR.id))[0]).toMatchObject({ attempts: 1, lastStatusCode: 302, lastError: 'HTTP 302' });
    expect((await deliveriesOf(epS.id))[0]).toMatchObject({
      attempts: 1,
      lastStatusCode: null,
      lastError: 'timeout after 1000 ms',
    });
  });

  it('concurrent rounds never send the same delivery twice', async () => {
    const h = hook('concurrent');
    await createEndpoint(h.url);
    const seqs = await addReceipts(...Array.from({ length: 6 }, () => receipt(uscc0)));
    const now = soon();
    const rounds = await Promise.all([1, 2, 3].map(() => service.deliverDue(now, 4)));
    expect(rounds.reduce((a, r) => a + r.claimed, 0)).toBe(6);
    const sent = hitsOf(h.path).map((x) => Number(x.headers['x-cbec-receipt-seq']));
    expect(sent.sort((a, b) => a - b)).toEqual(seqs);
  });

  it('deleting an endpoint stops its deliveries; a delivery to a deleted endpoint cannot be replayed', async () => {
    const h = hook('deleted');
    const ep = await createEndpoint(h.url);
    await addReceipts(receipt(uscc0));
    const del = await as('ebp', { method: 'DELETE', url: url0(`/${ep.id}`) });
    expect(del.statusCode).toBe(204);
    expect((await as('ebp', { method: 'DELETE', url: url0(`/${ep.id}`) })).statusCode).toBe(404);
    expect((await as('ebp', { method: 'GET', url: url0() })).json().items).toEqual([]);
    await addReceipts(receipt(uscc0));
    await service.deliverDue(soon());
    expect(hitsOf(h.path)).toEqual([]);
    const ds = await deliveriesOf(ep.id);
    expect(ds).toHaveLength(1);
    expect(ds[0]).toMatchObject({ status: 'failed', lastError: 'endpoint deleted (推送地址已删除)' });
    const replay = await as('ebp', { method: 'POST', url: url0(`/deliveries/${ds[0]?.id}/replay`) });
    expect(replay.statusCode).toBe(409);
    expect(replay.json().error.code).toBe('WEBHOOK_ENDPOINT_DELETED');
    const audit = await t.p.audit.list({ action: 'webhook.endpoint-deleted', targetId: ep.id, page: 1, pageSize: 5 });
    expect(audit.items[0]?.summary).toMatchObject({ pendingCancelled: 1 });
  });

  it('the background loop delivers, never overlaps itself, and stop() awaits the running round', async () => {
    const h = hook('loop', 'slow');
    const ep = await createEndpoint(h.url);
    const loop = makeService();
    let inFlight = 0;
    let maxInFlight = 0;
    let rounds = 0;
    const deliverDue = loop.deliverDue.bind(loop);
    loop.deliverDue = async (...args) => {
      rounds++;
      maxInFlight = Math.max(maxInFlight, ++inFlight);
      try {
        return await deliverDue(...args);
      } finally {
        inFlight--;
      }
    };
    loop.start(1);
    loop.start(1); // idempotent
    await addReceipts(receipt(uscc0));
    const until = async (cond: () => boolean) => {
      for (let i = 0; i < 500 && !cond(); i++) await new Promise((r) => setTimeout(r, 10));
      expect(cond()).toBe(true);
    };
    // The receiver holds the first attempt for 1.5 s: stop() aborts it, puts it back uncounted and returns.
    await until(() => hitsOf(h.path).length === 1);
    const stopping = Date.now();
    await loop.stop();
    expect(Date.now() - stopping).toBeLessThan(1_000);
    expect(inFlight).toBe(0);
    expect(maxInFlight).toBe(1);
    expect((await deliveriesOf(ep.id))[0]).toMatchObject({ status: 'pending', attempts: 0 });
    const roundsAtStop = rounds;
    await new Promise((r) => setTimeout(r, 50));
    expect(rounds).toBe(roundsAtStop);
    await loop.stop(); // idempotent

    // Started again, it sends the put-back delivery (answered 200 this time).
    loop.start(1);
    await until(() => hitsOf(h.path).length === 2);
    await until(() => inFlight === 0);
    await loop.stop();
    expect((await deliveriesOf(ep.id))[0]).toMatchObject({ status: 'delivered', attempts: 1 });
    expect(maxInFlight).toBe(1);
  });

  it('registerWebhooks runs the loop while the app listens and stops it when the app closes', async () => {
    const h = hook('registered');
    await createEndpoint(h.url);
    const a = await buildApp({
      logger: createLogger('silent'),
      bodyLimit: 1 << 20,
      authenticate: (req) => t.p.identity.authenticate(req),
      version: 'test',
    });
    const s = await registerWebhooks(a, {
      db: db(),
      audit: t.p.audit,
      pi: t.p.pi,
      intervalMs: 5,
      options: { allowPrivateNetworks: true },
    });
    await a.ready();
    expect(a.hasRoute({ method: 'GET', url: '/api/v1/enterprises/:uscc/webhooks/deliveries' })).toBe(true);
    await addReceipts(receipt(uscc0));
    await a.listen({ port: 0, host: '127.0.0.1' });
    for (let i = 0; i < 500 && hitsOf(h.path).length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(hitsOf(h.path)).toHaveLength(1);
    let stopped = false;
    const stop = s.stop.bind(s);
    s.stop = async () => {
      await stop();
      stopped = true;
    };
    await a.close();
    expect(stopped).toBe(true);
    // Closed: receipts issued now stay pending.
    const before = hitsOf(h.path).length;
    await addReceipts(receipt(uscc0));
    await new Promise((r) => setTimeout(r, 50));
    expect(hitsOf(h.path)).toHaveLength(before);
  });

  it('refuses, at delivery time, a host that resolves to a private address (unless allowed)', async () => {
    const h = hook('blocked');
    const ep = await createEndpoint(h.url); // registered through the permissive service
    await addReceipts(receipt(uscc0));
    const strict = makeService({ allowPrivateNetworks: false });
    expect(await strict.deliverDue(soon())).toMatchObject({ claimed: 1, retrying: 1 });
    expect(hitsOf(h.path)).toEqual([]);
    expect((await deliveriesOf(ep.id))[0]?.lastError).toMatch(/^blocked: 127\.0\.0\.1 resolves to a private/);
    expect(isPrivateAddress('10.1.2.3')).toBe(true);
    expect(isPrivateAddress('::ffff:7f00:1')).toBe(true);
    expect(isPrivateAddress('fe80::1')).toBe(true);
    expect(isPrivateAddress('93.184.216.34')).toBe(false);
    expect(isPrivateAddress('2606:4700:4700::1111')).toBe(false);
  });

  it('documents the routes, and the signature scheme, in the OpenAPI document', () => {
    const paths = (
      app.swagger() as { paths: Record<string, Record<string, { summary?: string; description?: string }>> }
    ).paths;
    const ops = Object.entries(paths)
      .filter(([p]) => p.includes('/webhooks'))
      .flatMap(([p, o]) => Object.entries(o).map(([m, op]) => ({ route: `${m.toUpperCase()} ${p}`, ...op })));
    expect(ops.map((o) => o.route).sort()).toEqual([
      'DELETE /api/v1/enterprises/{uscc}/webhooks/{id}',
      'GET /api/v1/enterprises/{uscc}/webhooks',
      'GET /api/v1/enterprises/{uscc}/webhooks/deliveries',
      'POST /api/v1/enterprises/{uscc}/webhooks',
      'POST /api/v1/enterprises/{uscc}/webhooks/deliveries/{id}/replay',
    ]);
    for (const o of ops) expect(o.summary).toMatch(/回执/);
    const post = ops.find((o) => o.route === 'POST /api/v1/enterprises/{uscc}/webhooks');
    expect(post?.description).toContain('`<x-cbec-timestamp>.<raw request body>`');
    expect(post?.description).toContain('/.well-known/cbec-zone/keys');
  });

  describe('bad endpoint URLs are 400 with the field path', () => {
    const cases: [string, unknown, string][] = [
      ['ftp scheme', 'ftp://example.com/hook', 'URL_SCHEME'],
      ['javascript scheme', 'javascript:alert(1)', 'URL_SCHEME'],
      ['credentials', 'https://user:secret@example.com/hook', 'URL_CREDENTIALS'],
      ['user name only', 'https://user@example.com/hook', 'URL_CREDENTIALS'],
      ['not a URL', 'not a url', 'URL_INVALID'],
      ['fragment', 'https://example.com/hook#x', 'URL_FRAGMENT'],
      ['too long', `https://example.com/${'a'.repeat(600)}`, 'URL_TOO_LONG'],
      ['empty', '', 'URL_INVALID'],
      ['not a string', 42, 'INVALID_TYPE'],
      ['missing', undefined, 'REQUIRED'],
    ];
    it.each(cases)('%s', async (_name, url, code) => {
      const res = await as('ebp', { method: 'POST', url: url0(), payload: url === undefined ? {} : { url } });
      expect(res.statusCode, res.body).toBe(400);
      const e = res.json().error;
      expect(e.code).toBe('VALIDATION_FAILED');
      expect(e.details).toEqual([expect.objectContaining({ path: 'url', code })]);
      expect(e.details[0].message).toBeTruthy();
      expect(e.details[0].messageEn).toBeTruthy();
    });

    it('an unknown field is refused with its path', async () => {
      const res = await as('ebp', {
        method: 'POST',
        url: url0(),
        payload: { url: 'https://example.com/hook', secret: 'x' },
      });
      expect(res.statusCode).toBe(400);
      expect(res.json().error.details).toEqual([expect.objectContaining({ path: 'secret', code: 'UNKNOWN_FIELD' })]);
    });

    it.each([
      'http://127.0.0.1:8080/hook',
      'http://169.254.169.254/latest/meta-data',
      'http://10.0.0.7/hook',
      'http://[::1]/hook',
      'http://[::ffff:192.168.1.1]/hook',
      'http://localhost/hook',
      'http://2130706433/hook',
    ])('private address %s (by default)', async (url) => {
      const res = await as('ebp', { method: 'POST', url: url0(), payload: { url } }, strictApp);
      expect(res.statusCode, res.body).toBe(400);
      expect(res.json().error.details).toEqual([expect.objectContaining({ path: 'url', code: 'URL_PRIVATE_ADDRESS' })]);
      // The service refuses it too, whoever calls it.
      await expect(
        makeService({ allowPrivateNetworks: false }).createEndpoint(SYSTEM, uscc0, url),
      ).rejects.toMatchObject({ status: 400, details: [expect.objectContaining({ path: 'url' })] });
    });

    it('at most 5 endpoints per enterprise, and no duplicates', async () => {
      for (let i = 0; i < 5; i++) await createEndpoint(`https://hooks.example.com/cbec/${i}`);
      const dup = await as('ebp', {
        method: 'POST',
        url: url0(),
        payload: { url: 'https://hooks.example.com/cbec/0' },
      });
      expect(dup.statusCode).toBe(409);
      const sixth = await as('ebp', { method: 'POST', url: url0(), payload: { url: 'https://hooks.example.com/6' } });
      expect(sixth.statusCode).toBe(409);
      expect(sixth.json().error.code).toBe('WEBHOOK_LIMIT');
      // Concurrent creations cannot pass the limit either.
      const ids = (await as('ebp', { method: 'GET', url: url0() })).json().items.map((e: { id: string }) => e.id);
      await Promise.all(ids.slice(0, 2).map((id: string) => service.deleteEndpoint(SYSTEM, uscc0, id)));
      const racing = await Promise.allSettled(
        [7, 8, 9, 10].map((i) => service.createEndpoint(SYSTEM, uscc0, `https://hooks.example.com/${i}`)),
      );
      expect(racing.filter((r) => r.status === 'fulfilled')).toHaveLength(2);
      expect((await as('ebp', { method: 'GET', url: url0() })).json().items).toHaveLength(5);
      const full = await as('ebp', { method: 'POST', url: url0(), payload: { url: 'https://hooks.example.com/6' } });
      expect(full.json().error.code).toBe('WEBHOOK_LIMIT');
    });
  });

  describe('access and tenant isolation', () => {
    let epId: string;
    let deliveryId: number;
    beforeAll(async () => {
      const h = hook('tenant');
      epId = (await service.createEndpoint(SYSTEM, uscc0, h.url)).id;
      await addReceipts(receipt(uscc0));
      await service.deliverDue(soon());
      const { items } = await service.listDeliveries(uscc0, { endpointId: epId, page: 1, pageSize: 1 });
      deliveryId = items[0]?.id as number;
    });
    // The outer afterEach removes the endpoint after the first case; the later cases need only its ids.
    const routes = (uscc: string, id = epId, did = deliveryId): InjectOptions[] => [
      { method: 'GET', url: `/api/v1/enterprises/${uscc}/webhooks` },
      { method: 'POST', url: `/api/v1/enterprises/${uscc}/webhooks`, payload: { url: 'https://hooks.example.com/x' } },
      { method: 'DELETE', url: `/api/v1/enterprises/${uscc}/webhooks/${id}` },
      { method: 'GET', url: `/api/v1/enterprises/${uscc}/webhooks/deliveries?status=failed` },
      { method: 'POST', url: `/api/v1/enterprises/${uscc}/webhooks/deliveries/${did}/replay` },
    ];
    const strip = (r: LightMyRequestResponse) => ({ status: r.statusCode, ...r.json().error, requestId: undefined });

    it("another enterprise's user gets exactly the 404 a nonexistent enterprise gets, on every route", async () => {
      for (const [i, r] of routes(uscc0).entries()) {
        const other = await as('ebc', r);
        const nobody = await as('ebc', routes(NONEXISTENT)[i] as InjectOptions);
        expect(other.statusCode, `${r.method} ${r.url}`).toBe(404);
        expect(other.json().error.code).toBe('NOT_FOUND');
        expect(strip(other)).toEqual(strip(nobody));
      }
      // Naming enterprise 0's endpoint or delivery under its own enterprise does not reach it either.
      const own = routes(uscc1);
      expect((await as('ebc', own[2] as InjectOptions)).statusCode).toBe(404);
      expect((await as('ebc', own[4] as InjectOptions)).statusCode).toBe(404);
      expect((await as('ebc', own[3] as InjectOptions)).json()).toEqual({ items: [], total: 0 });
      const still = await db().select().from(webhookEndpoints).where(eq(webhookEndpoints.id, epId));
      expect(still[0]?.active).toBe(1);
    });

    it('who may call what: readers add the platform admin; officers, operators and anonymous are refused', async () => {
      const [list, create, , deliveries, replay] = routes(uscc0) as InjectOptions[];
      for (const who of ['customs', 'operator']) {
        for (const r of routes(uscc0)) expect((await as(who, r)).statusCode, `${who} ${r.method} ${r.url}`).toBe(403);
      }
      for (const r of routes(uscc0)) expect((await as(null, r)).statusCode).toBe(401);
      expect((await as('admin', list as InjectOptions)).statusCode).toBe(200);
      expect((await as('admin', deliveries as InjectOptions)).statusCode).toBe(200);
      expect((await as('admin', create as InjectOptions)).statusCode).toBe(403);
      expect((await as('admin', replay as InjectOptions)).statusCode).toBe(403);
      expect((await as('admin', routes(NONEXISTENT)[0] as InjectOptions)).statusCode).toBe(404);
      expect((await as('api_key', list as InjectOptions)).statusCode).toBe(200);
      const created = await as('api_key', create as InjectOptions);
      expect(created.statusCode, created.body).toBe(201);
      const audit = await t.p.audit.list({
        action: 'webhook.endpoint-created',
        targetId: created.json().endpoint.id,
        page: 1,
        pageSize: 1,
      });
      expect(audit.items[0]).toMatchObject({ actorRole: 'api_key', actorName: 'api-key:webhooks' });
      expect((await as('ebp', { method: 'DELETE', url: url0('/not-a-uuid') })).statusCode).toBe(400);
      expect((await as('ebp', { method: 'POST', url: url0('/deliveries/abc/replay') })).statusCode).toBe(400);
      expect((await as('ebp', { method: 'GET', url: url0('/deliveries?status=lost') })).json().error.details).toEqual([
        expect.objectContaining({ path: 'querystring.status' }),
      ]);
    });
  });
});

/**
 * Connected mode end to end (issue 4 §6): the platform forwards declarations to customs through the gateway and
 * applies the receipts that come back; "customs" is the emulator (`cbec-zone customs-emulator`) running as a separate
 * process on the other end of a real RabbitMQ (and, in the second suite, of the folder exchange).
 *
 * Proves: order + payment + waybill + list declared in JSON reach the emulator (lists signed by the platform's
 * transfer-node certificate, DxpMsg envelopes signed by its gateway key and checked by the emulator); the emulator's
 * 120s, 399/800 and the CEB816 tax bill reach each enterprise's receipt feed and move the records' statuses; a receipt
 * delivered twice, sent again in another message, or arriving late and older changes nothing (status stays 800).
 *
 * Broker: $RABBITMQ_URL (default amqp://guest:guest@127.0.0.1:5672). The RabbitMQ suite skips with a message when it is
 * not reachable, unless REQUIRE_RABBITMQ=1 (then fails). Queues get unique names per run and are deleted afterwards.
 * GATEWAY_TEST_LOG=1 prints the emulator's log.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'amqplib';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT_DIR } from '../../src/app/platform.js';
import { buildCeb, type CebMessage, type CebRecord } from '../../src/modules/declaration/ceb/codec.js';
import { unwrapDxp, wrapDxp } from '../../src/modules/declaration/ceb/dxp.js';
import { validateCebXml } from '../../src/modules/declaration/ceb/xsd-validator.js';
import { receiptRecord } from '../../src/modules/declaration/model.js';
import { declInventories, declOrders, declWaybills } from '../../src/modules/declaration/schema.js';
import { verifyCeb } from '../../src/modules/declaration/signature/xmldsig.js';
import { deadLetterQueueName } from '../../src/modules/gateway/amqp.js';
import { ConnectedGateway, cebMessageSigner } from '../../src/modules/gateway/connected.js';
import { readDeclaration } from '../../src/modules/gateway/customs-emulator.js';
import { gwOutbox } from '../../src/modules/gateway/schema.js';
import {
  GatewaySendError,
  type GatewayTransport,
  type MessageHandler,
  type OutboundEnvelope,
} from '../../src/modules/gateway/transport.js';
import type { Config } from '../../src/platform/config.js';
import { listPublicKeys } from '../../src/platform/crypto/signing.js';
import {
  BUYER,
  inventoryMessage,
  orderMessage,
  orderRecord,
  PARTIES,
  paymentMessage,
  waybillMessage,
} from '../support/ceb.js';
import { makeSm2Signer } from '../support/certs.js';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';

const BROKER_URL = process.env.RABBITMQ_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
const requireRabbit = process.env.REQUIRE_RABBITMQ === '1';
const RUN = `cbec.test.connected.${process.pid}.${Date.now().toString(36)}`;

async function probe(): Promise<string | null> {
  try {
    const c = await connect(BROKER_URL, { timeout: 3000 });
    await c.close();
    return null;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

const unreachable = await probe();
const WHY =
  `RabbitMQ is not reachable at ${BROKER_URL.replace(/\/\/[^@]*@/, '//')} (${unreachable}). ` +
  'Start it with `rabbitmq-server -detached` (or set RABBITMQ_URL)';
if (unreachable && !requireRabbit) {
  console.warn(
    `[gateway-connected] RabbitMQ suite SKIPPED: ${WHY}; set REQUIRE_RABBITMQ=1 to fail instead of skipping.`,
  );
}

async function waitFor<T>(what: string, probeFn: () => Promise<T | undefined | false>, timeoutMs = 30_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await probeFn();
    if (v !== undefined && v !== false) return v as T;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** `node --import tsx src/cli.ts customs-emulator …` as a child process; resolves once it says it is ready. */
async function startEmulator(
  args: string[],
): Promise<{ child: ChildProcess; log: () => string; stop(): Promise<void> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'customs-emulator', ...args], {
    cwd: ROOT_DIR,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, LOG_LEVEL: 'silent' },
  });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d) => {
    out += d;
  });
  child.stderr!.on('data', (d) => {
    err += d;
    if (process.env.GATEWAY_TEST_LOG) process.stderr.write(d);
  });
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  await Promise.race([
    waitFor('the emulator to be ready', async () => out.includes('customs emulator ready'), 30_000),
    exited.then((code) => {
      throw new Error(`the emulator exited (${code}):\n${out}\n${err}`);
    }),
  ]);
  return {
    child,
    log: () => err,
    stop: async () => {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
    },
  };
}

type FeedItem = {
  seq: number;
  type: string;
  businessKey: string;
  returnStatus: string;
  returnInfo: string;
  messageId: string | null;
  record: CebRecord;
  xml?: string;
};

/** One declaration scenario against a running platform: API keys, the four documents, the receipt feeds. */
function scenario(get: () => TestPlatform) {
  const keys: Record<string, string> = {};
  const send = (key: string, body: object) =>
    get().app.inject({
      method: 'POST',
      url: '/api/v1/messages',
      payload: body,
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', accept: 'application/json' },
    });
  const feed = async (role: string, format: 'json' | 'xml' = 'json'): Promise<FeedItem[]> => {
    const res = await get().app.inject({
      method: 'GET',
      url: `/api/v1/receipts?after=0&limit=1000&format=${format}`,
      headers: { authorization: `Bearer ${keys[role]}` },
    });
    expect(res.statusCode, res.body).toBe(200);
    return res.json().items;
  };
  return {
    keys,
    feed,
    async createKeys() {
      for (const [role, uscc] of Object.entries(PARTIES)) {
        keys[role] = (await get().p.identity.createApiKey({ name: 'test' }, uscc, `${role} system`, null)).secret;
      }
    },
    /** Declares order, payment, waybill and list (in that order unless `listFirst`); all must be accepted. */
    async declare(orderNo: string, o: { listFirst?: boolean } = {}) {
      const docs: [string, CebMessage][] = [
        ['ebp', orderMessage([orderRecord({ orderNo })])],
        ['pay', paymentMessage(orderNo, `PAY-${orderNo}`)],
        ['logistics', waybillMessage(orderNo, `LN-${orderNo}`)],
      ];
      const list: [string, CebMessage] = ['logistics', inventoryMessage(orderNo, `LN-${orderNo}`, `C${orderNo}`, '2')];
      for (const [role, m] of o.listFirst ? [list, ...docs] : [...docs, list]) {
        const res = await send(keys[role]!, m);
        expect(res.statusCode, `${m.type}: ${res.body}`).toBe(200);
      }
    },
    statuses: (items: FeedItem[], type: string, key: string) =>
      items.filter((i) => i.type === type && i.businessKey === key).map((i) => i.returnStatus),
  };
}

const listKey = (orderNo: string) => `${PARTIES.ebp}|${PARTIES.ebp}|${orderNo}`;

describe.skipIf(unreachable !== null && !requireRabbit)(
  'connected mode over RabbitMQ, customs emulator in its own process',
  () => {
    const toCustoms = `${RUN}.to-customs`;
    const fromCustoms = `${RUN}.from-customs`;
    let t: TestPlatform;
    let emulator: Awaited<ReturnType<typeof startEmulator>>;
    let certDir: string;
    const s = scenario(() => t);
    const orderNo = `GWC-${Date.now().toString(36).toUpperCase()}`;

    beforeAll(async () => {
      if (unreachable) throw new Error(`REQUIRE_RABBITMQ=1 but ${WHY}.`);
      // The platform's transfer-node certificate, which signs the lists it forwards from JSON.
      certDir = mkdtempSync(join(tmpdir(), 'cbec-node-'));
      const node = makeSm2Signer('DXPENT0000000001', 30);
      writeFileSync(join(certDir, 'node.key'), node.privateKey as string);
      writeFileSync(join(certDir, 'node.crt'), node.certificatePem);
      const config: Partial<Config> = {
        clearanceMode: 'connected',
        jsonDeclarations: 'accept',
        gateway: BROKER_URL,
        gatewayOutboundQueue: toCustoms,
        gatewayInboundQueue: fromCustoms,
        gatewaySignKeyFile: join(certDir, 'node.key'),
        gatewaySignCertFile: join(certDir, 'node.crt'),
      };
      t = await startTestPlatform({ config });
      await t.p.gateway!.start();
      const gatewayKey = (await listPublicKeys(t.p.dbh.db)).find((k) => k.purpose === 'customs-gateway')!;
      emulator = await startEmulator([
        '--amqp',
        BROKER_URL,
        '--inbound',
        toCustoms,
        '--outbound',
        fromCustoms,
        '--inspection-rate',
        '0',
        '--platform-key',
        gatewayKey.publicKey,
      ]);
      await s.createKeys();
    }, 60_000);

    afterAll(async () => {
      await emulator?.stop();
      await t?.close();
      if (certDir) rmSync(certDir, { recursive: true, force: true });
      if (unreachable) return;
      const admin = await connect(BROKER_URL);
      admin.on('error', () => {});
      for (const q of [toCustoms, fromCustoms].flatMap((q) => [q, deadLetterQueueName(q)])) {
        const ch = await admin.createChannel();
        ch.on('error', () => {});
        await ch.deleteQueue(q).catch(() => {});
        await ch.close().catch(() => {});
      }
      await admin.close();
    });

    it('the emulated engine does not decide: declarations go to the outbox, signed, in order', async () => {
      expect(t.p.gateway).not.toBeNull();
      await s.declare(orderNo);
      const rows = await waitFor('four messages sent', async () => {
        const r = await t.p.dbh.db.select().from(gwOutbox).orderBy(gwOutbox.seq);
        return r.length === 4 && r.every((x) => x.sentAt) ? r : undefined;
      });
      expect(rows.map((r) => r.msgType)).toEqual(['CEB311Message', 'CEB411Message', 'CEB511Message', 'CEB621Message']);
      // personal data is inside: stored encrypted
      expect(rows.map((r) => r.body).join()).not.toContain('11010519491231002X');
      // stored as built from the declared records; the transfer-node signature is added when sent
      const list = t.p.pi.decrypt(rows[3]!.body);
      expect(list).toContain(`<ceb:orderNo>${orderNo}</ceb:orderNo>`);
      expect(list).not.toContain('SignatureValue');
    });

    it('round trip: 120s, 399 and 800 from the emulator reach each enterprise and move the statuses; CEB816 to the declarant, who is the guarantor, and to no unrelated guarantor', async () => {
      const agent = await waitFor('the tax bill', async () => {
        const items = await s.feed('logistics');
        return items.some((i) => i.type === 'CEB816Message') ? items : undefined;
      });
      expect(s.statuses(agent, 'CEB622Message', listKey(orderNo))).toEqual(['2', '120', '399', '800']);
      expect(s.statuses(agent, 'CEB512Message', `${PARTIES.logistics}|LN-${orderNo}`)).toEqual(['2', '120']);
      // the list reached customs signed (by the transfer-node certificate), in a signed DxpMsg (checked by the emulator)
      expect(emulator.log()).not.toContain('without the Signature');
      expect(emulator.log()).not.toContain('signature missing or invalid');
      const released = agent.find((i) => i.type === 'CEB622Message' && i.returnStatus === '800')!;
      expect(released.returnInfo).toMatch(/随机种子 [0-9a-f]{32}/);
      const invtNo = released.record.invtNo as string;
      expect(invtNo).toMatch(/^73012026I\d{9}$/);
      const tax = agent.find((i) => i.type === 'CEB816Message')!;
      expect(tax).toMatchObject({ businessKey: invtNo, returnStatus: '1' });
      expect((tax.record.TaxHeadRd as CebRecord).valueAddedTax).toBe('19.12');
      // the declarant's message log shows customs' receipts with the list
      expect(released.messageId).toBe(
        agent.find((i) => i.type === 'CEB622Message' && i.returnStatus === '2')!.messageId,
      );

      expect(s.statuses(await s.feed('ebp'), 'CEB312Message', listKey(orderNo))).toEqual(['2', '120']);
      expect(s.statuses(await s.feed('pay'), 'CEB412Message', `${PARTIES.pay}|PAY-${orderNo}`)).toEqual(['2', '120']);
      // the list's guarantor (assureCode) is the logistics firm that declared it: one tax bill, in its feed;
      // the warehouse, filed as a guarantor too but not named on this list, gets none
      expect(agent.filter((i) => i.type === 'CEB816Message').map((i) => i.businessKey)).toEqual([invtNo]);
      expect((await s.feed('warehouse')).filter((i) => i.type === 'CEB816Message')).toEqual([]);
      // the receipts in the feed's XML form are schema-valid
      for (const item of (await s.feed('logistics', 'xml')).filter((i) => i.returnStatus !== '2')) {
        expect(validateCebXml(item.xml!, item.type as 'CEB622Message'), item.type).toEqual([]);
      }

      const db = t.p.dbh.db;
      const [inv] = await db.select().from(declInventories).where(eq(declInventories.orderNo, orderNo));
      expect(inv).toMatchObject({ status: '800', invtNo });
      expect((await db.select().from(declOrders).where(eq(declOrders.orderNo, orderNo)))[0]!.status).toBe('120');
      expect((await db.select().from(declWaybills).where(eq(declWaybills.orderNo, orderNo)))[0]!.status).toBe('120');
    });

    it('a receipt delivered twice, sent again, or arriving late and older changes nothing; the status stays 800', async () => {
      const before = await s.feed('logistics');
      const r120 = before.find((i) => i.type === 'CEB622Message' && i.returnStatus === '120')!;
      const r800 = before.find((i) => i.type === 'CEB622Message' && i.returnStatus === '800')!;
      const received = t.p.gateway!.stats.received;

      const admin = await connect(BROKER_URL);
      admin.on('error', () => {});
      const ch = await admin.createConfirmChannel();
      const publish = async (record: CebRecord, guid: string) => {
        const xml = buildCeb({ type: 'CEB622Message', guid, version: '1.0', records: [record] });
        const copMsgId = `test-${randomUUID()}`;
        const body = wrapDxp(xml, {
          copMsgId,
          senderId: 'DXPEDCCEB0000002',
          receiverIds: ['DXPENT0000000001'],
          creatTime: '2026-11-28T12:00:00',
          msgType: 'CEB622Message',
        });
        ch.sendToQueue(fromCustoms, Buffer.from(body), {
          persistent: true,
          messageId: copMsgId,
          type: 'CEB622Message',
        });
        await ch.waitForConfirms();
      };
      const again800 = randomUUID().toUpperCase();
      await publish(r800.record, again800); // the 800 sent again in another message
      await publish(r800.record, again800); // … and that message delivered twice
      await publish(r120.record, randomUUID().toUpperCase()); // the 120 again, after the 800
      // a 300 (manual review) never seen before, arriving after the 800: issued, but the list stays released
      await publish(
        { ...r800.record, returnStatus: '300', returnInfo: '人工审核（迟到的回执）' },
        randomUUID().toUpperCase(),
      );
      await ch.close();
      await admin.close();

      await waitFor('the four messages to be handled', async () => t.p.gateway!.stats.received >= received + 4);
      await new Promise((r) => setTimeout(r, 300)); // the last one's transaction commits before the ack
      const after = await s.feed('logistics');
      expect(s.statuses(after, 'CEB622Message', listKey(orderNo))).toEqual(['2', '120', '399', '800', '300']);
      expect(after.length).toBe(before.length + 1);
      const [inv] = await t.p.dbh.db.select().from(declInventories).where(eq(declInventories.orderNo, orderNo));
      expect(inv!.status).toBe('800');
      expect(t.p.gateway!.stats.repeats).toBeGreaterThanOrEqual(3);
    });

    it('a list declared before its documents waits at customs, then clears', async () => {
      const second = `${orderNo}-B`;
      await s.declare(second, { listFirst: true });
      const items = await waitFor('the second list released', async () => {
        const f = await s.feed('logistics');
        return s.statuses(f, 'CEB622Message', listKey(second)).includes('800') ? f : undefined;
      });
      expect(s.statuses(items, 'CEB622Message', listKey(second))).toEqual(['2', '120', '399', '800']);
      expect(await t.p.gateway!.pending()).toBe(0);
    });
  },
);

describe('connected mode over the folder exchange, customs emulator in its own process', () => {
  let t: TestPlatform;
  let emulator: Awaited<ReturnType<typeof startEmulator>>;
  let root: string;
  const s = scenario(() => t);
  const orderNo = `GWF-${Date.now().toString(36).toUpperCase()}`;

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'cbec-exchange-'));
    // no transfer-node certificate here: lists go out without their Signature, which the emulator tolerates
    t = await startTestPlatform({
      config: { clearanceMode: 'connected', jsonDeclarations: 'accept', gateway: `folder:${root}` },
    });
    await t.p.gateway!.start();
    emulator = await startEmulator(['--folder', root, '--inspection-rate', '0']);
    await s.createKeys();
  }, 60_000);

  afterAll(async () => {
    await emulator?.stop();
    await t?.close();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it('round trip through the outbox and inbox folders; a receipt file dropped twice is applied once', async () => {
    await s.declare(orderNo);
    const agent = await waitFor('the tax bill', async () => {
      const items = await s.feed('logistics');
      return items.some((i) => i.type === 'CEB816Message') ? items : undefined;
    });
    expect(s.statuses(agent, 'CEB622Message', listKey(orderNo))).toEqual(['2', '120', '399', '800']);
    expect(emulator.log()).toContain('without the Signature');
    // the emulator picked the platform's files up and the platform its receipts (a file leaves once handled)
    const xmlFiles = (dir: string) => readdirSync(join(root, dir)).filter((f) => f.endsWith('.xml'));
    await waitFor('both inboxes empty', async () => xmlFiles('outbox').length === 0 && xmlFiles('inbox').length === 0);
    // CEB312, 412, 512 120; CEB622 120, 399, 800; CEB816
    expect(readdirSync(join(root, 'inbox', 'processed'))).toHaveLength(7);

    // customs' 120 once more, in two files with the same content (a client that delivered it twice)
    const r120 = agent.find((i) => i.type === 'CEB622Message' && i.returnStatus === '120')!;
    const xml = buildCeb({
      type: 'CEB622Message',
      guid: randomUUID().toUpperCase(),
      version: '1.0',
      records: [r120.record],
    });
    const received = t.p.gateway!.stats.received;
    writeFileSync(join(root, 'inbox', 'zz-late-1.xml'), xml);
    writeFileSync(join(root, 'inbox', 'zz-late-2.xml'), xml);
    await waitFor('both files handled', async () => t.p.gateway!.stats.received >= received + 2);
    await new Promise((r) => setTimeout(r, 300));
    expect(await s.feed('logistics')).toHaveLength(agent.length);
    const [inv] = await t.p.dbh.db.select().from(declInventories).where(eq(declInventories.orderNo, orderNo));
    expect(inv!.status).toBe('800');
  });
});

/** A transport in memory: what the gateway sends is kept, receipts are handed to its handler directly. */
class MemoryTransport implements GatewayTransport {
  readonly kind = 'folder' as const;
  readonly sent: OutboundEnvelope[] = [];
  failNext = 0;
  private handler?: MessageHandler;
  async send(e: OutboundEnvelope): Promise<void> {
    if (this.failNext > 0) {
      this.failNext--;
      throw new GatewaySendError('the broker went away', true);
    }
    this.sent.push(e);
  }
  onReceive(h: MessageHandler): void {
    this.handler = h;
  }
  async start(): Promise<void> {}
  async close(): Promise<void> {}
  deliver(body: string, id = randomUUID()): Promise<void> {
    return this.handler!({ id, body: Buffer.from(body), receivedAt: new Date(), attempt: 1 });
  }
  /** The CEB XML inside the n-th envelope sent. */
  cebXml(n: number): string {
    const opened = unwrapDxp(this.sent[n]!.body);
    if (!opened.ok) throw new Error('not a DxpMsg');
    return opened.inner.toString('utf8');
  }
  /** The CEB message inside the n-th envelope sent. */
  message(n: number): CebMessage {
    const r = readDeclaration(this.cebXml(n));
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    return r.message;
  }
}

describe('connected gateway in process: durable outbox, retries, receipts in any order', () => {
  let t: TestPlatform;
  let transport: MemoryTransport;
  let gw: ConnectedGateway;
  const s = scenario(() => t);
  const orderNo = `GWM-${Date.now().toString(36).toUpperCase()}`;

  beforeAll(async () => {
    // The emulated engine is not started here; this gateway listens to the intake beside it.
    t = await startTestPlatform({ config: { jsonDeclarations: 'accept' } });
    transport = new MemoryTransport();
    gw = new ConnectedGateway(t.p.dbh.db, t.p.pi, transport, {
      nodeId: 'DXPENT0000000001',
      customsNodeId: 'DXPEDCCEB0000002',
      messageSigner: cebMessageSigner(makeSm2Signer('DXPENT0000000001')),
      retryDelayMs: 20,
      maxRetryDelayMs: 50,
      pollIntervalMs: 50,
    });
    t.p.declaration.addListener(gw);
    await s.createKeys();
  }, 60_000);
  afterAll(async () => {
    await gw?.stop();
    await t?.close();
  });

  const listReceipt = (head: CebRecord, status: string, guid = randomUUID().toUpperCase()) =>
    buildCeb({
      type: 'CEB622Message',
      guid,
      version: '1.0',
      records: [
        receiptRecord(
          'CEB622Message',
          { ...head, invtNo: '730120260000000001' },
          status,
          '20261128120000000',
          `状态 ${status}`,
        ),
      ],
    });
  const listStatus = async (no: string) =>
    (await t.p.dbh.db.select().from(declInventories).where(eq(declInventories.orderNo, no)))[0]!.status;

  it('keeps declarations in the outbox until it runs, then sends them in order through send failures', async () => {
    await s.declare(orderNo);
    expect(await gw.pending()).toBe(4);
    expect(transport.sent).toHaveLength(0);
    transport.failNext = 2;
    await gw.start();
    await waitFor('four sends', async () => transport.sent.length === 4);
    expect(transport.sent.map((e) => e.msgType)).toEqual([
      'CEB311Message',
      'CEB411Message',
      'CEB511Message',
      'CEB621Message',
    ]);
    expect(transport.sent.map((e) => e.messageId)).toEqual([...transport.sent.map((e) => e.messageId)].sort());
    expect(gw.stats.sendFailures).toBe(2);
    const rows = await t.p.dbh.db.select().from(gwOutbox).orderBy(gwOutbox.seq);
    expect(rows.map((r) => r.attempts)).toEqual([3, 1, 1, 1]);
    expect(rows.every((r) => r.sentAt && r.lastError === null)).toBe(true);
    // the list as declared, with the pre-entry number the platform gave it, signed by the transfer node
    const sentList = transport.cebXml(3);
    expect(validateCebXml(sentList, 'CEB621Message')).toEqual([]);
    expect(verifyCeb(sentList).ok).toBe(true);
    const list = transport.message(3).records[0]!.InventoryHead as CebRecord;
    expect(list).toMatchObject({ orderNo, appStatus: '2', buyerIdNumber: BUYER.idNumber });
    expect(list.preNo).toMatch(/^B\d{17}$/);
  });

  it('800 before 399 before 120: every receipt reaches the declarant, the list stays released', async () => {
    const head = transport.message(3).records[0]!.InventoryHead as CebRecord;
    for (const st of ['800', '399', '120']) await transport.deliver(listReceipt(head, st));
    expect(await listStatus(orderNo)).toBe('800');
    expect(s.statuses(await s.feed('logistics'), 'CEB622Message', listKey(orderNo))).toEqual([
      '2',
      '800',
      '399',
      '120',
    ]);
    const [inv] = await t.p.dbh.db.select().from(declInventories).where(eq(declInventories.orderNo, orderNo));
    expect(inv!.invtNo).toBe('730120260000000001');
  });

  it('a receipt for an unknown record is dropped (acknowledged); a message that is not CEB is refused (retried)', async () => {
    const unmatched = gw.stats.unmatched;
    const before = (await s.feed('ebp')).length;
    await transport.deliver(
      buildCeb({
        type: 'CEB312Message',
        guid: randomUUID().toUpperCase(),
        version: '1.0',
        records: [
          receiptRecord(
            'CEB312Message',
            { guid: randomUUID().toUpperCase(), ebpCode: PARTIES.ebp, ebcCode: PARTIES.ebp, orderNo: 'NO-SUCH' },
            '120',
            '20261128120000000',
            '-',
          ),
        ],
      }),
    );
    expect(gw.stats.unmatched).toBe(unmatched + 1);
    expect(await s.feed('ebp')).toHaveLength(before);
    await expect(transport.deliver('<x/>')).rejects.toThrow(/not a valid CEB message/);
  });

  it('after a rejection (100) a late 120 changes nothing; a re-declaration (appType 2) starts again', async () => {
    const no = `${orderNo}-R`;
    await s.declare(no);
    await waitFor('eight sends', async () => transport.sent.length === 8);
    const first = transport.message(7).records[0]!.InventoryHead as CebRecord;
    await transport.deliver(listReceipt(first, '100'));
    await transport.deliver(listReceipt(first, '120'));
    expect(await listStatus(no)).toBe('100');

    // the enterprise corrects the list and declares it again
    const again = inventoryMessage(no, `LN-${no}`, `C${no}`, '2');
    const h = again.records[0]!.InventoryHead as CebRecord;
    h.appType = '2';
    h.appTime = '20261128100000';
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/messages',
      payload: again,
      headers: { authorization: `Bearer ${s.keys.logistics}`, 'content-type': 'application/json' },
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(await listStatus(no)).toBe('2');
    await waitFor('the re-declaration sent', async () => transport.sent.length === 9);
    const second = transport.message(8).records[0]!.InventoryHead as CebRecord;
    expect(second.guid).not.toBe(first.guid);
    await transport.deliver(listReceipt(first, '399')); // answers the superseded declaration
    expect(await listStatus(no)).toBe('2');
    await transport.deliver(listReceipt(second, '120'));
    expect(await listStatus(no)).toBe('120');
  });
});

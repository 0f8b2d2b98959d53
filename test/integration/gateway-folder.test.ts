/**
 * The folder exchange of the customs gateway (src/modules/gateway/folder.ts) on real directories: atomic sends
 * (`.xml.tmp` renamed to `.xml`), DxpMsg round trips between the platform and a "client" transport whose outbox is
 * the platform's inbox, name/mtime order, `.tmp` and dotfiles ignored, at-least-once (a handler that throws gets the
 * file again; it moves to processed/ only after success), failed/ after the last attempt (with the error report),
 * attempt counts surviving a restart, duplicates passed to the handler twice (the caller dedups by guid), polling
 * without fs.watch, and close() waiting for a running handler and leaving no handle open.
 */
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { orderMessage, orderRecord } from '../../src/app/examples.js';
import { buildCeb } from '../../src/modules/declaration/ceb/codec.js';
import { unwrapDxp } from '../../src/modules/declaration/ceb/dxp.js';
import { FolderTransport, type FolderTransportOptions } from '../../src/modules/gateway/folder.js';
import { dxpEnvelope, GatewayClosedError, type InboundMessage } from '../../src/modules/gateway/transport.js';

const root = mkdtempSync(join(tmpdir(), 'cbec-gw-folder-'));
let dir = '';
let caseNo = 0;
const open: FolderTransport[] = [];

async function waitFor(what: string, cond: () => boolean, timeoutMs = 5000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const delay = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A transport on `<dir>/<side>` (outbox + inbox), closed after the test. */
function transport(opts: Partial<FolderTransportOptions> = {}): FolderTransport {
  const t = new FolderTransport({
    outboxDir: join(dir, 'platform', 'outbox'),
    inboxDir: join(dir, 'platform', 'inbox'),
    retryDelayMs: 20,
    maxRetryDelayMs: 50,
    pollIntervalMs: 200,
    ...opts,
  });
  open.push(t);
  return t;
}

/** The E-Port client's side: its outbox is the platform's inbox and the other way round. */
function clientSide(opts: Partial<FolderTransportOptions> = {}): FolderTransport {
  return transport({ outboxDir: join(dir, 'platform', 'inbox'), inboxDir: join(dir, 'platform', 'outbox'), ...opts });
}

const ls = (path: string) => (existsSync(path) ? readdirSync(path).sort() : []);

function collector() {
  const got: InboundMessage[] = [];
  return { got, handler: async (m: InboundMessage) => void got.push(m) };
}

beforeEach(() => {
  dir = join(root, `case-${++caseNo}`);
});

afterEach(async () => {
  await Promise.all(open.splice(0).map((t) => t.close()));
});

afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

describe('gateway folder transport', () => {
  it('sends atomically: only <messageId>.xml appears in the outbox, never a partial or .tmp file', async () => {
    const t = transport();
    await t.start();
    const body = Buffer.from('<?xml version="1.0" encoding="UTF-8"?><x>报文</x>', 'utf8');
    await t.send({ messageId: 'MSG-0001', msgType: 'CEB311Message', body });
    expect(ls(t.paths.outbox)).toEqual(['MSG-0001.xml']);
    expect(readFileSync(join(t.paths.outbox, 'MSG-0001.xml'))).toEqual(body);
    // Sending the same id again replaces the file (the client has not taken it yet); concurrent sends of one id are
    // serialised and the last one wins.
    await Promise.all(
      [1, 2, 3].map((n) => t.send({ messageId: 'MSG-0001', msgType: 'CEB311Message', body: Buffer.from(`v${n}`) })),
    );
    expect(ls(t.paths.outbox)).toEqual(['MSG-0001.xml']);
    expect(readFileSync(join(t.paths.outbox, 'MSG-0001.xml'), 'utf8')).toBe('v3');
    // Ids that would escape the folder or clash with the .tmp convention are refused.
    for (const messageId of ['../x', 'a/b', '.hidden', 'x.tmp', '', 'a b']) {
      await expect(t.send({ messageId, msgType: 'CEB311Message', body })).rejects.toThrow(/messageId/);
    }
    await expect(t.send({ messageId: 'M', msgType: 'CEB311Message', body: 'x' as unknown as Buffer })).rejects.toThrow(
      /Buffer/,
    );
  });

  it('round-trips a CEB311 in a DxpMsg to the client and a receipt back; the unwrapped inner XML is unchanged', async () => {
    const platform = transport();
    const client = clientSide();
    const toClient = collector();
    const toPlatform = collector();
    platform.onReceive(toPlatform.handler);
    client.onReceive(toClient.handler);
    await platform.start();
    await client.start();

    const inner = buildCeb(orderMessage([orderRecord({ orderNo: 'GW-1' })]));
    const env = dxpEnvelope(inner, {
      copMsgId: 'F0E1D2C3-0000-4000-8000-000000000001',
      senderId: 'DXPENT9000000000',
      receiverIds: ['DXPEDCCEB0000002'],
      msgType: 'CEB311Message',
    });
    await platform.send(env);
    await waitFor('the client to receive the order', () => toClient.got.length === 1);
    const m = toClient.got[0]!;
    expect(m.id).toBe('F0E1D2C3-0000-4000-8000-000000000001');
    expect(m.attempt).toBe(1);
    expect(m.receivedAt).toBeInstanceOf(Date);
    const opened = unwrapDxp(m.body);
    if (!opened.ok) throw new Error(JSON.stringify(opened.errors));
    expect(opened.inner.toString('utf8')).toBe(inner);
    expect(opened.transInfo).toMatchObject({ msgType: 'CEB311Message', senderId: 'DXPENT9000000000' });
    expect(opened.transInfo.creatTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/);
    // Handled: moved out of the platform's outbox (the client's inbox) into processed/.
    await waitFor('the file to move to processed/', () => client.stats.processed === 1);
    expect(ls(client.paths.processed!)).toEqual(['F0E1D2C3-0000-4000-8000-000000000001.xml']);
    expect(ls(client.paths.inbox).filter((n) => n.endsWith('.xml'))).toEqual([]);

    const receipt = '<?xml version="1.0" encoding="UTF-8"?><ceb:CEB312Message>新增申报成功</ceb:CEB312Message>';
    await client.send(
      dxpEnvelope(receipt, {
        copMsgId: 'RCPT-1',
        senderId: 'DXPEDCCEB0000002',
        receiverIds: ['DXPENT9000000000'],
        msgType: 'CEB312Message',
      }),
    );
    await waitFor('the platform to receive the receipt', () => toPlatform.got.length === 1);
    const back = unwrapDxp(toPlatform.got[0]!.body);
    if (!back.ok) throw new Error(JSON.stringify(back.errors));
    expect(back.inner.toString('utf8')).toBe(receipt);
    expect(back.transInfo.msgType).toBe('CEB312Message');
  });

  it('reads the inbox in name order (or mtime order), ignoring .tmp files, dotfiles and subdirectories', async () => {
    const inbox = join(dir, 'platform', 'inbox');
    const t = transport();
    await t.start(); // creates the folders; no handler yet, so nothing is read
    for (const n of ['003', '001', '010', '002']) writeFileSync(join(inbox, `R-${n}.xml`), n);
    writeFileSync(join(inbox, 'R-000.xml.tmp'), 'partial');
    writeFileSync(join(inbox, '.R-000.xml'), 'hidden');
    writeFileSync(join(inbox, 'notes.txt'), 'not a message');
    const c = collector();
    t.onReceive(c.handler);
    await waitFor('four messages handled', () => t.stats.processed === 4);
    expect(c.got.map((m) => m.id)).toEqual(['R-001', 'R-002', 'R-003', 'R-010']);
    await delay(100);
    expect(c.got).toHaveLength(4);
    expect(ls(inbox)).toEqual(['.R-000.xml', '.attempts', 'R-000.xml.tmp', 'failed', 'notes.txt', 'processed']);

    // mtime order: the oldest file first, whatever its name.
    const dir2 = join(dir, 'mtime');
    const byTime = transport({ outboxDir: join(dir2, 'outbox'), inboxDir: join(dir2, 'inbox'), order: 'mtime' });
    await byTime.start();
    const now = Date.now() / 1000;
    ['C', 'A', 'B'].forEach((n, i) => {
      const p = join(dir2, 'inbox', `${n}.xml`);
      writeFileSync(p, n);
      utimesSync(p, now - 100 + i, now - 100 + i);
    });
    const c2 = collector();
    byTime.onReceive(c2.handler);
    await waitFor('three messages', () => c2.got.length === 3);
    expect(c2.got.map((m) => m.id)).toEqual(['C', 'A', 'B']);
  });

  it('tolerates partial files: a .tmp is picked up only once renamed to .xml', async () => {
    const t = transport();
    const c = collector();
    t.onReceive(c.handler);
    await t.start();
    const { writeFile, rename, appendFile } = await import('node:fs/promises');
    const tmp = join(t.paths.inbox, 'P-1.xml.tmp');
    await writeFile(tmp, '<a>');
    await delay(300); // longer than the poll interval
    await appendFile(tmp, 'complete</a>');
    expect(c.got).toHaveLength(0);
    await rename(tmp, join(t.paths.inbox, 'P-1.xml'));
    await waitFor('the renamed file', () => c.got.length === 1);
    expect(c.got[0]!.body.toString()).toBe('<a>complete</a>');
  });

  it('is at-least-once: a handler that throws gets the same file again, and it leaves the inbox only after success', async () => {
    const t = transport();
    const calls: InboundMessage[] = [];
    let inboxWhileFailing: string[] = [];
    t.onReceive(async (m) => {
      calls.push(m);
      if (calls.length === 1) {
        inboxWhileFailing = ls(t.paths.inbox);
        throw new Error('database unavailable');
      }
    });
    await t.start();
    writeFileSync(join(t.paths.inbox, 'A-1.xml'), 'one');
    await waitFor('the redelivery to be handled', () => t.stats.processed === 1);
    expect(inboxWhileFailing).toContain('A-1.xml');
    expect(calls.map((m) => [m.id, m.attempt, m.body.toString()])).toEqual([
      ['A-1', 1, 'one'],
      ['A-1', 2, 'one'],
    ]);
    expect(ls(t.paths.processed!)).toEqual(['A-1.xml']);
    expect(ls(t.paths.state)).toEqual([]); // the attempt counter is removed with the file
    expect(t.stats).toMatchObject({ delivered: 2, retried: 1, processed: 1, failed: 0 });
  });

  it('keeps the order under retries: a failing file is retried before later files are handled', async () => {
    const t = transport();
    const seen: string[] = [];
    let failures = 0;
    t.onReceive(async (m) => {
      seen.push(`${m.id}#${m.attempt}`);
      if (m.id === 'O-2' && failures++ < 2) throw new Error('transient');
    });
    const inbox = join(dir, 'platform', 'inbox');
    mkdirSync(inbox, { recursive: true });
    for (const n of [1, 2, 3]) writeFileSync(join(inbox, `O-${n}.xml`), String(n));
    await t.start();
    await waitFor('all three', () => seen.includes('O-3#1'));
    expect(seen).toEqual(['O-1#1', 'O-2#1', 'O-2#2', 'O-2#3', 'O-3#1']);
  });

  it('moves a file to failed/ with an error report after maxAttempts, and goes on with the next', async () => {
    const t = transport({ maxAttempts: 3 });
    const calls: string[] = [];
    t.onReceive(async (m) => {
      calls.push(`${m.id}#${m.attempt}`);
      if (m.id === 'BAD') throw new Error('cannot parse the receipt');
    });
    await t.start();
    writeFileSync(join(t.paths.inbox, 'BAD.xml'), '<broken');
    writeFileSync(join(t.paths.inbox, 'GOOD.xml'), '<ok/>');
    await waitFor('GOOD to be handled', () => calls.includes('GOOD#1'));
    expect(calls).toEqual(['BAD#1', 'BAD#2', 'BAD#3', 'GOOD#1']);
    expect(ls(t.paths.failed)).toEqual(['BAD.error.json', 'BAD.xml']);
    const report = JSON.parse(readFileSync(join(t.paths.failed, 'BAD.error.json'), 'utf8'));
    expect(report).toMatchObject({ file: 'BAD.xml', attempts: 3, error: 'cannot parse the receipt' });
    expect(readFileSync(join(t.paths.failed, 'BAD.xml'), 'utf8')).toBe('<broken');
    await waitFor('GOOD in processed/', () => t.stats.processed === 1);
    expect(ls(t.paths.processed!)).toEqual(['GOOD.xml']);
    expect(ls(t.paths.state)).toEqual([]);
    expect(t.stats.failed).toBe(1);
  });

  it('counts attempts across restarts (a crash in the handler counts too)', async () => {
    const first = transport({ maxAttempts: 2, retryDelayMs: 60_000, maxRetryDelayMs: 60_000 });
    let attempts: number[] = [];
    first.onReceive(async (m) => {
      attempts.push(m.attempt);
      throw new Error('boom');
    });
    await first.start();
    writeFileSync(join(first.paths.inbox, 'C-1.xml'), 'x');
    await waitFor('the first attempt', () => attempts.length === 1);
    await first.close();
    expect(ls(first.paths.inbox)).toContain('C-1.xml');
    expect(readFileSync(join(first.paths.state, 'C-1.xml.attempts'), 'utf8')).toBe('1');

    // A new process: attempt 2 is the last; the file moves to failed/.
    attempts = [];
    const second = transport({ maxAttempts: 2 });
    second.onReceive(async (m) => {
      attempts.push(m.attempt);
      throw new Error('boom again');
    });
    await second.start();
    await waitFor('the file in failed/', () => second.stats.failed === 1);
    expect(ls(second.paths.failed)).toEqual(['C-1.error.json', 'C-1.xml']);
    expect(attempts).toEqual([2]);
  });

  it('passes duplicates to the handler (same id twice); processed/ keeps both; the caller dedups by guid', async () => {
    const platform = transport();
    const client = clientSide();
    const handledGuids = new Set<string>();
    const calls: string[] = [];
    let applied = 0;
    client.onReceive(async (m) => {
      calls.push(m.id);
      // What a real receiver does: the CEB guid (or CopMsgId) is the idempotency key; a repeat is a success.
      const opened = unwrapDxp(m.body);
      if (!opened.ok) throw new Error('not a DxpMsg');
      const g = /Message guid="([^"]+)"/.exec(opened.inner.toString('utf8'))?.[1];
      if (!g) throw new Error('no guid');
      if (handledGuids.has(g)) return;
      handledGuids.add(g);
      applied++;
    });
    await platform.start();
    await client.start();
    const inner = buildCeb(orderMessage([orderRecord({ orderNo: 'GW-DUP' })]));
    const env = dxpEnvelope(inner, {
      copMsgId: 'DUP-1',
      senderId: 'DXPENT9000000000',
      receiverIds: ['DXPEDCCEB0000002'],
      msgType: 'CEB311Message',
    });
    await platform.send(env);
    await waitFor('the first copy', () => client.stats.processed === 1);
    await platform.send(env);
    await waitFor('the second copy', () => client.stats.processed === 2);
    expect(calls).toEqual(['DUP-1', 'DUP-1']);
    expect(applied).toBe(1);
    const processed = ls(client.paths.processed!);
    expect(processed).toHaveLength(2);
    expect(processed).toContain('DUP-1.xml');
    expect(processed.find((n) => n !== 'DUP-1.xml')).toMatch(/^DUP-1\.\d+-[0-9a-f]{8}\.xml$/);
  });

  it('finds files by polling when fs.watch is off, and can delete instead of keeping processed files', async () => {
    const t = transport({ watch: false, pollIntervalMs: 50, processedDir: null });
    const c = collector();
    t.onReceive(c.handler);
    await t.start();
    writeFileSync(join(t.paths.inbox, 'POLL-1.xml'), 'p');
    await waitFor('the polled file', () => t.stats.processed === 1);
    expect(existsSync(join(t.paths.inbox, 'POLL-1.xml'))).toBe(false);
    expect(existsSync(join(t.paths.inbox, 'processed'))).toBe(false);
  });

  it('close() waits for the running handler, releases the watcher and timers, and refuses later sends', async () => {
    const before = process.getActiveResourcesInfo();
    const count = (list: string[], kind: string) => list.filter((r) => r === kind).length;
    const t = transport();
    let release: () => void = () => {};
    let finished = false;
    t.onReceive(async () => {
      await new Promise<void>((r) => {
        release = r;
      });
      finished = true;
    });
    await t.start();
    writeFileSync(join(t.paths.inbox, 'SLOW.xml'), 's');
    await waitFor('the handler to start', () => t.stats.delivered === 1);
    expect(count(process.getActiveResourcesInfo(), 'FSEventWrap')).toBe(count(before, 'FSEventWrap') + 1);
    const closing = t.close();
    setTimeout(() => release(), 50);
    await closing;
    expect(finished).toBe(true);
    expect(ls(t.paths.processed!)).toEqual(['SLOW.xml']); // acknowledged before close() resolved
    const after = process.getActiveResourcesInfo();
    expect(count(after, 'FSEventWrap')).toBe(count(before, 'FSEventWrap'));
    expect(count(after, 'Timeout')).toBeLessThanOrEqual(count(before, 'Timeout'));
    await expect(t.send({ messageId: 'LATE', msgType: 'CEB311Message', body: Buffer.from('x') })).rejects.toThrow(
      GatewayClosedError,
    );
    await t.close(); // idempotent
  });
});

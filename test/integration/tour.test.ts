/**
 * The README tour's step 6, as a new user runs it: the messages made by the command line (`ceb example`, `ceb sign
 * --demo`), each sent with the key of the enterprise the standard names, clear a list end to end (CEB622 800); and
 * the attacker's tries of the same step are refused. Inspection sampling is off (rate 0) so that the outcome is sure.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PARTIES } from '../../src/modules/declaration/examples.js';
import { signedCeb } from '../../src/modules/declaration/signature/sign-message.js';
import { makeSm2Signer } from '../support/certs.js';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';

const ROOT = join(import.meta.dirname, '../..');
const cli = (...args: string[]) => {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'src/cli.ts'), ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (r.status !== 0) throw new Error(`cli ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
};

describe('the README tour: a list cleared end to end through the one entry', () => {
  let t: TestPlatform;
  const keys: Record<'ebp' | 'pay' | 'logistics', string> = { ebp: '', pay: '', logistics: '' };
  beforeAll(async () => {
    t = await startTestPlatform({ config: { inspectionRate: '0' } });
    for (const k of Object.keys(keys) as (keyof typeof keys)[]) {
      keys[k] = (await t.p.identity.createApiKey({ name: 'tour' }, PARTIES[k], 'tour', null)).secret;
    }
  });
  afterAll(() => t.close());

  const send = (key: string, body: string) =>
    t.app.inject({
      method: 'POST',
      url: '/api/v1/messages',
      payload: body,
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/xml', accept: 'application/json' },
    });

  it('order, payment, waybill and the signed list from their own enterprises: 120 for each, then 800 and a tax bill', async () => {
    const order = cli('ceb', 'example', 'order', '--order-no', 'LZ-TOUR-1');
    const payment = cli('ceb', 'example', 'payment', '--order-no', 'LZ-TOUR-1');
    const waybill = cli('ceb', 'example', 'waybill', '--order-no', 'LZ-TOUR-1');
    const listJson = cli('ceb', 'example', 'list', '--order-no', 'LZ-TOUR-1', '--json');
    const { writeFileSync, mkdtempSync } = await import('node:fs');
    const dir = mkdtempSync(join((await import('node:os')).tmpdir(), 'cbec-tour-'));
    writeFileSync(join(dir, 'list.json'), listJson);
    const list = cli('ceb', 'sign', join(dir, 'list.json'), '--demo', PARTIES.logistics);

    // the attacker's tries first: another party's payment, a list signed with a certificate the sender made itself
    const forged = await send(keys.ebp, payment.replace(/<ceb:copCode>[^<]*</, `<ceb:copCode>${PARTIES.ebp}<`));
    expect(forged.statusCode).toBe(403);
    expect(forged.json().receipt.errors[0].code).toBe('-10103');
    const selfSigned = makeSm2Signer(PARTIES.logistics);
    const own = await t.app.inject({
      method: 'POST',
      url: `/api/v1/enterprises/${PARTIES.logistics}/certificates`,
      payload: { certificate: selfSigned.certificatePem },
      headers: { cookie: await (await import('../support/http.js')).login(t.app, 'logistics.demo') },
    });
    expect(own.json().certificate.trust).toBe('pending');
    // (its own message: a guid of its own; a repeated guid would only get the first answer back)
    const bySelf = await send(
      keys.logistics,
      signedCeb({ ...JSON.parse(listJson), guid: crypto.randomUUID().toUpperCase() }, selfSigned),
    );
    expect(bySelf.statusCode).toBe(422);
    expect(bySelf.json().receipt.errors[0].code).toBe('-621029');

    for (const [key, body] of [
      [keys.ebp, order],
      [keys.pay, payment],
      [keys.logistics, waybill],
      [keys.logistics, list],
    ] as const) {
      const r = await send(key, body);
      expect(r.statusCode, r.body).toBe(200);
      expect(r.json().receipt.status).toBe('accepted');
    }
    // the same file again: the stored answer to its guid, nothing done
    const again = await send(keys.logistics, list);
    expect(again.headers['x-cbec-replay']).toBe('true');
    expect(again.json().receipt.returnInfo).toContain('原答复');

    await t.p.clearance.drain();
    const feed = await t.app.inject({
      method: 'GET',
      url: '/api/v1/receipts?after=0&limit=1000',
      headers: { authorization: `Bearer ${keys.ebp}` },
    });
    const mine = feed
      .json()
      .items.filter((r: { businessKey: string }) => r.businessKey.includes('LZ-TOUR-1'))
      .map((r: { type: string; returnStatus: string }) => `${r.type} ${r.returnStatus}`);
    expect(mine).toEqual(
      expect.arrayContaining(['CEB312Message 120', 'CEB622Message 120', 'CEB622Message 399', 'CEB622Message 800']),
    );
    // the payment firm and the logistics firm get their own documents' receipts
    const payFeed = await t.app.inject({
      method: 'GET',
      url: '/api/v1/receipts?after=0&limit=1000',
      headers: { authorization: `Bearer ${keys.pay}` },
    });
    expect(
      payFeed.json().items.map((r: { type: string; returnStatus: string }) => `${r.type} ${r.returnStatus}`),
    ).toContain('CEB412Message 120');
  });
});

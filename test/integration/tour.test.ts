/**
 * The README tour's step 6, as a new user runs it with the command line and curl alone: API keys made by signing in
 * as the demo users, the messages made by `ceb example TYPE`, the list signed by `ceb sign` with its declarer's DEMO
 * key, each sent with the key of the enterprise the standard names, clear a list end to end (CEB622 800, the list
 * released); the attacker's tries of the same step are refused; the export set is declared and stored. Then every
 * example type is accepted from its declarer. Inspection sampling is off (rate 0) so that the outcome is sure.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../src/app/demo.js';
import { demoSigningKey } from '../../src/app/demo-pki.js';
import { EXAMPLE_TYPES, exampleDeclarer, exampleMessage, PARTIES } from '../../src/app/examples.js';
import type { CebMessageType } from '../../src/modules/declaration/ceb/definitions.generated.js';
import { signatureRequired, signedCeb } from '../../src/modules/declaration/signature/sign-message.js';
import { makeSm2Signer } from '../support/certs.js';
import { login } from '../support/http.js';
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

/** The demo users of the tour, by the party they sign in for. */
const USERS = {
  ebp: 'ebp.demo',
  ebc: 'ebc.demo',
  pay: 'payment.demo',
  logistics: 'logistics.demo',
  warehouse: 'warehouse.demo',
} as const;
type Party = keyof typeof USERS;

describe('the README tour: a list cleared end to end through the one entry', () => {
  let t: TestPlatform;
  const keys = {} as Record<Party, string>;
  const dir = mkdtempSync(join(tmpdir(), 'cbec-tour-'));
  beforeAll(async () => {
    t = await startTestPlatform({ config: { inspectionRate: '0' } });
    // as the README: sign in as the demo user (password Demo@2026!) and create an API key of its enterprise
    for (const [party, username] of Object.entries(USERS) as [Party, string][]) {
      const res = await t.app.inject({
        method: 'POST',
        url: `/api/v1/enterprises/${PARTIES[party]}/api-keys`,
        payload: { name: 'tour' },
        headers: { cookie: await login(t.app, username, DEMO_PASSWORD) },
      });
      expect(res.statusCode, res.body).toBe(201);
      keys[party] = res.json().secret;
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
  const receipts = async (key: string) =>
    (
      await t.app.inject({
        method: 'GET',
        url: '/api/v1/receipts?after=0&limit=1000',
        headers: { authorization: `Bearer ${key}` },
      })
    ).json().items as { type: string; businessKey: string; returnStatus: string }[];

  it('order, payment, waybill and the signed list from their own enterprises: 120 for each, then 800, released', async () => {
    const order = cli('ceb', 'example', 'CEB311', '--order-no', 'LZ-TOUR-1');
    const payment = cli('ceb', 'example', 'CEB411', '--order-no', 'LZ-TOUR-1');
    const waybill = cli('ceb', 'example', 'CEB511', '--order-no', 'LZ-TOUR-1');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(join(dir, 'list.xml'), cli('ceb', 'example', 'CEB621', '--order-no', 'LZ-TOUR-1'));
    cli('ceb', 'sign', join(dir, 'list.xml'), '--out', join(dir, 'list.signed.xml'));
    const list = readFileSync(join(dir, 'list.signed.xml'), 'utf8');

    // the attacker's tries first: another party's payment, a list signed with a certificate the sender made itself
    const forged = await send(keys.ebp, payment.replace(/<ceb:copCode>[^<]*</, `<ceb:copCode>${PARTIES.ebp}<`));
    expect(forged.statusCode).toBe(403);
    expect(forged.json().receipt.errors[0].code).toBe('-10103');
    const selfSigned = makeSm2Signer(PARTIES.logistics);
    const own = await t.app.inject({
      method: 'POST',
      url: `/api/v1/enterprises/${PARTIES.logistics}/certificates`,
      payload: { certificate: selfSigned.certificatePem },
      headers: { cookie: await login(t.app, 'logistics.demo') },
    });
    expect(own.json().certificate.trust).toBe('pending');
    // (its own message: a guid of its own; a repeated guid would only get the first answer back)
    const bySelf = await send(keys.logistics, signedCeb(exampleMessage('CEB621', 'LZ-TOUR-1'), selfSigned));
    expect(bySelf.statusCode).toBe(422);
    expect(bySelf.json().receipt.errors[0].code).toBe('-621029');
    // an unsigned list is refused by the schema (its XSD requires the signature)
    const unsigned = await send(keys.logistics, readFileSync(join(dir, 'list.xml'), 'utf8'));
    expect(unsigned.statusCode).toBe(400);

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
    const mine = (await receipts(keys.ebp))
      .filter((r) => r.businessKey.includes('LZ-TOUR-1'))
      .map((r) => `${r.type} ${r.returnStatus}`);
    expect(mine).toEqual(
      expect.arrayContaining(['CEB312Message 120', 'CEB622Message 120', 'CEB622Message 399', 'CEB622Message 800']),
    );
    // the payment firm and the logistics firm get their own documents' receipts
    expect((await receipts(keys.pay)).map((r) => `${r.type} ${r.returnStatus}`)).toContain('CEB412Message 120');
    // the list's status, as the README reads it
    const lists = await t.app.inject({
      method: 'GET',
      url: '/api/v1/clearance/lists?q=LZ-TOUR-1',
      headers: { authorization: `Bearer ${keys.ebp}` },
    });
    expect(lists.json().items).toEqual([
      expect.objectContaining({ orderNo: 'LZ-TOUR-1', status: 'released', returnStatus: '800' }),
    ]);
  });

  it('the export set (CEB303, CEB403, CEB505, CEB603) from the exporter, payment and logistics firms is stored', async () => {
    for (const [type, party] of [
      ['CEB303', 'ebc'],
      ['CEB403', 'pay'],
      ['CEB505', 'logistics'],
      ['CEB603', 'logistics'],
    ] as const) {
      const r = await send(keys[party], cli('ceb', 'example', type, '--order-no', 'LZ-TOUR-E1'));
      expect(r.statusCode, r.body).toBe(200);
      expect(r.json().receipt.status).toBe('accepted');
    }
    const mine = (await receipts(keys.ebc))
      .filter((r) => r.businessKey.includes('LZ-TOUR-E1'))
      .map((r) => `${r.type} ${r.returnStatus}`);
    expect(mine).toEqual(expect.arrayContaining(['CEB304Message 2', 'CEB604Message 2']));
  });

  it('every example type is accepted from the demo enterprise that declares it (signed where its XSD requires)', async () => {
    const partyOf = (uscc: string) => (Object.keys(USERS) as Party[]).find((p) => PARTIES[p] === uscc) as Party;
    for (const type of EXAMPLE_TYPES) {
      const m = exampleMessage(type, 'LZ-TOUR-ALL');
      const declarer = exampleDeclarer(type).uscc;
      const body = signatureRequired(m.type as CebMessageType)
        ? signedCeb(m, demoSigningKey(declarer)!)
        : (await import('../../src/modules/declaration/ceb/codec.js')).buildCeb(m);
      const r = await send(keys[partyOf(declarer)], body);
      expect(r.statusCode, `${type}: ${r.body}`).toBe(200);
      expect(r.json().receipt.status).toBe('accepted');
    }
  });
});

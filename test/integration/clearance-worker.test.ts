import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CebMessage } from '../../src/modules/declaration/ceb/codec.js';
import { rowsOf } from '../../src/platform/db/client.js';
import {
  inventoryMessage,
  orderMessage,
  orderRecord,
  PARTIES,
  paymentMessage,
  waybillMessage,
} from '../support/ceb.js';
import { DB_MODE, startTestPlatform, type TestPlatform } from '../support/platform.js';

const ROOT = join(import.meta.dirname, '../..');
const CLI = ['--import', 'tsx', join(ROOT, 'src/cli.ts')];

/** `cbec-zone clearance-worker`: deciding in a process of its own beside the server (PostgreSQL). */
describe('clearance worker process', () => {
  it('refuses the embedded database with a clear message (exit 2)', () => {
    const r = spawnSync(process.execPath, [...CLI, 'clearance-worker'], {
      env: { ...process.env, DATABASE_URL: '', LOG_LEVEL: 'silent' },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('DATABASE_URL');
  });

  describe.skipIf(DB_MODE !== 'postgres')('on PostgreSQL', () => {
    let t: TestPlatform;
    let worker: ChildProcess;
    let out = '';
    beforeAll(async () => {
      // the platform here takes the messages in; its own worker is not started: the child process decides
      t = await startTestPlatform({ config: { jsonDeclarations: 'accept', inspectionRate: '0' } });
      worker = spawn(process.execPath, [...CLI, 'clearance-worker'], {
        env: {
          ...process.env,
          DATABASE_URL: t.p.config.databaseUrl,
          CBEC_PI_KEY: t.p.config.piKeyHex,
          CBEC_SEED_DEMO: 'false',
          LOG_LEVEL: 'warn',
        },
      });
      worker.stdout?.on('data', (d) => {
        out += d;
      });
      worker.stderr?.on('data', (d) => {
        out += d;
      });
      const deadline = Date.now() + 60_000;
      while (!out.includes('clearance worker running')) {
        if (Date.now() > deadline || worker.exitCode !== null) throw new Error(`worker did not start:\n${out}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    }, 90_000);
    afterAll(async () => {
      worker?.kill('SIGTERM');
      await new Promise((r) => worker?.once('exit', r));
      await t?.close();
    });

    it('decides lists declared through another process: released with their receipts', async () => {
      const send = async (uscc: string, m: CebMessage) =>
        expect((await t.p.declaration.intake({ uscc }, m, 'json')).receipt.status).toBe('accepted');
      const orderNo = `WK-${Date.now()}`;
      await send(PARTIES.ebp, orderMessage([orderRecord({ orderNo })]));
      await send(PARTIES.pay, paymentMessage(orderNo, `PAY-${orderNo}`));
      await send(PARTIES.logistics, waybillMessage(orderNo, `LN-${orderNo}`));
      await send(PARTIES.logistics, inventoryMessage(orderNo, `LN-${orderNo}`, `C${Date.now() % 1e9}`, '2'));
      const deadline = Date.now() + 30_000;
      let status = '';
      while (Date.now() < deadline) {
        status =
          rowsOf<{ status: string }>(
            await t.p.dbh.db.execute(sql`select status from clr_lists where order_no = ${orderNo}`),
          )[0]?.status ?? '';
        if (status !== 'waiting') break;
        await new Promise((r) => setTimeout(r, 200));
      }
      expect(status, out).toBe('released');
      // each receipt goes to the list's declarer (the logistics firm, its declaring unit) and to the e-commerce
      // enterprise the list names: one row per recipient
      const receipts = rowsOf<{ return_status: string; recipient_uscc: string }>(
        await t.p.dbh.db.execute(sql`select return_status, recipient_uscc from decl_receipts
          where type = 'CEB622Message' and business_key like ${`%|${orderNo}`} order by seq`),
      );
      const recipients = [...new Set(receipts.map((r) => r.recipient_uscc))];
      expect(recipients).toHaveLength(2);
      expect(recipients).toContain(PARTIES.logistics);
      for (const uscc of recipients) {
        expect(receipts.filter((r) => r.recipient_uscc === uscc).map((r) => r.return_status)).toEqual([
          '2',
          '120',
          '399',
          '800',
        ]);
      }
      expect(receipts).toHaveLength(8);
    }, 60_000);
  });
});

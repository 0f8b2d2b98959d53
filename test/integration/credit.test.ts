import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoUscc } from '../../src/app/demo.js';
import { orgCodeCheckCharacter, usccCheckCharacter } from '../../src/kernel/codes/uscc.js';
import { type CreditLevel, levelOn, shanghaiDate } from '../../src/modules/credit/model.js';
import { creditRecords } from '../../src/modules/credit/schema.js';
import { login } from '../support/http.js';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';

/** A valid USCC for test enterprise n (not filed here: customs credit does not depend on the filing). */
function uscc(n: number): string {
  const body = `MA7C${String(n).padStart(4, '0')}`;
  const first17 = `91620100${body}${orgCodeCheckCharacter(body)}`;
  return first17 + usccCheckCharacter(first17);
}

describe('customs enterprise credit (海关企业信用)', () => {
  let t: TestPlatform;
  let customs: string;
  let tax: string;
  let admin: string;
  let ebp: string;
  beforeAll(async () => {
    t = await startTestPlatform();
    [customs, tax, admin, ebp] = await Promise.all([
      login(t.app, 'customs.demo'),
      login(t.app, 'tax.demo'),
      login(t.app, 'admin', t.adminPassword),
      login(t.app, 'ebp.demo'),
    ]);
  });
  afterAll(() => t.close());

  const post = (payload: unknown, cookie: string) =>
    t.app.inject({ method: 'POST', url: '/api/v1/credit/records', payload: payload as object, headers: { cookie } });
  const get = (code: string, cookie: string, on?: string) =>
    t.app.inject({
      method: 'GET',
      url: `/api/v1/credit/${code}${on ? `?on=${on}` : ''}`,
      headers: { cookie },
    });
  const levelVia = async (code: string, on: string) => {
    const res = await get(code, customs, on);
    expect(res.statusCode, res.body).toBe(200);
    return res.json().level as CreditLevel;
  };

  describe('demo data', () => {
    it('one demo enterprise is advanced, one dishonest, from 2026-04-01', async () => {
      expect(await levelVia(demoUscc(1), '2026-03-31')).toBe('general');
      expect(await levelVia(demoUscc(1), '2026-04-01')).toBe('advanced');
      expect(await levelVia(demoUscc(3), '2026-04-01')).toBe('dishonest');
      expect(await levelVia(demoUscc(2), '2026-04-01')).toBe('general');
      const res = await get(demoUscc(1), customs, '2026-04-01');
      expect(res.json()).toMatchObject({
        uscc: demoUscc(1),
        on: '2026-04-01',
        decree: '282',
        level: 'advanced',
        record: {
          decree: '282',
          level: 'advanced',
          validFrom: '2026-04-01',
          validTo: null,
          recordedBy: 'customs.demo',
        },
      });
      expect(res.json().record.basis).toMatch(/^【演示】/);
      expect(res.json().history).toHaveLength(1);
    });
  });

  describe('recording', () => {
    it('a customs officer records a level (201); it shows in the history and the audit trail', async () => {
      const res = await post(
        { uscc: uscc(1), level: 'certified', validFrom: '2026-04-15', validTo: '2027-04-14', basis: '认证企业认定' },
        customs,
      );
      expect(res.statusCode, res.body).toBe(201);
      const r = res.json().record;
      expect(r).toMatchObject({
        uscc: uscc(1),
        decree: '282',
        level: 'certified',
        validFrom: '2026-04-15',
        validTo: '2027-04-14',
        basis: '认证企业认定',
        recordedBy: 'customs.demo',
      });
      expect(r.id).toMatch(/^[0-9a-f-]{36}$/);
      expect(Date.parse(r.recordedAt)).not.toBeNaN();

      const standing = (await get(uscc(1), tax, '2026-05-01')).json();
      expect(standing).toMatchObject({ level: 'certified', decree: '282', record: { id: r.id } });
      expect(standing.history.map((h: { id: string }) => h.id)).toEqual([r.id]);

      const audit = await t.app.inject({
        method: 'GET',
        url: `/api/v1/audit?action=credit.recorded&enterpriseUscc=${uscc(1)}`,
        headers: { cookie: admin },
      });
      expect(audit.json().items).toHaveLength(1);
      expect(audit.json().items[0]).toMatchObject({
        actorName: 'customs.demo',
        actorRole: 'customs',
        targetId: uscc(1),
        summary: { recordId: r.id, decree: '282', level: 'certified', validFrom: '2026-04-15', validTo: '2027-04-14' },
      });
      expect((await t.p.audit.verify()).ok).toBe(true);
    });

    it('a Decree 251 record before 2026-04-01 is stored as 251; the platform admin may record too', async () => {
      const res = await post({ uscc: uscc(2), level: 'dishonest', validFrom: '2025-06-01', basis: '欠税' }, admin);
      expect(res.statusCode, res.body).toBe(201);
      expect(res.json().record).toMatchObject({
        decree: '251',
        level: 'dishonest',
        validTo: null,
        recordedBy: 'admin',
      });
    });

    it('the USCC is trimmed and upper-cased before it is stored', async () => {
      const code = uscc(3);
      const res = await post(
        { uscc: ` ${code.toLowerCase()} `, level: 'general', validFrom: '2026-04-01', basis: '常规' },
        customs,
      );
      expect(res.statusCode, res.body).toBe(201);
      expect(res.json().record.uscc).toBe(code);
    });

    it('other officers and enterprises may not record (403)', async () => {
      const body = { uscc: uscc(4), level: 'advanced', validFrom: '2026-04-01', basis: 'x' };
      for (const cookie of [tax, ebp]) {
        const res = await post(body, cookie);
        expect(res.statusCode).toBe(403);
        expect(res.json().error.code).toBe('FORBIDDEN');
      }
      expect((await t.app.inject({ method: 'POST', url: '/api/v1/credit/records', payload: body })).statusCode).toBe(
        401,
      );
    });
  });

  describe('levels on dates', () => {
    const A = uscc(10);
    beforeAll(async () => {
      const records = [
        // a Decree 251 advanced class until the day before Decree 282
        { level: 'advanced', validFrom: '2024-01-01', validTo: '2026-03-31', basis: '高级认证（251）' },
        // re-rated under 282: certified, open-ended
        { level: 'certified', validFrom: '2026-04-01', basis: '认证企业（282）' },
        // a one-month downgrade overlapping it
        { level: 'seriously-dishonest', validFrom: '2026-06-01', validTo: '2026-06-30', basis: '严重失信' },
        // a correction of the same first day, recorded later: it wins
        { level: 'dishonest', validFrom: '2026-06-01', validTo: '2026-06-30', basis: '更正为失信' },
      ];
      for (const r of records) {
        const res = await post({ uscc: A, ...r }, customs);
        expect(res.statusCode, res.body).toBe(201);
      }
    });

    it.each([
      ['2023-12-31', 'general', '251'],
      ['2024-01-01', 'advanced', '251'],
      ['2026-03-31', 'advanced', '251'],
      ['2026-04-01', 'certified', '282'],
      ['2026-05-31', 'certified', '282'],
      ['2026-06-01', 'dishonest', '282'],
      ['2026-06-30', 'dishonest', '282'],
      ['2026-07-01', 'certified', '282'],
      ['2030-01-01', 'certified', '282'],
    ] as const)('on %s: %s (decree %s)', async (on, level, decree) => {
      const res = await get(A, customs, on);
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()).toMatchObject({ on, level, decree });
      expect(await t.p.credit.levelOn(A, on)).toBe(level);
      expect((await t.p.credit.levelsOn([A], on)).get(A)).toBe(level);
    });

    it('the history lists every record, the one that takes precedence first', async () => {
      const h = (await get(A, customs)).json().history as { level: string; validFrom: string }[];
      expect(h.map((r) => `${r.validFrom} ${r.level}`)).toEqual([
        '2026-06-01 dishonest',
        '2026-06-01 seriously-dishonest',
        '2026-04-01 certified',
        '2024-01-01 advanced',
      ]);
    });

    it('without ?on the date is today in Asia/Shanghai', async () => {
      const res = await get(A, customs);
      const today = shanghaiDate();
      expect(res.json().on).toBe(today);
      expect(res.json().level).toBe(await t.p.credit.levelOn(A, today));
    });

    it('levelsOn: many enterprises in one call, general for those without a record in force, duplicates once', async () => {
      const m = await t.p.credit.levelsOn([A, demoUscc(1), demoUscc(3), uscc(99), A, uscc(2)], '2026-06-15');
      expect([...m.entries()].sort()).toEqual(
        [
          [A, 'dishonest'],
          [demoUscc(1), 'advanced'],
          [demoUscc(3), 'dishonest'],
          [uscc(99), 'general'],
          [uscc(2), 'dishonest'],
        ].sort(),
      );
      expect((await t.p.credit.levelsOn([], '2026-06-15')).size).toBe(0);
      await expect(t.p.credit.levelsOn([A], '2026-06-31')).rejects.toMatchObject({ status: 400 });
    });

    it('levelsOn agrees with the pure resolution over many enterprises and dates, and is fast', async () => {
      // 1,500 enterprises with 0–3 overlapping records each, inserted directly.
      const rows: (typeof creditRecords.$inferInsert)[] = [];
      const expected: {
        code: string;
        records: { id: string; level: CreditLevel; validFrom: string; validTo: string | null; recordedAt: Date }[];
      }[] = [];
      const levels: CreditLevel[] = ['advanced', 'certified', 'general', 'dishonest', 'seriously-dishonest'];
      for (let i = 0; i < 1500; i++) {
        const code = uscc(1000 + i);
        const records = [];
        for (let k = 0; k < i % 4; k++) {
          const from = `2026-0${4 + k}-${String(1 + ((i * 7 + k) % 28)).padStart(2, '0')}`;
          const r = {
            id: crypto.randomUUID(),
            level: levels[(i + k) % 5] as CreditLevel,
            validFrom: from,
            validTo: (i + k) % 3 === 0 ? `2026-0${5 + k}-15` : null,
            recordedAt: new Date(Date.UTC(2026, 3, 1, k, i % 60)),
          };
          records.push(r);
          rows.push({ ...r, uscc: code, decree: '282', basis: 'bulk', recordedBy: 'test' });
        }
        expected.push({ code, records });
      }
      await t.p.dbh.db.insert(creditRecords).values(rows);
      const codes = expected.map((e) => e.code);
      for (const on of ['2026-03-31', '2026-04-15', '2026-05-15', '2026-05-16', '2026-06-20', '2026-09-01']) {
        const started = performance.now();
        const m = await t.p.credit.levelsOn(codes, on);
        const ms = performance.now() - started;
        expect(ms, `levelsOn 1,500 enterprises took ${ms.toFixed(0)} ms`).toBeLessThan(2000);
        expect(m.size).toBe(codes.length);
        for (const e of expected) expect(m.get(e.code), `${e.code} on ${on}`).toBe(levelOn(e.records, on));
      }
    });
  });

  describe('the list of enterprises with their levels (信用管理)', () => {
    const SUSPENDED = uscc(40);
    const APPLIED = uscc(41);
    const CERTIFIED = uscc(42);
    type Item = {
      uscc: string;
      nameCn: string;
      filingStatus: string;
      level: string;
      record: { validFrom: string } | null;
    };
    const list = async (query: string, cookie = customs) => {
      const res = await t.app.inject({ method: 'GET', url: `/api/v1/credit?${query}`, headers: { cookie } });
      expect(res.statusCode, res.body).toBe(200);
      return res.json() as { on: string; decree: string; items: Item[]; total: number; page: number; pageSize: number };
    };
    const codes = (items: Item[]) => items.map((i) => i.uscc).sort();
    const DEMO = [1, 2, 3, 4, 5].map(demoUscc);

    beforeAll(async () => {
      const file = async (code: string, nameCn: string) => {
        const res = await t.app.inject({
          method: 'POST',
          url: '/api/v1/enterprises',
          headers: { cookie: customs },
          payload: {
            uscc: code,
            nameCn,
            customsCode: code === CERTIFIED ? '6201960042' : undefined,
            legalRepresentative: { name: '张三' },
            registeredAddress: '甘肃省兰州市城关区信用路 1 号',
            regionCode: '620100',
            contacts: [{ name: '李四', phone: '13800000000' }],
            roles: ['ebc'],
          },
        });
        expect(res.statusCode, res.body).toBe(201);
      };
      const decide = async (code: string, action: string, reason?: string) => {
        const res = await t.app.inject({
          method: 'POST',
          url: `/api/v1/enterprises/${code}/decisions`,
          headers: { cookie: customs },
          payload: { action, ...(reason ? { reason } : {}) },
        });
        expect(res.statusCode, res.body).toBe(200);
      };
      await file(SUSPENDED, '信用列表暂停测试有限公司');
      await decide(SUSPENDED, 'approve');
      await decide(SUSPENDED, 'suspend', '信用列表测试');
      await file(APPLIED, '信用列表待审测试有限公司');
      await file(CERTIFIED, '信用列表认证测试有限公司');
      await decide(CERTIFIED, 'approve');
      const rec = await post(
        { uscc: CERTIFIED, level: 'certified', validFrom: '2026-05-01', validTo: '2026-05-31', basis: '认证企业认定' },
        customs,
      );
      expect(rec.statusCode, rec.body).toBe(201);
    });

    it('every enterprise filed here with its level on the date and the record it comes from', async () => {
      const r = await list('on=2026-05-15&pageSize=200');
      expect(r).toMatchObject({ on: '2026-05-15', decree: '282', page: 1, pageSize: 200 });
      // the demo five and the two approved here; not the application never approved, not the unfiled enterprises
      // with records (uscc(1) …)
      expect(codes(r.items)).toEqual([...DEMO, SUSPENDED, CERTIFIED].sort());
      expect(r.total).toBe(7);
      const by = new Map(r.items.map((i) => [i.uscc, i]));
      expect(by.get(demoUscc(1))).toMatchObject({ level: 'advanced', record: { validFrom: '2026-04-01' } });
      expect(by.get(demoUscc(1))?.nameCn).toMatch(/^【演示】/);
      expect(by.get(demoUscc(3))).toMatchObject({ level: 'dishonest', filingStatus: 'approved' });
      expect(by.get(demoUscc(2))).toMatchObject({ level: 'general', record: null });
      expect(by.get(CERTIFIED)).toMatchObject({
        nameCn: '信用列表认证测试有限公司',
        level: 'certified',
        record: { validFrom: '2026-05-01' },
      });
      expect(by.get(SUSPENDED)).toMatchObject({ filingStatus: 'suspended', level: 'general' });
      expect(r.items.every((i) => !('legalRepresentative' in i) && !('contacts' in i))).toBe(true);
    });

    it('the levels are those of the date: before Decree 282 took effect every demo enterprise was 常规', async () => {
      const r = await list('on=2026-03-31&pageSize=200');
      expect(r.decree).toBe('251');
      expect(r.items.every((i) => i.level === 'general' && i.record === null)).toBe(true);
      // the certified record ended on 2026-05-31 (inclusive)
      expect((await list('on=2026-06-01&level=certified')).items).toEqual([]);
    });

    it('filtered by level: one, several, and 常规 including the enterprises without a record', async () => {
      expect(codes((await list('on=2026-05-15&level=dishonest')).items)).toEqual([demoUscc(3)]);
      expect(codes((await list('on=2026-05-15&level=advanced&level=certified')).items)).toEqual(
        [demoUscc(1), CERTIFIED].sort(),
      );
      const general = await list('on=2026-05-15&level=general&pageSize=200');
      expect(codes(general.items)).toEqual([demoUscc(2), demoUscc(4), demoUscc(5), SUSPENDED].sort());
      expect(general.total).toBe(4);
      expect((await list('on=2026-05-15&level=seriously-dishonest')).total).toBe(0);
      const generalOrDishonest = await list('on=2026-05-15&level=general&level=dishonest&pageSize=200');
      expect(generalOrDishonest.total).toBe(5);
    });

    it('filtered by part of the name (Chinese or English), of the USCC or of the customs code, with the level', async () => {
      expect(codes((await list(`on=2026-05-15&q=${encodeURIComponent('陆港')}`)).items)).toEqual([demoUscc(4)]);
      expect(codes((await list('on=2026-05-15&q=land%20port')).items)).toEqual([demoUscc(4)]);
      expect(codes((await list(`on=2026-05-15&q=${demoUscc(3).slice(8, 16).toLowerCase()}`)).items)).toEqual([
        demoUscc(3),
      ]);
      expect(codes((await list('on=2026-05-15&q=6201960042')).items)).toEqual([CERTIFIED]);
      const both = await list(`on=2026-05-15&level=general&q=${encodeURIComponent('信用列表')}`);
      expect(codes(both.items)).toEqual([SUSPENDED]);
      // LIKE wildcards are matched literally
      expect((await list('q=%25')).total).toBe(0);
      expect((await list('q=_')).total).toBe(0);
    });

    it('paged, ordered by name: the pages together are the whole list, once each', async () => {
      const whole = await list('on=2026-05-15&pageSize=200');
      const pages = [];
      for (let page = 1; page <= 4; page++) pages.push(await list(`on=2026-05-15&pageSize=2&page=${page}`));
      expect(pages.map((p) => p.items.length)).toEqual([2, 2, 2, 1]);
      expect(pages.every((p) => p.total === 7)).toBe(true);
      expect(pages.flatMap((p) => p.items.map((i) => i.uscc))).toEqual(whole.items.map((i) => i.uscc));
    });

    it('every officer and the admin list; enterprises may not (403), anonymous callers 401', async () => {
      expect((await list('pageSize=1', tax)).total).toBe(7);
      expect((await list('pageSize=1', admin)).total).toBe(7);
      const res = await t.app.inject({ method: 'GET', url: '/api/v1/credit', headers: { cookie: ebp } });
      expect(res.statusCode).toBe(403);
      expect((await t.app.inject({ method: 'GET', url: '/api/v1/credit' })).statusCode).toBe(401);
    });

    it('a bad level, date or page: 400 naming the parameter', async () => {
      for (const [query, path] of [
        ['level=excellent', 'querystring.level'],
        ['on=2026-02-30', 'querystring.on'],
        ['page=0', 'querystring.page'],
        ['pageSize=201', 'querystring.pageSize'],
        [`q=${'x'.repeat(101)}`, 'querystring.q'],
        ['owner=me', 'querystring.owner'],
      ] as const) {
        const res = await t.app.inject({ method: 'GET', url: `/api/v1/credit?${query}`, headers: { cookie: customs } });
        expect(res.statusCode, `${query}: ${res.body}`).toBe(400);
        expect((res.json().error.details as { path: string }[])[0]?.path, query).toMatch(new RegExp(`^${path}`));
      }
    });
  });

  describe('bad input', () => {
    it('a USCC with a wrong check character: 400 naming the field and the expected character', async () => {
      const good = uscc(5);
      const bad = good.slice(0, 17) + (good[17] === '0' ? '1' : '0');
      const res = await post({ uscc: bad, level: 'general', validFrom: '2026-04-01', basis: 'x' }, customs);
      expect(res.statusCode).toBe(400);
      expect(res.json().error).toMatchObject({
        code: 'VALIDATION_FAILED',
        details: [{ path: 'uscc', code: 'USCC_CHECK_CHARACTER' }],
      });
      const read = await get(bad, customs);
      expect(read.statusCode).toBe(400);
      expect(read.json().error.details[0]).toMatchObject({ path: 'params.uscc', code: 'USCC_CHECK_CHARACTER' });
    });

    it('every malformed field at once: 400 with each path', async () => {
      const res = await post(
        { uscc: '123', level: 'excellent', validFrom: '2026-02-30', validTo: '31/12/2026', basis: '  ', extra: 1 },
        customs,
      );
      expect(res.statusCode).toBe(400);
      const paths = (res.json().error.details as { path: string }[]).map((d) => d.path).sort();
      expect(paths).toEqual(expect.arrayContaining(['basis', 'level', 'uscc', 'validFrom', 'validTo']));
      const dates = (res.json().error.details as { path: string; message: string; messageEn: string }[]).filter(
        (d) => d.path === 'validFrom',
      );
      expect(dates[0]).toMatchObject({
        message: expect.stringContaining('YYYY-MM-DD'),
        messageEn: expect.stringContaining('YYYY-MM-DD'),
      });
    });

    it('a bad ?on date: 400 on querystring.on', async () => {
      const res = await get(uscc(1), customs, '2026-4-1');
      expect(res.statusCode).toBe(400);
      expect(res.json().error.details[0].path).toBe('querystring.on');
    });

    it('valid_to before valid_from: 422 on validTo; nothing recorded', async () => {
      const res = await post(
        { uscc: uscc(6), level: 'advanced', validFrom: '2026-04-02', validTo: '2026-04-01', basis: 'x' },
        customs,
      );
      expect(res.statusCode).toBe(422);
      expect(res.json().error).toMatchObject({
        code: 'CREDIT_RECORD_INVALID',
        details: [{ path: 'validTo', code: 'CREDIT_PERIOD_REVERSED' }],
      });
      expect((await get(uscc(6), customs)).json().history).toEqual([]);
      // the same day is a one-day record (valid_to inclusive)
      const oneDay = await post(
        { uscc: uscc(6), level: 'advanced', validFrom: '2026-04-02', validTo: '2026-04-02', basis: 'x' },
        customs,
      );
      expect(oneDay.statusCode).toBe(201);
      expect(await levelVia(uscc(6), '2026-04-02')).toBe('advanced');
      expect(await levelVia(uscc(6), '2026-04-03')).toBe('general');
    });

    it('certified or seriously-dishonest before 2026-04-01 (Decree 251): 422 on level', async () => {
      for (const level of ['certified', 'seriously-dishonest']) {
        const res = await post({ uscc: uscc(7), level, validFrom: '2026-03-31', basis: 'x' }, customs);
        expect(res.statusCode).toBe(422);
        const d = res.json().error.details[0];
        expect(d).toMatchObject({ path: 'level', code: 'CREDIT_LEVEL_NOT_IN_DECREE' });
        expect(d.message).toContain('第251号');
        expect(d.messageEn).toContain('Decree No. 251');
      }
    });

    it('a record before Decree 251 (2021-11-01): 422 on validFrom', async () => {
      const res = await post({ uscc: uscc(7), level: 'general', validFrom: '2021-10-31', basis: 'x' }, customs);
      expect(res.statusCode).toBe(422);
      expect(res.json().error.details[0]).toMatchObject({ path: 'validFrom', code: 'CREDIT_BEFORE_DECREE_251' });
    });
  });

  describe('who reads', () => {
    it('the enterprise itself sees its level and history, without the officer names', async () => {
      const res = await get(demoUscc(1), ebp, '2026-04-01');
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()).toMatchObject({ level: 'advanced', record: { recordedBy: null } });
      expect(res.json().history.every((h: { recordedBy: string | null }) => h.recordedBy === null)).toBe(true);
    });

    it('an enterprise asking for another enterprise gets 404, exactly as for one that does not exist', async () => {
      const other = await get(demoUscc(3), ebp);
      const nobody = await get(uscc(98), ebp);
      expect(other.statusCode).toBe(404);
      expect(nobody.statusCode).toBe(404);
      expect(other.json().error.code).toBe('NOT_FOUND');
      expect({ ...other.json().error, requestId: 0 }).toEqual({ ...nobody.json().error, requestId: 0 });
    });

    it("the enterprise's API key reads its own credit", async () => {
      const { secret } = await t.p.identity.createApiKey(
        { name: 'credit-test', role: 'system' },
        demoUscc(1),
        'k',
        null,
      );
      const own = await t.app.inject({
        method: 'GET',
        url: `/api/v1/credit/${demoUscc(1)}?on=2026-04-01`,
        headers: { authorization: `Bearer ${secret}` },
      });
      expect(own.json()).toMatchObject({ level: 'advanced' });
      const other = await t.app.inject({
        method: 'GET',
        url: `/api/v1/credit/${demoUscc(3)}`,
        headers: { authorization: `Bearer ${secret}` },
      });
      expect(other.statusCode).toBe(404);
    });

    it('every officer reads any enterprise; anonymous gets 401', async () => {
      for (const u of ['customs.demo', 'tax.demo', 'forex.demo', 'commerce.demo', 'finance.demo']) {
        const res = await get(demoUscc(3), await login(t.app, u), '2026-04-01');
        expect(res.statusCode, u).toBe(200);
        expect(res.json().level).toBe('dishonest');
      }
      expect((await t.app.inject({ method: 'GET', url: `/api/v1/credit/${demoUscc(3)}` })).statusCode).toBe(401);
    });
  });

  it("a code on the operator's legacy-USCC exception list is accepted", async () => {
    const legacy = '91620100MA7LHD0150';
    const before = await post({ uscc: legacy, level: 'general', validFrom: '2026-04-01', basis: 'x' }, customs);
    expect(before.statusCode).toBe(400);
    const added = await t.app.inject({
      method: 'POST',
      url: '/api/v1/uscc-exceptions',
      payload: { uscc: legacy, reason: '早期赋码' },
      headers: { cookie: admin },
    });
    expect(added.statusCode, added.body).toBeLessThan(300);
    const after = await post({ uscc: legacy, level: 'advanced', validFrom: '2026-04-01', basis: 'x' }, customs);
    expect(after.statusCode, after.body).toBe(201);
    expect(await levelVia(legacy, '2026-04-01')).toBe('advanced');
  });
});

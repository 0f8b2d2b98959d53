import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { eq, sql } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { conditionsFor } from '../../src/modules/clearance/rules/export/export-conditions-table.js';
import { clrReferenceTables } from '../../src/modules/clearance/schema.js';
import { ReferenceTables, SAMPLE_LABEL } from '../../src/modules/clearance/tables/reference-tables.js';
import { SAMPLE_TABLES_DIR } from '../../src/modules/clearance/tables/table-files.js';
import { rateFor } from '../../src/modules/clearance/tables/tables.js';
import { auditLog } from '../../src/platform/audit/schema.js';
import { type DbHandle, openDatabase } from '../../src/platform/db/client.js';
import { PARTIES } from '../support/ceb.js';
import { login } from '../support/http.js';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';

/**
 * Reference tables in the database (issue 4 §3): seeded from the samples on first start, loaded by CSV or XLSX,
 * validated with every error's line and column, refused when unchanged, in force at once (the tax estimate sees a
 * new rate without a restart), and old versions kept for replaying decisions.
 */

const TARIFF_HEADER = 'hs_code,valid_from,valid_to,mfn_rate,vat_rate,consumption_tax_rate,consumption_tax_rule';
const SERUM = { hsCode: '3304990029', price: '600.00', qty: '1', netContent: '50', netContentUnit: 'ml' };
const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** The sample tariff table with the serum's consumption-tax rate changed from 0.15 to 0.30. */
async function tariffWithSerumCt30(): Promise<string> {
  const text = await readFile(join(SAMPLE_TABLES_DIR, 'tariff-rates.csv'), 'utf8');
  const changed = text.replace(
    '3304990029,2019-04-01,,0.01,0.13,0.15,cosmetics',
    '3304990029,2019-04-01,,0.01,0.13,0.30,cosmetics',
  );
  expect(changed).not.toBe(text);
  return changed;
}

async function workbook(rows: unknown[][], prepare?: (ws: ExcelJS.Worksheet) => void): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('表1');
  for (const r of rows) ws.addRow(r);
  prepare?.(ws);
  wb.addWorksheet('ignored').addRow(['not', 'read']);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

describe('reference tables', () => {
  let t: TestPlatform;
  let customs: string;
  let admin: string;
  let tax: string;
  let key: string;

  beforeAll(async () => {
    t = await startTestPlatform();
    customs = await login(t.app, 'customs.demo');
    tax = await login(t.app, 'tax.demo');
    admin = await login(t.app, 'admin', t.adminPassword);
    key = (await t.p.identity.createApiKey({ name: 'test' }, PARTIES.ebp, 'checkout', null)).secret;
  });
  afterAll(() => t?.close());

  const estimateSerum = () =>
    t.app.inject({
      method: 'POST',
      url: '/api/v1/tax/estimate',
      payload: { items: [SERUM], freight: '0', insurance: '0' },
      headers: { authorization: `Bearer ${key}` },
    });
  const upload = (kind: string, body: string | Buffer, opts: { type?: string; query?: string; cookie?: string } = {}) =>
    t.app.inject({
      method: 'POST',
      url: `/api/v1/tables/${kind}${opts.query ? `?${opts.query}` : ''}`,
      payload: body,
      headers: { cookie: opts.cookie ?? customs, 'content-type': opts.type ?? 'text/csv' },
    });

  describe('first start', () => {
    it('seeds one labelled SAMPLE version of each kind and keeps all six in force', async () => {
      const cur = t.p.tables.current();
      expect(cur.sample).toBe(true);
      expect(Object.keys(cur.versions)).toEqual([
        'tariff-rates',
        'positive-list',
        'exchange-rates',
        'customs-params',
        'holidays',
        'export-conditions',
      ]);
      for (const v of Object.values(cur.versions)) expect(v).toMatchObject({ label: SAMPLE_LABEL, isSample: true });
      expect(cur.versions['tariff-rates'].rowCount).toBe(cur.tables.tariffRates.rows.length);
      expect(cur.params.byKey.get('currency 142')?.[0]?.nameZh).toBe('人民币');
      expect(cur.holidays.byDate.get('2026-10-01')?.name).toBe('国庆节');
      const list = await t.p.tables.list();
      for (const versions of Object.values(list)) expect(versions).toHaveLength(1);
      const seeded = await t.p.audit.list({ action: 'tables.seeded', page: 1, pageSize: 10 });
      expect(seeded.total).toBe(6);
    });

    it('the export-conditions sample is the sixth kind, labelled SAMPLE, every row saying SAMPLE', async () => {
      const cur = t.p.tables.current();
      expect(cur.versions['export-conditions']).toMatchObject({
        label: SAMPLE_LABEL,
        isSample: true,
        rowCount: cur.exportConditions.rows.length,
      });
      expect(cur.exportConditions.rows.length).toBeGreaterThan(5);
      for (const row of cur.exportConditions.rows) expect(row.note).toContain('SAMPLE');
      expect(conditionsFor(cur.exportConditions, '2841610000', '2026-12-03')).toMatchObject({ needsLicence: true });
      const [v] = (await t.p.tables.list())['export-conditions'];
      expect(v).toMatchObject({ sourceName: 'export-conditions.csv', loadedBy: 'system:seed', inForce: true });
      const versions = await t.p.tables.versionTables({ 'export-conditions': v!.id });
      expect(versions.exportConditions).toBe(cur.exportConditions);
    });

    it('a second init (another process, a restart) adds nothing', async () => {
      const again = new ReferenceTables(t.p.dbh.db, t.p.audit, { seedDir: SAMPLE_TABLES_DIR, seedIsSample: true });
      await again.init();
      expect(again.current().versions).toEqual(t.p.tables.current().versions);
      const [{ n }] = (await t.p.dbh.db.select({ n: sql<number>`count(*)::int` }).from(clrReferenceTables)) as [
        { n: number },
      ];
      expect(n).toBe(6);
    });
  });

  describe('import through the service', () => {
    it('a bad CSV: every error with line and column, both languages; nothing stored, nothing changes', async () => {
      const before = t.p.tables.current();
      const r = await t.p.tables.import('tariff-rates', {
        content: Buffer.from(
          [
            TARIFF_HEADER,
            '3304990029,2019-04-01,,0.01,13%,0.15,cosmetics',
            '33041000,2019-02-30,,0.01,0.13,0.15,',
          ].join('\n'),
        ),
        fileName: 'bad.csv',
        by: 'test',
      });
      expect(r.ok).toBe(false);
      if (r.ok) return;
      expect(r.code).toBe('INVALID_TABLE');
      expect(r.errors.map((e) => [e.line, e.column])).toEqual([
        [2, 'vat_rate'],
        [3, 'valid_from'],
      ]);
      expect(r.errors[0]).toMatchObject({
        value: '13%',
        messageZh: 'vat_rate 应写小数（如 0.13），不写百分号',
        messageEn: 'vat_rate: write rates as decimals (0.13), not percentages',
      });
      expect(t.p.tables.current()).toBe(before);
      expect((await t.p.tables.list())['tariff-rates']).toHaveLength(1);
    });

    it('a file that is not UTF-8 (GBK from Excel) is refused with a hint', async () => {
      // "国庆节" in GBK
      const gbk = Buffer.concat([
        Buffer.from('date,kind,name\n2026-10-01,holiday,'),
        Buffer.from([0xb9, 0xfa, 0xc7, 0xec, 0xbd, 0xda]),
      ]);
      const r = await t.p.tables.import('holidays', { content: gbk, fileName: 'h.csv', by: 'test' });
      expect(r).toMatchObject({ ok: false, code: 'UNREADABLE_FILE' });
      if (!r.ok) expect(r.errors[0]!.messageZh).toContain('CSV UTF-8');
    });

    it('the sample again, even with a BOM and another name, is identical to the version in force: refused', async () => {
      const text = await readFile(join(SAMPLE_TABLES_DIR, 'holidays.csv'), 'utf8');
      const r = await t.p.tables.import('holidays', {
        content: Buffer.from(`\uFEFF${text}`),
        fileName: 'holidays-copy.csv',
        by: 'test',
      });
      expect(r).toMatchObject({ ok: false, code: 'UNCHANGED' });
      if (!r.ok) {
        expect(r.errors[0]!.messageEn).toContain('Identical to the version in force');
        expect(r.errors[0]!.messageZh).toContain('内容完全相同');
      }
    });

    it('a good CSV becomes the only active version, swaps current() and is audited', async () => {
      const before = t.p.tables.current();
      const oldId = before.versions['tariff-rates'].id;
      const r = await t.p.tables.import('tariff-rates', {
        content: Buffer.from(await tariffWithSerumCt30()),
        fileName: 'tariff-2026.csv',
        label: '2026 税则 第2版',
        by: 'customs.demo',
      });
      if (!r.ok) throw new Error(JSON.stringify(r.errors));
      expect(r.version).toMatchObject({
        kind: 'tariff-rates',
        label: '2026 税则 第2版',
        sourceName: 'tariff-2026.csv',
        isSample: false,
        active: true,
        inForce: true,
        loadedBy: 'customs.demo',
        rowCount: 13,
      });
      const after = t.p.tables.current();
      expect(after).not.toBe(before);
      expect(after.versions['tariff-rates']).toMatchObject({ id: r.version.id, isSample: false });
      // the other kinds are the same objects
      expect(after.tables.positiveList).toBe(before.tables.positiveList);
      expect(after.holidays).toBe(before.holidays);
      expect(rateFor(after.tables, SERUM.hsCode, '2026-11-28')?.rates.consumptionTaxRate.toString()).toBe('0.3');
      expect(rateFor(before.tables, SERUM.hsCode, '2026-11-28')?.rates.consumptionTaxRate.toString()).toBe('0.15');

      const versions = (await t.p.tables.list())['tariff-rates'];
      expect(versions.map((v) => [v.id, v.active, v.inForce])).toEqual([
        [r.version.id, true, true],
        [oldId, false, false],
      ]);
      const audit = await t.p.audit.list({ action: 'tables.imported', targetId: r.version.id, page: 1, pageSize: 5 });
      expect(audit.items[0]).toMatchObject({
        actorName: 'customs.demo',
        targetType: 'reference-table',
        summary: { kind: 'tariff-rates', format: 'csv', rows: 13, replaces: oldId },
      });
      expect((await t.p.audit.verify()).ok).toBe(true);

      // A decision made on the old version is replayed with it.
      const old = await t.p.tables.versionTables({ 'tariff-rates': oldId });
      expect(rateFor(old, SERUM.hsCode, '2026-11-28')?.rates.consumptionTaxRate.toString()).toBe('0.15');
      expect(old.positiveList).toBe(after.tables.positiveList);
      const now = await t.p.tables.versionTables(
        Object.fromEntries(Object.entries(after.versions).map(([k, v]) => [k, v.id])),
      );
      expect(now.tariffRates).toBe(after.tables.tariffRates);
      await expect(t.p.tables.versionTables({ holidays: oldId })).rejects.toThrow(/is a tariff-rates table/);
    });

    it('an XLSX workbook: first worksheet, dates as YYYY-MM-DD, numbers without float noise, codes with zeros', async () => {
      const xlsx = await workbook(
        [
          ['currency', 'month', 'units', 'rate_to_cny', 'fixing_date', 'source'],
          ['USD', '2026-12', 1, 7.0 + 0.1 + 0.0234, new Date(Date.UTC(2026, 10, 18)), 'CFETS 中间价 2026-11-18'],
          [],
          ['JPY', '2026-12', 100, 4.6, null, 'CFETS, per 100 JPY'],
          [
            'EUR',
            '2026-12',
            { formula: '0+1', result: 1 },
            8.1,
            new Date(Date.UTC(2026, 10, 18)),
            { richText: [{ text: 'CFETS ' }, { text: 'EUR' }] },
          ],
        ],
        (ws) => {
          ws.getColumn(5).numFmt = 'yyyy-mm-dd';
        },
      );
      expect(xlsx.subarray(0, 4).toString('latin1')).toBe('PK\x03\x04');
      const r = await t.p.tables.import('exchange-rates', {
        content: xlsx,
        fileName: '2026-12 汇率.xlsx',
        by: 'admin',
      });
      if (!r.ok) throw new Error(JSON.stringify(r.errors));
      expect(r.version).toMatchObject({ rowCount: 3, sourceName: '2026-12 汇率.xlsx' });
      const stored = await t.p.tables.content(r.version.id);
      expect(stored?.content).toBe(
        [
          'currency,month,units,rate_to_cny,fixing_date,source',
          'USD,2026-12,1,7.1234,2026-11-18,CFETS 中间价 2026-11-18',
          '',
          'JPY,2026-12,100,4.6,,"CFETS, per 100 JPY"',
          'EUR,2026-12,1,8.1,2026-11-18,CFETS EUR',
          '',
        ].join('\n'),
      );
      const usd = t.p.tables.current().tables.exchangeRates.byKey.get('USD 2026-12');
      expect(usd?.rateToCny.toString()).toBe('7.1234');
    });

    it('XLSX errors point at the worksheet row', async () => {
      const xlsx = await workbook([
        ['date', 'kind', 'name'],
        ['2026-10-01', 'holiday', '国庆节'],
        [],
        [new Date(Date.UTC(2026, 9, 9)), 'workday', '调休'],
      ]);
      const r = await t.p.tables.import('holidays', { content: xlsx, fileName: 'h.xlsx', by: 'admin' });
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.errors.map((e) => [e.line, e.column, e.value])).toEqual([[4, 'date', '2026-10-09']]);
    });

    it('an old Excel file (.xls) and a broken workbook are refused as unreadable', async () => {
      const xls = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0, 0]);
      const r1 = await t.p.tables.import('holidays', { content: xls, fileName: 'h.xls', by: 'admin' });
      expect(r1).toMatchObject({ ok: false, code: 'UNREADABLE_FILE' });
      if (!r1.ok) expect(r1.errors[0]!.messageEn).toContain('.xls');
      const broken = Buffer.concat([Buffer.from('PK\x03\x04', 'latin1'), Buffer.alloc(64, 1)]);
      const r2 = await t.p.tables.import('holidays', { content: broken, fileName: 'h.xlsx', by: 'admin' });
      expect(r2).toMatchObject({ ok: false, code: 'UNREADABLE_FILE' });
    });
  });

  describe('HTTP', () => {
    it('the tax estimate sees a newly imported rate at once, without a restart', async () => {
      // the tariff in force has CT 30% for the serum (imported above): 600 / 0.7 × 0.3 × 0.7 = 180.00
      const first = await estimateSerum();
      expect(first.statusCode, first.body).toBe(200);
      expect(first.json()).toMatchObject({ total: '258.00', items: [{ consumptionTax: '180.00', vat: '78.00' }] });
      // back to 15% through the API
      const text = (await tariffWithSerumCt30()).replace(',0.30,cosmetics', ',0.15,cosmetics');
      const res = await upload('tariff-rates', text, { query: 'label=%E5%9B%9E%E9%80%80&fileName=tariff-v3.csv' });
      expect(res.statusCode, res.body).toBe(201);
      expect(res.json().version).toMatchObject({
        label: '回退',
        sourceName: 'tariff-v3.csv',
        loadedBy: 'customs.demo',
      });
      const second = await estimateSerum();
      expect(second.json()).toMatchObject({ total: '138.36', items: [{ consumptionTax: '74.12', vat: '64.24' }] });
      // positive list and exchange rates are still the samples
      expect(second.headers['x-cbec-tables']).toBe('sample');
    });

    it('a bad table: 422 INVALID_TABLE with details at `line N / column` in both languages', async () => {
      const res = await upload(
        'customs-params',
        'category,code,name_zh,name_en,valid_from,valid_to\ncurrency,USD,美元,,2000-01-01,\nport,1,x,,2000-01-01,\n',
      );
      expect(res.statusCode).toBe(422);
      const error = res.json().error;
      expect(error).toMatchObject({ code: 'INVALID_TABLE', message: '海关参数代码表有 2 处错误，未导入' });
      expect(error.details).toEqual([
        {
          path: 'line 2 / code',
          message: 'code 应为 3 位数字（币制代码，如 142）（值：USD）',
          messageEn: 'code must be 3 digits (currency code, e.g. 142) (value: USD)',
          code: 'TABLE_ERROR',
        },
        expect.objectContaining({ path: 'line 3 / category' }),
      ]);
    });

    it('a bad export-conditions table: 422 INVALID_TABLE, every error at `line N / column` in both languages', async () => {
      const header = 'hs_code,valid_from,valid_to,needs_licence,needs_inspection,export_duty,export_refund,name,note';
      const res = await upload(
        'export-conditions',
        `${header}\n854,2026-01-01,,N,N,N,N,半导体,\n6109,2026-01-01,,yes,N,N,N,T恤,\n`,
      );
      expect(res.statusCode).toBe(422);
      const error = res.json().error;
      expect(error).toMatchObject({ code: 'INVALID_TABLE', message: '出口商品监管条件表有 2 处错误，未导入' });
      expect(error.details).toEqual([
        {
          path: 'line 2 / hs_code',
          message: 'hs_code 应为 4 至 10 位数字（按前缀匹配）（值：854）',
          messageEn: 'hs_code must be 4 to 10 digits (matched as a prefix) (value: 854)',
          code: 'TABLE_ERROR',
        },
        {
          path: 'line 3 / needs_licence',
          message: 'needs_licence 应为 Y 或 N（值：yes）',
          messageEn: 'needs_licence must be Y or N (value: yes)',
          code: 'TABLE_ERROR',
        },
      ]);
      expect(t.p.tables.current().versions['export-conditions'].isSample).toBe(true);
    });

    it('an unchanged table: 409; an unknown kind: 400; a JSON body: 415', async () => {
      const same = await readFile(join(SAMPLE_TABLES_DIR, 'positive-list.csv'));
      const res = await upload('positive-list', same, { cookie: admin });
      expect(res.statusCode).toBe(409);
      expect(res.json().error).toMatchObject({ code: 'TABLE_UNCHANGED', details: [{ path: 'line 1' }] });
      expect((await upload('hs-codes', 'a,b\n')).statusCode).toBe(400);
      const json = await t.app.inject({
        method: 'POST',
        url: '/api/v1/tables/holidays',
        payload: { content: 'date,kind,name' },
        headers: { cookie: customs },
      });
      expect(json.statusCode).toBe(415);
    });

    it('an XLSX upload with its content type', async () => {
      const xlsx = await workbook([
        ['date', 'kind', 'name'],
        [new Date(Date.UTC(2027, 0, 1)), 'holiday', '元旦'],
      ]);
      const res = await upload('holidays', xlsx, { type: XLSX_TYPE, query: 'fileName=2027.xlsx', cookie: admin });
      expect(res.statusCode, res.body).toBe(201);
      expect(res.json().version).toMatchObject({ rowCount: 1, sourceName: '2027.xlsx', isSample: false });
      expect(t.p.tables.current().holidays.byDate.get('2027-01-01')?.name).toBe('元旦');
    });

    it('the list: every kind with its columns and versions; staff see who loaded, enterprises do not', async () => {
      const res = await t.app.inject({ method: 'GET', url: '/api/v1/tables', headers: { cookie: tax } });
      expect(res.statusCode).toBe(200);
      const body = res.json();
      expect(body.kinds.map((k: { kind: string }) => k.kind)).toEqual([
        'tariff-rates',
        'positive-list',
        'exchange-rates',
        'customs-params',
        'holidays',
        'export-conditions',
      ]);
      expect(body.kinds[5]).toMatchObject({
        name: '出口商品监管条件表',
        nameEn: 'export-conditions table',
        columns: [
          'hs_code',
          'valid_from',
          'valid_to',
          'needs_licence',
          'needs_inspection',
          'export_duty',
          'export_refund',
          'name',
          'note',
        ],
        inForce: { isSample: true, label: SAMPLE_LABEL },
      });
      const tariff = body.kinds[0];
      expect(tariff).toMatchObject({ name: '税率表', nameEn: 'tariff-rate table', columns: TARIFF_HEADER.split(',') });
      expect(tariff.versions).toHaveLength(3);
      expect(tariff.inForce).toMatchObject({ label: '回退', loadedBy: 'customs.demo', inForce: true });
      expect(body.kinds[1].inForce).toMatchObject({ isSample: true, label: SAMPLE_LABEL });
      const asKey = await t.app.inject({
        method: 'GET',
        url: '/api/v1/tables',
        headers: { authorization: `Bearer ${key}` },
      });
      expect(asKey.json().kinds[0].inForce.loadedBy).toBeNull();
    });

    it('a version downloads as the CSV stored, with its checksum; an unknown one is 404', async () => {
      const inForce = t.p.tables.current().versions['customs-params'];
      const res = await t.app.inject({
        method: 'GET',
        url: `/api/v1/tables/versions/${inForce.id}/content`,
        headers: { authorization: `Bearer ${key}` },
      });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
      expect(res.headers['content-disposition']).toMatch(/^attachment; filename="customs-params-\d{4}-\d{2}-\d{2}-/);
      expect(res.headers['x-cbec-sha256']).toBe(inForce.sha256);
      expect(res.body).toBe(await readFile(join(SAMPLE_TABLES_DIR, 'customs-params.csv'), 'utf8'));
      const missing = await t.app.inject({
        method: 'GET',
        url: '/api/v1/tables/versions/00000000-0000-4000-8000-000000000000/content',
        headers: { cookie: tax },
      });
      expect(missing.statusCode).toBe(404);
    });
  });

  describe('two processes starting at once on an empty table', () => {
    const handles: DbHandle[] = [];
    afterAll(async () => {
      for (const h of handles) await h.close();
    });

    it('seed one version of each kind between them (advisory lock)', async () => {
      await t.p.dbh.db.delete(clrReferenceTables);
      const url = t.p.config.databaseUrl;
      const dbs = url
        ? await Promise.all(
            [1, 2].map(async () => {
              const h = await openDatabase({ kind: 'postgres', url, maxConnections: 2 });
              handles.push(h);
              return h.db;
            }),
          )
        : [t.p.dbh.db, t.p.dbh.db];
      const instances = dbs.map(
        (db) => new ReferenceTables(db, undefined, { seedDir: SAMPLE_TABLES_DIR, seedIsSample: true }),
      );
      await Promise.all(instances.map((i) => i.init()));
      const rows = await t.p.dbh.db.select({ kind: clrReferenceTables.kind }).from(clrReferenceTables);
      expect(rows.map((r) => r.kind).sort()).toEqual([
        'customs-params',
        'exchange-rates',
        'export-conditions',
        'holidays',
        'positive-list',
        'tariff-rates',
      ]);
      expect(instances[0]!.current().versions).toEqual(instances[1]!.current().versions);
      // nothing was audited without an audit trail
      const audited = await t.p.dbh.db
        .select({ n: sql<number>`count(*)::int` })
        .from(auditLog)
        .where(eq(auditLog.action, 'tables.seeded'));
      expect(audited[0]?.n).toBe(6);
    });

    it('an operator folder without the newer kinds seeds them from the labelled samples', async () => {
      await t.p.dbh.db.delete(clrReferenceTables);
      const { mkdtemp, copyFile, rm } = await import('node:fs/promises');
      const { tmpdir } = await import('node:os');
      const dir = await mkdtemp(join(tmpdir(), 'cbec-tables-'));
      try {
        for (const f of ['tariff-rates.csv', 'positive-list.csv', 'exchange-rates.csv']) {
          await copyFile(join(SAMPLE_TABLES_DIR, f), join(dir, f));
        }
        const rt = new ReferenceTables(t.p.dbh.db, undefined, {
          seedDir: dir,
          seedIsSample: false,
          sampleDir: SAMPLE_TABLES_DIR,
        });
        await rt.init();
        const v = rt.current().versions;
        expect(v['tariff-rates']).toMatchObject({
          isSample: false,
          label: '初始载入 / initial load: tariff-rates.csv',
        });
        expect(v.holidays).toMatchObject({ isSample: true, label: SAMPLE_LABEL });
        expect(v['export-conditions']).toMatchObject({ isSample: true, label: SAMPLE_LABEL });
        expect(rt.current().sample).toBe(true);
        // without the samples to fall back on, a missing file stops the start with its path
        await t.p.dbh.db.delete(clrReferenceTables);
        const strict = new ReferenceTables(t.p.dbh.db, undefined, { seedDir: dir, seedIsSample: false });
        await expect(strict.init()).rejects.toThrow(/customs-params: cannot read .*customs-params\.csv/);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });
  });
});

/**
 * Issue 8 §4: an XLSX of 300,000 rows at a table import answered 500 and blocked the event loop for 5 s. Table
 * imports stream (exceljs WorkbookReader) with a row limit (CBEC_TABLE_MAX_ROWS, 50,000 by default: an HS tariff
 * table has about 9,000 rows) and a size limit (CBEC_TABLE_MAX_BYTES), refuse beyond them with the limit named, and
 * the server keeps answering other requests meanwhile.
 */

import { monitorEventLoopDelay } from 'node:perf_hooks';
import { PassThrough } from 'node:stream';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tableText, xlsxToCsv } from '../../src/modules/clearance/tables/reference-tables.js';
import { TABLE_MAX_ROWS } from '../../src/platform/table-limits.js';
import { login } from '../support/http.js';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** A holidays workbook of `rows` data rows, written with exceljs's streaming writer. */
async function holidaysXlsx(rows: number): Promise<Buffer> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (c: Buffer) => chunks.push(c));
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useSharedStrings: false, useStyles: false });
  const ws = wb.addWorksheet('holidays');
  ws.addRow(['date', 'kind', 'name']).commit();
  for (let i = 0; i < rows; i++)
    ws.addRow([`2026-01-${String((i % 28) + 1).padStart(2, '0')}`, 'holiday', `假日${i}`]).commit();
  ws.commit();
  await wb.commit();
  return Buffer.concat(chunks);
}

function holidaysCsv(rows: number): Buffer {
  const lines = ['date,kind,name'];
  for (let i = 0; i < rows; i++) lines.push(`2026-01-${String((i % 28) + 1).padStart(2, '0')},holiday,假日${i}`);
  return Buffer.from(`${lines.join('\n')}\n`);
}

describe('table file limits (pure reading)', () => {
  it('CSV: the row limit counts data rows (header excluded); one more is refused naming CBEC_TABLE_MAX_ROWS', async () => {
    expect((await tableText(holidaysCsv(3), { maxRows: 3, maxBytes: 1e6 })).ok).toBe(true);
    const r = await tableText(holidaysCsv(4), { maxRows: 3, maxBytes: 1e6 });
    expect(r).toMatchObject({ ok: false, tooLarge: true });
    if (!r.ok) {
      expect(r.messageEn).toContain('more than 3 rows');
      expect(r.messageEn).toContain('CBEC_TABLE_MAX_ROWS');
      expect(r.messageZh).toContain('超过 3 行');
    }
  });

  it('the size limit is checked before anything is decoded, naming CBEC_TABLE_MAX_BYTES', async () => {
    const r = await tableText(holidaysCsv(100), { maxRows: 1000, maxBytes: 100 });
    expect(r).toMatchObject({ ok: false, tooLarge: true, messageEn: expect.stringContaining('CBEC_TABLE_MAX_BYTES') });
  });

  it('XLSX, streamed: the limit holds row by row; within it the sheet converts as before', async () => {
    const ok = await xlsxToCsv(await holidaysXlsx(3), 3);
    expect(ok).toMatchObject({ ok: true, format: 'xlsx' });
    if (ok.ok) expect(ok.text.split('\n')[1]).toBe('2026-01-01,holiday,假日0');
    expect(await xlsxToCsv(await holidaysXlsx(4), 3)).toMatchObject({ ok: false, tooLarge: true });
  });

  it('XLSX: a value beyond column 64 (XFD) is refused naming the cell; an empty formatted cell out there is not a value', async () => {
    const sheet = async (fill: (ws: ExcelJS.Worksheet) => void) => {
      const wb = new ExcelJS.Workbook();
      const ws = wb.addWorksheet('holidays');
      ws.addRow(['date', 'kind', 'name']);
      ws.addRow(['2026-01-01', 'holiday', '元旦']);
      fill(ws);
      return Buffer.from(await wb.xlsx.writeBuffer());
    };
    const far = await xlsxToCsv(await sheet((ws) => (ws.getCell('XFD2').value = 'x')));
    expect(far).toMatchObject({ ok: false, tooLarge: true, messageEn: expect.stringContaining('Cell XFD2') });
    if (!far.ok) expect(far.messageZh).toContain('XFD2');
    const styled = await xlsxToCsv(
      await sheet(
        (ws) => (ws.getCell('XFD2').fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFFF0000' } }),
      ),
    );
    expect(styled).toEqual({ ok: true, format: 'xlsx', text: 'date,kind,name\n2026-01-01,holiday,元旦\n' });
  });

  it('XLSX: values are bounded in characters (a zip inflates far beyond its size), naming CBEC_TABLE_MAX_BYTES', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('holidays');
    ws.addRow(['date', 'kind', 'name']);
    for (let i = 0; i < 20; i++) ws.addRow(['2026-01-01', 'holiday', 'x'.repeat(100_000)]);
    const file = Buffer.from(await wb.xlsx.writeBuffer());
    expect(file.length).toBeLessThan(100_000); // 2 MB of text in a small file
    const r = await tableText(file, { maxRows: 1000, maxBytes: 1_000_000 });
    expect(r).toMatchObject({ ok: false, tooLarge: true, messageEn: expect.stringContaining('CBEC_TABLE_MAX_BYTES') });
    expect((await tableText(file, { maxRows: 1000, maxBytes: 3_000_000 })).ok).toBe(true);
  });

  it('the default limit is far above a real HS tariff table (~9,000 rows)', () => {
    expect(TABLE_MAX_ROWS).toBeGreaterThanOrEqual(5 * 9_000);
  });
});

describe('a 300,000-row import over HTTP', () => {
  let t: TestPlatform;
  let cookie: string;
  let xlsx: Buffer;
  beforeAll(async () => {
    t = await startTestPlatform({ demo: false });
    cookie = await login(t.app, 'admin', t.adminPassword);
    xlsx = await holidaysXlsx(300_000);
  }, 120_000);
  afterAll(() => t.close());

  const upload = (body: Buffer, type: string) =>
    t.app.inject({
      method: 'POST',
      url: '/api/v1/tables/holidays?fileName=big',
      payload: body,
      headers: { 'content-type': type, cookie },
    });

  it('XLSX: 413 TABLE_TOO_LARGE naming the limit, and other requests are answered while it is read', async () => {
    const delay = monitorEventLoopDelay({ resolution: 10 });
    delay.enable();
    let importDone = false;
    const importing = upload(xlsx, XLSX_TYPE).finally(() => {
      importDone = true;
    });
    // Other requests while the import runs: the server answers them, the import is still going when they are.
    await new Promise((r) => setTimeout(r, 20));
    const health = await t.app.inject({ method: 'GET', url: '/healthz' });
    const tables = await t.app.inject({ method: 'GET', url: '/api/v1/tables', headers: { cookie } });
    const answeredDuringImport = !importDone;
    const res = await importing;
    delay.disable();
    console.log(
      `300,000-row XLSX import: event-loop delay max ${(delay.max / 1e6).toFixed(0)} ms, p99 ${(delay.percentile(99) / 1e6).toFixed(0)} ms`,
    );
    expect(health.statusCode).toBe(200);
    expect(tables.statusCode).toBe(200);
    expect(answeredDuringImport).toBe(true);
    expect(res.statusCode, res.body.slice(0, 300)).toBe(413);
    expect(res.json().error).toMatchObject({
      code: 'TABLE_TOO_LARGE',
      details: [expect.objectContaining({ messageEn: expect.stringContaining('more than 50,000 rows') })],
    });
    // nothing was imported
    const list = await t.app.inject({ method: 'GET', url: '/api/v1/tables', headers: { cookie } });
    const holidays = list.json().kinds.find((k: { kind: string }) => k.kind === 'holidays');
    expect(holidays.versions).toHaveLength(1);
  }, 120_000);

  it('CSV: 300,000 rows → 413 TABLE_TOO_LARGE before parsing', async () => {
    const res = await upload(holidaysCsv(300_000), 'text/csv');
    expect(res.statusCode).toBe(413);
    expect(res.json().error.details[0].messageEn).toContain('CBEC_TABLE_MAX_ROWS');
  });
});

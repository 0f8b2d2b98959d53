/**
 * The reference tables in the database (`clr_reference_tables`): every version the operator loaded, kept whole as
 * CSV with its SHA-256, the newest active version of each kind in force. Parsing and lookups are pure
 * (`tables.ts`, `reference-kinds.ts`); this class owns the I/O around them:
 *
 * - `init()` seeds each kind that has no active version from a folder of CSV files (the labelled samples in
 *   `tables/samples/`, or CBEC_TABLES_DIR), then parses the versions in force into memory;
 * - `current()` is the parsed set in force, synchronous and cheap (read once per clearance decision);
 * - `import()` validates a new version (CSV, or XLSX converted to CSV), stores it, makes it the active one and swaps
 *   `current()` in one assignment, so that a decision sees either the old set or the new one, never a mix;
 * - `versionTables()` parses the versions an old decision recorded, to replay it.
 *
 * Seeding and imports take a transaction-level advisory lock, so that two processes starting together on one
 * PostgreSQL database do not both seed, and two imports of one kind do not both become active. A process sees another
 * process's import after `refresh()` (or a restart): there is no cross-process notification.
 */
import { createHash, randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { Readable } from 'node:stream';
import { and, asc, desc, eq, ne, sql } from 'drizzle-orm';
import type { Actor, AuditTrail } from '../../../platform/audit/audit.js';
import type { Database, Queryable } from '../../../platform/db/client.js';
import { AppError } from '../../../platform/http/errors.js';
import { DEFAULT_TABLE_LIMITS, type TableLimits } from '../../../platform/table-limits.js';
import type { ExportConditionsTable } from '../rules/export/export-conditions-table.js';
import { clrReferenceTables } from '../schema.js';
import {
  type CustomsParamTable,
  type HolidayTable,
  type ParsedReference,
  parseReferenceTable,
  REFERENCE_KINDS,
  type ReferenceData,
  type ReferenceKind,
  referenceData,
} from './reference-kinds.js';
import { type ClearanceTables, formatTableError, type TableError } from './tables.js';

/** The label of a version seeded from the shipped samples. */
export const SAMPLE_LABEL = 'SAMPLE — 样例，非官方数据';
/** The kinds the platform can seed from its own samples when an operator's folder lacks them (added after 0.1). */
const SAMPLE_FALLBACK_KINDS: readonly ReferenceKind[] = ['customs-params', 'holidays', 'export-conditions'];
/** Key of the advisory lock serialising seeding and imports (any constant; `cbec-ref` in ASCII). */
const LOCK_KEY = 0x636265632d726566n;
/** How many parsed old versions `versionTables` keeps. */
const VERSION_CACHE_SIZE = 16;

export const LABEL_MAX = 200;
const SOURCE_NAME_MAX = 300;
const LOADED_BY_MAX = 100;

/** One stored version, without its content. */
export interface ReferenceVersion {
  id: string;
  kind: ReferenceKind;
  label: string;
  sourceName: string;
  sha256: string;
  rowCount: number;
  isSample: boolean;
  active: boolean;
  /** The version clearance uses now (the newest active version of its kind). */
  inForce: boolean;
  loadedBy: string | null;
  loadedAt: Date;
}

/** What a decision records about each table it used. */
export interface VersionInfo {
  id: string;
  label: string;
  sha256: string;
  isSample: boolean;
  rowCount: number;
  /** ISO 8601. */
  loadedAt: string;
}

export interface CurrentReference {
  /** The three clearance tables (tariff rates, positive list, exchange rates). */
  tables: ClearanceTables;
  /** Customs parameter codes (country, currency, unit, customs district, transport mode). */
  params: CustomsParamTable;
  holidays: HolidayTable;
  /** The export conditions of commodity codes (licence, inspection, export duty, export refund). */
  exportConditions: ExportConditionsTable;
  /** Whether any kind in force is a sample. */
  sample: boolean;
  versions: Record<ReferenceKind, VersionInfo>;
}

export type ImportInput = {
  content: Buffer;
  /** The uploaded file's name (recorded; `.xlsx` or not, the content decides the format). */
  fileName: string;
  label?: string;
  /** Who loads it: a username, or `cli:…`. */
  by: string;
  /** The audit actor; `{ name: by }` when not given. */
  actor?: Actor;
};

export type ImportFailureCode = 'INVALID_TABLE' | 'UNREADABLE_FILE' | 'UNCHANGED' | 'TABLE_TOO_LARGE';
export type ImportResult =
  | { ok: true; version: ReferenceVersion }
  | { ok: false; code: ImportFailureCode; errors: TableError[] };

type Row = typeof clrReferenceTables.$inferSelect;

function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

function fileError(kind: ReferenceKind, messageZh: string, messageEn: string): TableError {
  return { table: kind, line: 1, column: null, messageZh, messageEn };
}

function versionOf(r: Omit<Row, 'content'>, inForce: boolean): ReferenceVersion {
  return {
    id: r.id,
    kind: r.kind as ReferenceKind,
    label: r.label,
    sourceName: r.sourceName,
    sha256: r.sha256,
    rowCount: r.rowCount,
    isSample: r.isSample === 1,
    active: r.active === 1,
    inForce,
    loadedBy: r.loadedBy,
    loadedAt: r.loadedAt,
  };
}

function infoOf(r: Omit<Row, 'content'>): VersionInfo {
  return {
    id: r.id,
    label: r.label,
    sha256: r.sha256,
    isSample: r.isSample === 1,
    rowCount: r.rowCount,
    loadedAt: r.loadedAt.toISOString(),
  };
}

const META = {
  id: clrReferenceTables.id,
  kind: clrReferenceTables.kind,
  label: clrReferenceTables.label,
  sourceName: clrReferenceTables.sourceName,
  sha256: clrReferenceTables.sha256,
  rowCount: clrReferenceTables.rowCount,
  isSample: clrReferenceTables.isSample,
  active: clrReferenceTables.active,
  loadedBy: clrReferenceTables.loadedBy,
  loadedAt: clrReferenceTables.loadedAt,
};

// ---------------------------------------------------------------------------------------------------------------
// Reading an uploaded file

export type TableText =
  | { ok: true; text: string; format: 'csv' | 'xlsx' }
  | { ok: false; messageZh: string; messageEn: string; tooLarge?: true };

const ZIP_MAGIC = Buffer.from([0x50, 0x4b, 0x03, 0x04]);
const OLE_MAGIC = Buffer.from([0xd0, 0xcf, 0x11, 0xe0]);

function tooWide(address: string): TableText & { ok: false } {
  return {
    ok: false,
    tooLarge: true,
    messageZh: `单元格 ${address} 超出参数表的列数上限（${XLSX_MAX_COLUMNS} 列），未导入`,
    messageEn: `Cell ${address} is beyond the ${XLSX_MAX_COLUMNS} columns a table may have: not imported`,
  };
}

function tooMuchText(maxChars: number): TableText & { ok: false } {
  const n = maxChars.toLocaleString('en-US');
  return {
    ok: false,
    tooLarge: true,
    messageZh: `Excel 文件解压后的内容超过 ${n} 个字符（上限由 CBEC_TABLE_MAX_BYTES 设定），未导入`,
    messageEn: `The Excel file holds more than ${n} characters of values (the limit set by CBEC_TABLE_MAX_BYTES): not imported`,
  };
}

/** The refusal of a file beyond the row limit (CBEC_TABLE_MAX_ROWS), naming the limit. */
export function tooManyRows(maxRows: number): TableText & { ok: false } {
  const n = maxRows.toLocaleString('en-US');
  return {
    ok: false,
    tooLarge: true,
    messageZh: `参数表超过 ${n} 行（上限由 CBEC_TABLE_MAX_ROWS 设定），未导入`,
    messageEn: `The table has more than ${n} rows (the limit set by CBEC_TABLE_MAX_ROWS): not imported`,
  };
}

/** The refusal of a file beyond the size limit (CBEC_TABLE_MAX_BYTES). */
export function tooLarge(maxBytes: number): TableText & { ok: false } {
  const n = maxBytes.toLocaleString('en-US');
  return {
    ok: false,
    tooLarge: true,
    messageZh: `参数表文件超过 ${n} 字节（上限由 CBEC_TABLE_MAX_BYTES 设定），未导入`,
    messageEn: `The table file is larger than ${n} bytes (the limit set by CBEC_TABLE_MAX_BYTES): not imported`,
  };
}

/** Lines of a CSV text, without the header and a final line feed (an upper bound of its rows: quoted line feeds count). */
function csvDataLines(text: string): number {
  let lines = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) lines++;
  if (text.length > 0 && !text.endsWith('\n')) lines++;
  return Math.max(0, lines - 1);
}

/**
 * The CSV text of an uploaded table: UTF-8 CSV (a BOM is dropped), or the first worksheet of an XLSX workbook
 * (recognised by the zip signature) converted to CSV, read as a stream. Files beyond the size or row limits are
 * refused with the limit named, before they are parsed.
 */
export async function tableText(content: Buffer, limits: TableLimits = DEFAULT_TABLE_LIMITS): Promise<TableText> {
  if (content.length > limits.maxBytes) return tooLarge(limits.maxBytes);
  if (content.subarray(0, 4).equals(ZIP_MAGIC)) return xlsxToCsv(content, limits.maxRows, limits.maxBytes);
  if (content.subarray(0, 4).equals(OLE_MAGIC)) {
    return {
      ok: false,
      messageZh: '不支持旧版 Excel（.xls）文件，请另存为 .xlsx 或“CSV UTF-8（逗号分隔）”',
      messageEn: 'Old Excel files (.xls) are not supported: save as .xlsx or as "CSV UTF-8 (comma delimited)"',
    };
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(content);
  } catch {
    return {
      ok: false,
      messageZh: '文件不是 UTF-8 编码（可能是 GBK）：请用 Excel 另存为“CSV UTF-8（逗号分隔）”，或上传 .xlsx',
      messageEn: 'The file is not UTF-8 (perhaps GBK): save it as "CSV UTF-8 (comma delimited)", or upload the .xlsx',
    };
  }
  if (csvDataLines(text) > limits.maxRows) return tooManyRows(limits.maxRows);
  return { ok: true, text: text.charCodeAt(0) === 0xfeff ? text.slice(1) : text, format: 'csv' };
}

function csvField(s: string): string {
  return /[",\r\n]/.test(s) || s !== s.trim() ? `"${s.replace(/"/g, '""')}"` : s;
}

/** A number as Excel shows it (15 significant digits: no binary noise such as 0.30000000000000004). */
function numberText(n: number, numFmt: string | undefined): string {
  let s = String(Number(n.toPrecision(15)));
  // A code kept as a number with a zero-padding format (0000000000) keeps its leading zeros.
  if (numFmt && /^0+$/.test(numFmt) && /^\d+$/.test(s) && s.length < numFmt.length) {
    s = s.padStart(numFmt.length, '0');
  }
  return s;
}

function dateText(d: Date): string {
  // Excel dates have no time zone: exceljs gives them as UTC midnight, give or take floating-point milliseconds.
  const day = Math.round(d.getTime() / 86_400_000) * 86_400_000;
  return new Date(day).toISOString().slice(0, 10);
}

/** The text of a cell value of any exceljs kind. */
function valueText(v: unknown, numFmt: string | undefined): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return numberText(v, numFmt);
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean') return v ? 'TRUE' : 'FALSE';
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? '' : dateText(v);
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if (Array.isArray(o.richText)) return o.richText.map((t: { text?: string }) => t.text ?? '').join('');
    if ('formula' in o || 'sharedFormula' in o) return valueText(o.result, numFmt);
    if (typeof o.text === 'string') return o.text; // hyperlink
    if (typeof o.error === 'string') return o.error;
  }
  return String(v);
}

/** Columns a reference table may use: the widest kind has far fewer; a value beyond is refused. */
export const XLSX_MAX_COLUMNS = 64;

/**
 * The first worksheet as CSV: the first row is the header, values as text (dates `YYYY-MM-DD`, numbers as Excel
 * shows them), one CSV line per worksheet row (empty rows become blank lines, so that an error's line is the row
 * number in Excel; line breaks inside a cell become spaces). Read with exceljs's streaming reader, row by row (the
 * event loop is served between chunks), and stopped as soon as the sheet has more than `maxRows` rows below the
 * header: a workbook of 300,000 rows is refused after reading the first `maxRows`, never loaded whole. A zip
 * inflates far beyond its size, so the text read is bounded too: a value beyond column XLSX_MAX_COLUMNS, or more
 * than `maxChars` characters of values, is refused (empty, formatted cells far to the right are not values).
 */
export async function xlsxToCsv(
  content: Buffer,
  maxRows = DEFAULT_TABLE_LIMITS.maxRows,
  maxChars = DEFAULT_TABLE_LIMITS.maxBytes,
): Promise<TableText> {
  const { default: ExcelJS } = await import('exceljs');
  const rows: string[][] = [];
  try {
    const reader = new ExcelJS.stream.xlsx.WorkbookReader(Readable.from([content]), {
      sharedStrings: 'cache',
      styles: 'cache',
      hyperlinks: 'ignore',
      worksheets: 'emit',
      entries: 'ignore',
    });
    let sheets = 0;
    let chars = 0;
    let wide: string | undefined;
    for await (const sheet of reader) {
      sheets++;
      for await (const row of sheet) {
        if (row.number - 1 > maxRows) return tooManyRows(maxRows);
        const cells: string[] = [];
        row.eachCell({ includeEmpty: false }, (cell, col) => {
          const text = valueText(cell.value, cell.numFmt).replace(/\r\n|[\r\n]/g, ' ');
          if (text === '') return;
          if (col > XLSX_MAX_COLUMNS) wide ??= cell.address;
          else cells[col - 1] = text;
          chars += text.length + 1;
        });
        if (wide) return tooWide(wide);
        if (chars > maxChars) return tooMuchText(maxChars);
        rows[row.number - 1] = Array.from(cells, (c) => c ?? '');
      }
      break; // the first worksheet only
    }
    if (sheets === 0) {
      return { ok: false, messageZh: 'Excel 文件中没有工作表', messageEn: 'The Excel file has no worksheet' };
    }
  } catch (e) {
    return {
      ok: false,
      messageZh: `无法读取 Excel 文件：${(e as Error).message}`,
      messageEn: `Cannot read the Excel file: ${(e as Error).message}`,
    };
  }
  // Trailing empty cells and rows (formatted but empty) are not data.
  const trimmed = Array.from(rows, (r) => {
    const cells = r ?? [];
    let n = cells.length;
    while (n > 0 && cells[n - 1]?.trim() === '') n--;
    return cells.slice(0, n);
  });
  while (trimmed.length > 0 && trimmed[trimmed.length - 1]?.length === 0) trimmed.pop();
  const width = trimmed.reduce((w, r) => Math.max(w, r.length), 0);
  const lines = trimmed.map((r) =>
    r.length === 0 ? '' : Array.from({ length: width }, (_, i) => csvField(r[i] ?? '')).join(','),
  );
  return { ok: true, text: lines.length > 0 ? `${lines.join('\n')}\n` : '', format: 'xlsx' };
}

// ---------------------------------------------------------------------------------------------------------------

type Parsed = { [K in ReferenceKind]: { row: Omit<Row, 'content'>; table: ParsedReference[K] } };

/** The reference tables in the database and the set in force, in memory. */
export class ReferenceTables {
  private snapshot: CurrentReference | null = null;
  private parsed: Parsed | null = null;
  private readonly cache = new Map<string, ParsedReference[ReferenceKind]>();
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly db: Database,
    private readonly audit: AuditTrail | undefined,
    private readonly opts: { seedDir: string; seedIsSample: boolean; sampleDir?: string; limits?: TableLimits },
  ) {}

  /** The size and row limits of an import (CBEC_TABLE_MAX_BYTES, CBEC_TABLE_MAX_ROWS). */
  get limits(): TableLimits {
    return this.opts.limits ?? DEFAULT_TABLE_LIMITS;
  }

  /** Seeds every kind without an active version from the seed folder, then loads the versions in force. */
  async init(): Promise<void> {
    await this.db.transaction(async (tx) => {
      await lock(tx);
      const present = await tx
        .selectDistinct({ kind: clrReferenceTables.kind })
        .from(clrReferenceTables)
        .where(eq(clrReferenceTables.active, 1));
      const have = new Set(present.map((r) => r.kind));
      for (const kind of REFERENCE_KINDS) {
        if (!have.has(kind)) await this.seed(tx, kind);
      }
    });
    await this.refresh();
  }

  /** Reloads the versions in force from the database (after another process imported a table). */
  /** Reloads only when another process made another version active (one small query otherwise). */
  async refreshIfChanged(): Promise<boolean> {
    const rows = await this.db
      .select({ id: clrReferenceTables.id, kind: clrReferenceTables.kind })
      .from(clrReferenceTables)
      .where(eq(clrReferenceTables.active, 1));
    const now = this.current().versions as Record<string, { id: string }>;
    if (rows.length === Object.keys(now).length && rows.every((r) => now[r.kind]?.id === r.id)) return false;
    await this.refresh();
    return true;
  }

  async refresh(): Promise<void> {
    const rows = await this.db
      .select()
      .from(clrReferenceTables)
      .where(eq(clrReferenceTables.active, 1))
      .orderBy(asc(clrReferenceTables.kind), desc(clrReferenceTables.loadedAt), desc(clrReferenceTables.id));
    const parsed: Partial<Record<ReferenceKind, { row: Omit<Row, 'content'>; table: unknown }>> = {};
    const problems: string[] = [];
    for (const kind of REFERENCE_KINDS) {
      const row = rows.find((r) => r.kind === kind);
      if (!row) {
        problems.push(`${kind}: no active version (run init)`);
        continue;
      }
      const r = parseReferenceTable(kind, row.content);
      if (!r.ok) {
        problems.push(...r.errors.map((e) => `${kind} version ${row.id}: ${formatTableError(e, 'en')}`));
        continue;
      }
      const { content: _c, ...meta } = row;
      parsed[kind] = { row: meta, table: r.table };
    }
    if (problems.length > 0) throw new Error(`reference tables in the database:\n${problems.join('\n')}`);
    this.install(parsed as Parsed);
  }

  /** The reference tables in force. Synchronous: call it for every decision. */
  current(): CurrentReference {
    if (!this.snapshot) throw new Error('ReferenceTables.init() has not run');
    return this.snapshot;
  }

  /**
   * The tables of the given versions (as a decision recorded them), for replaying a decision. A kind not named is
   * taken from the versions in force now (a decision made before a kind existed used none of it).
   */
  async versionTables(versionIds: Partial<Record<ReferenceKind, string>>): Promise<ReferenceData> {
    const parsed = this.parsedOrThrow();
    const out = {} as { [K in ReferenceKind]: ParsedReference[K] };
    for (const kind of REFERENCE_KINDS) {
      const id = versionIds[kind];
      (out as Record<ReferenceKind, unknown>)[kind] =
        id === undefined || id === parsed[kind].row.id ? parsed[kind].table : await this.loadVersion(kind, id);
    }
    return referenceData(out);
  }

  /** Every version of every kind, newest first, without content. */
  async list(): Promise<Record<ReferenceKind, ReferenceVersion[]>> {
    const rows = await this.db
      .select(META)
      .from(clrReferenceTables)
      .orderBy(asc(clrReferenceTables.kind), desc(clrReferenceTables.loadedAt), desc(clrReferenceTables.id));
    const out = Object.fromEntries(REFERENCE_KINDS.map((k) => [k, [] as ReferenceVersion[]])) as Record<
      ReferenceKind,
      ReferenceVersion[]
    >;
    for (const r of rows) {
      const list = out[r.kind as ReferenceKind];
      if (!list) continue;
      // The first active row of a kind (newest first) is the one in force.
      list.push(versionOf(r, r.active === 1 && !list.some((v) => v.inForce)));
    }
    return out;
  }

  /** One version's description, or null. */
  async byId(id: string): Promise<ReferenceVersion | null> {
    const [r] = await this.db.select(META).from(clrReferenceTables).where(eq(clrReferenceTables.id, id));
    if (!r) return null;
    return versionOf(r, this.snapshot?.versions[r.kind as ReferenceKind]?.id === r.id);
  }

  /** One version's CSV as stored (for download), or null. */
  async content(id: string): Promise<{ version: ReferenceVersion; content: string } | null> {
    const [r] = await this.db.select().from(clrReferenceTables).where(eq(clrReferenceTables.id, id));
    if (!r) return null;
    const { content, ...meta } = r;
    return { version: versionOf(meta, this.snapshot?.versions[r.kind as ReferenceKind]?.id === r.id), content };
  }

  /**
   * Loads a new version of a table: CSV (UTF-8, with or without BOM) or XLSX (first worksheet). Refused with every
   * error (line, column, both languages) when the table does not validate, and when it is identical to the version
   * in force. Otherwise stored, made the only active version of its kind, audited, and in force at once.
   */
  import(kind: ReferenceKind, input: ImportInput): Promise<ImportResult> {
    const run = this.queue.then(() => this.importNow(kind, input));
    this.queue = run.catch(() => {});
    return run;
  }

  private async importNow(kind: ReferenceKind, input: ImportInput): Promise<ImportResult> {
    const given = (input.label ?? '').trim();
    const label = given || (basename(input.fileName).trim() || kind).slice(0, LABEL_MAX);
    if (label.length > LABEL_MAX) {
      throw AppError.field(
        'label',
        `标签不能超过 ${LABEL_MAX} 个字符`,
        `The label is longer than ${LABEL_MAX} characters`,
      );
    }
    const read = await tableText(input.content, this.limits);
    if (!read.ok)
      return {
        ok: false,
        code: read.tooLarge ? 'TABLE_TOO_LARGE' : 'UNREADABLE_FILE',
        errors: [fileError(kind, read.messageZh, read.messageEn)],
      };
    const parsed = parseReferenceTable(kind, read.text);
    if (!parsed.ok) return { ok: false, code: 'INVALID_TABLE', errors: parsed.errors };
    const digest = sha256(read.text);

    const outcome = await this.db.transaction(
      async (tx): Promise<{ refused: ImportResult & { ok: false } } | { row: Omit<Row, 'content'> }> => {
        await lock(tx);
        const [inForce] = await tx
          .select(META)
          .from(clrReferenceTables)
          .where(and(eq(clrReferenceTables.kind, kind), eq(clrReferenceTables.active, 1)))
          .orderBy(desc(clrReferenceTables.loadedAt), desc(clrReferenceTables.id))
          .limit(1);
        if (inForce?.sha256 === digest) {
          const short = `${digest.slice(0, 12)}…`;
          return {
            refused: {
              ok: false,
              code: 'UNCHANGED',
              errors: [
                fileError(
                  kind,
                  `与现行版本“${inForce.label}”内容完全相同（SHA-256 ${short}），未导入`,
                  `Identical to the version in force, "${inForce.label}" (SHA-256 ${short}): not imported`,
                ),
              ],
            },
          };
        }
        const row = await insertVersion(tx, {
          kind,
          label,
          sourceName: basename(input.fileName).slice(0, SOURCE_NAME_MAX) || `${kind}.csv`,
          sha256: digest,
          content: read.text,
          rowCount: parsed.table.rows.length,
          isSample: false,
          loadedBy: input.by,
        });
        await this.audit?.append(tx, input.actor ?? { name: input.by }, {
          action: 'tables.imported',
          targetType: 'reference-table',
          targetId: row.id,
          summary: {
            kind,
            label,
            sourceName: row.sourceName,
            format: read.format,
            rows: row.rowCount,
            sha256: digest,
            replaces: inForce?.id ?? null,
          },
        });
        return { row };
      },
    );
    if ('refused' in outcome) return outcome.refused;
    // In force from here on: the next current() sees the new set whole.
    this.install({ ...this.parsedOrThrow(), [kind]: { row: outcome.row, table: parsed.table } } as Parsed);
    return { ok: true, version: versionOf(outcome.row, true) };
  }

  // -------------------------------------------------------------------------------------------------------------

  private parsedOrThrow(): Parsed {
    if (!this.parsed) throw new Error('ReferenceTables.init() has not run');
    return this.parsed;
  }

  /** Builds the snapshot from one parsed version of each kind and swaps it in (one assignment). */
  private install(parsed: Parsed): void {
    const versions = Object.fromEntries(REFERENCE_KINDS.map((k) => [k, infoOf(parsed[k].row)])) as Record<
      ReferenceKind,
      VersionInfo
    >;
    const data = referenceData(
      Object.fromEntries(REFERENCE_KINDS.map((k) => [k, parsed[k].table])) as unknown as ParsedReference,
    );
    this.parsed = parsed;
    this.snapshot = {
      tables: { tariffRates: data.tariffRates, positiveList: data.positiveList, exchangeRates: data.exchangeRates },
      params: data.params,
      holidays: data.holidays,
      exportConditions: data.exportConditions,
      sample: REFERENCE_KINDS.some((k) => versions[k].isSample),
      versions,
    };
  }

  private async loadVersion<K extends ReferenceKind>(kind: K, id: string): Promise<ParsedReference[K]> {
    const cached = this.cache.get(`${kind} ${id}`);
    if (cached) return cached as ParsedReference[K];
    const [row] = await this.db.select().from(clrReferenceTables).where(eq(clrReferenceTables.id, id));
    if (!row) throw new Error(`reference table version ${id} not found`);
    if (row.kind !== kind) throw new Error(`reference table version ${id} is a ${row.kind} table, not ${kind}`);
    const r = parseReferenceTable(kind, row.content);
    if (!r.ok)
      throw new Error(`reference table version ${id}: ${r.errors.map((e) => formatTableError(e, 'en')).join('; ')}`);
    if (this.cache.size >= VERSION_CACHE_SIZE) this.cache.delete(this.cache.keys().next().value as string);
    this.cache.set(`${kind} ${id}`, r.table);
    return r.table;
  }

  /** Stores the seed file of a kind as its first version. */
  private async seed(tx: Queryable, kind: ReferenceKind): Promise<void> {
    const file = `${kind}.csv`;
    let dir = this.opts.seedDir;
    let isSample = this.opts.seedIsSample;
    let text: string;
    try {
      text = await readFile(join(dir, file), 'utf8');
    } catch (e) {
      const fallback = this.opts.sampleDir;
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT' || !fallback || !SAMPLE_FALLBACK_KINDS.includes(kind)) {
        throw new Error(`reference table ${kind}: cannot read ${join(dir, file)}: ${(e as Error).message}`);
      }
      // An operator's folder of an earlier release has no file of this kind: the labelled sample stands in.
      dir = fallback;
      isSample = true;
      text = await readFile(join(dir, file), 'utf8');
    }
    if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    const parsed = parseReferenceTable(kind, text);
    if (!parsed.ok) {
      throw new Error(
        `reference table ${kind} in ${dir}:\n${parsed.errors.map((e) => formatTableError(e, 'en')).join('\n')}`,
      );
    }
    const row = await insertVersion(tx, {
      kind,
      label: isSample ? SAMPLE_LABEL : `初始载入 / initial load: ${file}`,
      sourceName: file,
      sha256: sha256(text),
      content: text,
      rowCount: parsed.table.rows.length,
      isSample,
      loadedBy: 'system:seed',
    });
    await this.audit?.append(
      tx,
      { name: 'system:seed', role: 'system' },
      {
        action: 'tables.seeded',
        targetType: 'reference-table',
        targetId: row.id,
        summary: { kind, label: row.label, rows: row.rowCount, sha256: row.sha256, sample: isSample },
      },
    );
  }
}

async function lock(tx: Queryable): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(${LOCK_KEY.toString()}::bigint)`);
}

/** Inserts a version as the only active one of its kind. */
async function insertVersion(
  tx: Queryable,
  v: {
    kind: ReferenceKind;
    label: string;
    sourceName: string;
    sha256: string;
    content: string;
    rowCount: number;
    isSample: boolean;
    loadedBy: string;
  },
): Promise<Omit<Row, 'content'>> {
  const id = randomUUID();
  await tx
    .update(clrReferenceTables)
    .set({ active: 0 })
    .where(and(eq(clrReferenceTables.kind, v.kind), eq(clrReferenceTables.active, 1), ne(clrReferenceTables.id, id)));
  const [row] = await tx
    .insert(clrReferenceTables)
    .values({
      id,
      kind: v.kind,
      label: v.label,
      sourceName: v.sourceName,
      sha256: v.sha256,
      content: v.content,
      rowCount: v.rowCount,
      isSample: v.isSample ? 1 : 0,
      active: 1,
      loadedBy: v.loadedBy.slice(0, LOADED_BY_MAX),
      // The clock of this process, not the transaction's start: versions of a kind order by it.
      loadedAt: new Date(),
    })
    .returning(META);
  if (!row) throw new Error('insert returned no row');
  return row;
}

/**
 * Reads the clearance tables from a directory of CSV files (I/O; the parsing and lookups are pure, in tables.ts).
 * The files are `tariff-rates.csv`, `positive-list.csv` and `exchange-rates.csv`; `tables/samples/` holds the
 * labelled samples the platform ships.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type ClearanceTables, parseClearanceTables, type TableResult } from './tables.js';

export const TABLE_FILES = {
  tariffRates: 'tariff-rates.csv',
  positiveList: 'positive-list.csv',
  exchangeRates: 'exchange-rates.csv',
} as const;

/** The shipped sample tables (not the official tables: see tables/samples/README.md). */
export const SAMPLE_TABLES_DIR = fileURLToPath(new URL('../../../../tables/samples/', import.meta.url));

export async function readClearanceTables(dir: string): Promise<TableResult<ClearanceTables>> {
  const [tariffRates, positiveList, exchangeRates] = await Promise.all(
    [TABLE_FILES.tariffRates, TABLE_FILES.positiveList, TABLE_FILES.exchangeRates].map((f) =>
      readFile(join(dir, f), 'utf8'),
    ),
  );
  return parseClearanceTables({
    tariffRates: tariffRates!,
    positiveList: positiveList!,
    exchangeRates: exchangeRates!,
  });
}

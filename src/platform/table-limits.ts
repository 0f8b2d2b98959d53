/**
 * Bounds on an imported reference table (CBEC_TABLE_MAX_ROWS, CBEC_TABLE_MAX_BYTES): far above the real tables (an
 * HS tariff schedule has about 9,000 lines and a few MB of CSV), low enough that no upload can exhaust the server.
 */
export const TABLE_MAX_ROWS = 50_000;
export const TABLE_MAX_BYTES = 32 * 1024 * 1024;

export type TableLimits = { maxRows: number; maxBytes: number };
export const DEFAULT_TABLE_LIMITS: TableLimits = { maxRows: TABLE_MAX_ROWS, maxBytes: TABLE_MAX_BYTES };

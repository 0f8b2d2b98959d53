/**
 * Clearance as other modules see it: the customs emulator (gateway) decides with the same pure rules as the
 * platform's emulated engine. Import from here, never from clearance's files (test/unit/module-boundaries.test.ts).
 */
export { type Decision, decideList, isoOfCustomsCurrency, type ListDocuments } from './rules/import/engine.js';
export { reasonsInfo } from './rules/reasons.js';
export type { CreditLevel } from './rules/sampling.js';
export type { ClearanceTables } from './tables/tables.js';

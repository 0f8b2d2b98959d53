/**
 * Clearance as other modules see it: the customs emulator (gateway) decides with the same pure rules as the
 * platform's emulated engine. Import from here, never from clearance's files (test/unit/module-boundaries.test.ts).
 */
export {
  type CreditLevel,
  type Decision,
  decideList,
  isoOfCustomsCurrency,
  type ListDocuments,
  reasonsInfo,
} from './engine.js';
export type { ClearanceTables } from './tables.js';

/** What every clearance action works with: the database, the hub's and the other modules' services, the options. */
import type { Decimal } from '../../kernel/money.js';
import type { AuditTrail } from '../../platform/audit/audit.js';
import type { PersonalInfoCipher } from '../../platform/crypto/personal-info.js';
import type { Database, Queryable } from '../../platform/db/client.js';
import type { FilingService } from '../filing/port.js';
import type { QuotaCheckLimits } from './rules/import/quota-check.js';
import type { CreditLevel } from './rules/sampling.js';
import type { QuotaLedger } from './store/quota.js';
import type { ClearanceTables } from './tables/tables.js';

export interface CreditLookup {
  levelsOn(usccs: string[], on: string, q?: Queryable): Promise<Map<string, CreditLevel>>;
}
export interface TablesSource {
  current(): { tables: ClearanceTables; sample: boolean; versions: Record<string, unknown> };
  /** The tables of recorded versions (by kind → version id), to replay a decision. */
  versionTables(ids: Record<string, string>): Promise<ClearanceTables>;
  /** Picks up versions another process imported. */
  refreshIfChanged?(): Promise<boolean>;
}

export interface ClearanceOptions {
  /** How long a list waits for its documents before it is rejected. */
  matchTimeoutMs: number;
  /** Inspection share of lists of a general (常规) enterprise. */
  inspectionBaseRate: Decimal;
  amountTolerance: Decimal;
  /** Lists decided per transaction. */
  batchSize?: number;
  /** The time (tests move it to check the 30/45-day windows). */
  clock?: () => Date;
  /** Buyer quota pre-checks allowed per enterprise per minute and per enterprise and buyer per day. */
  quotaChecks?: QuotaCheckLimits;
  /** Where the background worker reports a failed batch (pino). */
  log?: { error(obj: object, msg: string): void; warn?(obj: object, msg: string): void };
}

export interface ClearanceContext {
  readonly db: Database;
  readonly pi: PersonalInfoCipher;
  readonly filing: FilingService;
  readonly credit: CreditLookup;
  readonly tables: TablesSource;
  readonly audit: AuditTrail;
  readonly opts: ClearanceOptions;
  readonly quota: QuotaLedger;
  readonly clock: () => Date;
}

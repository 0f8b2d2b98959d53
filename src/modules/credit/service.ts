import { randomUUID } from 'node:crypto';
import type { Actor, AuditTrail } from '../../platform/audit/audit.js';
import type { Database, Queryable } from '../../platform/db/client.js';
import { AppError } from '../../platform/http/errors.js';
import {
  type CreditLevel,
  checkRecord,
  type Decree,
  decreeOn,
  isBusinessDate,
  levelOn,
  recordOn,
  shanghaiDate,
} from './model.js';
import { type CreditRecordRow, creditStore as store } from './store.js';

/** A new credit record, as customs decides it. `validTo` is the last day in force (inclusive); absent: open-ended. */
export type NewCreditRecord = {
  uscc: string;
  level: CreditLevel;
  validFrom: string;
  validTo?: string | null;
  basis: string;
};

export type CreditRecordView = {
  id: string;
  uscc: string;
  decree: Decree;
  level: CreditLevel;
  validFrom: string;
  validTo: string | null;
  basis: string;
  /** Who recorded it (the officer's user name); null in views for the enterprise itself. */
  recordedBy: string | null;
  recordedAt: string;
};

/** An enterprise's credit on a date: the level and the record it comes from (null: no record, 常规), and the history. */
export type CreditStanding = {
  uscc: string;
  on: string;
  /** The decree in force on `on`. */
  decree: Decree;
  level: CreditLevel;
  record: CreditRecordView | null;
  history: CreditRecordView[];
};

/**
 * What credit asks the filing module (its FilingService) for: the enterprises filed here, by name or code, within or
 * outside given USCCs, a page at a time. Credit never reads filing's tables.
 */
export interface FiledEnterprises {
  directory(f: {
    q?: string;
    only?: string[];
    except?: string[];
    page: number;
    pageSize: number;
  }): Promise<{ items: { uscc: string; nameCn: string; nameEn: string | null; status: string }[]; total: number }>;
}

/** A filter of the 信用管理 list. */
export type CreditListFilter = {
  /** Only enterprises at one of these levels on `on` (常规 includes those without a record in force). */
  level?: CreditLevel[];
  /** Part of the name (Chinese or English), the USCC or the customs code. */
  q?: string;
  /** The business date of the levels (default: today). */
  on?: string;
  page: number;
  pageSize: number;
};

/** One enterprise of the 信用管理 list: its names, its filing status, and its level on the date. */
export type CreditListItem = {
  uscc: string;
  nameCn: string;
  nameEn: string | null;
  filingStatus: string;
  level: CreditLevel;
  /** The record the level comes from; null: no record in force (常规). */
  record: CreditRecordView | null;
};

function view(r: CreditRecordRow, showRecorder: boolean): CreditRecordView {
  return {
    id: r.id,
    uscc: r.uscc,
    decree: r.decree as Decree,
    level: r.level as CreditLevel,
    validFrom: r.validFrom,
    validTo: r.validTo,
    basis: r.basis,
    recordedBy: showRecorder ? r.recordedBy : null,
    recordedAt: r.recordedAt.toISOString(),
  };
}

function requireDate(path: string, value: string): void {
  if (!isBusinessDate(value)) {
    throw AppError.field(path, '日期应为 YYYY-MM-DD 格式的有效日期', 'Expected a valid date written YYYY-MM-DD');
  }
}

/**
 * Customs enterprise credit (海关企业信用): the dated history of each enterprise's credit level under Decree 251 /
 * Decree 282, and the level in force on a business date (for clearance's inspection sampling). Owns credit_records.
 * Access is decided by the routes; the service trusts its callers.
 */
export class CreditService {
  constructor(
    private readonly db: Database,
    private readonly audit: AuditTrail,
    /** The clock that says what "today" is (Asia/Shanghai). */
    private readonly now: () => Date = () => new Date(),
    /** The filing module, for the list of enterprises (信用管理). */
    private readonly enterprises: FiledEnterprises | null = null,
  ) {}

  /** Today's business date (Asia/Shanghai). */
  today(): string {
    return shanghaiDate(this.now());
  }

  /**
   * Records a level decided by customs. Overlapping records are allowed (the newest wins); a level the decree in
   * force on `validFrom` does not know, a start before Decree 251, or `validTo` before `validFrom` is a 422.
   */
  async record(actor: Actor, input: NewCreditRecord): Promise<CreditRecordView> {
    requireDate('validFrom', input.validFrom);
    if (input.validTo != null) requireDate('validTo', input.validTo);
    const problems = checkRecord(input);
    if (problems.length) {
      throw new AppError(
        422,
        'CREDIT_RECORD_INVALID',
        '信用记录不符合规则，请检查标出的字段',
        'The credit record breaks a rule: see the listed fields',
        problems.map((p) => ({ path: p.path, message: p.zh, messageEn: p.en, code: p.code })),
      );
    }
    return this.db.transaction(async (tx) => {
      const row = await store.insert(tx, {
        id: randomUUID(),
        uscc: input.uscc,
        decree: decreeOn(input.validFrom),
        level: input.level,
        validFrom: input.validFrom,
        validTo: input.validTo ?? null,
        basis: input.basis,
        recordedBy: (actor.name ?? actor.userId ?? 'unknown').slice(0, 100),
        recordedAt: this.now(),
      });
      await this.audit.append(tx, actor, {
        action: 'credit.recorded',
        targetType: 'enterprise',
        targetId: input.uscc,
        enterpriseUscc: input.uscc,
        summary: {
          recordId: row.id,
          decree: row.decree,
          level: row.level,
          validFrom: row.validFrom,
          validTo: row.validTo,
        },
      });
      return view(row, true);
    });
  }

  /** An enterprise's records, the one that takes precedence first. `showRecorder`: false for the enterprise itself. */
  async history(uscc: string, opts: { showRecorder?: boolean } = {}): Promise<CreditRecordView[]> {
    return (await store.history(this.db, uscc)).map((r) => view(r, opts.showRecorder ?? true));
  }

  /** The level and history of an enterprise on a business date (default: today). */
  async standing(uscc: string, on = this.today(), opts: { showRecorder?: boolean } = {}): Promise<CreditStanding> {
    requireDate('on', on);
    const history = await this.history(uscc, opts);
    const record = recordOn(history, on);
    return { uscc, on, decree: decreeOn(on), level: record?.level ?? 'general', record, history };
  }

  /**
   * 信用管理: the enterprises filed here with their level on a business date (default today), by name or code and by
   * level, a page at a time ordered by name. The enterprises come from the filing module; the level filter is applied
   * by handing it the USCCs whose level in force is (or, for 常规, is not) the one asked for.
   */
  async list(f: CreditListFilter): Promise<{
    on: string;
    decree: Decree;
    items: CreditListItem[];
    total: number;
    page: number;
    pageSize: number;
  }> {
    if (!this.enterprises) throw new Error('CreditService.list needs the filing module (FiledEnterprises)');
    const on = f.on ?? this.today();
    requireDate('on', on);
    let only: string[] | undefined;
    let except: string[] | undefined;
    if (f.level?.length) {
      const wanted = new Set<string>(f.level);
      const inForce = await store.inForceRecords(this.db, on);
      if (wanted.has('general')) except = inForce.filter((r) => !wanted.has(r.level)).map((r) => r.uscc);
      else only = inForce.filter((r) => wanted.has(r.level)).map((r) => r.uscc);
    }
    const page = await this.enterprises.directory({
      ...(f.q ? { q: f.q } : {}),
      ...(only ? { only } : {}),
      ...(except ? { except } : {}),
      page: f.page,
      pageSize: f.pageSize,
    });
    const records = new Map(
      page.items.length
        ? (
            await store.inForceRecords(
              this.db,
              on,
              page.items.map((e) => e.uscc),
            )
          ).map((r) => [r.uscc, r])
        : [],
    );
    return {
      on,
      decree: decreeOn(on),
      items: page.items.map((e) => {
        const r = records.get(e.uscc);
        return {
          uscc: e.uscc,
          nameCn: e.nameCn,
          nameEn: e.nameEn,
          filingStatus: e.status,
          level: (r?.level as CreditLevel | undefined) ?? 'general',
          record: r ? view(r, true) : null,
        };
      }),
      total: page.total,
      page: f.page,
      pageSize: f.pageSize,
    };
  }

  /** The level of one enterprise on a business date; `general` (常规) when no record is in force. */
  async levelOn(uscc: string, on: string, q: Queryable = this.db): Promise<CreditLevel> {
    requireDate('on', on);
    return levelOn(
      (await store.history(q, uscc)).map((r) => ({ ...r, level: r.level as CreditLevel })),
      on,
    );
  }

  /**
   * The levels of many enterprises on one business date, in one query: every requested USCC is in the map,
   * `general` (常规) when no record is in force. For clearance, per batch of lists.
   */
  async levelsOn(usccs: string[], on: string, q: Queryable = this.db): Promise<Map<string, CreditLevel>> {
    requireDate('on', on);
    const unique = [...new Set(usccs)];
    const out = new Map<string, CreditLevel>(unique.map((u) => [u, 'general']));
    if (!unique.length) return out;
    for (const r of await store.inForce(q, unique, on)) out.set(r.uscc, r.level as CreditLevel);
    return out;
  }
}

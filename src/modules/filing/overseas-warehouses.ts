/**
 * Overseas warehouses (海外仓备案): an overseas-warehouse operator, or an exporter running its own warehouse, files
 * each warehouse (address, country, area, the goods categories it serves, validity); its administrator withdraws
 * it. Customs and commerce officers see every filing; an enterprise sees its own. Export clearance asks
 * {@link OverseasWarehouses.validFor} whether a 9810 list has a warehouse to go to. Owns overseas_warehouses.
 */
import { shanghaiDate } from '../../kernel/time.js';
import type { Actor, AuditTrail } from '../../platform/audit/audit.js';
import type { Database } from '../../platform/db/client.js';
import { AppError } from '../../platform/http/errors.js';
import { FILING_ROLE_NAMES } from './model.js';
import {
  WAREHOUSE_OPERATOR_ROLES,
  type WarehouseInput,
  type WarehouseStatus,
  warehouseProblems,
  warehouseStatusOn,
} from './overseas-warehouse-model.js';
import type { FilingService } from './service.js';
import { type OverseasWarehouseRow, warehouseStore as store } from './store.js';

export type WarehouseView = {
  id: string;
  /** The platform's code, `OW` and six digits. */
  code: string;
  operator: { uscc: string; nameCn: string | null };
  nameCn: string;
  country: string;
  address: string;
  areaM2: string;
  goodsCategories: string[];
  validFrom: string;
  validTo: string;
  status: WarehouseStatus;
  createdAt: string;
  withdrawnOn: string | null;
  withdrawReason: string | null;
};

/** The platform's code of a warehouse number, and back (null for anything else). */
export const warehouseCode = (no: number) => `OW${String(no).padStart(6, '0')}`;
export const warehouseNo = (code: string): number | null => (/^OW\d{6}$/.test(code) ? Number(code.slice(2)) : null);

export class OverseasWarehouses {
  constructor(
    private readonly db: Database,
    private readonly audit: AuditTrail,
    private readonly filing: FilingService,
    /** Whether a customs country code is in force on a date (the customs parameter table). */
    private readonly knownCountry: (code: string, on: string) => boolean,
    private readonly now: () => Date = () => new Date(),
  ) {}

  private async views(rows: OverseasWarehouseRow[]): Promise<WarehouseView[]> {
    const names = await this.filing.namesOf(rows.map((r) => r.operatorUscc));
    const today = shanghaiDate(this.now());
    return rows.map((w) => ({
      id: w.id,
      code: warehouseCode(w.no),
      operator: { uscc: w.operatorUscc, nameCn: names.get(w.operatorUscc)?.nameCn ?? null },
      nameCn: w.nameCn,
      country: w.country,
      address: w.address,
      areaM2: w.areaM2,
      goodsCategories: w.goodsCategories,
      validFrom: w.validFrom,
      validTo: w.validTo,
      status: warehouseStatusOn(w, today),
      createdAt: w.createdAt.toISOString(),
      withdrawnOn: w.withdrawnOn,
      withdrawReason: w.withdrawReason,
    }));
  }

  /** A page of filings: one operator's (`operatorUscc`), or all of them for officers. */
  async list(f: { operatorUscc?: string; country?: string; page: number; pageSize: number }) {
    const { rows, total } = await store.list(this.db, f);
    return { items: await this.views(rows), total, page: f.page, pageSize: f.pageSize };
  }

  /** File a warehouse (海外仓备案) for an operator filed in force as an overseas-warehouse enterprise or exporter. */
  async file(actor: Actor, operatorUscc: string, input: WarehouseInput): Promise<WarehouseView> {
    const operator = (await this.filing.resolveCodes([operatorUscc])).get(operatorUscc);
    if (!operator?.filed) {
      throw new AppError(409, 'NOT_FILED', '本企业备案不在有效状态', 'Your filing is not in force');
    }
    if (!WAREHOUSE_OPERATOR_ROLES.some((r) => operator.roles.includes(r))) {
      const roles = WAREHOUSE_OPERATOR_ROLES.map((r) => FILING_ROLE_NAMES[r]);
      throw new AppError(
        403,
        '-10101',
        `海外仓须由备案为${roles.map((r) => r.zh).join('或')}的企业备案`,
        `An overseas warehouse is filed by an enterprise filed as ${roles.map((r) => r.en.toLowerCase()).join(' or ')}`,
      );
    }
    const today = shanghaiDate(this.now());
    const problems = warehouseProblems(input, today, (c) => this.knownCountry(c, today));
    if (problems.length) {
      throw AppError.validation(problems.map((p) => ({ path: p.path, message: p.zh, messageEn: p.en, code: p.code })));
    }
    const row = await this.db.transaction(async (tx) => {
      const r = await store.insert(tx, {
        operatorUscc,
        nameCn: input.nameCn,
        country: input.country,
        address: input.address,
        areaM2: input.areaM2,
        goodsCategories: input.goodsCategories,
        validFrom: input.validFrom,
        validTo: input.validTo,
        createdBy: actor.userId ?? null,
      });
      await this.audit.append(tx, actor, {
        action: 'overseas-warehouse.filed',
        targetType: 'overseas_warehouse',
        targetId: r.id,
        enterpriseUscc: operatorUscc,
        summary: { code: warehouseCode(r.no), country: r.country, validFrom: r.validFrom, validTo: r.validTo },
      });
      return r;
    });
    return (await this.views([row]))[0] as WarehouseView;
  }

  /** Withdraw a filing from today on (撤销备案); 404 for another operator's. */
  async withdraw(actor: Actor, operatorUscc: string, id: string, reason: string): Promise<WarehouseView> {
    const gone = () => AppError.conflict('ALREADY_WITHDRAWN', '该海外仓备案已撤销', 'This filing is withdrawn already');
    const row = await this.db.transaction(async (tx) => {
      const w = await store.byId(tx, id, true);
      if (!w || w.operatorUscc !== operatorUscc) throw AppError.notFound('overseas warehouse', '海外仓');
      if (w.withdrawnOn) throw gone();
      const r = await store.withdraw(tx, id, {
        on: shanghaiDate(this.now()),
        by: actor.userId ?? null,
        reason: reason.trim(),
      });
      if (!r) throw gone();
      await this.audit.append(tx, actor, {
        action: 'overseas-warehouse.withdrawn',
        targetType: 'overseas_warehouse',
        targetId: id,
        enterpriseUscc: operatorUscc,
        summary: { code: warehouseCode(w.no), reason: reason.trim() },
      });
      return r;
    });
    return (await this.views([row]))[0] as WarehouseView;
  }

  /**
   * Export clearance's question for a 9810 list: the warehouses in `country` valid on `on` of any of these
   * operators (the exporter, or the overseas-warehouse enterprise its booking names).
   */
  async validFor(operators: string[], country: string, on: string): Promise<WarehouseView[]> {
    if (!operators.length) return [];
    return this.views(await store.validOn(this.db, operators, country, on));
  }
}

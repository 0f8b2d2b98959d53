import { describe, expect, it } from 'vitest';
import {
  isHsChapter,
  MAX_WAREHOUSE_FILING_DAYS,
  servesGoods,
  type WarehouseInput,
  warehouseProblems,
  warehouseStatusOn,
} from '../../src/modules/filing/overseas-warehouse-model.js';

const ok: WarehouseInput = {
  nameCn: '仓',
  country: '502',
  address: 'x',
  areaM2: '1200.5',
  goodsCategories: ['84', '0902'],
  validFrom: '2026-12-01',
  validTo: '2027-11-30',
};
const known = (c: string) => ['502', '303', '116'].includes(c);
const codes = (w: Partial<WarehouseInput>, today = '2026-12-03') =>
  warehouseProblems({ ...ok, ...w }, today, known).map((p) => `${p.path}:${p.code}`);

describe('overseas-warehouse filing rules', () => {
  it('a complete filing has no problem', () => expect(codes({})).toEqual([]));
  it('the warehouse is outside China: country 142 is refused, an unknown code too', () => {
    expect(codes({ country: '142' })).toEqual(['country:NOT_OVERSEAS']);
    expect(codes({ country: '999' })).toEqual(['country:UNKNOWN_COUNTRY']);
  });
  it.each(['0', '0.00', '-1', '1e3', '1.234', '0012', '', '1234567890'])('area %s is refused', (a) =>
    expect(codes({ areaM2: a })).toEqual(['areaM2:BAD_AREA']),
  );
  it.each(['0.01', '1', '999999999.99', '35.5'])('area %s is accepted', (a) =>
    expect(codes({ areaM2: a })).toEqual([]),
  );
  it('categories are HS chapters 01–97 (77 reserved) or headings, each once', () => {
    expect(isHsChapter('01')).toBe(true);
    expect(isHsChapter('97')).toBe(true);
    expect(isHsChapter('77')).toBe(false);
    expect(isHsChapter('98')).toBe(false);
    expect(isHsChapter('00')).toBe(false);
    expect(codes({ goodsCategories: ['84', '8471', '847', '7700', '8400', '84'] })).toEqual([
      'goodsCategories.2:BAD_CATEGORY',
      'goodsCategories.3:BAD_CATEGORY',
      'goodsCategories.4:BAD_CATEGORY',
      'goodsCategories.5:DUPLICATE_CATEGORY',
    ]);
  });
  it('the period: not reversed, not over, at most MAX_WAREHOUSE_FILING_DAYS (both days inclusive)', () => {
    expect(codes({ validTo: '2026-11-30' })).toEqual(['validTo:BAD_PERIOD']);
    expect(codes({ validFrom: '2025-01-01', validTo: '2026-12-02' })).toEqual(['validTo:BAD_PERIOD']);
    expect(codes({ validFrom: '2025-01-01', validTo: '2026-12-03' })).toEqual([]);
    expect(MAX_WAREHOUSE_FILING_DAYS).toBe(1830);
    expect(codes({ validFrom: '2026-12-01', validTo: '2031-12-05' })).toEqual([]); // 1830 days
    expect(codes({ validFrom: '2026-12-01', validTo: '2031-12-06' })).toEqual(['validTo:BAD_PERIOD']);
  });
  it('status on a date: scheduled, active on both end days, expired, withdrawn from the day of withdrawal', () => {
    const w = { validFrom: '2026-01-01', validTo: '2026-12-31', withdrawnOn: null };
    expect(warehouseStatusOn(w, '2025-12-31')).toBe('scheduled');
    expect(warehouseStatusOn(w, '2026-01-01')).toBe('active');
    expect(warehouseStatusOn(w, '2026-12-31')).toBe('active');
    expect(warehouseStatusOn(w, '2027-01-01')).toBe('expired');
    const gone = { ...w, withdrawnOn: '2026-06-01' };
    expect(warehouseStatusOn(gone, '2026-05-31')).toBe('active');
    expect(warehouseStatusOn(gone, '2026-06-01')).toBe('withdrawn');
  });
  it('a warehouse serves goods whose code starts with one of its categories', () => {
    expect(servesGoods(['84', '0902'], '8471300000')).toBe(true);
    expect(servesGoods(['84', '0902'], '0902101000')).toBe(true);
    expect(servesGoods(['84', '0902'], '0901210000')).toBe(false);
  });
});

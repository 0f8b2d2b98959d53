import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildCeb } from '../../src/modules/declaration/ceb/codec.js';
import { CEB_MESSAGE_DEFS, type CebMessageType } from '../../src/modules/declaration/ceb/definitions.generated.js';
import { validateCebXml } from '../../src/modules/declaration/ceb/xsd-validator.js';
import {
  acceptedInfo,
  cebTime,
  decideAppType,
  MESSAGE_SPECS,
  partyCodes,
  preNoOf,
  receiptRecord,
  recordPath,
} from '../../src/modules/declaration/model.js';

describe('message specs (ceb-messages.md §1)', () => {
  it('every data message towards customs has a spec, and its receipt is the next code', () => {
    const toCustoms = (Object.keys(CEB_MESSAGE_DEFS) as CebMessageType[]).filter(
      (t) => CEB_MESSAGE_DEFS[t].direction === 'toCustoms',
    );
    expect([...MESSAGE_SPECS.keys()].sort()).toEqual(toCustoms.sort());
    for (const spec of MESSAGE_SPECS.values()) {
      expect(Number(spec.receiptType.slice(3, 6))).toBe(Number(spec.type.slice(3, 6)) + 1);
      expect(CEB_MESSAGE_DEFS[spec.receiptType].direction).toBe('fromCustoms');
    }
  });

  it('record paths are the codec’s: CEB311Message/Order[2]/OrderHead, CEB513Message/LogisticsStatus[1]', () => {
    expect(recordPath(MESSAGE_SPECS.get('CEB311Message')!, 1)).toBe('CEB311Message/Order[2]/OrderHead');
    expect(recordPath(MESSAGE_SPECS.get('CEB513Message')!, 0)).toBe('CEB513Message/LogisticsStatus[1]');
  });

  it('party codes map to filing roles; 无 (a foreign party on export) and empty codes are skipped', () => {
    expect(
      partyCodes({ ebpCode: 'A', ebcCode: '无', payCode: '', logisticsCode: 'L', agentCode: 'G', assureCode: 'S' }),
    ).toEqual([
      { field: 'ebpCode', code: 'A', role: 'ebp' },
      { field: 'logisticsCode', code: 'L', role: 'logistics' },
      { field: 'agentCode', code: 'G', role: 'agent' },
      { field: 'assureCode', code: 'S', role: 'assure' },
    ]);
  });
});

describe('appType rules (ceb-messages.md §2.3, §5.2; platform-decisions.md "Messages")', () => {
  const stored = { appTime: '20261128093000', status: '2', declared: false };
  it.each([
    ['order', '1', undefined, 'insert'],
    ['order', '1', stored, '-301010'],
    ['payment', '1', stored, '-401007'],
    ['waybill', '1', stored, '-504015'],
    ['inventory', '1', stored, '-621004'],
    ['order', '1', { ...stored, status: 'deleted' }, 'update'],
    ['order', '2', undefined, '-301009'],
    ['order', '3', undefined, '-301009'],
    ['order', '2', stored, 'update'],
    ['order', '3', stored, 'delete'],
    ['order', '2', { ...stored, declared: true }, '-301011'],
    ['payment', '2', { ...stored, declared: true }, '-401008'],
    ['waybill', '3', { ...stored, declared: true }, '-504016'],
    ['order', '4', stored, '0002'],
  ] as const)('%s appType %s with stored %o → %s', (kind, appType, existing, expected) => {
    const d = decideAppType(kind, appType, '20261128093000', existing);
    expect(d.action === 'refuse' ? d.error.code : d.action).toBe(expected);
  });

  it('an older appTime than the stored one is ignored (-301014); the same or newer is applied', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000 }), fc.integer({ min: 0, max: 10_000 }), (a, b) => {
        const t = (n: number) =>
          `2026112809${String(Math.floor(n / 60) % 60).padStart(2, '0')}${String(n % 60).padStart(2, '0')}`;
        const d = decideAppType('order', '2', t(a), { appTime: t(b), status: '2', declared: false });
        if (t(a) < t(b)) expect(d).toMatchObject({ action: 'refuse', error: { code: '-301014' } });
        else expect(d).toEqual({ action: 'update' });
      }),
    );
  });
});

describe('receipts (ceb-messages.md §4)', () => {
  it('the receipt of every data message, built from a head, validates against the official XSD', () => {
    for (const spec of MESSAGE_SPECS.values()) {
      const head: Record<string, string> = {
        guid: 'CD05D2DE-5CED-42BC-9A70-57DE6C924655',
        ebpCode: '91620100MA7LHD015D',
        ebcCode: '91620100MA7LHD015D',
        orderNo: 'LZ-0001',
        payCode: '91620100MA7LHD0313',
        payTransactionId: 'PAY-1',
        logisticsCode: '91620100MA7LHD04XT',
        logisticsNo: 'LN-1',
        logisticsStatus: 'S',
        agentCode: '91620100MA7LHD04XT',
        copNo: 'COP-1',
        invtNo: '730120261128000001',
        preNo: preNoOf(new Date('2026-11-28T01:00:00Z'), 1),
        coElNo: 'CO-1',
        billNo: 'B-1',
        msgSeqNo: '1',
        operatorCode: '91620100MA7LHD058T',
        customsCode: '7301',
        statisticsFlag: 'A',
        payNo: 'R-1',
      };
      const record = receiptRecord(
        spec.receiptType,
        head,
        '2',
        '20261128093000123',
        acceptedInfo('1', head.guid as string),
      );
      const xml = buildCeb({ type: spec.receiptType, version: '1.0', records: [record] });
      expect(validateCebXml(xml, spec.receiptType), spec.receiptType).toEqual([]);
    }
  });

  it('pre-entry numbers are 18 characters: B, the Shanghai date, a 9-digit sequence', () => {
    expect(preNoOf(new Date('2026-11-28T17:00:00Z'), 42)).toBe('B20261129000000042');
  });

  it('returnInfo of an accepted record follows the samples: 新增/变更/删除申报成功[guid]', () => {
    expect(acceptedInfo('1', 'G')).toBe('新增申报成功[G]');
    expect(acceptedInfo('2', 'G')).toBe('变更申报成功[G]');
    expect(acceptedInfo('3', 'G')).toBe('删除申报成功[G]');
  });

  it('CEB times are Asia/Shanghai: appTime YYYYMMDDhhmmss, returnTime YYYYMMDDhhmmssSSS', () => {
    const d = new Date('2026-11-28T16:30:05.123Z'); // 00:30:05.123 the next day in Shanghai
    expect(cebTime(d, false)).toBe('20261129003005');
    expect(cebTime(d, true)).toBe('20261129003005123');
  });
});

import { describe, expect, it } from 'vitest';
import { validateAgainstXsd, validateCebXml } from '../../src/modules/declaration/ceb/xsd-validator.js';
import { SAMPLES, sample } from './samples.js';

describe('libxml2-wasm XSD validation', () => {
  it('accepts every official import sample as it is', () => {
    for (const s of SAMPLES.filter((x) => x.name.startsWith('import/'))) {
      expect(validateAgainstXsd(s.bytes, 'import'), s.name).toEqual([]);
    }
  });

  it('maps schema violations to 0002 with line and message (CEB303 duplicate BaseTransfer)', () => {
    const [error] = validateCebXml(sample('CEB303Message'), 'CEB303Message');
    expect(error).toMatchObject({ code: '0002', line: 321 });
    expect(error?.message.en).toContain('BaseTransfer');
    expect(error?.message.zh).toContain('数据包不能通过schema验证');
  });

  it('maps CEB792 gnum-for-gseqno and CEB214 root quirks to 0002', () => {
    expect(validateCebXml(sample('CEB792Message'), 'CEB792Message')[0]).toMatchObject({ code: '0002', line: 26 });
    expect(validateCebXml(sample('CEB214Message'), 'CEB214Message')[0]?.message.en).toContain('validation root');
  });

  it('maps malformed XML to 0001', () => {
    expect(validateCebXml('<ceb:CEB311Message', 'CEB311Message')[0]).toMatchObject({ code: '0001', line: 1 });
  });
});

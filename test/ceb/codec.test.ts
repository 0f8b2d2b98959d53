import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildCeb, CebBuildError, type CebMessage, parseCeb } from '../../src/modules/declaration/ceb/codec.js';
import { CEB_MESSAGE_DEFS } from '../../src/modules/declaration/ceb/definitions.generated.js';
import { validateCebXml } from '../../src/modules/declaration/ceb/xsd-validator.js';
import { SAMPLES, sample, VENDOR_DIR } from './samples.js';

function parsed(xml: string | Buffer): CebMessage {
  const result = parseCeb(xml);
  if (!result.ok) throw new Error(JSON.stringify(result.errors, null, 2));
  return result.message;
}

const hasXmllint = spawnSync('xmllint', ['--version']).status === 0;

function xmllint(xml: string, schemaFile: string): { ok: boolean; output: string } {
  const run = spawnSync('xmllint', ['--noout', '--nonet', '--schema', path.join(VENDOR_DIR, 'xsd', schemaFile), '-'], {
    input: xml,
    encoding: 'utf8',
  });
  return { ok: run.status === 0, output: run.stderr };
}

describe('the 39 official samples', () => {
  it('are all present', () => {
    expect(SAMPLES).toHaveLength(39);
  });

  describe.each(SAMPLES)('$name', ({ bytes }) => {
    it('parses, and re-emits to the same data (parse(build(parse(x))) = parse(x))', () => {
      const message = parsed(bytes);
      expect(message.records.length).toBeGreaterThan(0);
      expect(parsed(buildCeb(message))).toEqual(message);
    });

    it('re-emits XML that the official XSD accepts (libxml2-wasm)', () => {
      const message = parsed(bytes);
      expect(validateCebXml(buildCeb(message), message.type)).toEqual([]);
    });

    it.runIf(hasXmllint)('re-emits XML that xmllint --schema accepts', () => {
      const message = parsed(bytes);
      const result = xmllint(buildCeb(message), CEB_MESSAGE_DEFS[message.type].xsd);
      expect(result.output).toContain('validates');
      expect(result.ok).toBe(true);
    });
  });
});

describe('parseCeb', () => {
  it('reads a CEB311 order with the XSD field names, decimals as strings', () => {
    const message = parsed(sample('CEB311Message'));
    expect(message.type).toBe('CEB311Message');
    expect(message.version).toBe('1.0');
    expect(message.guid).toHaveLength(36);
    const order = message.records[0] as { OrderHead: Record<string, string>; OrderList: Record<string, string>[] };
    expect(typeof order.OrderHead.goodsValue).toBe('string');
    expect(order.OrderHead.currency).toBe('142');
    expect(Array.isArray(order.OrderList)).toBe(true);
    expect(message.baseTransfer).toMatchObject({ dxpMode: 'DXP' });
  });

  it('reads the signature of CEB621 (ceb-messages.md §8)', () => {
    const { signature } = parsed(sample('CEB621Message'));
    expect(signature).toMatchObject({
      canonicalizationMethod: 'http://www.w3.org/TR/2001/REC-xml-c14n-20010315',
      signatureMethod: 'http://www.chinaport.gov.cn/2022/04/xmldsig#sm2-sm3',
      references: [
        {
          uri: '',
          transforms: ['http://www.w3.org/2000/09/xmldsig#enveloped-signature'],
          digestMethod: 'http://www.chinaport.gov.cn/2022/04/xmldsig#sm3',
          digestValue: 'SF/P+2sVsRQ9dJIqJSroW6ajb0Y=',
        },
      ],
      keyName: '0001',
    });
    expect(signature?.signatureValue).toMatch(/^[A-Za-z0-9+/=]+$/);
    expect(signature?.x509Certificate).toMatch(/^MIIE/);
  });

  it('accepts the default namespace form of the receipts', () => {
    const xml = sample('CEB312Message').toString('utf8');
    expect(xml).toContain('<CEB312Message xmlns="http://www.chinaport.gov.cn/ceb"');
    expect(parsed(xml).records).toHaveLength(10);
  });

  it('reads CEB214 whose root is named CEB214, with a warning', () => {
    const result = parseCeb(sample('CEB214Message'));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.message.type).toBe('CEB214Message');
    expect(result.warnings.map((w) => w.message.en)).toContain('root CEB214 read as CEB214Message');
    expect(buildCeb(result.message)).toContain('<ceb:CEB214Message ');
  });

  it('takes CEB792 gseqno from gnum when the sender left it out', () => {
    const result = parseCeb(sample('CEB792Message'));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const first = result.message.records[0] as { SummaryResultList: Record<string, string>[] };
    expect(first.SummaryResultList[0]).toMatchObject({ gseqno: '1', gnum: '1' });
    expect(result.warnings.some((w) => w.path.endsWith('SummaryResultList[1]/gseqno'))).toBe(true);
  });

  it('merges the identical duplicate BaseTransfer of the export samples and accepts any child order', () => {
    const xml = sample('CEB303Message').toString('utf8');
    const result = parseCeb(xml);
    expect(result.ok && result.warnings.some((w) => w.message.en === 'identical duplicate BaseTransfer merged')).toBe(
      true,
    );
    // Signature before BaseTransfer, as some senders do.
    const sig = xml.slice(xml.indexOf('<ds:Signature'), xml.indexOf('</ds:Signature>') + '</ds:Signature>'.length);
    const moved = xml.replace(sig, '').replace('\t<ceb:BaseTransfer>', `${sig}\n\t<ceb:BaseTransfer>`);
    expect(moved.indexOf('<ds:Signature')).toBeLessThan(moved.indexOf('<ceb:BaseTransfer>'));
    expect(parsed(moved)).toEqual(parsed(xml));
  });

  it('rejects two different BaseTransfer elements', () => {
    const xml = sample('CEB303Message')
      .toString('utf8')
      .replace('<ceb:copCode>1105910159</ceb:copCode>', '<ceb:copCode>X</ceb:copCode>');
    const result = parseCeb(xml);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors[0]).toMatchObject({ code: '0002', path: 'CEB303Message/BaseTransfer' });
  });
});

describe('buildCeb', () => {
  const order = parsed(sample('CEB311Message'));

  it('writes the ceb: prefix, the namespace and escapes text', () => {
    const head = (order.records[0] as { OrderHead: Record<string, string> }).OrderHead;
    const message = structuredClone(order);
    (message.records[0] as { OrderHead: Record<string, string> }).OrderHead = { ...head, note: 'a < b & "c"' };
    const xml = buildCeb(message);
    expect(xml).toMatch(
      /^<\?xml version="1.0" encoding="UTF-8"\?>\n<ceb:CEB311Message guid="[^"]{36}" version="1.0" xmlns:ceb="http:\/\/www.chinaport.gov.cn\/ceb">/,
    );
    expect(xml).toContain('<ceb:note>a &lt; b &amp; &quot;c&quot;</ceb:note>');
    expect(validateCebXml(xml, 'CEB311Message')).toEqual([]);
    expect((parsed(xml).records[0] as { OrderHead: Record<string, string> }).OrderHead.note).toBe('a < b & "c"');
  });

  it('generates an upper-case guid when none is given', () => {
    const { guid: _guid, ...rest } = order;
    const xml = buildCeb(rest);
    expect(parsed(xml).guid).toMatch(/^[0-9A-F-]{36}$/);
  });

  it('refuses an invalid message with the same errors as parsing', () => {
    const message = structuredClone(order);
    const head = (message.records[0] as { OrderHead: Record<string, string> }).OrderHead;
    head.goodsValue = '1e3';
    delete head.orderNo;
    expect(() => buildCeb(message)).toThrow(CebBuildError);
    try {
      buildCeb(message);
    } catch (err) {
      expect((err as CebBuildError).errors.map((e) => [e.code, e.path])).toEqual([
        ['0002', 'CEB311Message/Order[1]/OrderHead/orderNo'],
        ['0002', 'CEB311Message/Order[1]/OrderHead/goodsValue'],
      ]);
    }
  });

  it('refuses more than 100 orders per message (ceb-messages.md §1.3 batch limits)', () => {
    const message = { ...order, records: Array.from({ length: 101 }, () => order.records[0]!) };
    expect(() => buildCeb(message)).toThrow(/101 Order, at most 100 allowed/);
  });

  it('refuses unknown properties rather than dropping them', () => {
    const message = { ...order, baseTransfer: { ...order.baseTransfer, extra: 'x' } };
    expect(() => buildCeb(message)).toThrow(/unknown element extra/);
  });
});

describe('optional parts absent from the samples', () => {
  it('round-trips BaseSubscribe and ExtendMessage (xs:any kept as XML)', () => {
    const message = parsed(sample('CEB303Message'));
    message.baseSubscribe = [{ status: '2', dxpMode: 'DXP', dxpAddress: 'DXPENT0000000001' }];
    message.extendMessage = {
      name: 'ext',
      version: '1.0',
      Message: '<note xmlns="urn:example"><a>1 &amp; 2</a></note>',
    };
    const xml = buildCeb(message);
    expect(validateCebXml(xml, 'CEB303Message')).toEqual([]);
    expect(xml.indexOf('<ds:Signature')).toBeLessThan(xml.indexOf('<ceb:ExtendMessage>'));
    expect(parsed(xml)).toEqual(message);
  });

  it('refuses ExtendMessage content that is not one well-formed element', () => {
    const message = parsed(sample('CEB303Message'));
    message.extendMessage = { name: 'ext', version: '1.0', Message: '<a><b></a>' };
    expect(() => buildCeb(message)).toThrow(/one well-formed XML element/);
  });

  it('keeps records an array for CEB711 (Delivery maxOccurs 1) and refuses two', () => {
    const message = parsed(sample('CEB711Message'));
    expect(message.records).toHaveLength(1);
    expect(() => buildCeb({ ...message, records: [message.records[0]!, message.records[0]!] })).toThrow(
      /2 Delivery, at most 1 allowed/,
    );
  });
});

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { CebGroupDef, CebNodeDef } from '../../src/modules/declaration/ceb/definition-types.js';
import {
  CEB_MESSAGE_DEFS,
  CEB_MESSAGE_TYPES,
  DXP_MSG_DEF,
} from '../../src/modules/declaration/ceb/definitions.generated.js';
import { generateDefinitions, OUTPUT_FILE } from '../../tools/ceb-codegen.js';

function find(nodes: CebNodeDef[], ...names: string[]): CebNodeDef {
  const [first, ...rest] = names;
  const node = nodes.find((n) => n.name === first);
  if (!node) throw new Error(`no ${first}`);
  return rest.length === 0 ? node : find((node as CebGroupDef).children, ...rest);
}

describe('generated CEB definitions', () => {
  it('are identical to a fresh generation from vendor/ceb/xsd', () => {
    expect(generateDefinitions()).toBe(readFileSync(OUTPUT_FILE, 'utf8'));
  });

  it('cover the 19 import and 23 export messages of ceb-messages.md §1', () => {
    const imports = CEB_MESSAGE_TYPES.filter((t) => CEB_MESSAGE_DEFS[t].trade === 'import');
    expect(imports.map((t) => t.slice(3, 6))).toEqual([
      '311',
      '312',
      '411',
      '412',
      '511',
      '512',
      '513',
      '514',
      '621',
      '622',
      '623',
      '624',
      '625',
      '626',
      '711',
      '712',
      '816',
      '818',
      '900',
    ]);
    expect(CEB_MESSAGE_TYPES.length - imports.length).toBe(23);
    expect(CEB_MESSAGE_DEFS.CEB311Message.direction).toBe('toCustoms');
    expect(CEB_MESSAGE_DEFS.CEB622Message.direction).toBe('fromCustoms');
    expect(CEB_MESSAGE_DEFS.CEB792Message.namespace).toBe('http://www.chinaport.gov.cn/ceb');
  });

  it('resolve refs with their occurrence limits and facets (CEB311)', () => {
    const children = CEB_MESSAGE_DEFS.CEB311Message.children;
    expect(children.map((c) => c.name)).toEqual([
      'Order',
      'BaseTransfer',
      'BaseSubscribe',
      'ExtendMessage',
      'Signature',
    ]);
    expect(find(children, 'Order')).toMatchObject({ kind: 'group', minOccurs: 1, maxOccurs: 100 });
    expect(find(children, 'Order', 'OrderList')).toMatchObject({ minOccurs: 1, maxOccurs: 99 });
    expect(find(children, 'Order', 'OrderHead', 'goodsValue')).toMatchObject({
      kind: 'field',
      type: { base: 'decimal', totalDigits: 19, fractionDigits: 5 },
    });
    expect(find(children, 'Order', 'OrderHead', 'appTime')).toMatchObject({
      type: { base: 'string', length: 14, dateFormat: 'YYYYMMDDhhmmss' },
    });
    expect(find(children, 'BaseTransfer', 'dxpMode')).toMatchObject({ type: { length: 3 } });
    expect(find(children, 'ExtendMessage', 'Message')).toMatchObject({ kind: 'any' });
    expect(find(children, 'Signature')).toMatchObject({ kind: 'signature', minOccurs: 0 });
    expect(find(CEB_MESSAGE_DEFS.CEB621Message.children, 'Signature')).toMatchObject({ minOccurs: 1 });
    expect(CEB_MESSAGE_DEFS.CEB311Message.attributes.map((a) => [a.name, a.required, a.type.length])).toEqual([
      ['guid', true, 36],
      ['version', true, undefined],
    ]);
  });

  it('keep the export schema order (Signature before ExtendMessage, ceb-messages.md §1.3)', () => {
    expect(CEB_MESSAGE_DEFS.CEB303Message.children.map((c) => c.name)).toEqual([
      'Order',
      'BaseTransfer',
      'BaseSubscribe',
      'Signature',
      'ExtendMessage',
    ]);
    expect(find(CEB_MESSAGE_DEFS.CEB792Message.children, 'SummaryResult', 'SummaryResultList', 'gseqno')).toMatchObject(
      {
        type: { base: 'int', totalDigits: 5 },
      },
    );
  });

  it('include the DxpMsg envelope of the terminal schema (ceb-messages.md §2.4)', () => {
    const dxp = DXP_MSG_DEF as CebGroupDef;
    expect(dxp.children.map((c) => c.name)).toEqual(['TransInfo', 'Data', 'AddInfo', 'Signature']);
    expect(find(dxp.children, 'TransInfo', 'ReceiverIds', 'ReceiverId')).toMatchObject({ maxOccurs: 5 });
    expect(find(dxp.children, 'Data')).toMatchObject({ kind: 'field', type: { base: 'base64Binary' } });
    expect(dxp.attributes?.find((a) => a.name === 'ver')).toMatchObject({ required: true, type: { fixed: '1.0' } });
  });
});

/**
 * Canonical XML (c14n.ts) against libxml2: the xmllint outputs committed in test/fixtures/signature/c14n (and,
 * where xmllint is installed, against xmllint live), the official samples, subtree canonicalisation (namespace
 * inheritance on the apex), and the input gate.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseXmlTree } from '../../src/modules/declaration/ceb/xml-tree.js';
import {
  C14N_10,
  C14N_10_WITH_COMMENTS,
  canonicalize,
  canonicalizeXml,
  compareCodePoints,
  EXC_C14N,
  EXC_C14N_WITH_COMMENTS,
  XmlInputError,
} from '../../src/modules/declaration/signature/c14n.js';
import { childElements, parseXmlDocument } from '../../src/modules/declaration/signature/xml-document.js';
import { SAMPLES } from '../ceb/samples.js';
import { FIXTURES } from './support.js';

const C14N_DIR = path.join(FIXTURES, 'c14n');
const hasXmllint = spawnSync('xmllint', ['--version']).status === 0;
const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');
const stripComments = (xml: string) => xml.replace(/<!--[\s\S]*?-->/g, '');

function doc(xml: string) {
  const r = parseXmlDocument(xml);
  if (!r.ok) throw new Error(r.message);
  return r.doc;
}

describe('canonical form of the edge-case documents = xmllint (committed output)', () => {
  const inputs = readdirSync(C14N_DIR).filter((f) => f.endsWith('.input.xml'));

  it('has edge-case inputs', () => {
    expect(inputs.length).toBeGreaterThanOrEqual(2);
  });

  describe.each(inputs)('%s', (file) => {
    const base = file.replace(/\.input\.xml$/, '');
    const input = readFileSync(path.join(C14N_DIR, file));
    const expected = (kind: string) => readFileSync(path.join(C14N_DIR, `${base}.${kind}.xml`), 'utf8');

    it('C14N 1.0 with comments', () => {
      expect(canonicalizeXml(input, { algorithm: C14N_10_WITH_COMMENTS })).toBe(expected('c14n-with-comments'));
    });
    it('C14N 1.0 without comments', () => {
      expect(canonicalizeXml(input, { algorithm: C14N_10 })).toBe(expected('c14n'));
    });
    it('exclusive C14N with comments', () => {
      expect(canonicalizeXml(input, { algorithm: EXC_C14N_WITH_COMMENTS })).toBe(expected('exc-c14n-with-comments'));
    });
  });
});

describe('the 39 official samples', () => {
  const hashes = JSON.parse(readFileSync(path.join(C14N_DIR, 'samples.sha256.json'), 'utf8')) as Record<
    string,
    Record<string, string>
  >;

  it('all have committed xmllint hashes', () => {
    expect(Object.keys(hashes).sort()).toEqual(SAMPLES.map((s) => s.name).sort());
  });

  describe.each(SAMPLES)('$name', ({ name, bytes }) => {
    const h = hashes[name]!;
    it('C14N 1.0 (with and without comments) and exclusive C14N match xmllint byte for byte', () => {
      expect(sha256(canonicalizeXml(bytes, { algorithm: C14N_10_WITH_COMMENTS }))).toBe(h.c14nWithComments);
      expect(sha256(canonicalizeXml(bytes, { algorithm: C14N_10 }))).toBe(h.c14n);
      expect(sha256(canonicalizeXml(bytes, { algorithm: EXC_C14N_WITH_COMMENTS }))).toBe(h.excC14nWithComments);
    });
    it('the enveloped-signature transform = the document with the ds:Signature element cut out', () => {
      expect(sha256(canonicalizeXml(bytes, { envelopedSignature: true }))).toBe(h.envelopedC14n);
    });
  });
});

describe.runIf(hasXmllint)('against xmllint, live', () => {
  const lint = (flag: string, xml: string) =>
    spawnSync('xmllint', [flag, '-'], { input: xml, encoding: 'utf8' }).stdout as string;

  it('on every sample', () => {
    for (const { bytes } of SAMPLES) {
      const xml = bytes.toString('utf8').replace(/^\uFEFF/, '');
      expect(canonicalizeXml(xml, { algorithm: C14N_10_WITH_COMMENTS })).toBe(lint('--c14n', xml));
      expect(canonicalizeXml(xml, { algorithm: EXC_C14N_WITH_COMMENTS })).toBe(lint('--exc-c14n', xml));
    }
  });

  it('on generated documents (random text, attributes, namespaces, comments, PIs, CDATA)', () => {
    const text = fc.string({
      unit: fc.constantFrom(
        'a',
        'Z',
        ' ',
        '\t',
        '\n',
        '\r\n',
        '&amp;',
        '&lt;',
        '>',
        '"',
        "'",
        '中',
        '😀',
        '&#13;',
        '&#9;',
      ),
    });
    const ns = fc.constantFrom('', 'urn:a', 'urn:b', 'http://www.chinaport.gov.cn/ceb');
    const node: fc.Arbitrary<string> = fc.letrec<{ el: string }>((tie) => ({
      el: fc
        .tuple(
          fc.constantFrom('x', 'p:y', 'q:z', 'w'),
          fc.option(ns),
          fc.option(
            fc.tuple(
              fc.constantFrom('p', 'q'),
              ns.filter((u) => u !== ''),
            ),
          ),
          fc.array(fc.tuple(fc.constantFrom('b', 'a', 'p:c', 'q:a', 'xml:lang'), text), { maxLength: 3 }),
          fc.array(
            fc.oneof(
              { depthSize: 'small' },
              text,
              tie('el'),
              fc.constant('<!-- c -->'),
              fc.constant('<?pi d?>'),
              fc.constant('<![CDATA[ <&> ]]>'),
            ),
            { maxLength: 4 },
          ),
        )
        .map(([name, defaultNs, decl, attrs, children]) => {
          const seen = new Set<string>();
          let tag = `<${name}`;
          if (defaultNs !== null) tag += ` xmlns="${defaultNs}"`;
          if (decl) tag += ` xmlns:${decl[0]}="${decl[1]}"`;
          for (const [a, v] of attrs) {
            if (seen.has(a)) continue;
            seen.add(a);
            tag += ` ${a}="${v.replace(/"/g, '&quot;').replace(/</g, '&lt;')}"`;
          }
          return `${tag}>${children.join('')}</${name}>`;
        }),
    })).el;
    fc.assert(
      fc.property(node, (el) => {
        const xml = `<?xml version="1.0"?>\n<!-- head -->\n<root xmlns:p="urn:p" xmlns:q="urn:q">${el}</root>\n`;
        expect(canonicalizeXml(xml, { algorithm: C14N_10_WITH_COMMENTS })).toBe(lint('--c14n', xml));
        expect(canonicalizeXml(xml, { algorithm: EXC_C14N_WITH_COMMENTS })).toBe(lint('--exc-c14n', xml));
        expect(canonicalizeXml(xml, { algorithm: C14N_10 })).toBe(lint('--c14n', stripComments(xml)));
      }),
      { numRuns: 150 },
    );
  });
});

describe('subtree canonicalisation (SignedInfo in its context)', () => {
  const xml = [
    '<r:root xmlns="urn:d" xmlns:r="urn:r" xmlns:unused="urn:u" xml:lang="zh" xml:space="preserve" a="1">',
    '<mid xmlns:m="urn:m" xml:lang="en"><r:apex b="2" m:c="3"><inner xmlns=""/></r:apex></mid>',
    '</r:root>',
  ].join('');
  const apex = () => {
    const d = doc(xml);
    const mid = childElements(d.root)[0]!;
    return childElements(mid)[0]!;
  };

  it('inclusive: the apex carries every namespace in scope, sorted, and the nearest xml:* attributes', () => {
    expect(canonicalize(apex())).toBe(
      '<r:apex xmlns="urn:d" xmlns:m="urn:m" xmlns:r="urn:r" xmlns:unused="urn:u" b="2" xml:lang="en" xml:space="preserve" m:c="3"><inner xmlns=""></inner></r:apex>',
    );
  });

  it('exclusive: only the visibly utilised namespaces, no xml:* inheritance', () => {
    expect(canonicalize(apex(), { exclusive: true })).toBe(
      '<r:apex xmlns:m="urn:m" xmlns:r="urn:r" b="2" m:c="3"><inner></inner></r:apex>',
    );
  });

  it('exclusive with an InclusiveNamespaces PrefixList', () => {
    expect(canonicalize(apex(), { exclusive: true, inclusivePrefixes: ['#default', 'unused'] })).toBe(
      '<r:apex xmlns="urn:d" xmlns:m="urn:m" xmlns:r="urn:r" xmlns:unused="urn:u" b="2" m:c="3"><inner xmlns=""></inner></r:apex>',
    );
  });

  it('a whole document and its root element agree', () => {
    const d = doc(xml);
    expect(canonicalize(d.root)).toBe(canonicalize(d));
    expect(canonicalize(d, { exclusive: true })).toBe(canonicalizeXml(xml, { algorithm: EXC_C14N }));
  });

  it('leaves excluded subtrees out, keeping the white space around them', () => {
    const d = doc('<a>\n  <keep/>\n  <drop><x/></drop>\n</a>');
    const drop = childElements(d.root)[1]!;
    expect(canonicalize(d, { exclude: new Set([drop]) })).toBe('<a>\n  <keep></keep>\n  \n</a>');
  });
});

describe('input gate (same refusals as the codec parser)', () => {
  const refused = [
    '<!DOCTYPE a [<!ENTITY x "y">]><a>&x;</a>',
    '<?xml version="1.0"?>\n<!DOCTYPE a SYSTEM "file:///etc/passwd"><a/>',
    '<!doctype a><a/>',
    '<a><!ENTITY x "y"></a>',
    '<a>&unknown;</a>',
    '<a><b></a>',
    '<?xml version="1.0" encoding="GBK"?><a/>',
    '',
    'just text',
  ];

  it.each(refused)('refuses %j, as parseXmlTree does', (xml) => {
    expect(parseXmlTree(xml).ok).toBe(false);
    expect(parseXmlDocument(xml).ok).toBe(false);
    expect(() => canonicalizeXml(xml)).toThrow(XmlInputError);
  });

  it('refuses a DOCTYPE with a bilingual message', () => {
    const r = parseXmlDocument('<!DOCTYPE a [<!ENTITY lol "lol">]><a>&lol;</a>');
    expect(r).toMatchObject({ ok: false, messageZh: '报文不允许包含DOCTYPE或ENTITY声明' });
  });

  it('refuses XML 1.1 (Canonical XML 1.0 is for XML 1.0) and invalid UTF-8', () => {
    expect(parseXmlDocument('<?xml version="1.1"?><a/>').ok).toBe(false);
    expect(parseXmlDocument(Buffer.from([0x3c, 0x61, 0x3e, 0xff, 0x3c, 0x2f, 0x61, 0x3e])).ok).toBe(false);
  });

  it('enforces the element depth cap', () => {
    const deep = `${'<a>'.repeat(65)}${'</a>'.repeat(65)}`;
    expect(parseXmlDocument(deep)).toMatchObject({ ok: false, messageZh: '报文嵌套层级过深' });
  });

  it('accepts a UTF-8 BOM and CR LF line ends (normalised to LF)', () => {
    const r = canonicalizeXml(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('<a>\r\nx\r</a>')]));
    expect(r).toBe('<a>\nx\n</a>');
  });
});

describe('element offsets (used to insert the signature into the original text)', () => {
  it('point at the start tag, the end tag and just after it', () => {
    const xml = '<?xml version="1.0"?>\r\n<a:r xmlns:a="urn:a"><b x="1">中😀</b><c/><d>\r\n</d  ></a:r>';
    const d = doc(xml);
    for (const e of [d.root, ...childElements(d.root)]) {
      expect(xml.slice(e.start, e.start + e.name.length + 1)).toBe(`<${e.name}`);
      expect(xml[e.end - 1]).toBe('>');
      if (e.endTagStart !== e.end)
        expect(xml.slice(e.endTagStart, e.endTagStart + e.name.length + 2)).toBe(`</${e.name}`);
    }
  });
});

describe('compareCodePoints', () => {
  it('orders like code points (UTF-8 bytes), not like UTF-16 code units', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.string({ unit: 'binary' }), (a, b) => {
        const bytes = Math.sign(Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8')));
        expect(Math.sign(compareCodePoints(a, b))).toBe(bytes);
      }),
    );
    expect(compareCodePoints('\uff41', '\u{1f600}')).toBeLessThan(0); // 'ａ' < '😀' although 0xFF41 > 0xD83D
  });
});

/**
 * CEB definitions generator.
 *
 * Reads the official 2022-05 XSDs in vendor/ceb/xsd (parsed with saxes) and writes
 * src/modules/declaration/ceb/definitions.generated.ts: for every CEB message (ceb-messages.md §1 catalogue) its
 * root, namespace, trade and direction, and the ordered tree of record groups and fields with their facets
 * (min/maxOccurs, length, totalDigits/fractionDigits, enumerations, patterns), named types and refs resolved.
 * Also the DxpMsg envelope of the terminal-node XSD (ceb-messages.md §2.4).
 *
 *   npx tsx tools/ceb-codegen.ts           # regenerate
 *   npx tsx tools/ceb-codegen.ts --check   # exit 1 if the checked-in file is stale
 *
 * A new edition of the standard is a new set of XSDs plus a regeneration.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type {
  CebAttributeDef,
  CebMessageDef,
  CebNodeDef,
  CebSimpleType,
  Occurs,
} from '../src/modules/declaration/ceb/definition-types.js';
import { parseXmlTree, type XmlElement } from '../src/modules/declaration/ceb/xml-tree.js';

const XS = 'http://www.w3.org/2001/XMLSchema';
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const XSD_DIR = path.join(ROOT, 'vendor/ceb/xsd');
export const OUTPUT_FILE = path.join(ROOT, 'src/modules/declaration/ceb/definitions.generated.ts');

/** The schema files and what they define (vendor/ceb/README.md). */
const CEB_SCHEMAS = [
  { file: 'ceb-import-202205.xsd', trade: 'import' },
  { file: 'ceb-export-202205.xsd', trade: 'export' },
] as const;
const TERMINAL_SCHEMA = 'ceb-terminal-202205.xsd';

interface Schema {
  file: string;
  targetNamespace: string;
  elements: Map<string, XmlElement>;
  complexTypes: Map<string, XmlElement>;
  simpleTypes: Map<string, XmlElement>;
}

function loadSchema(dir: string, file: string): Schema {
  const parsed = parseXmlTree(readFileSync(path.join(dir, file)));
  if (!parsed.ok) throw new Error(`${file}: ${parsed.message}`);
  const schema: Schema = {
    file,
    targetNamespace: parsed.root.attributes.targetNamespace ?? '',
    elements: new Map(),
    complexTypes: new Map(),
    simpleTypes: new Map(),
  };
  for (const child of xsChildren(parsed.root)) {
    const name = child.attributes.name;
    if (!name) continue;
    if (child.local === 'element') schema.elements.set(name, child);
    else if (child.local === 'complexType') schema.complexTypes.set(name, child);
    else if (child.local === 'simpleType') schema.simpleTypes.set(name, child);
  }
  return schema;
}

function xsChildren(el: XmlElement, local?: string): XmlElement[] {
  return el.children.filter((c) => c.ns === XS && (local === undefined || c.local === local));
}

function xsChild(el: XmlElement, local: string): XmlElement | undefined {
  return xsChildren(el, local)[0];
}

/** QNames in these XSDs use fixed prefixes: xs (XML Schema), ds (XML-DSig), and ceb/dxp for the target namespace. */
function splitQName(qname: string): { prefix: string; local: string } {
  const i = qname.indexOf(':');
  return i < 0 ? { prefix: '', local: qname } : { prefix: qname.slice(0, i), local: qname.slice(i + 1) };
}

function documentation(el: XmlElement): string | undefined {
  const doc = xsChild(el, 'annotation');
  const text = doc ? xsChild(doc, 'documentation')?.text : undefined;
  const clean = text?.replace(/\s+/g, ' ').trim();
  return clean ? clean : undefined;
}

function occurs(value: string | undefined, fallback: number): Occurs {
  if (value === undefined) return fallback;
  if (value === 'unbounded') return 'unbounded';
  return Number(value);
}

const BUILTINS: Record<string, CebSimpleType['base']> = {
  string: 'string',
  decimal: 'decimal',
  int: 'int',
  date: 'date',
  dateTime: 'dateTime',
  base64Binary: 'base64Binary',
  ID: 'ID',
};

function builtin(qname: string): CebSimpleType['base'] {
  const { prefix, local } = splitQName(qname);
  const base = BUILTINS[local];
  if (prefix !== 'xs' || !base) throw new Error(`unsupported built-in type ${qname}`);
  return base;
}

/** Resolves a simple type (a built-in QName or a named simpleType of this schema). */
function simpleTypeByName(schema: Schema, qname: string): CebSimpleType {
  const { prefix, local } = splitQName(qname);
  if (prefix === 'xs') return { base: builtin(qname) };
  const named = schema.simpleTypes.get(local);
  if (!named) throw new Error(`${schema.file}: unknown simple type ${qname}`);
  return simpleType(schema, named);
}

/** Converts an xs:simpleType (restriction only; these XSDs use no list/union). */
function simpleType(schema: Schema, el: XmlElement): CebSimpleType {
  const restriction = xsChild(el, 'restriction');
  if (!restriction) throw new Error(`${schema.file}: simpleType without restriction (line ${el.line})`);
  const type: CebSimpleType = { ...simpleTypeByName(schema, restriction.attributes.base ?? '') };
  for (const facet of xsChildren(restriction)) {
    const value = facet.attributes.value ?? '';
    switch (facet.local) {
      case 'length':
      case 'minLength':
      case 'maxLength':
      case 'totalDigits':
      case 'fractionDigits':
        type[facet.local] = Number(value);
        break;
      case 'enumeration':
        type.enumeration = [...(type.enumeration ?? []), value];
        break;
      case 'pattern':
        type.pattern = [...(type.pattern ?? []), value];
        break;
      case 'whiteSpace':
        type.whiteSpace = value as CebSimpleType['whiteSpace'];
        break;
      case 'annotation':
        break;
      default:
        throw new Error(`${schema.file}: unsupported facet ${facet.local} (line ${facet.line})`);
    }
  }
  return type;
}

/** ceb-messages.md §2.3: date formats are stated only in the annotations; trust them when the length agrees. */
function dateFormat(doc: string | undefined, type: CebSimpleType): CebSimpleType['dateFormat'] {
  const m = doc ? /yyyymmdd(hhmmss(sss|fff)?)?/i.exec(doc.replace(/HH24/i, 'hh')) : null;
  if (!m) return undefined;
  const format = m[2] ? 'YYYYMMDDhhmmssSSS' : m[1] ? 'YYYYMMDDhhmmss' : 'YYYYMMDD';
  const len = type.length ?? type.maxLength;
  return len === format.length ? format : undefined;
}

function attributes(schema: Schema, holder: XmlElement): CebAttributeDef[] | undefined {
  const list = xsChildren(holder, 'attribute').map((a): CebAttributeDef => {
    const st = xsChild(a, 'simpleType');
    const type = st ? simpleType(schema, st) : simpleTypeByName(schema, a.attributes.type ?? 'xs:string');
    if (a.attributes.fixed !== undefined) type.fixed = a.attributes.fixed;
    const doc = documentation(a);
    return { name: a.attributes.name ?? '', required: a.attributes.use === 'required', type, ...(doc ? { doc } : {}) };
  });
  return list.length ? list : undefined;
}

type Occurrence = { minOccurs: number; maxOccurs: Occurs };

/** Converts an xs:element (local declaration or ref) into a node definition. */
function element(schema: Schema, el: XmlElement): CebNodeDef {
  const occ: Occurrence = {
    minOccurs: Number(el.attributes.minOccurs ?? 1),
    maxOccurs: occurs(el.attributes.maxOccurs, 1),
  };
  const ref = el.attributes.ref;
  if (ref) {
    const { prefix, local } = splitQName(ref);
    if (prefix === 'ds' && local === 'Signature') return { kind: 'signature', name: 'Signature', ...occ };
    const global = schema.elements.get(local);
    if (!global) throw new Error(`${schema.file}: unresolved ref ${ref}`);
    return { ...element(schema, global), ...occ };
  }
  const name = el.attributes.name ?? '';
  const doc = documentation(el);
  const docPart = doc ? { doc } : {};
  const typeName = el.attributes.type;
  let complex = xsChild(el, 'complexType');
  if (typeName) {
    const { prefix, local } = splitQName(typeName);
    if (prefix !== 'xs' && schema.complexTypes.has(local)) complex = schema.complexTypes.get(local);
    else {
      const type = simpleTypeByName(schema, typeName);
      return { kind: 'field', name, ...occ, type, ...docPart };
    }
  }
  if (complex) return complexElement(schema, name, occ, complex, doc);
  const st = xsChild(el, 'simpleType');
  const type: CebSimpleType = st ? simpleType(schema, st) : { base: 'string' };
  const format = dateFormat(doc, type);
  if (format) type.dateFormat = format;
  return { kind: 'field', name, ...occ, type, ...docPart };
}

function complexElement(
  schema: Schema,
  name: string,
  occ: Occurrence,
  complex: XmlElement,
  doc: string | undefined,
): CebNodeDef {
  const docPart = doc ? { doc } : {};
  const simpleContent = xsChild(complex, 'simpleContent');
  if (simpleContent) {
    const ext = xsChild(simpleContent, 'extension');
    if (!ext) throw new Error(`${schema.file}: simpleContent without extension (line ${complex.line})`);
    const attrs = attributes(schema, ext);
    const type = simpleTypeByName(schema, ext.attributes.base ?? '');
    return { kind: 'field', name, ...occ, type, ...(attrs ? { attributes: attrs } : {}), ...docPart };
  }
  const sequence = xsChild(complex, 'sequence');
  const items = sequence ? xsChildren(sequence).filter((c) => c.local !== 'annotation') : [];
  if (items.some((c) => c.local === 'any')) return { kind: 'any', name, ...occ, ...docPart };
  const children = items.map((c) => {
    if (c.local !== 'element') throw new Error(`${schema.file}: unsupported particle ${c.local} (line ${c.line})`);
    return element(schema, c);
  });
  const attrs = attributes(schema, complex);
  return { kind: 'group', name, ...occ, children, ...(attrs ? { attributes: attrs } : {}), ...docPart };
}

function messageDef(schema: Schema, trade: 'import' | 'export', root: XmlElement): CebMessageDef {
  const name = root.attributes.name ?? '';
  const node = element(schema, root);
  if (node.kind !== 'group') throw new Error(`${schema.file}: message ${name} is not a complex element`);
  const code = Number(/^CEB(\d+)Message$/.exec(name)?.[1]);
  return {
    root: name,
    namespace: schema.targetNamespace,
    trade,
    direction: code % 2 === 1 ? 'toCustoms' : 'fromCustoms',
    xsd: schema.file,
    ...(node.doc ? { doc: node.doc } : {}),
    attributes: node.attributes ?? [],
    children: node.children,
  };
}

/** Builds the content of definitions.generated.ts from the XSDs in `dir`. Pure apart from reading the files. */
export function generateDefinitions(dir: string = XSD_DIR): string {
  const messages: CebMessageDef[] = [];
  for (const { file, trade } of CEB_SCHEMAS) {
    const schema = loadSchema(dir, file);
    for (const [name, el] of schema.elements) {
      if (/^CEB\d+Message$/.test(name)) messages.push(messageDef(schema, trade, el));
    }
  }
  messages.sort((a, b) => a.root.localeCompare(b.root));
  const terminal = loadSchema(dir, TERMINAL_SCHEMA);
  const dxpMsg = terminal.elements.get('DxpMsg');
  if (!dxpMsg) throw new Error(`${TERMINAL_SCHEMA}: no DxpMsg element`);
  const envelope = element(terminal, dxpMsg);

  const names = messages.map((m) => m.root);
  const body = Object.fromEntries(messages.map((m) => [m.root, m]));
  const source = [
    '// GENERATED FILE: do not edit by hand.',
    '// Generated by `npx tsx tools/ceb-codegen.ts` from the official 2022-05 CEB XSDs in vendor/ceb/xsd',
    `// (${CEB_SCHEMAS.map((s) => s.file).join(', ')}, ${TERMINAL_SCHEMA}).`,
    '// test/ceb/definitions.test.ts fails when this file differs from a fresh generation.',
    "import type { CebMessageDef, CebNodeDef } from './definition-types.js';",
    '',
    `export const CEB_NAMESPACE = ${JSON.stringify(messages[0]?.namespace ?? '')};`,
    `export const DXP_NAMESPACE = ${JSON.stringify(terminal.targetNamespace)};`,
    '',
    `export const CEB_MESSAGE_TYPES = ${JSON.stringify(names)} as const;`,
    'export type CebMessageType = (typeof CEB_MESSAGE_TYPES)[number];',
    '',
    '/** Every CEB message of the 2022-05 edition, keyed by root element name. */',
    `export const CEB_MESSAGE_DEFS: Readonly<Record<CebMessageType, CebMessageDef>> = ${JSON.stringify(body, null, 1)};`,
    '',
    '/** The terminal-node envelope dxp:DxpMsg (ceb-messages.md §2.4). */',
    `export const DXP_MSG_DEF: CebNodeDef = ${JSON.stringify(envelope, null, 1)};`,
    '',
  ].join('\n');
  return formatWithBiome(source);
}

/** Formats the output with the project's Biome settings, so that the checked-in file passes `biome check`. */
function formatWithBiome(source: string): string {
  const bin = path.join(ROOT, 'node_modules/.bin/biome');
  const result = spawnSync(bin, ['format', `--stdin-file-path=${path.relative(ROOT, OUTPUT_FILE)}`], {
    cwd: ROOT,
    input: source,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.status !== 0) throw new Error(`biome format failed: ${result.stderr}`);
  return result.stdout;
}

function main(): void {
  const content = generateDefinitions();
  if (process.argv.includes('--check')) {
    const current = readFileSync(OUTPUT_FILE, 'utf8');
    if (current !== content) {
      console.error(`${path.relative(ROOT, OUTPUT_FILE)} is stale: run npx tsx tools/ceb-codegen.ts`);
      process.exit(1);
    }
    return;
  }
  writeFileSync(OUTPUT_FILE, content);
  console.log(`wrote ${path.relative(ROOT, OUTPUT_FILE)}`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main();

/**
 * CEB message codec: XML ⇄ plain JSON objects that use the XSD's own element names.
 *
 * - parseCeb reads tolerantly where the meaning is clear (platform-decisions.md "Messages"; ceb-messages.md §1.3
 *   quirks and §10): `ceb:` prefix or default namespace, a UTF-8 BOM, children in any order (the export samples put
 *   BaseTransfer after the Signature), CEB214's root `CEB214`, CEB792's `gnum` for `gseqno`. Values are checked
 *   strictly against the generated definitions; every problem is a CebError with a path, a bilingual message and
 *   the data-exchange error code of ceb-messages.md §5.1 (0001 malformed XML, 0002 schema).
 * - buildCeb always writes the XSD's element order with the `ceb:` prefix, and refuses messages that do not
 *   validate (CebBuildError), so whatever the platform emits is schema-valid.
 */
import { randomUUID } from 'node:crypto';
import type { CebMessageDef, CebNodeDef, CebSimpleType } from './definition-types.js';
import { CEB_MESSAGE_DEFS, CEB_NAMESPACE, type CebMessageType } from './definitions.generated.js';
import { fieldCheck, normalizeValue, type Problem, valueProblem } from './values.js';
import { escapeXml, parseXmlTree, serializeElement, type XmlElement } from './xml-tree.js';

export const DSIG_NAMESPACE = 'http://www.w3.org/2000/09/xmldsig#';
const XSI_NAMESPACE = 'http://www.w3.org/2001/XMLSchema-instance';
const MAX_ERRORS = 100;

/** A record group (Order, OrderHead, BaseTransfer...): XSD element names to values. */
export interface CebRecord {
  [name: string]: string | string[] | CebRecord | CebRecord[];
}

/** The enveloped XML-DSig signature of ceb-messages.md §8, in the form CEB uses (KeyName + X509Certificate). */
export interface CebSignature {
  canonicalizationMethod: string;
  signatureMethod: string;
  references: { uri?: string; transforms: string[]; digestMethod: string; digestValue: string }[];
  signatureValue: string;
  keyName?: string;
  x509Certificate?: string;
}

export interface CebMessage {
  /** Root element name, e.g. CEB311Message. */
  type: CebMessageType;
  /** 36 characters (ceb-messages.md §2.1); buildCeb generates an upper-case UUID when absent. */
  guid?: string;
  version: string;
  /** The repeated business element: Order for CEB311, OrderReturn for CEB312, ... */
  records: CebRecord[];
  baseTransfer?: CebRecord;
  baseSubscribe?: CebRecord[];
  /** ExtendMessage; its `Message` (xs:any) is kept as serialised XML. */
  extendMessage?: CebRecord;
  signature?: CebSignature;
}

/** ceb-messages.md §5.1: 0001 报文格式错误, 0002 数据包不能通过schema验证. */
export type CebErrorCode = '0001' | '0002';

export interface CebError {
  code: CebErrorCode;
  /** Element path, e.g. CEB311Message/Order[2]/OrderList[1]/price (1-based indexes on repeatable elements). */
  path: string;
  line?: number;
  message: Problem;
}

export interface CebWarning {
  path: string;
  line?: number;
  message: Problem;
}

export type CebParseResult =
  | { ok: true; message: CebMessage; warnings: CebWarning[] }
  | { ok: false; errors: CebError[] };

export class CebBuildError extends Error {
  constructor(readonly errors: CebError[]) {
    super(`invalid CEB message: ${errors.map((e) => `${e.path}: ${e.message.en}`).join('; ')}`);
    this.name = 'CebBuildError';
  }
}

/*
 * Known sender deviations whose meaning is clear, all seen in the official samples (vendor/ceb/README.md):
 * - CEB214's root element is named CEB214;
 * - CEB792's SummaryResultList carries gnum but no gseqno: gseqno is taken from gnum;
 * - CEB214's RefundReturn carries appSenderId, which the XSD does not define: it is dropped;
 * - eight export samples repeat an identical BaseTransfer: identical duplicates of a single element are merged.
 */
const ROOT_ALIASES: Record<string, CebMessageType> = { CEB214: 'CEB214Message' };
const FILL_FROM: Record<string, Record<string, string>> = { SummaryResultList: { gseqno: 'gnum' } };
const IGNORED_ELEMENTS: Record<string, string[]> = { RefundReturn: ['appSenderId'] };

type Json = unknown;

// ---------------------------------------------------------------------------------------------------------------
// Parsing
// ---------------------------------------------------------------------------------------------------------------

/**
 * An element path, built as a string only when a problem is reported: e.g. CEB311Message/Order[2]/OrderList[1].
 * `index` is 0 for elements that cannot repeat (written without [n]).
 */
interface Path {
  parent: Path | null;
  name: string;
  index: number;
}

function pathString(path: Path): string {
  const own = path.index === 0 ? path.name : `${path.name}[${path.index}]`;
  return path.parent === null ? own : `${pathString(path.parent)}/${own}`;
}

function childPath(parent: Path, def: CebNodeDef, index: number): Path {
  return { parent, name: def.name, index: isRepeatable(def) ? index : 0 };
}

/** The path of a child as a string, e.g. for an element not in the XSD. */
const under = (path: Path, name: string) => `${pathString(path)}/${name}`;

/** The source document of a parse, to locate problems found on the JSON (see Collector#lineOf). */
interface Source {
  root: XmlElement;
  def: CebMessageDef;
  type: string;
}

class Collector {
  readonly errors: CebError[] = [];
  readonly warnings: CebWarning[] = [];
  /** The document being parsed (none for the JSON form). */
  source: Source | undefined;
  /** Start-tag line of each path; built from the document on the first problem that needs one. */
  private lines: Map<string, number> | undefined;

  error(path: string, message: Problem, line?: number, code: CebErrorCode = '0002'): void {
    if (this.errors.length < MAX_ERRORS) this.errors.push({ code, path, line: line ?? this.lineOf(path), message });
  }

  warn(path: string, message: Problem, line?: number): void {
    this.warnings.push({ path, line, message });
  }

  /**
   * The start-tag line of the element at `path`; the last one in document order when several have the same path
   * (an identical duplicate that was merged). Undefined for the JSON form.
   */
  lineOf(path: string): number | undefined {
    if (!this.source) return undefined;
    if (!this.lines) {
      const { root, def, type } = this.source;
      this.lines = new Map([[type, root.line]]);
      collectLines(root, def.children, type, this.lines);
    }
    return this.lines.get(path);
  }
}

/** The paths readGroup gives the elements of `el`, with their lines (the same walk, without reading values). */
function collectLines(el: XmlElement, children: CebNodeDef[], path: string, lines: Map<string, number>): void {
  const { byName } = groupInfo(children);
  const ignored = IGNORED_ELEMENTS[el.local];
  const counts = new Map<string, number>();
  for (const child of el.children) {
    const name = child.local;
    if (child.ns === CEB_NAMESPACE && ignored?.includes(name)) continue;
    const info = byName.get(name);
    if (!info || child.ns !== info.ns) continue;
    const index = (counts.get(name) ?? 0) + 1;
    counts.set(name, index);
    const { def } = info;
    const p = info.repeatable ? `${path}/${name}[${index}]` : `${path}/${name}`;
    lines.set(p, child.line);
    if (def.kind === 'group') collectLines(child, def.children, p, lines);
  }
}

const isRepeatable = (def: { maxOccurs: number | 'unbounded' }) => def.maxOccurs !== 1;

/** A child definition, with what reading and validating it needs. */
interface ChildInfo {
  def: CebNodeDef;
  /** Position in the XSD's sequence. */
  position: number;
  repeatable: boolean;
  /** DSIG for ds:Signature, CEB for everything else. */
  ns: string;
  /** For fields: valueProblem(normalizeValue(value)) with its fast path. */
  check: ((value: string) => Problem | null) | null;
  /** For buildCeb, by depth. */
  tags: Tags[];
}

interface GroupInfo {
  /** The first definition of each name, as Array#find found it. */
  byName: Map<string, ChildInfo>;
  /** Every definition, in order. */
  list: ChildInfo[];
}

/** Per list of child definitions (a group's content), computed once. */
const groupInfos = new WeakMap<CebNodeDef[], GroupInfo>();

function groupInfo(children: CebNodeDef[]): GroupInfo {
  let info = groupInfos.get(children);
  if (!info) {
    const byName = new Map<string, ChildInfo>();
    const list = children.map((def, position): ChildInfo => {
      const ns = def.kind === 'signature' ? DSIG_NAMESPACE : CEB_NAMESPACE;
      const check = def.kind === 'field' ? fieldCheck(def.type) : null;
      const child = { def, position, repeatable: isRepeatable(def), ns, check, tags: [] };
      if (!byName.has(def.name)) byName.set(def.name, child);
      return child;
    });
    info = { byName, list };
    groupInfos.set(children, info);
  }
  return info;
}

/**
 * Reads the element children of `el` by name (order-insensitive) into a record keyed by XSD names. Property names
 * are taken from the definitions (internalised string constants), not from the document: V8 then finds them
 * without hashing a fresh string on every access.
 */
function readGroup(el: XmlElement, children: CebNodeDef[], path: Path, c: Collector): Record<string, Json> {
  const out: Record<string, Json> = {};
  if (el.text !== '' && el.text.trim() !== '') {
    c.error(pathString(path), { zh: '该元素不允许包含文本', en: 'text is not allowed here' }, el.line);
  }
  if (path.parent !== null) {
    // the root's guid/version are checked by parseUnsafe
    for (const attr of Object.keys(el.attributes)) {
      c.error(pathString(path), { zh: `不允许的属性${attr}`, en: `unexpected attribute ${attr}` }, el.line);
    }
  }
  const { byName } = groupInfo(children);
  // path.name is el.local (or, for the root, its type): the tables only name record groups.
  const ignored = IGNORED_ELEMENTS[path.name];
  /** Repeatable children that were counted but not kept (a field with elements), for the indexes of the next. */
  let skipped: Map<string, number> | undefined;
  let last = -1;
  let inOrder = true;
  for (const child of el.children) {
    if (ignored !== undefined && child.ns === CEB_NAMESPACE && ignored.includes(child.local)) {
      const name = child.local;
      c.warn(
        under(path, name),
        { zh: `忽略XSD未定义的元素${name}`, en: `ignored ${name}, not in the XSD` },
        child.line,
      );
      continue;
    }
    const info = byName.get(child.local);
    if (info === undefined || child.ns !== info.ns) {
      const where = child.ns ? `{${child.ns}}${child.local}` : child.local;
      c.error(under(path, child.local), { zh: `不允许的元素${where}`, en: `unexpected element ${where}` }, child.line);
      continue;
    }
    const { def } = info;
    const name = def.name;
    // Only repeatable elements carry an index in their path: the how-many-th of that name in this group.
    let index = 0;
    if (info.repeatable) {
      const list = out[name] as Json[] | undefined;
      index = (list === undefined ? 0 : list.length) + (skipped?.get(name) ?? 0) + 1;
    }
    let value: Json;
    switch (def.kind) {
      case 'field':
        if (child.children.length > 0) {
          if (index !== 0) {
            skipped ??= new Map();
            skipped.set(name, (skipped.get(name) ?? 0) + 1);
          }
          c.error(
            pathString(childPath(path, def, index)),
            { zh: '字段不允许包含子元素', en: 'a field cannot contain elements' },
            child.line,
          );
          continue;
        }
        value = normalizeValue(child.text, def.type);
        break;
      case 'group':
        value = readGroup(child, def.children, childPath(path, def, index), c);
        break;
      case 'any':
        value = child.children.map((e) => serializeElement(e)).join('');
        break;
      case 'signature':
        value = readSignature(child, pathString(childPath(path, def, index)), c);
        break;
    }
    if (index !== 0) {
      const list = out[name] as Json[] | undefined;
      if (list !== undefined) {
        list.push(value);
        continue;
      }
      out[name] = [value];
    } else if (out[name] === undefined) {
      // (the same as `!(name in out)`: out only ever holds defined values under XSD names)
      out[name] = value;
    } else {
      if (JSON.stringify(out[name]) === JSON.stringify(value)) {
        c.warn(
          pathString(childPath(path, def, index)),
          { zh: `重复的相同元素${name}已合并`, en: `identical duplicate ${name} merged` },
          child.line,
        );
      } else {
        c.error(
          pathString(childPath(path, def, index)),
          { zh: `重复的元素${name}`, en: `duplicate element ${name}` },
          child.line,
        );
      }
      continue;
    }
    // A new key. Keys stay in insertion order; they need re-ordering only when the document's is not the XSD's.
    if (info.position < last) inOrder = false;
    last = info.position;
  }
  const fill = FILL_FROM[path.name];
  if (fill !== undefined) {
    for (const [target, source] of Object.entries(fill)) {
      if (out[target] === undefined && typeof out[source] === 'string') {
        out[target] = out[source];
        inOrder = false;
        c.warn(
          under(path, target),
          { zh: `缺少${target}，取${source}的值`, en: `${target} missing, taken from ${source}` },
          el.line,
        );
      }
    }
  }
  // Keys in the XSD's order, whatever the order in the document.
  if (inOrder) return out;
  return Object.fromEntries(children.filter((d) => d.name in out).map((d) => [d.name, out[d.name]]));
}

/** ds:Signature → CebSignature (ceb-messages.md §8: SignedInfo, SignatureValue, KeyInfo/KeyName, X509Certificate). */
function readSignature(el: XmlElement, path: string, c: Collector): CebSignature {
  const sig: CebSignature = { canonicalizationMethod: '', signatureMethod: '', references: [], signatureValue: '' };
  const unexpected = (e: XmlElement, p: string) =>
    c.error(
      `${p}/${e.local}`,
      { zh: `不支持的签名元素${e.local}`, en: `unsupported signature element ${e.local}` },
      e.line,
    );
  const base64 = (e: XmlElement) => e.text.replace(/\s+/g, '');
  for (const part of el.children) {
    if (part.ns !== DSIG_NAMESPACE) unexpected(part, path);
    else if (part.local === 'SignedInfo') {
      for (const s of part.children) {
        if (s.ns !== DSIG_NAMESPACE) unexpected(s, `${path}/SignedInfo`);
        else if (s.local === 'CanonicalizationMethod') sig.canonicalizationMethod = s.attributes.Algorithm ?? '';
        else if (s.local === 'SignatureMethod') sig.signatureMethod = s.attributes.Algorithm ?? '';
        else if (s.local === 'Reference') {
          const ref: CebSignature['references'][number] = { transforms: [], digestMethod: '', digestValue: '' };
          if (s.attributes.URI !== undefined) ref.uri = s.attributes.URI;
          for (const r of s.children) {
            if (r.local === 'Transforms') ref.transforms = r.children.map((t) => t.attributes.Algorithm ?? '');
            else if (r.local === 'DigestMethod') ref.digestMethod = r.attributes.Algorithm ?? '';
            else if (r.local === 'DigestValue') ref.digestValue = base64(r);
            else unexpected(r, `${path}/SignedInfo/Reference`);
          }
          sig.references.push(ref);
        } else unexpected(s, `${path}/SignedInfo`);
      }
    } else if (part.local === 'SignatureValue') sig.signatureValue = base64(part);
    else if (part.local === 'KeyInfo') {
      for (const k of part.children) {
        if (k.local === 'KeyName') sig.keyName = k.text.trim();
        else if (k.local === 'X509Data' && k.children.length === 1 && k.children[0]?.local === 'X509Certificate') {
          sig.x509Certificate = base64(k.children[0]);
        } else unexpected(k, `${path}/KeyInfo`);
      }
    } else unexpected(part, path);
  }
  return sig;
}

/** Parses a CEB message. Never throws. */
export function parseCeb(xml: string | Buffer): CebParseResult {
  try {
    return parseUnsafe(xml);
  } catch (err) {
    // Defensive: a bug must not turn hostile input into an exception.
    return { ok: false, errors: [{ code: '0001', path: '', message: { zh: '报文格式错误', en: String(err) } }] };
  }
}

function parseUnsafe(xml: string | Buffer): CebParseResult {
  const tree = parseXmlTree(xml);
  if (!tree.ok) {
    return {
      ok: false,
      errors: [{ code: '0001', path: '', line: tree.line, message: { zh: tree.messageZh, en: tree.message } }],
    };
  }
  const c = new Collector();
  const root = tree.root;
  if (tree.hadBom) c.warn('', { zh: '报文以UTF-8 BOM开头', en: 'document starts with a UTF-8 BOM' });
  if (root.ns !== CEB_NAMESPACE) {
    const ns = root.ns || '(none)';
    const message = {
      zh: `根元素命名空间${ns}错误，应为${CEB_NAMESPACE}`,
      en: `root namespace ${ns}, expected ${CEB_NAMESPACE}`,
    };
    return { ok: false, errors: [{ code: '0002', path: root.local, line: root.line, message }] };
  }
  let type = root.local as CebMessageType;
  if (ROOT_ALIASES[root.local]) {
    type = ROOT_ALIASES[root.local] as CebMessageType;
    c.warn(root.local, { zh: `根元素${root.local}按${type}读取`, en: `root ${root.local} read as ${type}` }, root.line);
  }
  const def: CebMessageDef | undefined = Object.hasOwn(CEB_MESSAGE_DEFS, type) ? CEB_MESSAGE_DEFS[type] : undefined;
  if (!def) {
    const message = { zh: `未知的报文类型${root.local}`, en: `unknown message type ${root.local}` };
    return { ok: false, errors: [{ code: '0002', path: root.local, line: root.line, message }] };
  }
  c.source = { root, def, type };
  for (const a of root.nsAttributes) {
    if (a.ns !== XSI_NAMESPACE) c.error(type, { zh: `不允许的属性${a.local}`, en: `unexpected attribute ${a.local}` });
  }
  for (const name of Object.keys(root.attributes)) {
    if (!def.attributes.some((a) => a.name === name)) {
      c.error(type, { zh: `不允许的属性${name}`, en: `unexpected attribute ${name}` });
    }
  }
  const body = readGroup(root, def.children, { parent: null, name: type, index: 0 }, c);
  const message = fromXsdNames(def, root.attributes, body);
  validate(message, def, c);
  if (c.errors.length > 0) return { ok: false, errors: c.errors };
  return { ok: true, message, warnings: c.warnings };
}

/** Message-level children: the first is `records`, the others are camel-cased (BaseTransfer → baseTransfer). */
function messageKey(def: CebMessageDef, name: string): string {
  let keys = messageKeys.get(def);
  if (!keys) {
    keys = new Map();
    messageKeys.set(def, keys);
  }
  let key = keys.get(name);
  if (key === undefined) {
    key = name === def.children[0]?.name ? 'records' : name[0]?.toLowerCase() + name.slice(1);
    keys.set(name, key);
  }
  return key;
}

const messageKeys = new WeakMap<CebMessageDef, Map<string, string>>();

function fromXsdNames(def: CebMessageDef, attrs: Record<string, string>, body: Record<string, Json>): CebMessage {
  const message: Record<string, Json> = { type: def.root };
  if (attrs.guid !== undefined) message.guid = attrs.guid;
  if (attrs.version !== undefined) message.version = attrs.version;
  message.records = [];
  for (const [name, value] of Object.entries(body)) {
    const key = messageKey(def, name);
    message[key] = key === 'records' && !Array.isArray(value) ? [value] : value;
  }
  return message as unknown as CebMessage;
}

/** `records` is always an array; CEB711's Delivery (maxOccurs 1) is unwrapped for the XSD form. */
function toXsdNames(def: CebMessageDef, message: CebMessage): Record<string, Json> {
  const m = message as unknown as Record<string, Json>;
  const body: Record<string, Json> = {};
  for (const d of def.children) {
    let value = m[messageKey(def, d.name)];
    if (d === def.children[0] && !isRepeatable(d) && Array.isArray(value)) {
      value = value.length === 0 ? undefined : value.length === 1 ? value[0] : value;
    }
    if (value !== undefined) body[d.name] = value;
  }
  return body;
}

// ---------------------------------------------------------------------------------------------------------------
// Validation (shared by parse and build)
// ---------------------------------------------------------------------------------------------------------------

const isObject = (v: Json): v is Record<string, Json> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The property names a message object may have, per message definition. */
const knownKeys = new WeakMap<CebMessageDef, Set<string>>();

/** `body` is toXsdNames(def, message), when the caller has it already. */
function validate(
  message: CebMessage,
  def: CebMessageDef,
  c: Collector,
  body: Record<string, Json> = toXsdNames(def, message),
): void {
  const root = def.root;
  const m = message as unknown as Record<string, Json>;
  let known = knownKeys.get(def);
  if (!known) {
    known = new Set(['type', 'guid', 'version', ...def.children.map((d) => messageKey(def, d.name))]);
    knownKeys.set(def, known);
  }
  for (const key of Object.keys(m)) {
    if (!known.has(key)) c.error(root, { zh: `未知的属性${key}`, en: `unknown property ${key}` });
  }
  for (const attr of def.attributes) {
    const value = m[attr.name];
    if (value === undefined) {
      if (attr.required)
        c.error(`${root}/@${attr.name}`, { zh: `缺少属性${attr.name}`, en: `missing attribute ${attr.name}` });
    } else if (typeof value !== 'string') {
      c.error(`${root}/@${attr.name}`, { zh: '取值必须为字符串', en: 'must be a string' });
    } else {
      const problem = attributeProblem(value, attr.type);
      if (problem) c.error(`${root}/@${attr.name}`, problem, c.lineOf(root));
    }
  }
  validateGroup(body, def.children, { parent: null, name: root, index: 0 }, c);
}

/** valueProblem of an attribute value (not normalised): with fieldCheck's fast path when normalising is a no-op. */
function attributeProblem(value: string, type: CebSimpleType): Problem | null {
  const asIs =
    type.base === 'string' && (type.whiteSpace ?? 'preserve') === 'preserve' && type.dateFormat === undefined;
  return asIs ? fieldCheck(type)(value) : valueProblem(value, type);
}

function validateGroup(record: Json, children: CebNodeDef[], path: Path, c: Collector): void {
  if (!isObject(record)) {
    c.error(pathString(path), { zh: '必须为对象', en: 'must be an object' });
    return;
  }
  const { byName, list } = groupInfo(children);
  for (const key of Object.keys(record)) {
    if (!byName.has(key)) c.error(under(path, key), { zh: `未知的元素${key}`, en: `unknown element ${key}` });
  }
  for (const child of list) {
    const { def } = child;
    const value = record[def.name];
    if (value === undefined) {
      checkOccurs(0, def, path, c);
    } else if (!Array.isArray(value)) {
      if (child.repeatable) c.error(under(path, def.name), { zh: '必须为数组', en: 'must be an array' });
      else {
        checkOccurs(1, def, path, c);
        validateNode(value, child, path, 1, c);
      }
    } else if (child.repeatable || value.length > 1) {
      // (a non-repeatable array gets here only for `records` of CEB711, see toXsdNames: the count is reported)
      checkOccurs(value.length, def, path, c);
      for (let i = 0; i < value.length; i++) {
        if (i in value) validateNode(value[i], child, path, i + 1, c); // skips holes, as forEach did
      }
    } else {
      c.error(under(path, def.name), { zh: '不能为数组', en: 'must not be an array' });
    }
  }
}

/** minOccurs/maxOccurs of `def` for `count` values in the group at `path`. */
function checkOccurs(count: number, def: CebNodeDef, path: Path, c: Collector): void {
  if (count < def.minOccurs) {
    const message =
      def.minOccurs === 1
        ? { zh: `缺少必填元素${def.name}`, en: `missing required element ${def.name}` }
        : { zh: `${def.name}至少${def.minOccurs}个`, en: `at least ${def.minOccurs} ${def.name} required` };
    c.error(under(path, def.name), message, c.lineOf(pathString(path)));
  }
  if (def.maxOccurs !== 'unbounded' && count > def.maxOccurs) {
    c.error(
      under(path, def.name),
      {
        zh: `${def.name}有${count}个，最多${def.maxOccurs}个`,
        en: `${count} ${def.name}, at most ${def.maxOccurs} allowed`,
      },
      c.lineOf(pathString(childPath(path, def, def.maxOccurs + 1))),
    );
  }
}

/** Checks the `index`th (1-based) value of a child definition in the group at `parent`. */
function validateNode(value: Json, child: ChildInfo, parent: Path, index: number, c: Collector): void {
  const { def } = child;
  switch (def.kind) {
    case 'group':
      validateGroup(value, def.children, childPath(parent, def, index), c);
      return;
    case 'field': {
      if (typeof value !== 'string') {
        c.error(pathString(childPath(parent, def, index)), { zh: '取值必须为字符串', en: 'must be a string' });
        return;
      }
      const problem = (child.check as (value: string) => Problem | null)(value);
      if (problem) c.error(pathString(childPath(parent, def, index)), problem);
      return;
    }
    case 'any': {
      const path = pathString(childPath(parent, def, index));
      if (typeof value !== 'string') c.error(path, { zh: '取值必须为XML字符串', en: 'must be an XML string' });
      else if (value !== '') {
        const tree = parseXmlTree(`<x>${value}</x>`);
        if (!tree.ok || tree.root.children.length !== 1 || tree.root.text.trim() !== '') {
          c.error(path, { zh: '必须为一个格式正确的XML元素', en: 'must be one well-formed XML element' });
        }
      }
      return;
    }
    case 'signature':
      validateSignature(value, pathString(childPath(parent, def, index)), c);
      return;
  }
}

function validateSignature(value: Json, path: string, c: Collector): void {
  const bad = (p: string, en: string, zh: string) => c.error(`${path}${p}`, { zh, en });
  if (!isObject(value)) {
    bad('', 'must be an object', '必须为对象');
    return;
  }
  const s = value as Partial<CebSignature>;
  const base64 = /^[A-Za-z0-9+/=]*$/;
  if (!s.canonicalizationMethod) bad('/SignedInfo/CanonicalizationMethod', 'missing Algorithm', '缺少Algorithm');
  if (!s.signatureMethod) bad('/SignedInfo/SignatureMethod', 'missing Algorithm', '缺少Algorithm');
  if (!Array.isArray(s.references) || s.references.length === 0) {
    bad('/SignedInfo/Reference', 'at least one Reference required', '至少需要一个Reference');
  } else {
    s.references.forEach((r, i) => {
      const p = `/SignedInfo/Reference[${i + 1}]`;
      if (!isObject(r)) {
        bad(p, 'must be an object', '必须为对象');
        return;
      }
      if (!r.digestMethod) bad(`${p}/DigestMethod`, 'missing Algorithm', '缺少Algorithm');
      if (typeof r.digestValue !== 'string' || !base64.test(r.digestValue)) {
        bad(`${p}/DigestValue`, 'not valid Base64', '不是有效的Base64数据');
      }
      if (!Array.isArray(r.transforms) || r.transforms.some((t) => typeof t !== 'string' || t === '')) {
        bad(`${p}/Transforms`, 'transforms must be algorithm URIs', 'Transform必须为算法URI');
      }
    });
  }
  if (typeof s.signatureValue !== 'string' || !base64.test(s.signatureValue)) {
    bad('/SignatureValue', 'not valid Base64', '不是有效的Base64数据');
  }
  if (s.x509Certificate !== undefined && (typeof s.x509Certificate !== 'string' || !base64.test(s.x509Certificate))) {
    bad('/KeyInfo/X509Data/X509Certificate', 'not valid Base64', '不是有效的Base64数据');
  }
}

/** Checks a message object against the definitions; returns the problems (empty when valid). */
export function validateCeb(message: CebMessage): CebError[] {
  const c = new Collector();
  const def =
    isObject(message) && Object.hasOwn(CEB_MESSAGE_DEFS, message.type) ? CEB_MESSAGE_DEFS[message.type] : undefined;
  if (!def) return [{ code: '0002', path: '', message: { zh: '未知的报文类型', en: 'unknown message type' } }];
  validate(message, def, c);
  return c.errors;
}

/**
 * The message with every field value white-space processed as its XSD type says (what parseCeb does for XML), so
 * that the JSON form is stored as the XML form would be: `" 138.36\n"` becomes `"138.36"`. Call it on a message
 * that validateCeb accepted (values of the wrong shape are left as they are).
 */
export function normalizeCeb(message: CebMessage): CebMessage {
  const def = Object.hasOwn(CEB_MESSAGE_DEFS, message.type) ? CEB_MESSAGE_DEFS[message.type] : undefined;
  if (!def) return message;
  const m = message as unknown as Record<string, Json>;
  const out: Record<string, Json> = { ...m };
  for (const d of def.children) {
    const key = messageKey(def, d.name);
    if (m[key] !== undefined) out[key] = normalizeNode(m[key], d);
  }
  return out as unknown as CebMessage;
}

function normalizeNode(value: Json, def: CebNodeDef): Json {
  if (Array.isArray(value)) return value.map((v) => normalizeNode(v, def));
  if (def.kind === 'field') return typeof value === 'string' ? normalizeValue(value, def.type) : value;
  if (def.kind !== 'group' || !isObject(value)) return value;
  const out: Record<string, Json> = { ...value };
  for (const child of def.children) {
    if (value[child.name] !== undefined) out[child.name] = normalizeNode(value[child.name], child);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Building
// ---------------------------------------------------------------------------------------------------------------

/** Builds the XML of a message in the XSD's element order; throws CebBuildError when the message is invalid. */
export function buildCeb(message: CebMessage): string {
  const complete: CebMessage = { ...message, guid: message.guid ?? randomUUID().toUpperCase() };
  const def = Object.hasOwn(CEB_MESSAGE_DEFS, complete.type) ? CEB_MESSAGE_DEFS[complete.type] : undefined;
  if (!def) throw new CebBuildError(validateCeb(complete)); // unknown message type
  // validateCeb(complete), with the XSD-named body computed once for validating and writing
  const body = toXsdNames(def, complete);
  const c = new Collector();
  validate(complete, def, c, body);
  if (c.errors.length > 0) throw new CebBuildError(c.errors);
  const w: Writer = {
    xml:
      '<?xml version="1.0" encoding="UTF-8"?>\n' +
      `<ceb:${def.root} guid="${escapeXml(complete.guid ?? '')}" version="${escapeXml(complete.version)}" xmlns:ceb="${CEB_NAMESPACE}">`,
  };
  writeChildren(body, def.children, 1, w);
  w.xml += `\n</ceb:${def.root}>\n`;
  return w.xml;
}

/**
 * The XML being written, appended piece by piece (a line feed and indentation before each element). V8 keeps such
 * a string as a tree of its pieces and copies them into one flat string when it is first read (to send or hash
 * it), once: about twice as fast as collecting the pieces in an array for Array#join.
 */
interface Writer {
  xml: string;
}

function writeChildren(record: Record<string, Json>, children: CebNodeDef[], depth: number, w: Writer): void {
  const { list } = groupInfo(children);
  for (const child of list) {
    const value = record[child.def.name];
    if (value === undefined) continue;
    if (child.repeatable) {
      for (const item of value as Json[]) writeNode(item, child, depth, w);
    } else writeNode(value, child, depth, w);
  }
}

function writeNode(item: Json, child: ChildInfo, depth: number, w: Writer): void {
  const { def } = child;
  const tags = tagsAt(child, depth);
  switch (def.kind) {
    case 'field': {
      const text = escapeXml(normalizeValue(item as string, def.type));
      w.xml = w.xml + tags.open + text + tags.close;
      break;
    }
    case 'group':
      w.xml += tags.open;
      writeChildren(item as Record<string, Json>, def.children, depth + 1, w);
      w.xml += tags.closeLine;
      break;
    case 'any': {
      const xml = `${item as string}`;
      w.xml = w.xml + tags.open + xml + tags.close;
      break;
    }
    case 'signature':
      w.xml += `\n${'  '.repeat(depth)}${signatureXml(item as CebSignature)}`;
      break;
  }
}

/** The tags of an element at a depth, built once: flat strings, the start tag after its line feed and indentation. */
interface Tags {
  open: string;
  close: string;
  closeLine: string;
}

function tagsAt(child: ChildInfo, depth: number): Tags {
  let tags = child.tags[depth];
  if (tags === undefined) {
    const indent = '  '.repeat(depth);
    const { name } = child.def;
    tags = { open: `\n${indent}<ceb:${name}>`, close: `</ceb:${name}>`, closeLine: `\n${indent}</ceb:${name}>` };
    child.tags[depth] = tags;
  }
  return tags;
}

/** ds:Signature in the xmldsig-core-schema order, on one line. */
function signatureXml(s: CebSignature): string {
  const alg = (name: string, value: string) => `<ds:${name} Algorithm="${escapeXml(value)}"/>`;
  const parts = [
    `<ds:Signature xmlns:ds="${DSIG_NAMESPACE}">`,
    '<ds:SignedInfo>',
    alg('CanonicalizationMethod', s.canonicalizationMethod),
    alg('SignatureMethod', s.signatureMethod),
  ];
  for (const r of s.references) {
    parts.push(r.uri === undefined ? '<ds:Reference>' : `<ds:Reference URI="${escapeXml(r.uri)}">`);
    if (r.transforms.length > 0) {
      parts.push('<ds:Transforms>', ...r.transforms.map((t) => alg('Transform', t)), '</ds:Transforms>');
    }
    parts.push(
      alg('DigestMethod', r.digestMethod),
      `<ds:DigestValue>${r.digestValue}</ds:DigestValue>`,
      '</ds:Reference>',
    );
  }
  parts.push('</ds:SignedInfo>', `<ds:SignatureValue>${s.signatureValue}</ds:SignatureValue>`);
  if (s.keyName !== undefined || s.x509Certificate !== undefined) {
    parts.push('<ds:KeyInfo>');
    if (s.keyName !== undefined) parts.push(`<ds:KeyName>${escapeXml(s.keyName)}</ds:KeyName>`);
    if (s.x509Certificate !== undefined) {
      parts.push(`<ds:X509Data><ds:X509Certificate>${s.x509Certificate}</ds:X509Certificate></ds:X509Data>`);
    }
    parts.push('</ds:KeyInfo>');
  }
  parts.push('</ds:Signature>');
  return parts.join('');
}

import { type core, type ZodError, z } from 'zod';
import { AppError, type ErrorDetail } from './errors.js';

const zh = z.locales.zhCN();
const en = z.locales.en();

/** Bilingual messages carried by custom issues: `ctx.addIssue({ code: 'custom', message: zh, params: { messageEn, code } })`. */
export type CustomIssueParams = { messageEn?: string; code?: string };

function pathOf(path: PropertyKey[]): string {
  return path.map(String).join('.');
}

/**
 * A schema's own message may be bilingual as "中文 / English" (e.g. `{ error: '角色重复 / duplicate roles' }`).
 * Returns null when the message is zod's default (not written by us).
 */
function ownMessage(issue: core.$ZodIssue): { zh: string; en: string } | null {
  const byDefault = en.localeError(issue as never) as string | undefined;
  if (!issue.message || issue.message === byDefault || issue.message.startsWith('Invalid input')) return null;
  const i = issue.message.indexOf(' / ');
  return i < 0
    ? { zh: issue.message, en: issue.message }
    : { zh: issue.message.slice(0, i), en: issue.message.slice(i + 3) };
}

const TYPE_ZH: Record<string, string> = {
  string: '文本',
  number: '数字',
  boolean: '布尔值',
  array: '数组',
  object: '对象',
  integer: '整数',
};

/** Plain-words messages for the common cases; zod's locales for the rest. */
function standardMessage(issue: core.$ZodIssue): { zh: string; en: string } {
  switch (issue.code) {
    case 'too_small':
    case 'too_big': {
      const n = String(issue.code === 'too_small' ? issue.minimum : issue.maximum);
      const small = issue.code === 'too_small';
      if (issue.origin === 'string') {
        return small
          ? { zh: `长度至少为 ${n} 个字符`, en: `Must be at least ${n} characters` }
          : { zh: `长度不能超过 ${n} 个字符`, en: `Must be at most ${n} characters` };
      }
      if (issue.origin === 'array' || issue.origin === 'set') {
        return small
          ? { zh: `至少需要 ${n} 项`, en: `Needs at least ${n} item(s)` }
          : { zh: `最多 ${n} 项`, en: `At most ${n} item(s)` };
      }
      return small
        ? { zh: `不能小于 ${n}`, en: `Must be at least ${n}` }
        : { zh: `不能大于 ${n}`, en: `Must be at most ${n}` };
    }
    case 'invalid_type':
      return {
        zh: `类型错误：应为${TYPE_ZH[issue.expected] ?? issue.expected}`,
        en: `Wrong type: expected ${issue.expected}`,
      };
    case 'invalid_value':
      return {
        zh: `取值无效，应为：${issue.values.map(String).join('、')}`,
        en: `Invalid value; expected one of: ${issue.values.map(String).join(', ')}`,
      };
    case 'invalid_format':
      return { zh: `格式错误（${issue.format}）`, en: `Invalid format (${issue.format})` };
    default: {
      const zhMsg = (zh.localeError(issue as never) as string | undefined) ?? issue.message;
      const enMsg = (en.localeError(issue as never) as string | undefined) ?? issue.message;
      return { zh: zhMsg, en: enMsg || 'Invalid value' };
    }
  }
}

/** Turns zod issues into the platform's field details, one per offending field, in Chinese and English. */
export function issuesToDetails(issues: readonly core.$ZodIssue[], prefix: PropertyKey[] = []): ErrorDetail[] {
  const out: ErrorDetail[] = [];
  for (const issue of issues) {
    const path = pathOf([...prefix, ...issue.path]);
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        out.push({
          path: pathOf([...prefix, ...issue.path, key]),
          message: `不允许的字段 "${key}"`,
          messageEn: `Unknown field "${key}"`,
          code: 'UNKNOWN_FIELD',
        });
      }
      continue;
    }
    if (issue.code === 'custom' && (issue.params as CustomIssueParams | undefined)?.messageEn) {
      const params = issue.params as CustomIssueParams;
      out.push({
        path,
        message: issue.message,
        messageEn: params.messageEn as string,
        ...(params.code ? { code: params.code } : {}),
      });
      continue;
    }
    if (issue.code === 'invalid_type' && issue.message.endsWith('received undefined')) {
      out.push({ path, message: '缺少必填字段', messageEn: 'Required field is missing', code: 'REQUIRED' });
      continue;
    }
    const m = ownMessage(issue) ?? standardMessage(issue);
    out.push({ path, message: m.zh, messageEn: m.en, code: issue.code.toUpperCase() });
  }
  return out;
}

export function zodErrorToDetails(err: ZodError, prefix: PropertyKey[] = []): ErrorDetail[] {
  return issuesToDetails(err.issues, prefix);
}

/**
 * Characters no text field may hold: NUL and the other C0 controls but tab, line feed and carriage return (PostgreSQL
 * refuses NUL outright), and unpaired UTF-16 surrogates (they would be stored altered).
 */
const FORBIDDEN_TEXT =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** The deepest the forbidden-text walk goes; CBEC_JSON_MAX_DEPTH may not exceed it. */
export const FORBIDDEN_WALK_DEPTH = 1000;

/** Every string in a parsed JSON value, query or params object that holds a forbidden character, as field details. */
export function forbiddenTextDetails(
  value: unknown,
  prefix: string,
  out: ErrorDetail[] = [],
  depth = 0,
): ErrorDetail[] {
  // (bodies are at most CBEC_JSON_MAX_DEPTH deep, ≤ FORBIDDEN_WALK_DEPTH: the parser refuses deeper ones)
  if (out.length >= 50 || depth > FORBIDDEN_WALK_DEPTH) return out;
  if (typeof value === 'string') {
    if (FORBIDDEN_TEXT.test(value)) {
      out.push({
        path: prefix,
        message: '含有不允许的控制字符或无效字符',
        messageEn: 'Contains a control character or an invalid character',
        code: 'FORBIDDEN_CHARACTER',
      });
    }
  } else if (Array.isArray(value)) {
    for (const [i, v] of value.entries())
      forbiddenTextDetails(v, prefix ? `${prefix}.${i}` : String(i), out, depth + 1);
  } else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (FORBIDDEN_TEXT.test(k)) forbiddenTextDetails(k, prefix ? `${prefix}.${k}` : k, out, depth + 1);
      forbiddenTextDetails(v, prefix ? `${prefix}.${k}` : k, out, depth + 1);
    }
  }
  return out;
}

/** Default deepest nesting of arrays and objects accepted in a JSON body (CBEC_JSON_MAX_DEPTH). */
export const JSON_MAX_DEPTH = 64;

/**
 * The offset at which a JSON text nests arrays and objects deeper than `maxDepth`, or -1 when it does not. A
 * linear scan over the text (strings and their escapes skipped), done before parsing: nothing recursive (the
 * forbidden-text walk, zod, the codec, JSON.stringify of the stored body) ever sees a value deeper than the limit.
 * Malformed text is left for the parser to report.
 */
export function jsonDepthExceeded(text: string, maxDepth: number): number {
  let depth = 0;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      // a string: skip to its closing quote
      for (i++; i < n; i++) {
        const d = text.charCodeAt(i);
        if (d === 0x5c) i++;
        else if (d === 0x22) break;
      }
    } else if (c === 0x5b || c === 0x7b) {
      if (++depth > maxDepth) return i;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return -1;
}

/** The 400 for a JSON body nested deeper than the limit, in the platform's error shape. */
export function jsonTooDeepError(maxDepth: number, offset: number): AppError {
  return new AppError(
    400,
    'JSON_TOO_DEEP',
    `请求体 JSON 嵌套超过 ${maxDepth} 层`,
    `The JSON body is nested deeper than ${maxDepth} levels`,
    [
      {
        path: '',
        message: `第 ${offset + 1} 个字符处嵌套超过 ${maxDepth} 层`,
        messageEn: `nesting deeper than ${maxDepth} levels at character ${offset + 1}`,
        code: 'JSON_TOO_DEEP',
      },
    ],
  );
}

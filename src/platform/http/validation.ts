import { type core, type ZodError, z } from 'zod';
import type { ErrorDetail } from './errors.js';

const zh = z.locales.zhCN();
const en = z.locales.en();

/** Bilingual messages carried by custom issues: `ctx.addIssue({ code: 'custom', message: zh, params: { messageEn, code } })`. */
export type CustomIssueParams = { messageEn?: string; code?: string };

function pathOf(path: PropertyKey[]): string {
  return path.map(String).join('.');
}

/** Turns zod issues into the platform's field details, one per offending field, in Chinese and English. */
export function issuesToDetails(issues: readonly core.$ZodIssue[], prefix: PropertyKey[] = []): ErrorDetail[] {
  const out: ErrorDetail[] = [];
  for (const issue of issues) {
    const base = [...prefix, ...issue.path];
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        out.push({
          path: pathOf([...base, key]),
          message: `不允许的字段 "${key}"`,
          messageEn: `Unknown field "${key}"`,
          code: 'UNKNOWN_FIELD',
        });
      }
      continue;
    }
    if (issue.code === 'custom') {
      const params = (issue.params ?? {}) as CustomIssueParams;
      out.push({
        path: pathOf(base),
        message: issue.message,
        messageEn: params.messageEn ?? issue.message,
        ...(params.code ? { code: params.code } : {}),
      });
      continue;
    }
    if (issue.code === 'invalid_type' && issue.message.endsWith('received undefined')) {
      out.push({
        path: pathOf(base),
        message: '缺少必填字段',
        messageEn: 'Required field is missing',
        code: 'REQUIRED',
      });
      continue;
    }
    const zhMsg = (zh.localeError(issue as never) as string | undefined) ?? issue.message;
    out.push({
      path: pathOf(base),
      message: zhMsg.replace(/，实际接收 .*$/, ''),
      messageEn: issue.message || ((en.localeError(issue as never) as string | undefined) ?? 'Invalid value'),
      code: issue.code.toUpperCase(),
    });
  }
  return out;
}

export function zodErrorToDetails(err: ZodError, prefix: PropertyKey[] = []): ErrorDetail[] {
  return issuesToDetails(err.issues, prefix);
}

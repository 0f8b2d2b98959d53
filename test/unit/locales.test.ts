/**
 * The web app's words (web/src/locales): no doubled word in either language, in the texts as written and as composed
 * with the labels put into them (the approve toast once read 已已备案: 已{{action}} with the status 已备案).
 */
import i18next from 'i18next';
import { describe, expect, it } from 'vitest';
import en from '../../web/src/locales/en.js';
import zh from '../../web/src/locales/zh.js';

type Tree = { [k: string]: string | Tree };

function strings(tree: Tree, prefix = ''): [string, string][] {
  return Object.entries(tree).flatMap(([k, v]) =>
    typeof v === 'string' ? [[`${prefix}${k}`, v] as [string, string]] : strings(v, `${prefix}${k}.`),
  );
}

/**
 * Chinese function words that are never doubled (已已, 的的, 请请 …); reduplicated content words are Chinese (常常,
 * 一一) and 停用用户 is 停用 + 用户, so only these are looked for.
 */
const NEVER_DOUBLED = [...'已的了请将被并或与及于在为把对从由向是'];
const doubledZh = (s: string) => NEVER_DOUBLED.filter((c) => s.includes(c + c));
const doubledEn = (s: string) => [...s.matchAll(/\b([A-Za-z]+)\s+\1\b/gi)].map((m) => m[0]);

describe('no doubled words in the locales', () => {
  it.each([
    ['zh', zh as unknown as Tree, doubledZh],
    ['en', en as unknown as Tree, doubledEn],
  ] as const)('%s, every text as written', (_lang, tree, doubled) => {
    const found = strings(tree).flatMap(([key, text]) => doubled(text).map((d) => `${key}: ${d}`));
    expect(found).toEqual([]);
  });

  it('the decision toast with every decision and every filing status (not 已已备案)', async () => {
    const i18n = i18next.createInstance();
    await i18n.init({
      resources: { zh: { translation: zh }, en: { translation: en } },
      lng: 'zh',
      interpolation: { escapeValue: false },
    });
    const decisions = ['approve', 'reject', 'suspend', 'reinstate', 'revoke', 'approveChange', 'rejectChange'] as const;
    const statuses = Object.keys(zh.status) as (keyof typeof zh.status)[];
    for (const lng of ['zh', 'en'] as const) {
      const t = i18n.getFixedT(lng);
      for (const d of decisions) {
        for (const s of statuses) {
          const text = t('decision.done', { decision: t(`decision.${d}`), status: t(`status.${s}`) });
          expect(text).not.toMatch(/\{\{|\}\}/);
          expect(lng === 'zh' ? doubledZh(text) : doubledEn(text), text).toEqual([]);
        }
      }
    }
    expect(i18n.getFixedT('zh')('decision.done', { decision: '批准', status: '已备案' })).toBe(
      '已批准，备案状态：已备案',
    );
  });

  it('every text put together from labels: a placeholder never follows a word its values begin with', () => {
    // the status labels begin with 已 (已提交, 已备案 …): no template may put 已 right before a placeholder
    const found = strings(zh as unknown as Tree).filter(([, text]) => /已\{\{(action|status)\}\}/.test(text));
    expect(found).toEqual([]);
  });
});

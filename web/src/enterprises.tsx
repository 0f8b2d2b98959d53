/**
 * Names beside enterprise codes. Pages hold codes (a list's parties, a message's sender, a tax bill's enterprise);
 * `<EnterpriseCode code=… />` shows the enterprise's name with its code, the names coming from
 * `GET /api/v1/enterprise-names` (names of filed enterprises only; a code that names none shows as the code alone).
 *
 * One cache for the app: the codes asked for in the same moment by every component on the page go in one request
 * (up to 100 codes each), each code is asked once, and a failed request is not repeated for a while. The cache is
 * emptied when the user signs out.
 */
import { useEffect, useSyncExternalStore } from 'react';
import { useTranslation } from 'react-i18next';
import { isZh, request } from './api';
import type { ApiOk, Item } from './api/types';

type NameItem = Item<ApiOk<'/api/v1/enterprise-names'>['items']>;
export type EnterpriseName = Pick<NameItem, 'nameCn' | 'nameEn'>;

/** The most codes the API resolves per call (src/modules/filing/name-routes.ts MAX_NAME_CODES). */
const BATCH = 100;
/** How long a code whose request failed is not asked again. */
const RETRY_AFTER_MS = 30_000;
/** How long a known name is kept (a name changes when an officer approves a change request). */
const KEEP_MS = 10 * 60_000;

type Entry = { name: EnterpriseName | null; at: number } | { failedAt: number };

const cache = new Map<string, Entry>();
const queued = new Set<string>();
const inFlight = new Set<string>();
const listeners = new Set<() => void>();
let version = 0;
let timer: ReturnType<typeof setTimeout> | null = null;
let generation = 0;

function notify(): void {
  version++;
  for (const l of listeners) l();
}

function fresh(code: string, now: number): boolean {
  const e = cache.get(code);
  if (!e) return false;
  return 'failedAt' in e ? now - e.failedAt < RETRY_AFTER_MS : now - e.at < KEEP_MS;
}

async function flush(): Promise<void> {
  timer = null;
  const codes = [...queued];
  queued.clear();
  const gen = generation;
  for (let i = 0; i < codes.length; i += BATCH) {
    const batch = codes.slice(i, i + BATCH);
    for (const c of batch) inFlight.add(c);
    try {
      const r = await request<ApiOk<'/api/v1/enterprise-names'>>('GET', '/enterprise-names', undefined, {
        code: batch,
      });
      if (gen !== generation) return;
      const found = new Map(r.items.map((x) => [x.code, { nameCn: x.nameCn, nameEn: x.nameEn }]));
      const now = Date.now();
      for (const c of batch) cache.set(c, { name: found.get(c) ?? null, at: now });
    } catch {
      if (gen !== generation) return;
      const now = Date.now();
      for (const c of batch) cache.set(c, { failedAt: now });
    } finally {
      for (const c of batch) inFlight.delete(c);
    }
    notify();
  }
}

/** Asks for the names of these codes (those not known yet), in the next request. */
export function requestNames(codes: readonly (string | null | undefined)[]): void {
  const now = Date.now();
  let added = false;
  for (const raw of codes) {
    const code = raw?.trim().toUpperCase();
    if (!code || !/^[0-9A-Z]{1,18}$/.test(code)) continue;
    if (fresh(code, now) || queued.has(code) || inFlight.has(code)) continue;
    queued.add(code);
    added = true;
  }
  if (added && !timer) timer = setTimeout(() => void flush(), 0);
}

/** Forgets every name (on sign-out). */
export function clearEnterpriseNames(): void {
  generation++;
  cache.clear();
  queued.clear();
  if (timer) clearTimeout(timer);
  timer = null;
  notify();
}

function subscribe(l: () => void): () => void {
  listeners.add(l);
  return () => listeners.delete(l);
}

/**
 * The names of these codes, asked for as needed: `name(code)` is the name, null when the code names no filed
 * enterprise, undefined while it is being asked for.
 */
export function useEnterpriseNames(
  codes: readonly (string | null | undefined)[],
): (code: string | null | undefined) => EnterpriseName | null | undefined {
  useSyncExternalStore(subscribe, () => version);
  const key = codes.join('|');
  // biome-ignore lint/correctness/useExhaustiveDependencies: `key` stands for the codes
  useEffect(() => requestNames(codes), [key]);
  return (code) => {
    const e = code ? cache.get(code.trim().toUpperCase()) : undefined;
    return e && 'name' in e ? e.name : undefined;
  };
}

/** The name in the language: the English name when there is one, else the Chinese. */
export function nameIn(name: EnterpriseName, lang: string): string {
  return isZh(lang) ? name.nameCn : (name.nameEn ?? name.nameCn);
}

const mono = { fontFamily: 'ui-monospace, SFMono-Regular, Menlo, Consolas, monospace' };

/**
 * An enterprise code with the enterprise's name: stacked (name, then the code in small grey type) for tables, or
 * inline (name, code) for one line. A code that names no filed enterprise shows alone.
 */
export function EnterpriseCode({
  code,
  inline,
  size = 12,
}: {
  code: string | null | undefined;
  inline?: boolean;
  /** Font size of the code. */
  size?: number;
}) {
  const { i18n } = useTranslation();
  const name = useEnterpriseNames([code])(code);
  if (!code) return <span style={{ color: '#8a94a6' }}>—</span>;
  const codeEl = (
    <span style={{ ...mono, fontSize: size, color: name ? '#8a94a6' : undefined }} data-testid="enterprise-code">
      {code}
    </span>
  );
  if (!name) return <span data-code={code}>{codeEl}</span>;
  const text = nameIn(name, i18n.language);
  if (inline) {
    return (
      <span data-code={code} data-testid="enterprise" style={{ display: 'inline-flex', gap: 8, flexWrap: 'wrap' }}>
        <span data-testid="enterprise-name">{text}</span>
        {codeEl}
      </span>
    );
  }
  return (
    <div data-code={code} data-testid="enterprise" style={{ lineHeight: 1.4 }}>
      <div data-testid="enterprise-name" style={{ wordBreak: 'break-word' }}>
        {text}
      </div>
      {codeEl}
    </div>
  );
}

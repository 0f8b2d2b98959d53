/**
 * The scaffolding every list page shares: its filters (in the address, ?status=&q=…, or in the page's state), page
 * and page size, the fetch on every change of them, the loading flag, the error of the last fetch, reload(), and the
 * row open in a drawer (?id=… or state). The page says how its filters are read and how a page of rows is fetched;
 * it renders its own table, filters and drawer with what the hook returns (see ListPage.tsx for the common frame).
 */
import type { TablePaginationConfig } from 'antd';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router-dom';

/** A filter's new value: a string (empty: none), several (a repeated parameter), or null (none). */
export type FilterValue = string | readonly string[] | null | undefined;
export type FilterPatch = Record<string, FilterValue>;

/** What a page's filters are read from: the address's parameters (or the state's, the same shape). */
export type FilterReader = Pick<URLSearchParams, 'get' | 'getAll' | 'has'>;

export interface ListPageOptions<Q, R> {
  /** Reads the page's filters (without page, pageSize and the open row); compared by value to know when to fetch. */
  filters: (p: FilterReader) => Q;
  /** Fetches a page of rows for the filters. */
  fetch: (filters: Q, page: { page: number; pageSize: number }) => Promise<R>;
  /** Where filters, page and the open row live: the address (the default: a link opens the same view) or state. */
  store?: 'address' | 'state';
  /** The first values, in state (e.g. presets taken from the address by a link). */
  initial?: Record<string, string>;
  /** The parameter of the row open in the drawer (default `id`). */
  drawer?: string;
  /** Other values the fetch depends on (state outside the filters): a change fetches again. */
  deps?: readonly unknown[];
  /** False: no fetch (yet), e.g. while the enterprise the page is about is not known. */
  enabled?: boolean;
  /** Page size when none is chosen (20). */
  pageSize?: number;
}

export interface ListPage<Q, R> {
  /** The filters as the page reads them. */
  filters: Q;
  /** Sets filters (and goes back to the first page). */
  setFilters: (patch: FilterPatch) => void;
  page: number;
  pageSize: number;
  /** The last answer (kept while the next one loads), null before the first. */
  data: R | null;
  /** The rows and the total of the last answer (when it has `items` and `total`). */
  items: R extends { items: readonly (infer T)[] } ? T[] : never[];
  total: number;
  loading: boolean;
  /** What the last fetch threw, or null. */
  error: unknown;
  clearError: () => void;
  /** Fetches the current page again (after a change made on the page). */
  reload: () => Promise<void>;
  /** The props of a paged antd Table (current page, size, total, size changer, "N in all"). */
  pagination: TablePaginationConfig;
  /** The key of the row open in the drawer, or null; open and close it. */
  selected: string | null;
  openRow: (key: string) => void;
  closeRow: () => void;
}

function patched(base: URLSearchParams, patch: FilterPatch): URLSearchParams {
  const next = new URLSearchParams(base);
  for (const [k, v] of Object.entries(patch)) {
    next.delete(k);
    if (typeof v === 'string') {
      if (v !== '') next.set(k, v);
    } else if (v) for (const item of v) next.append(k, item);
  }
  return next;
}

/** Filters, page and open row kept in the address (replacing the history entry) or in state. */
function useStore(kind: 'address' | 'state', initial?: Record<string, string>) {
  const [address, setAddress] = useSearchParams();
  const [state, setState] = useState(() => new URLSearchParams(initial));
  const params = kind === 'address' ? address : state;
  const ref = useRef(params);
  ref.current = params;
  const update = useCallback(
    (patch: FilterPatch) => {
      const next = patched(ref.current, patch);
      ref.current = next;
      if (kind === 'address') setAddress(next, { replace: true });
      else setState(next);
    },
    [kind, setAddress],
  );
  return { params, update };
}

export function useListPage<Q, R>(opts: ListPageOptions<Q, R>): ListPage<Q, R> {
  const { t } = useTranslation();
  const drawer = opts.drawer ?? 'id';
  const defaultSize = opts.pageSize ?? 20;
  const { params, update } = useStore(opts.store ?? 'address', opts.initial);
  const page = Number(params.get('page') ?? '1') || 1;
  const pageSize = Number(params.get('pageSize') ?? String(defaultSize)) || defaultSize;
  const selected = params.get(drawer);
  const filters = opts.filters(params);
  const enabled = opts.enabled ?? true;

  const [data, setData] = useState<R | null>(null);
  const [loading, setLoading] = useState(enabled);
  const [error, setError] = useState<unknown>(null);

  // the latest filters and fetcher, for reload(); a fetch that an newer one overtook is dropped
  const latest = useRef({ fetch: opts.fetch, filters, page, pageSize, enabled });
  latest.current = { fetch: opts.fetch, filters, page, pageSize, enabled };
  const seq = useRef(0);

  const reload = useCallback(async () => {
    const { fetch, filters: f, page: p, pageSize: s, enabled: on } = latest.current;
    if (!on) return;
    const mine = ++seq.current;
    setLoading(true);
    setError(null);
    try {
      const r = await fetch(f, { page: p, pageSize: s });
      if (mine === seq.current) setData(r);
    } catch (err) {
      if (mine === seq.current) setError(err);
    } finally {
      if (mine === seq.current) setLoading(false);
    }
  }, []);

  const key = JSON.stringify([filters, page, pageSize, enabled, opts.deps ?? []]);
  // biome-ignore lint/correctness/useExhaustiveDependencies: `key` stands for the query
  useEffect(() => {
    void reload();
  }, [key, reload]);

  const setFilters = useCallback((patch: FilterPatch) => update({ ...patch, page: null }), [update]);
  const openRow = useCallback((k: string) => update({ [drawer]: k }), [update, drawer]);
  const closeRow = useCallback(() => update({ [drawer]: null }), [update, drawer]);
  const clearError = useCallback(() => setError(null), []);

  const answer = data as { items?: unknown[]; total?: number } | null;
  const items = (answer?.items ?? []) as ListPage<Q, R>['items'];
  const total = answer?.total ?? 0;

  const pagination = useMemo<TablePaginationConfig>(
    () => ({
      current: page,
      pageSize,
      total,
      showSizeChanger: true,
      showTotal: (n) => t('common.total', { count: n }),
      onChange: (p, s) => update({ page: String(p), pageSize: String(s) }),
    }),
    [page, pageSize, total, t, update],
  );

  return {
    filters,
    setFilters,
    page,
    pageSize,
    data,
    items,
    total,
    loading,
    error,
    clearError,
    reload,
    pagination,
    selected,
    openRow,
    closeRow,
  };
}

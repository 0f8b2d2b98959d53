/**
 * Typed client of the platform's HTTP API (/api/v1). Every call sends the session cookie, speaks JSON and, on a
 * non-2xx answer, throws an {@link ApiError} carrying the backend's error body.
 */

export const USER_ROLES = [
  'platform_admin',
  'customs',
  'tax',
  'forex',
  'commerce',
  'finance',
  'enterprise_admin',
  'enterprise_operator',
] as const;
export type UserRole = (typeof USER_ROLES)[number];
export const OFFICER_ROLES = ['customs', 'commerce', 'tax', 'forex', 'finance'] as const satisfies readonly UserRole[];
export const ENTERPRISE_USER_ROLES = ['enterprise_admin', 'enterprise_operator'] as const satisfies readonly UserRole[];

export const FILING_STATUSES = [
  'submitted',
  'change_requested',
  'approved',
  'rejected',
  'suspended',
  'revoked',
] as const;
export type FilingStatus = (typeof FILING_STATUSES)[number];

/** Roles an enterprise plays in cross-border e-commerce (the roles of its filing). */
export const ENTERPRISE_ROLES = [
  'ebp',
  'ebc',
  'payment',
  'logistics',
  'agent',
  'warehouse',
  'overseas_warehouse',
  'assure',
] as const;
export type EnterpriseRole = (typeof ENTERPRISE_ROLES)[number];

export const DECISIONS = ['approve', 'reject', 'suspend', 'reinstate', 'revoke'] as const;
export type Decision = (typeof DECISIONS)[number];

export interface Me {
  id: string;
  username: string;
  displayName: string;
  role: UserRole;
  enterpriseUscc: string | null;
  mustChangePassword: boolean;
}

export interface Contact {
  name: string;
  phone: string;
  email?: string;
}

export interface FilingInput {
  uscc: string;
  customsCode?: string;
  nameCn: string;
  nameEn?: string;
  legalRepresentative: { name: string; idNumber?: string };
  registeredAddress: string;
  regionCode: string;
  contacts: Contact[];
  dxpId?: string;
  roles: EnterpriseRole[];
}

export interface NewAccount {
  username: string;
  password: string;
  displayName?: string;
}

export type ChangeRequestInput = Partial<Omit<FilingInput, 'uscc'>>;

export interface Enterprise {
  uscc: string;
  customsCode: string | null;
  nameCn: string;
  nameEn: string | null;
  legalRepresentative: { name: string; idNumberMasked: string | null };
  registeredAddress: string;
  regionCode: string;
  contacts: { name: string; phoneMasked: string | null; email: string | null }[];
  dxpId: string | null;
  roles: EnterpriseRole[];
  status: FilingStatus;
  statusReason: string | null;
  pendingChange: Record<string, unknown> | null;
  originZone: string | null;
  version: number;
  submittedAt: string;
  approvedAt: string | null;
  updatedAt: string;
}

export interface HistoryItem {
  id: number | string;
  action: string;
  fromStatus: FilingStatus | null;
  toStatus: FilingStatus;
  reason: string | null;
  actorRole: string | null;
  at: string;
}

export interface ApiKey {
  id: string;
  name: string;
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

export interface UserRecord {
  id: string;
  username: string;
  displayName: string;
  role: UserRole;
  enterpriseUscc: string | null;
  status: 'active' | 'disabled';
  lastLoginAt: string | null;
  createdAt: string;
}

export interface AuditEntry {
  seq: number | string;
  at: string;
  actorName: string | null;
  actorRole: string | null;
  enterpriseUscc: string | null;
  action: string;
  targetType: string | null;
  targetId: string | null;
  summary: unknown;
  requestId: string | null;
}

export interface Page<T> {
  items: T[];
  total: number;
  page?: number;
  pageSize?: number;
}

// ---------------------------------------------------------------------------------------------------------------
// Errors

export interface ErrorDetail {
  path: string;
  message: string;
  messageEn: string;
  code?: string;
}

export interface ErrorBody {
  code: string;
  message: string;
  messageEn: string;
  details: ErrorDetail[];
  requestId?: string;
}

/** A failed call: the HTTP status and the backend's error body (`{ error: … }`), or a synthesized one. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: ErrorBody,
  ) {
    super(body.messageEn || body.message);
    this.name = 'ApiError';
  }
  get code(): string {
    return this.body.code;
  }
  get details(): ErrorDetail[] {
    return this.body.details;
  }
  /** The message in the given language ('zh…' → Chinese, anything else → English). */
  text(lang: string): string {
    return isZh(lang) ? this.body.message : this.body.messageEn || this.body.message;
  }
}

export function isZh(lang: string | undefined): boolean {
  return !lang || lang.toLowerCase().startsWith('zh');
}

/** A detail's message in the given language. */
export function detailText(d: ErrorDetail, lang: string): string {
  return isZh(lang) ? d.message : d.messageEn || d.message;
}

/** Any thrown value as a message in the given language. */
export function errorText(err: unknown, lang: string): string {
  if (err instanceof ApiError) return err.text(lang);
  if (err instanceof Error) return err.message;
  return String(err);
}

function synthesized(code: string, message: string, messageEn: string): ErrorBody {
  return { code, message, messageEn, details: [] };
}

function isErrorBody(x: unknown): x is { error: ErrorBody } {
  if (!x || typeof x !== 'object') return false;
  const e = (x as { error?: unknown }).error;
  return !!e && typeof e === 'object' && typeof (e as { code?: unknown }).code === 'string';
}

// ---------------------------------------------------------------------------------------------------------------
// Transport

type Query = Record<string, string | number | boolean | readonly (string | number)[] | null | undefined>;

let onUnauthorized: (() => void) | null = null;
/** Called when a call (other than login and me) answers 401: the session has ended. */
export function setUnauthorizedHandler(fn: (() => void) | null): void {
  onUnauthorized = fn;
}

function buildUrl(path: string, query?: Query): string {
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(query ?? {})) {
    if (v === undefined || v === null || v === '') continue;
    if (Array.isArray(v)) for (const item of v) qs.append(k, String(item));
    else qs.append(k, String(v));
  }
  const s = qs.toString();
  return `/api/v1${path}${s ? `?${s}` : ''}`;
}

export async function request<T>(method: string, path: string, body?: unknown, query?: Query): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(buildUrl(path, query), {
      method,
      headers,
      credentials: 'include',
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(
      0,
      synthesized('NETWORK', '无法连接平台服务，请检查网络后重试', 'Cannot reach the platform; check the network'),
    );
  }
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  if (!res.ok) {
    if (res.status === 401 && path !== '/auth/login' && path !== '/auth/me') onUnauthorized?.();
    if (isErrorBody(json)) {
      const e = json.error;
      throw new ApiError(res.status, { ...e, details: Array.isArray(e.details) ? e.details : [] });
    }
    throw new ApiError(
      res.status,
      synthesized(`HTTP_${res.status}`, `服务返回错误（${res.status}）`, `The server answered ${res.status}`),
    );
  }
  return json as T;
}

const enc = encodeURIComponent;

// ---------------------------------------------------------------------------------------------------------------
// Endpoints

export const api = {
  auth: {
    login: (username: string, password: string) =>
      request<{ user: Me }>('POST', '/auth/login', { username, password }).then((r) => r.user),
    logout: () => request<void>('POST', '/auth/logout'),
    me: () => request<{ user: Me }>('GET', '/auth/me').then((r) => r.user),
    changePassword: (currentPassword: string, newPassword: string) =>
      request<void>('POST', '/auth/password', { currentPassword, newPassword }),
  },
  enterprises: {
    file: (body: FilingInput & { account?: NewAccount }) =>
      request<{ enterprise: Enterprise }>('POST', '/enterprises', body).then((r) => r.enterprise),
    list: (q: { status?: FilingStatus[]; role?: string; q?: string; page?: number; pageSize?: number }) =>
      request<Page<Enterprise>>('GET', '/enterprises', undefined, q),
    get: (uscc: string) =>
      request<{ enterprise: Enterprise }>('GET', `/enterprises/${enc(uscc)}`).then((r) => r.enterprise),
    history: (uscc: string) =>
      request<{ items: HistoryItem[] }>('GET', `/enterprises/${enc(uscc)}/history`).then((r) => r.items),
    decide: (uscc: string, action: Decision, reason?: string) =>
      request<{ enterprise: Enterprise }>('POST', `/enterprises/${enc(uscc)}/decisions`, {
        action,
        ...(reason ? { reason } : {}),
      }).then((r) => r.enterprise),
    requestChange: (uscc: string, body: ChangeRequestInput) =>
      request<{ enterprise: Enterprise }>('POST', `/enterprises/${enc(uscc)}/change-requests`, body).then(
        (r) => r.enterprise,
      ),
    /** The full filing again, without `uscc` (taken from the path) and without `account`. */
    resubmit: (uscc: string, body: Omit<FilingInput, 'uscc'>) =>
      request<{ enterprise: Enterprise }>('POST', `/enterprises/${enc(uscc)}/resubmission`, body).then(
        (r) => r.enterprise,
      ),
  },
  apiKeys: {
    list: (uscc: string) =>
      request<{ items: ApiKey[] }>('GET', `/enterprises/${enc(uscc)}/api-keys`).then((r) => r.items),
    create: (uscc: string, name: string) =>
      request<{ apiKey: ApiKey; secret: string }>('POST', `/enterprises/${enc(uscc)}/api-keys`, { name }),
    revoke: (uscc: string, id: string) => request<void>('DELETE', `/enterprises/${enc(uscc)}/api-keys/${enc(id)}`),
  },
  users: {
    list: () => request<{ items: UserRecord[] }>('GET', '/users').then((r) => r.items),
    create: (body: {
      username: string;
      displayName: string;
      role: UserRole;
      enterpriseUscc?: string;
      password: string;
    }) => request<{ user: UserRecord }>('POST', '/users', body).then((r) => r.user),
    resetPassword: (id: string, password: string) => request<void>('POST', `/users/${enc(id)}/password`, { password }),
    setStatus: (id: string, status: 'active' | 'disabled') =>
      request<{ user: UserRecord }>('PATCH', `/users/${enc(id)}`, { status }).then((r) => r.user),
  },
  audit: {
    list: (q: { page?: number; pageSize?: number; action?: string; enterpriseUscc?: string }) =>
      request<Page<AuditEntry>>('GET', '/audit', undefined, q),
  },
};

export function isOfficer(role: UserRole | undefined): boolean {
  return !!role && (OFFICER_ROLES as readonly string[]).includes(role);
}
export function isEnterpriseUser(role: UserRole | undefined): boolean {
  return !!role && (ENTERPRISE_USER_ROLES as readonly string[]).includes(role);
}
/** Where a signed-in user lands. */
export function homeOf(me: Me): string {
  if (isEnterpriseUser(me.role)) return '/portal';
  return '/console';
}

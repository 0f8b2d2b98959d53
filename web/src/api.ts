/**
 * Typed client of the platform's HTTP API (/api/v1). Every call sends the session cookie, speaks JSON and, on a
 * non-2xx answer, throws an {@link ApiError} carrying the backend's error body.
 *
 * The shapes are the server's own, generated from its OpenAPI document (api/schema.gen.ts, `npm run gen:api`); the
 * lists of enum values the pages iterate are checked against them.
 */
import type { ApiBody, ApiOk, ApiQuery, ErrorBodySchema, Item, Refine } from './api/types';

/** A list of every value of a generated union, in display order: the compiler refuses a missing or an extra one. */
export function allOf<U extends string>() {
  return <const L extends readonly U[]>(
    list: L & ([U] extends [L[number]] ? unknown : { missing: Exclude<U, L[number]> }),
  ) => list as L;
}

export type Me = ApiOk<'/api/v1/auth/me'>['user'];
export type UserRole = Me['role'];
export const USER_ROLES = allOf<UserRole>()([
  'platform_admin',
  'customs',
  'tax',
  'forex',
  'commerce',
  'finance',
  'enterprise_admin',
  'enterprise_operator',
]);
export const OFFICER_ROLES = ['customs', 'commerce', 'tax', 'forex', 'finance'] as const satisfies readonly UserRole[];
export const ENTERPRISE_USER_ROLES = ['enterprise_admin', 'enterprise_operator'] as const satisfies readonly UserRole[];

export type Enterprise = ApiOk<'/api/v1/enterprises/{uscc}'>['enterprise'];
export type FilingStatus = Enterprise['status'];
export const FILING_STATUSES = allOf<FilingStatus>()([
  'submitted',
  'change_requested',
  'approved',
  'rejected',
  'suspended',
  'revoked',
]);

/** Roles an enterprise plays in cross-border e-commerce (the roles of its filing). */
export type EnterpriseRole = Item<Enterprise['roles']>;
export const ENTERPRISE_ROLES = allOf<EnterpriseRole>()([
  'ebp',
  'ebc',
  'payment',
  'logistics',
  'agent',
  'warehouse',
  'overseas_warehouse',
  'site_operator',
  'assure',
]);

export type Decision = ApiBody<'/api/v1/enterprises/{uscc}/decisions'>['action'];
export const DECISIONS = allOf<Decision>()(['approve', 'reject', 'suspend', 'reinstate', 'revoke']);

type FilingBody = ApiBody<'/api/v1/enterprises'>;
export type FilingInput = Omit<FilingBody, 'account'>;
export type Contact = Item<FilingInput['contacts']>;
export type NewAccount = NonNullable<FilingBody['account']>;
export type ChangeRequestInput = ApiBody<'/api/v1/enterprises/{uscc}/change-requests'>;

/** A step of a filing's history (the server's schema says `string` for the statuses: a FilingStatus each). */
export type HistoryItem = Refine<
  Item<ApiOk<'/api/v1/enterprises/{uscc}/history'>['items']>,
  { fromStatus: FilingStatus | null; toStatus: FilingStatus }
>;
export type ApiKey = Item<ApiOk<'/api/v1/enterprises/{uscc}/api-keys'>['items']>;
export type UserRecord = Item<ApiOk<'/api/v1/users'>['items']>;

type AuditAnswer = ApiOk<'/api/v1/audit'>;
/** An officer's view of the audit log: the department and the actions of its domain (null: the admin, everything). */
export type AuditDomain = NonNullable<AuditAnswer['domain']>;
export type AuditEntry = Item<AuditAnswer['items']>;

export interface Page<T> {
  items: T[];
  total: number;
  page?: number;
  pageSize?: number;
}

// ---------------------------------------------------------------------------------------------------------------
// Declaration (三单申报一口接入)

type MessagesAnswer = ApiOk<'/api/v1/messages'>;
type MessageAnswer = ApiOk<'/api/v1/messages/{id}'>;
/** The synchronous answer to a declaration (the format receipt, CEB900 style). */
export type FormatReceipt = ApiOk<'/api/v1/messages', 'post'>['receipt'];
/** A reason a message was refused: the customs code, where (an element path), and why in both languages. */
export type DeclError = Item<FormatReceipt['errors']>;
export type DeclWarning = Item<FormatReceipt['warnings']>;
export type MessageStatus = FormatReceipt['status'];

/** A message of the message log (报文日志). */
export type MessageSummary = Refine<Item<MessagesAnswer['items']>, { status: MessageStatus }>;
export type MessageDetail = Refine<MessageAnswer['message'], { status: MessageStatus }>;
/** A business receipt (回执) issued for a record of a message. */
export type Receipt = Refine<Item<MessageAnswer['receipts']>, { record: Record<string, unknown> }>;
export type MessageQuery = ApiQuery<'/api/v1/messages'>;

/** The answer to an upload: the receipt whatever the outcome (200, 400, 403, 409, 422), and whether it is a replay. */
export interface UploadAnswer {
  httpStatus: number;
  receipt: FormatReceipt;
  replay: boolean;
}

export type WebhookEndpoint = Item<ApiOk<'/api/v1/enterprises/{uscc}/webhooks'>['items']>;
export type WebhookDelivery = Item<ApiOk<'/api/v1/enterprises/{uscc}/webhooks/deliveries'>['items']>;
export type DeliveryStatus = WebhookDelivery['status'];
export const DELIVERY_STATUSES = allOf<DeliveryStatus>()(['pending', 'delivered', 'failed']);

export type SigningCertificate = Item<ApiOk<'/api/v1/enterprises/{uscc}/certificates'>['items']>;
/**
 * Why a registered certificate verifies signatures, or not yet: ca (a CA of the zone's trust store issued it),
 * approved (customs approved it), pending (self-signed or of an unknown issuer: waits for customs), rejected.
 */
export type CertificateTrust = SigningCertificate['trust'];
export const CERTIFICATE_TRUST = allOf<CertificateTrust>()(['ca', 'approved', 'pending', 'rejected']);
/** The answer to registering a certificate: with why it is trusted at once, or waits for customs. */
export type RegisteredCertificate = ApiOk<'/api/v1/enterprises/{uscc}/certificates', 'post'>['certificate'];
/** A certificate waiting for customs approval, with its enterprise. */
export type PendingCertificate = Item<ApiOk<'/api/v1/certificates/pending'>['items']>;
/** A certificate authority of the zone's trust store (受信任 CA). */
export type TrustedCa = Item<ApiOk<'/api/v1/trust/cas'>['items']>;
export type CrlLoaded = ApiOk<'/api/v1/trust/crls', 'post'>;

// ---------------------------------------------------------------------------------------------------------------
// Delegations (委托关系)

type DelegationsAnswer = ApiOk<'/api/v1/enterprises/{uscc}/delegations'>;
/** A delegation: the principal lets the delegate declare the named message kinds for it during the period. */
export type Delegation = Item<DelegationsAnswer['given']>;
export type DelegationParty = Delegation['principal'];
export type DelegationStatus = Delegation['status'];
export const DELEGATION_STATUSES = allOf<DelegationStatus>()(['active', 'scheduled', 'expired', 'revoked']);
export type DelegationInput = ApiBody<'/api/v1/enterprises/{uscc}/delegations'>;

// ---------------------------------------------------------------------------------------------------------------
// Overseas warehouses (海外仓备案)

type WarehousePage = ApiOk<'/api/v1/enterprises/{uscc}/overseas-warehouses'>;
/** A filed overseas warehouse: where the operator's 9810 exports (出口海外仓) go, valid during its period. */
export type OverseasWarehouse = Item<WarehousePage['items']>;
export type WarehouseStatus = OverseasWarehouse['status'];
export const WAREHOUSE_STATUSES = allOf<WarehouseStatus>()(['active', 'scheduled', 'expired', 'withdrawn']);
export type WarehouseInput = ApiBody<'/api/v1/enterprises/{uscc}/overseas-warehouses'>;
export type WarehouseQuery = ApiQuery<'/api/v1/enterprises/{uscc}/overseas-warehouses'>;
export type AllWarehousesQuery = ApiQuery<'/api/v1/overseas-warehouses'>;

// ---------------------------------------------------------------------------------------------------------------
// Errors

/** The backend's error body; one synthesized by the client (no answer, no JSON) has no requestId. */
export type ErrorBody = Refine<ErrorBodySchema['error'], { requestId?: string }>;
export type ErrorDetail = Item<ErrorBody['details']>;

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

async function send(method: string, url: string, headers: Record<string, string>, body?: BodyInit): Promise<Response> {
  try {
    return await fetch(url, { method, headers, credentials: 'include', body });
  } catch {
    throw new ApiError(
      0,
      synthesized('NETWORK', '无法连接平台服务，请检查网络后重试', 'Cannot reach the platform; check the network'),
    );
  }
}

async function readJson(res: Response): Promise<unknown> {
  const text = await res.text();
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    return undefined;
  }
}

function failure(path: string, status: number, json: unknown): ApiError {
  if (status === 401 && path !== '/auth/login' && path !== '/auth/me') onUnauthorized?.();
  if (isErrorBody(json)) {
    const e = json.error;
    return new ApiError(status, { ...e, details: Array.isArray(e.details) ? e.details : [] });
  }
  if (status === 413) {
    return new ApiError(
      status,
      synthesized(
        'PAYLOAD_TOO_LARGE',
        '报文太大，超过平台允许的大小',
        'The message is larger than the platform accepts',
      ),
    );
  }
  return new ApiError(
    status,
    synthesized(`HTTP_${status}`, `服务返回错误（${status}）`, `The server answered ${status}`),
  );
}

export async function request<T>(method: string, path: string, body?: unknown, query?: Query): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await send(method, buildUrl(path, query), headers, body === undefined ? undefined : JSON.stringify(body));
  if (res.status === 204) return undefined as T;
  const json = await readJson(res);
  if (!res.ok) throw failure(path, res.status, json);
  return json as T;
}

function isReceiptBody(x: unknown): x is { receipt: FormatReceipt } {
  if (!x || typeof x !== 'object') return false;
  const r = (x as { receipt?: unknown }).receipt;
  return !!r && typeof r === 'object' && typeof (r as { status?: unknown }).status === 'string';
}

/**
 * Declares one message (报文), sent as is: a File keeps its bytes exactly (a signature covers them). The hub answers
 * with the receipt both when it accepts and when it refuses (400, 403, 409, 422); other failures (401, 413 …) come in
 * the platform's error shape and are thrown as an ApiError.
 */
export async function uploadMessage(body: Blob | string, format: 'xml' | 'json'): Promise<UploadAnswer> {
  const res = await send(
    'POST',
    buildUrl('/messages'),
    { accept: 'application/json', 'content-type': format === 'json' ? 'application/json' : 'application/xml' },
    body,
  );
  const json = await readJson(res);
  if (isReceiptBody(json)) {
    return { httpStatus: res.status, receipt: json.receipt, replay: res.headers.get('x-cbec-replay') === 'true' };
  }
  throw failure('/messages', res.ok ? 502 : res.status, json);
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
  messages: {
    list: (q: MessageQuery) => request<Page<MessageSummary>>('GET', '/messages', undefined, { ...q }),
    get: (id: string) => request<{ message: MessageDetail; receipts: Receipt[] }>('GET', `/messages/${enc(id)}`),
    /** The raw body, read for a stated purpose (it holds personal data: every read is audited). */
    body: async (id: string, purpose: string): Promise<string> => {
      const path = `/messages/${enc(id)}/body`;
      const res = await send('GET', buildUrl(path, { purpose }), { accept: 'application/xml, application/json' });
      const text = await res.text();
      if (!res.ok) {
        let json: unknown;
        try {
          json = JSON.parse(text);
        } catch {
          json = undefined;
        }
        throw failure(path, res.status, json);
      }
      return text;
    },
    upload: uploadMessage,
  },
  webhooks: {
    list: (uscc: string) =>
      request<{ items: WebhookEndpoint[] }>('GET', `/enterprises/${enc(uscc)}/webhooks`).then((r) => r.items),
    create: (uscc: string, url: string) =>
      request<{ endpoint: WebhookEndpoint }>('POST', `/enterprises/${enc(uscc)}/webhooks`, { url }).then(
        (r) => r.endpoint,
      ),
    remove: (uscc: string, id: string) => request<void>('DELETE', `/enterprises/${enc(uscc)}/webhooks/${enc(id)}`),
    deliveries: (uscc: string, q: { status?: DeliveryStatus; page?: number; pageSize?: number }) =>
      request<Page<WebhookDelivery>>('GET', `/enterprises/${enc(uscc)}/webhooks/deliveries`, undefined, q),
    replay: (uscc: string, id: number) =>
      request<{ delivery: WebhookDelivery }>(
        'POST',
        `/enterprises/${enc(uscc)}/webhooks/deliveries/${enc(String(id))}/replay`,
      ).then((r) => r.delivery),
  },
  certificates: {
    list: (uscc: string) =>
      request<{ items: SigningCertificate[] }>('GET', `/enterprises/${enc(uscc)}/certificates`).then((r) => r.items),
    add: (uscc: string, certificate: string) =>
      request<{ certificate: RegisteredCertificate }>('POST', `/enterprises/${enc(uscc)}/certificates`, {
        certificate,
      }).then((r) => r.certificate),
    revoke: (uscc: string, id: string) => request<void>('DELETE', `/enterprises/${enc(uscc)}/certificates/${enc(id)}`),
    setPolicy: (uscc: string, requireSignature: boolean) =>
      request<void>('PUT', `/enterprises/${enc(uscc)}/signature-policy`, { requireSignature }),
  },
  delegations: {
    /** What the enterprise gave (principal) and received (delegate); `current`: only those not ended or expired. */
    list: (uscc: string, current = false) =>
      request<{
        given: Delegation[];
        received: Delegation[];
        /** The kinds this enterprise may delegate, with the roles their delegates need. */
        delegable: { type: string; delegateRoles: EnterpriseRole[] }[];
      }>('GET', `/enterprises/${enc(uscc)}/delegations`, undefined, { current: current ? 'true' : undefined }),
    create: (uscc: string, body: DelegationInput) =>
      request<{ delegation: Delegation }>('POST', `/enterprises/${enc(uscc)}/delegations`, body).then(
        (r) => r.delegation,
      ),
    /** Ends a delegation: the principal revokes it, the delegate renounces it. */
    revoke: (uscc: string, id: string, reason: string) =>
      request<{ delegation: Delegation }>('POST', `/enterprises/${enc(uscc)}/delegations/${enc(id)}/revocation`, {
        reason,
      }).then((r) => r.delegation),
  },
  warehouses: {
    /** The warehouses the enterprise filed, newest first. */
    list: (uscc: string, q: Partial<WarehouseQuery>) =>
      request<WarehousePage>('GET', `/enterprises/${enc(uscc)}/overseas-warehouses`, undefined, q),
    /** Every filing (officers and the platform admin), by operator and country. */
    all: (q: Partial<AllWarehousesQuery>) =>
      request<ApiOk<'/api/v1/overseas-warehouses'>>('GET', '/overseas-warehouses', undefined, q),
    file: (uscc: string, body: WarehouseInput) =>
      request<{ warehouse: OverseasWarehouse }>('POST', `/enterprises/${enc(uscc)}/overseas-warehouses`, body).then(
        (r) => r.warehouse,
      ),
    /** Withdraws a filing from today on. */
    withdraw: (uscc: string, id: string, reason: string) =>
      request<{ warehouse: OverseasWarehouse }>(
        'POST',
        `/enterprises/${enc(uscc)}/overseas-warehouses/${enc(id)}/withdrawal`,
        { reason },
      ).then((r) => r.warehouse),
  },
  trust: {
    cas: () => request<{ items: TrustedCa[] }>('GET', '/trust/cas').then((r) => r.items),
    addCa: (certificate: string, label: string) =>
      request<{ ca: TrustedCa; promoted: number }>('POST', '/trust/cas', { certificate, label }),
    removeCa: (id: string) => request<{ ca: TrustedCa }>('DELETE', `/trust/cas/${enc(id)}`).then((r) => r.ca),
    loadCrl: (crl: string) => request<CrlLoaded>('POST', '/trust/crls', { crl }),
    /** Certificates waiting for customs approval (self-signed or of an unknown issuer). */
    pending: () => request<{ items: PendingCertificate[] }>('GET', '/certificates/pending').then((r) => r.items),
    review: (uscc: string, id: string, decision: 'approve' | 'reject', note: string) =>
      request<{ certificate: SigningCertificate }>('POST', `/enterprises/${enc(uscc)}/certificates/${enc(id)}/review`, {
        decision,
        note,
      }).then((r) => r.certificate),
  },
  audit: {
    list: (q: { page?: number; pageSize?: number; action?: string; enterpriseUscc?: string; targetId?: string }) =>
      request<Page<AuditEntry> & { domain: AuditDomain | null }>('GET', '/audit', undefined, q),
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

import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from './errors.js';

/** Roles of people. Officers belong to one department; enterprise users are bound to one enterprise. */
export const ROLES = [
  'platform_admin',
  'customs',
  'tax',
  'forex',
  'commerce',
  'finance',
  'enterprise_admin',
  'enterprise_operator',
] as const;
export type Role = (typeof ROLES)[number];
export const OFFICER_ROLES = ['customs', 'tax', 'forex', 'commerce', 'finance'] as const satisfies readonly Role[];
export const ENTERPRISE_ROLES = ['enterprise_admin', 'enterprise_operator'] as const satisfies readonly Role[];

/** Who may call a route: a person by role, or an enterprise system by its API key (`api_key`). */
export type Caller = Role | 'api_key';
export const CALLERS: readonly Caller[] = [...ROLES, 'api_key'];

export type Principal =
  | { kind: 'anonymous' }
  | {
      kind: 'user';
      userId: string;
      username: string;
      displayName: string;
      role: Role;
      enterpriseUscc: string | null;
      sessionId: string;
      /** Set after an admin reset or a generated first password: only changing it is allowed until then. */
      mustChangePassword: boolean;
    }
  | { kind: 'apiKey'; keyId: string; keyName: string; enterpriseUscc: string };

export function callerOf(p: Principal): Caller | null {
  if (p.kind === 'user') return p.role;
  if (p.kind === 'apiKey') return 'api_key';
  return null;
}

/** The enterprise a principal is bound to, if any (enterprise users and API keys). */
export function tenantOf(p: Principal): string | null {
  if (p.kind === 'apiKey') return p.enterpriseUscc;
  if (p.kind === 'user' && (p.role === 'enterprise_admin' || p.role === 'enterprise_operator')) return p.enterpriseUscc;
  return null;
}

/**
 * A route's access rule, declared on every route (`config.access`) and enforced in one place.
 * - `public`: anyone.
 * - `{ callers }`: only these callers. When `tenantParam` is set, a tenant-bound caller (enterprise user or API key)
 *   may act only on its own enterprise: for any other value of that path parameter it gets 404, so that the
 *   existence of other enterprises' data does not leak.
 */
export type Access = 'public' | { callers: readonly Caller[]; tenantParam?: string };

export const anyone = 'public' as const;
export const signedIn: Access = { callers: CALLERS };
export function only(callers: readonly Caller[], tenantParam?: string): Access {
  return tenantParam ? { callers, tenantParam } : { callers };
}

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal;
  }
  interface FastifyContextConfig {
    access?: Access;
    /** Reachable by a user who must change their password first (sign-out, who am I, change password). */
    passwordChangeExempt?: boolean;
  }
}

/** The authorisation decision: one function, from the route's rule, the caller's role and tenant. */
export function authorize(access: Access, principal: Principal, params: Record<string, unknown>): void {
  if (access === 'public') return;
  const caller = callerOf(principal);
  if (!caller) throw AppError.unauthenticated();
  if (!access.callers.includes(caller)) throw AppError.forbidden();
  if (access.tenantParam) {
    const tenant = tenantOf(principal);
    if (tenant !== null && params[access.tenantParam] !== tenant) throw AppError.notFound();
  }
}

export async function authorizeHook(req: FastifyRequest, _reply: FastifyReply): Promise<void> {
  const access = req.routeOptions.config.access;
  if (!access) throw new Error(`Route ${req.routeOptions.url} declares no access rule`);
  authorize(access, req.principal, (req.params ?? {}) as Record<string, unknown>);
  const p = req.principal;
  if (p.kind === 'user' && p.mustChangePassword && !req.routeOptions.config.passwordChangeExempt) {
    throw new AppError(
      403,
      'PASSWORD_CHANGE_REQUIRED',
      '请先修改初始密码或被重置的密码',
      'Change your initial or reset password first',
    );
  }
}

/** Requires a signed-in user or key; for use inside handlers after the hook has run. */
export function requireActor(p: Principal): Exclude<Principal, { kind: 'anonymous' }> {
  if (p.kind === 'anonymous') throw AppError.unauthenticated();
  return p;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

function crossSite(header: string, value: string): AppError {
  return new AppError(
    403,
    'CROSS_SITE_REQUEST',
    '已拒绝跨站请求：使用登录会话修改数据的请求必须来自本平台自己的页面',
    "Cross-site request refused: changes made with a signed-in session must come from the platform's own pages",
    [
      {
        path: `headers.${header}`,
        message: `${header}: ${value.slice(0, 200)} 不是本平台`,
        messageEn: `${header}: ${value.slice(0, 200)} is not this platform`,
        code: 'CROSS_SITE_REQUEST',
      },
    ],
  );
}

/**
 * Cookie-authenticated state changes must come from this platform's own pages (OWASP, "verifying origin with
 * standard headers"): with a session cookie, a request other than GET/HEAD/OPTIONS needs `Sec-Fetch-Site:
 * same-origin` (or `none`: typed by the user), or, from a browser that sends no Fetch Metadata, an `Origin` whose
 * host is the request's host. A request with neither header is not a browser's: it passes. Callers without a session
 * (API keys, anonymous) are not concerned: a browser cannot attach a key to a cross-site request.
 */
export function requireSameOrigin(req: FastifyRequest): void {
  if (req.principal.kind !== 'user' || SAFE_METHODS.has(req.method)) return;
  const site = req.headers['sec-fetch-site'];
  if (site !== undefined) {
    if (site === 'same-origin' || site === 'none') return;
    throw crossSite('sec-fetch-site', String(site));
  }
  const origin = req.headers.origin;
  if (origin === undefined) return;
  let same = false;
  try {
    const o = new URL(origin);
    same = (o.protocol === 'http:' || o.protocol === 'https:') && new URL(`${o.protocol}//${req.host}`).host === o.host;
  } catch {
    same = false; // `null` (a sandboxed page, a redirect from elsewhere) or not a URL
  }
  if (!same) throw crossSite('origin', String(origin));
}

import { randomBytes } from 'node:crypto';
import { TransactionRollbackError } from 'drizzle-orm';
import type { FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import type { Actor, AuditTrail } from '../../platform/audit/audit.js';
import type { Database, Queryable } from '../../platform/db/client.js';
import { ENTERPRISE_ROLES, type Principal, type Role } from '../../platform/http/auth.js';
import { AppError } from '../../platform/http/errors.js';
import {
  DUMMY_HASH,
  hashPassword,
  LOGIN_THROTTLE,
  newApiKey,
  newSessionToken,
  parseApiKey,
  passwordProblem,
  reserveAttempt,
  secretMatches,
  sha256Hex,
  type ThrottlePolicy,
  throttleKeys,
  verifyPassword,
} from './model.js';
import { type ApiKeyRow, apiKeyRateStore, identityStore as store, throttleStore, type UserRow } from './store.js';

export const SESSION_COOKIE = 'cbec_session';
const SESSION_TTL_MS = 12 * 3600_000;

export type UserView = {
  id: string;
  username: string;
  displayName: string;
  role: Role;
  enterpriseUscc: string | null;
  status: string;
  mustChangePassword: boolean;
  lastLoginAt: string | null;
  createdAt: string;
};

export function userView(u: UserRow): UserView {
  return {
    id: u.id,
    username: u.username,
    displayName: u.displayName,
    role: u.role as Role,
    enterpriseUscc: u.enterpriseUscc,
    status: u.status,
    mustChangePassword: u.mustChangePassword,
    lastLoginAt: u.lastLoginAt?.toISOString() ?? null,
    createdAt: u.createdAt.toISOString(),
  };
}

export function apiKeyView(k: ApiKeyRow) {
  return {
    id: k.id,
    name: k.name,
    prefix: k.prefix,
    createdAt: k.createdAt.toISOString(),
    lastUsedAt: k.lastUsedAt?.toISOString() ?? null,
    revokedAt: k.revokedAt?.toISOString() ?? null,
  };
}

export type NewUser = {
  username: string;
  displayName: string;
  role: Role;
  enterpriseUscc?: string | null;
  password: string;
  mustChangePassword?: boolean;
  isDemo?: boolean;
};

function weakPassword(path: string, password: string): void {
  const p = passwordProblem(password);
  if (p) throw AppError.field(path, p.zh, p.en, 'WEAK_PASSWORD');
}

export type IdentityOptions = {
  /** Requests per minute allowed to each API key (a bucket of that many, refilled at that rate); 0: no limit. */
  apiKeyRateLimit?: number;
  /** The login throttle's limits and waits (model.ts LOGIN_THROTTLE). */
  throttle?: ThrottlePolicy;
  /** The clock (ms since the epoch), for tests. */
  now?: () => number;
  log?: Logger;
};

const THROTTLE_PURGE_EVERY_MS = 3600_000;
const THROTTLE_KEEP_MS = 2 * 24 * 3600_000;

/** Identity and access: users, sessions, API keys. Owns the users, sessions, api_keys, login_throttle and api_key_rate tables. */
export class IdentityService {
  private readonly policy: ThrottlePolicy;
  private readonly now: () => number;
  private readonly apiKeyRateLimit: number;
  private lastPurge = 0;

  constructor(
    private readonly db: Database,
    private readonly audit: AuditTrail,
    private readonly options: IdentityOptions = {},
  ) {
    this.policy = options.throttle ?? LOGIN_THROTTLE;
    this.now = options.now ?? Date.now;
    this.apiKeyRateLimit = options.apiKeyRateLimit ?? 0;
  }

  /** Resolves the caller: an API key in `Authorization: Bearer`, else the session cookie, else anonymous. */
  async authenticate(req: FastifyRequest): Promise<Principal> {
    const auth = req.headers.authorization;
    if (auth !== undefined) {
      const m = /^Bearer\s+(\S+)$/i.exec(auth);
      const parsed = m ? parseApiKey(m[1] as string) : null;
      const row = parsed ? await store.apiKeyByPrefix(this.db, parsed.prefix) : undefined;
      if (!parsed || !row || row.revokedAt || !secretMatches(parsed.secret, row.secretHash)) {
        throw new AppError(401, 'INVALID_API_KEY', 'API 密钥无效或已撤销', 'The API key is invalid or revoked');
      }
      if (this.apiKeyRateLimit > 0) {
        const wait = await apiKeyRateStore.spend(this.db, row.id, this.now(), this.apiKeyRateLimit);
        if (wait > 0) {
          throw AppError.tooMany(
            'RATE_LIMITED',
            `该 API 密钥的请求过于频繁（每分钟至多 ${this.apiKeyRateLimit} 次），请 ${wait} 秒后再试`,
            `Too many requests with this API key (at most ${this.apiKeyRateLimit} a minute); retry after ${wait} s`,
            wait,
          );
        }
      }
      const now = new Date();
      if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() > 60_000)
        await store.touchApiKey(this.db, row.id, now);
      return { kind: 'apiKey', keyId: row.id, keyName: row.name, enterpriseUscc: row.enterpriseUscc };
    }
    const token = req.cookies?.[SESSION_COOKIE];
    if (token && token.length < 100) {
      const now = new Date();
      const found = await store.sessionWithUser(this.db, sha256Hex(token), now);
      if (found && found.user.status === 'active') {
        if (now.getTime() - found.session.lastSeenAt.getTime() > 60_000)
          await store.touchSession(this.db, found.session.id, now);
        const u = found.user;
        return {
          kind: 'user',
          userId: u.id,
          username: u.username,
          displayName: u.displayName,
          role: u.role as Role,
          enterpriseUscc: u.enterpriseUscc,
          sessionId: found.session.id,
          mustChangePassword: u.mustChangePassword,
        };
      }
    }
    return { kind: 'anonymous' };
  }

  /**
   * Signs in. The attempt is reserved in the login throttle before the password is hashed (model.ts LOGIN_THROTTLE),
   * so that concurrent wrong passwords beyond the limits are refused (429) without being checked. `client` is the
   * caller's address as the HTTP layer sees it (request.ip under CBEC_TRUST_PROXY).
   */
  async login(
    username: string,
    password: string,
    client: string,
    requestId: string,
  ): Promise<{ token: string; user: UserView; expiresAt: Date }> {
    const user = await store.userByUsername(this.db, username);
    // The account: the user's id, or the name tried when no user has it (so that case or Unicode variants of one
    // name share one count with the account they reach).
    const keys = throttleKeys(user ? user.id : `?${username.toLowerCase()}`, client.slice(0, 100));
    await this.reserveAttempt(keys);
    let ok = false;
    try {
      ok = await verifyPassword(password, user?.passwordHash ?? DUMMY_HASH);
    } finally {
      if (!user || !ok || user.status !== 'active') await this.loginFailed(keys, client);
    }
    if (!user || !ok || user.status !== 'active') {
      throw new AppError(401, 'BAD_CREDENTIALS', '用户名或密码错误', 'Wrong username or password');
    }
    const now = this.now();
    await throttleStore.succeed(this.db, keys.accountClient, now, this.policy);
    await throttleStore.succeed(this.db, keys.account, now, this.policy);
    const { token, id } = newSessionToken();
    const expiresAt = new Date(Date.now() + SESSION_TTL_MS);
    await this.db.transaction(async (tx) => {
      await store.insertSession(tx, { id, userId: user.id, expiresAt });
      await store.updateUser(tx, user.id, { lastLoginAt: new Date() });
      await this.audit.append(
        tx,
        { userId: user.id, name: user.username, role: user.role, enterpriseUscc: user.enterpriseUscc, requestId },
        { action: 'auth.login', targetType: 'user', targetId: user.id },
      );
    });
    return { token, user: userView(user), expiresAt };
  }

  /** Reserves the attempt on the account+client key, then the account key, all or nothing; else 429. */
  private async reserveAttempt(keys: ReturnType<typeof throttleKeys>, path = 'username'): Promise<void> {
    const now = this.now();
    const limits: [string, number][] = [
      [keys.accountClient, this.policy.accountClientLimit],
      [keys.account, this.policy.accountLimit],
    ];
    const refused = await this.db
      .transaction(async (tx) => {
        for (const [key, limit] of limits) {
          if (!(await throttleStore.reserve(tx, key, now, limit, this.policy))) {
            tx.rollback(); // gives back the reservation already made on the other key
          }
        }
        return null;
      })
      .catch((e) => {
        if (e instanceof TransactionRollbackError) return true;
        throw e;
      });
    if (!refused) return;
    let wait = 1;
    for (const [key, limit] of limits) {
      const state = await throttleStore.get(this.db, key);
      const r = state ? reserveAttempt(state, now, limit, this.policy) : null;
      if (r && !r.granted) wait = Math.max(wait, r.retryAfter);
    }
    throw AppError.tooMany(
      'TOO_MANY_ATTEMPTS',
      `登录失败次数过多，请 ${wait} 秒后再试`,
      `Too many failed sign-ins; try again in ${wait} s`,
      wait,
      [
        {
          path,
          message: `请 ${wait} 秒后再试`,
          messageEn: `Retry after ${wait} s`,
          code: `RETRY_AFTER_${wait}`,
        },
      ],
    );
  }

  private async loginFailed(keys: ReturnType<typeof throttleKeys>, client: string): Promise<void> {
    const now = this.now();
    const p = this.policy;
    await throttleStore.fail(this.db, keys.accountClient, now, p.accountClientLimit, p);
    await throttleStore.fail(this.db, keys.account, now, p.accountLimit, p);
    const c = await throttleStore.fail(this.db, keys.client, now, p.clientWarning, p);
    if (c.lockedAt === now) {
      this.options.log?.warn(
        { client, failures: p.clientWarning, windowSeconds: p.windowSeconds },
        'many failed sign-ins from one client address (password spraying, or CBEC_TRUST_PROXY not set behind a proxy)',
      );
    }
    if (now - this.lastPurge > THROTTLE_PURGE_EVERY_MS) {
      this.lastPurge = now;
      await throttleStore.purge(this.db, now - THROTTLE_KEEP_MS);
    }
  }

  async logout(p: Principal): Promise<void> {
    if (p.kind === 'user') await store.deleteSession(this.db, p.sessionId);
  }

  async me(p: Principal): Promise<UserView> {
    if (p.kind !== 'user') throw AppError.unauthenticated();
    const u = await store.userById(this.db, p.userId);
    if (!u) throw AppError.unauthenticated();
    return userView(u);
  }

  /**
   * Changes the signed-in user's password. The current password is checked under the sign-in throttle (same keys,
   * reserved before hashing): a stolen session cannot guess it faster than a sign-in could, then lock the owner out.
   */
  async changePassword(p: Principal, actor: Actor, current: string, next: string, client = ''): Promise<void> {
    if (p.kind !== 'user') throw AppError.forbidden();
    const u = await store.userById(this.db, p.userId);
    if (!u) throw AppError.unauthenticated();
    const keys = throttleKeys(u.id, client.slice(0, 100));
    await this.reserveAttempt(keys, 'currentPassword');
    let ok = false;
    try {
      ok = await verifyPassword(current, u.passwordHash);
    } finally {
      if (!ok) await this.loginFailed(keys, client);
    }
    if (!ok) {
      throw AppError.field('currentPassword', '当前密码不正确', 'The current password is wrong', 'BAD_CREDENTIALS');
    }
    await throttleStore.succeed(this.db, keys.accountClient, this.now(), this.policy);
    await throttleStore.succeed(this.db, keys.account, this.now(), this.policy);
    weakPassword('newPassword', next);
    const passwordHash = await hashPassword(next);
    await this.db.transaction(async (tx) => {
      await store.updateUser(tx, u.id, { passwordHash, mustChangePassword: false });
      // whoever else holds a session of this user (a stolen cookie, another browser) is signed out
      await store.deleteOtherSessions(tx, u.id, p.sessionId);
      await this.audit.append(tx, actor, { action: 'user.password-changed', targetType: 'user', targetId: u.id });
    });
  }

  /** Creates a user inside the caller's transaction (used by filing to create an enterprise's admin account). */
  async createUser(q: Queryable, actor: Actor, input: NewUser, pathPrefix = ''): Promise<UserView> {
    const isEnterprise = (ENTERPRISE_ROLES as readonly string[]).includes(input.role);
    if (isEnterprise && !input.enterpriseUscc) {
      throw AppError.field(
        `${pathPrefix}enterpriseUscc`,
        '企业用户必须绑定企业',
        'Enterprise users must be bound to an enterprise',
      );
    }
    if (!isEnterprise && input.enterpriseUscc) {
      throw AppError.field(
        `${pathPrefix}enterpriseUscc`,
        '只有企业用户可以绑定企业',
        'Only enterprise users are bound to an enterprise',
      );
    }
    weakPassword(`${pathPrefix}password`, input.password);
    if (await store.userByUsername(q, input.username)) {
      throw new AppError(409, 'USERNAME_TAKEN', '用户名已被使用', 'The username is taken', [
        {
          path: `${pathPrefix}username`,
          message: '用户名已被使用',
          messageEn: 'The username is taken',
          code: 'USERNAME_TAKEN',
        },
      ]);
    }
    const row = await store.insertUser(q, {
      username: input.username,
      displayName: input.displayName,
      role: input.role,
      enterpriseUscc: input.enterpriseUscc ?? null,
      passwordHash: await hashPassword(input.password),
      mustChangePassword: input.mustChangePassword ?? false,
      isDemo: input.isDemo ?? false,
    });
    await this.audit.append(q, actor, {
      action: 'user.created',
      targetType: 'user',
      targetId: row.id,
      enterpriseUscc: row.enterpriseUscc,
      summary: { username: row.username, role: row.role },
    });
    return userView(row);
  }

  async createUserTx(actor: Actor, input: NewUser): Promise<UserView> {
    return this.db.transaction((tx) => this.createUser(tx, actor, input));
  }

  async listUsers(): Promise<UserView[]> {
    return (await store.listUsers(this.db)).map(userView);
  }

  async resetPassword(actor: Actor, id: string, password: string): Promise<void> {
    weakPassword('password', password);
    const passwordHash = await hashPassword(password);
    await this.db.transaction(async (tx) => {
      const u = await store.updateUser(tx, id, { passwordHash, mustChangePassword: true });
      if (!u) throw AppError.notFound('user', '用户');
      await store.deleteUserSessions(tx, id);
      await this.audit.append(tx, actor, {
        action: 'user.password-reset',
        targetType: 'user',
        targetId: id,
        enterpriseUscc: u.enterpriseUscc,
      });
    });
  }

  async setStatus(actor: Actor, id: string, status: 'active' | 'disabled'): Promise<UserView> {
    return this.db.transaction(async (tx) => {
      const before = await store.userById(tx, id);
      if (!before) throw AppError.notFound('user', '用户');
      if (status === 'disabled' && before.id === actor.userId) {
        throw AppError.conflict('CANNOT_DISABLE_SELF', '不能停用自己的账号', 'You cannot disable your own account');
      }
      if (status === 'disabled' && before.role === 'platform_admin' && (await store.countActiveAdmins(tx)) <= 1) {
        throw AppError.conflict(
          'LAST_ADMIN',
          '不能停用最后一个平台管理员',
          'The last platform admin cannot be disabled',
        );
      }
      const u = (await store.updateUser(tx, id, { status })) as UserRow;
      if (status === 'disabled') await store.deleteUserSessions(tx, id);
      await this.audit.append(tx, actor, {
        action: status === 'disabled' ? 'user.disabled' : 'user.enabled',
        targetType: 'user',
        targetId: id,
        enterpriseUscc: u.enterpriseUscc,
      });
      return userView(u);
    });
  }

  /**
   * Whenever no active platform admin exists, creates (or re-activates) `admin` with the configured password or a
   * random one, returned so that start-up can print it once.
   */
  async ensureAdmin(
    configured?: string,
  ): Promise<{ created: false } | { created: true; password: string; generated: boolean }> {
    if ((await store.countActiveAdmins(this.db)) > 0) return { created: false };
    const password = configured ?? `${randomBytes(9).toString('base64url')}-Aa1`;
    const actor: Actor = { name: 'system', role: 'system' };
    await this.db.transaction(async (tx) => {
      const existing = await store.userByUsername(tx, 'admin');
      if (existing) {
        await store.updateUser(tx, existing.id, {
          role: 'platform_admin',
          enterpriseUscc: null,
          status: 'active',
          passwordHash: await hashPassword(password),
          mustChangePassword: !configured,
        });
        // a new password: sessions left from before (the account was disabled behind the platform's back) end
        await store.deleteUserSessions(tx, existing.id);
        await this.audit.append(tx, actor, {
          action: 'user.admin-restored',
          targetType: 'user',
          targetId: existing.id,
        });
      } else {
        const row = await store.insertUser(tx, {
          username: 'admin',
          displayName: '平台管理员',
          role: 'platform_admin',
          passwordHash: await hashPassword(password),
          mustChangePassword: !configured,
        });
        await this.audit.append(tx, actor, {
          action: 'user.created',
          targetType: 'user',
          targetId: row.id,
          summary: { username: 'admin', role: 'platform_admin' },
        });
      }
    });
    return { created: true, password, generated: !configured };
  }

  async createApiKey(actor: Actor, uscc: string, name: string, createdBy: string | null) {
    const { key, prefix, secretHash } = newApiKey();
    const row = await this.db.transaction(async (tx) => {
      const r = await store.insertApiKey(tx, { enterpriseUscc: uscc, name, prefix, secretHash, createdBy });
      await this.audit.append(tx, actor, {
        action: 'api-key.created',
        targetType: 'api-key',
        targetId: r.id,
        enterpriseUscc: uscc,
        summary: { name, prefix },
      });
      return r;
    });
    return { apiKey: apiKeyView(row), secret: key };
  }

  async listApiKeys(uscc: string) {
    return (await store.listApiKeys(this.db, uscc)).map(apiKeyView);
  }

  async revokeApiKey(actor: Actor, uscc: string, id: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      const r = await store.revokeApiKey(tx, uscc, id, actor.userId ?? null);
      if (!r) throw AppError.notFound('API key', 'API 密钥');
      await this.audit.append(tx, actor, {
        action: 'api-key.revoked',
        targetType: 'api-key',
        targetId: id,
        enterpriseUscc: uscc,
        summary: { prefix: r.prefix },
      });
    });
  }
}

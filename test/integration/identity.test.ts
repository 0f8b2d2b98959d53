/**
 * Identity: sign-in and its cookie, credential errors that do not tell users apart, login throttling, sign-out,
 * password storage and policy, enterprise API keys (shown once, stored hashed, revocable), disabling users, and the
 * start-up guarantee that a platform admin exists.
 */
import { eq, sql } from 'drizzle-orm';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../src/app/demo.js';
import { sha256Hex, verifyPassword } from '../../src/modules/identity/model.js';
import { apiKeys, sessions, users } from '../../src/modules/identity/schema.js';
import { login } from '../support/http.js';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';

const STRONG = 'Identity#Passw0rd';
const SYSTEM = { name: 'identity-test', role: 'system' };

function expectError(res: LightMyRequestResponse, status: number, code: string) {
  expect(res.statusCode, res.body.slice(0, 300)).toBe(status);
  const e = res.json().error;
  expect(e.code).toBe(code);
  expect(e.requestId).toBeTruthy();
  expect(e.requestId).toBe(res.headers['x-request-id']);
  return e as { code: string; message: string; messageEn: string; details: { path: string; code?: string }[] };
}

/** The error without its request id, to compare two answers. */
const answer = (res: LightMyRequestResponse) => ({ status: res.statusCode, ...res.json().error, requestId: undefined });

describe('identity', () => {
  let t: TestPlatform;
  let admin: string;
  let ebp: string;
  let uscc0: string;
  let uscc1: string;

  const req = (o: InjectOptions) => t.app.inject(o);
  const signIn = (username: string, password: string, remoteAddress = '127.0.0.1') =>
    req({ method: 'POST', url: '/api/v1/auth/login', payload: { username, password }, remoteAddress });
  const me = (cookie: string) => req({ method: 'GET', url: '/api/v1/auth/me', headers: { cookie } });
  const userRow = async (username: string) =>
    (await t.p.dbh.db.select().from(users).where(eq(users.username, username)))[0];

  beforeAll(async () => {
    t = await startTestPlatform();
    uscc0 = t.report.demo?.enterprises[0]?.uscc as string;
    uscc1 = t.report.demo?.enterprises[1]?.uscc as string;
    [admin, ebp] = await Promise.all([login(t.app, 'admin', t.adminPassword), login(t.app, 'ebp.demo')]);
  });
  afterAll(async () => {
    await t?.close();
  });

  describe('sessions', () => {
    it('sign-in sets an HttpOnly, SameSite=Strict session cookie; the database keeps only its hash', async () => {
      const res = await signIn('customs.demo', DEMO_PASSWORD);
      expect(res.statusCode).toBe(200);
      expect(res.json().user).toMatchObject({ username: 'customs.demo', role: 'customs', enterpriseUscc: null });
      const cookie = res.cookies.find((c) => c.name === 'cbec_session');
      expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/' });
      expect(String(res.headers['set-cookie'])).toMatch(/HttpOnly/);
      expect(String(res.headers['set-cookie'])).toMatch(/SameSite=Strict/);
      const token = cookie?.value as string;
      expect(token.length).toBeGreaterThanOrEqual(43);
      expect(cookie?.expires?.getTime()).toBeGreaterThan(Date.now());
      expect(res.body).not.toContain(token);
      const stored = await t.p.dbh.db
        .select()
        .from(sessions)
        .where(eq(sessions.id, sha256Hex(token)));
      expect(stored).toHaveLength(1);
      expect(await t.p.dbh.db.select().from(sessions).where(eq(sessions.id, token))).toHaveLength(0);
      expect((await me(`cbec_session=${token}`)).json().user.username).toBe('customs.demo');
    });

    it('a wrong password and an unknown user get the same 401 BAD_CREDENTIALS', async () => {
      const wrong = await signIn('commerce.demo', 'Wrong#Passw0rd', '10.0.1.1');
      const unknown = await signIn('nobody.at.all', 'Wrong#Passw0rd', '10.0.1.1');
      expectError(wrong, 401, 'BAD_CREDENTIALS');
      expect(answer(unknown)).toEqual(answer(wrong));
      expect(wrong.cookies).toEqual([]);
      expect(unknown.cookies).toEqual([]);
    });

    it('after 5 failures for one username from one address the 6th attempt gets 429 TOO_MANY_ATTEMPTS, even with the right password', async () => {
      await t.p.identity.createUserTx(SYSTEM, {
        username: 'throttle.user',
        displayName: '限流测试',
        role: 'tax',
        password: STRONG,
      });
      for (let i = 0; i < 5; i++)
        expectError(await signIn('throttle.user', `Wrong#Passw0rd${i}`, '10.0.2.1'), 401, 'BAD_CREDENTIALS');
      const sixth = await signIn('throttle.user', STRONG, '10.0.2.1');
      const e = expectError(sixth, 429, 'TOO_MANY_ATTEMPTS');
      expect(sixth.cookies).toEqual([]);
      expect(e.details[0]).toMatchObject({ path: 'username', code: `RETRY_AFTER_${sixth.headers['retry-after']}` });
      // The limit is per username in any case ...
      expectError(await signIn('THROTTLE.USER', STRONG, '10.0.2.1'), 429, 'TOO_MANY_ATTEMPTS');
      // ... does not lock out other users of that address ...
      expect((await signIn('forex.demo', DEMO_PASSWORD, '10.0.2.1')).statusCode).toBe(200);
      // ... nor the account's own user at another address (login-throttle.test.ts has the rest).
      expect((await signIn('throttle.user', STRONG, '10.0.2.2')).statusCode).toBe(200);
    });

    it('sign-out ends the session: the old cookie then gets 401 on /api/v1/auth/me', async () => {
      const cookie = await login(t.app, 'finance.demo');
      expect((await me(cookie)).statusCode).toBe(200);
      const out = await req({ method: 'POST', url: '/api/v1/auth/logout', headers: { cookie } });
      expect(out.statusCode).toBe(204);
      const cleared = out.cookies.find((c) => c.name === 'cbec_session');
      expect(cleared?.value ?? '').toBe('');
      expectError(await me(cookie), 401, 'UNAUTHENTICATED');
      const token = cookie.slice('cbec_session='.length);
      expect(
        await t.p.dbh.db
          .select()
          .from(sessions)
          .where(eq(sessions.id, sha256Hex(token))),
      ).toHaveLength(0);
      // Signing out without a session is harmless.
      expect((await req({ method: 'POST', url: '/api/v1/auth/logout' })).statusCode).toBe(204);
    });
  });

  describe('passwords', () => {
    it('are stored as salted scrypt hashes', async () => {
      const rows = await t.p.dbh.db.select().from(users);
      expect(rows.length).toBeGreaterThanOrEqual(8);
      for (const r of rows) {
        expect(r.passwordHash, r.username).toMatch(/^scrypt\$32768\$8\$1\$[A-Za-z0-9+/]+={0,2}\$[A-Za-z0-9+/]+={0,2}$/);
        expect(r.passwordHash).not.toContain(DEMO_PASSWORD);
        expect(r.passwordHash).not.toContain(t.adminPassword);
      }
      // The demo users share a password but not a hash (each has its own salt).
      const demo = rows.filter((r) => r.isDemo).map((r) => r.passwordHash);
      expect(new Set(demo).size).toBe(demo.length);
      const customs = rows.find((r) => r.username === 'customs.demo');
      expect(await verifyPassword(DEMO_PASSWORD, customs?.passwordHash as string)).toBe(true);
      expect(await verifyPassword('Demo@2026?', customs?.passwordHash as string)).toBe(false);
    });

    it.each(['short', 'alllowercaseletters'])('the policy rejects %j wherever a password is set', async (weak) => {
      const created = expectError(
        await req({
          method: 'POST',
          url: '/api/v1/users',
          headers: { cookie: admin },
          payload: { username: `weak.${weak}`, displayName: '弱密码', role: 'tax', password: weak },
        }),
        400,
        'VALIDATION_FAILED',
      );
      expect(created.details).toEqual([expect.objectContaining({ path: 'password', code: 'WEAK_PASSWORD' })]);
      expect(await userRow(`weak.${weak}`)).toBeUndefined();

      const customs = await userRow('customs.demo');
      const reset = expectError(
        await req({
          method: 'POST',
          url: `/api/v1/users/${customs?.id}/password`,
          headers: { cookie: admin },
          payload: { password: weak },
        }),
        400,
        'VALIDATION_FAILED',
      );
      expect(reset.details).toEqual([expect.objectContaining({ path: 'password', code: 'WEAK_PASSWORD' })]);

      const changed = expectError(
        await req({
          method: 'POST',
          url: '/api/v1/auth/password',
          headers: { cookie: ebp },
          payload: { currentPassword: DEMO_PASSWORD, newPassword: weak },
        }),
        400,
        'VALIDATION_FAILED',
      );
      expect(changed.details).toEqual([expect.objectContaining({ path: 'newPassword', code: 'WEAK_PASSWORD' })]);
      expect(await verifyPassword(DEMO_PASSWORD, (await userRow('ebp.demo'))?.passwordHash as string)).toBe(true);
    });
  });

  describe('API keys', () => {
    let key: { id: string; prefix: string };
    let secret: string;
    const bearer = (s: string) => ({ authorization: `Bearer ${s}` });

    it('an enterprise admin creates one: 201, the secret shown once', async () => {
      const res = await req({
        method: 'POST',
        url: `/api/v1/enterprises/${uscc0}/api-keys`,
        headers: { cookie: ebp },
        payload: { name: 'ERP 对接' },
      });
      expect(res.statusCode).toBe(201);
      const body = res.json();
      key = body.apiKey;
      secret = body.secret;
      expect(key).toMatchObject({ name: 'ERP 对接', revokedAt: null, lastUsedAt: null });
      expect(secret).toMatch(/^cbk_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$/);
      expect(secret.startsWith(`cbk_${key.prefix}_`)).toBe(true);
      expect(JSON.stringify(key)).not.toContain(secret.slice(17));
    });

    it('the list never contains the secret', async () => {
      const res = await req({ method: 'GET', url: `/api/v1/enterprises/${uscc0}/api-keys`, headers: { cookie: ebp } });
      expect(res.statusCode).toBe(200);
      const item = res.json().items.find((k: { id: string }) => k.id === key.id);
      expect(item).toMatchObject({ id: key.id, prefix: key.prefix });
      expect(Object.keys(item).sort()).toEqual(['createdAt', 'id', 'lastUsedAt', 'name', 'prefix', 'revokedAt']);
      expect(res.body).not.toContain(secret.slice(17));
      // The platform admin's view of the same list is no different.
      const asAdmin = await req({
        method: 'GET',
        url: `/api/v1/enterprises/${uscc0}/api-keys`,
        headers: { cookie: admin },
      });
      expect(asAdmin.body).not.toContain(secret.slice(17));
    });

    it('is stored hashed: the secret is nowhere in the api_keys table', async () => {
      const part = secret.slice(17);
      const rows = await t.p.dbh.db.select().from(apiKeys);
      expect(rows.find((r) => r.id === key.id)?.secretHash).toBe(sha256Hex(part));
      expect(JSON.stringify(rows)).not.toContain(part);
      const dump = await t.p.dbh.db.execute(sql`select * from api_keys`);
      expect(JSON.stringify(dump)).not.toContain(part);
    });

    it('works as a Bearer token for its own enterprise only', async () => {
      const own = await req({ method: 'GET', url: `/api/v1/enterprises/${uscc0}`, headers: bearer(secret) });
      expect(own.statusCode).toBe(200);
      expect(own.json().enterprise.uscc).toBe(uscc0);
      expectError(
        await req({ method: 'GET', url: `/api/v1/enterprises/${uscc1}`, headers: bearer(secret) }),
        404,
        'NOT_FOUND',
      );
      // The key is not a person: no /auth/me.
      expectError(await req({ method: 'GET', url: '/api/v1/auth/me', headers: bearer(secret) }), 403, 'FORBIDDEN');
      const listed = await req({
        method: 'GET',
        url: `/api/v1/enterprises/${uscc0}/api-keys`,
        headers: { cookie: ebp },
      });
      expect(listed.json().items.find((k: { id: string }) => k.id === key.id).lastUsedAt).not.toBeNull();
    });

    it.each([
      ['no token', 'Bearer'],
      ['not a key', 'Bearer not-a-key'],
      ['a right prefix with a wrong secret', () => `Bearer cbk_${'0'.repeat(12)}_${'A'.repeat(43)}`],
      ['a real prefix with a wrong secret', 'wrong-secret'],
      ['trailing garbage', 'trailing'],
      ['another scheme', 'Basic YWRtaW46YWRtaW4='],
    ] as const)('a malformed Bearer (%s) → 401 INVALID_API_KEY, even with a valid cookie', async (_what, spec) => {
      let header: string;
      if (spec === 'wrong-secret') header = `Bearer cbk_${key.prefix}_${'B'.repeat(43)}`;
      else if (spec === 'trailing') header = `Bearer ${secret} extra`;
      else header = typeof spec === 'function' ? spec() : spec;
      const res = await req({
        method: 'GET',
        url: `/api/v1/enterprises/${uscc0}`,
        headers: { authorization: header, cookie: ebp },
      });
      expectError(res, 401, 'INVALID_API_KEY');
    });

    it('revoked → 401 INVALID_API_KEY', async () => {
      const del = await req({
        method: 'DELETE',
        url: `/api/v1/enterprises/${uscc0}/api-keys/${key.id}`,
        headers: { cookie: ebp },
      });
      expect(del.statusCode).toBe(204);
      expectError(
        await req({ method: 'GET', url: `/api/v1/enterprises/${uscc0}`, headers: bearer(secret) }),
        401,
        'INVALID_API_KEY',
      );
      const listed = await req({
        method: 'GET',
        url: `/api/v1/enterprises/${uscc0}/api-keys`,
        headers: { cookie: ebp },
      });
      expect(listed.json().items.find((k: { id: string }) => k.id === key.id).revokedAt).not.toBeNull();
      // Revoking twice: the key is gone.
      expectError(
        await req({
          method: 'DELETE',
          url: `/api/v1/enterprises/${uscc0}/api-keys/${key.id}`,
          headers: { cookie: ebp },
        }),
        404,
        'NOT_FOUND',
      );
    });
  });

  describe('user administration', () => {
    it('disabling a user ends their sessions and stops them signing in', async () => {
      const user = await t.p.identity.createUserTx(SYSTEM, {
        username: 'disable.me',
        displayName: '待停用',
        role: 'forex',
        password: STRONG,
      });
      const cookie = await login(t.app, 'disable.me', STRONG);
      expect((await me(cookie)).statusCode).toBe(200);
      const res = await req({
        method: 'PATCH',
        url: `/api/v1/users/${user.id}`,
        headers: { cookie: admin },
        payload: { status: 'disabled' },
      });
      expect(res.statusCode).toBe(200);
      expect(res.json().user.status).toBe('disabled');
      expectError(await me(cookie), 401, 'UNAUTHENTICATED');
      expect(await t.p.dbh.db.select().from(sessions).where(eq(sessions.userId, user.id))).toHaveLength(0);
      expectError(await signIn('disable.me', STRONG, '10.0.3.1'), 401, 'BAD_CREDENTIALS');
    });

    it("changing one's password ends every other session of the user, not the current one", async () => {
      await t.p.identity.createUserTx(SYSTEM, {
        username: 'change.me',
        displayName: '改密码',
        role: 'commerce',
        password: STRONG,
      });
      const [here, elsewhere, third] = await Promise.all([
        login(t.app, 'change.me', STRONG),
        login(t.app, 'change.me', STRONG),
        login(t.app, 'change.me', STRONG),
      ]);
      const other = await login(t.app, 'commerce.demo');
      const changed = await req({
        method: 'POST',
        url: '/api/v1/auth/password',
        headers: { cookie: here },
        payload: { currentPassword: STRONG, newPassword: `${STRONG}-2` },
      });
      expect(changed.statusCode).toBe(204);
      expect((await me(here)).statusCode).toBe(200);
      expectError(await me(elsewhere), 401, 'UNAUTHENTICATED');
      expectError(await me(third), 401, 'UNAUTHENTICATED');
      const userId = (await userRow('change.me'))?.id as string;
      expect(await t.p.dbh.db.select().from(sessions).where(eq(sessions.userId, userId))).toHaveLength(1);
      // another user's session is untouched
      expect((await me(other)).statusCode).toBe(200);
    });

    it("an admin's password reset ends all the user's sessions (the web's and the command line's path)", async () => {
      const user = await t.p.identity.createUserTx(SYSTEM, {
        username: 'reset.me',
        displayName: '重置',
        role: 'finance',
        password: STRONG,
      });
      const [a, b] = await Promise.all([login(t.app, 'reset.me', STRONG), login(t.app, 'reset.me', STRONG)]);
      const res = await req({
        method: 'POST',
        url: `/api/v1/users/${user.id}/password`,
        headers: { cookie: admin },
        payload: { password: 'Reset#Passw0rd1' },
      });
      expect(res.statusCode).toBe(204);
      expectError(await me(a), 401, 'UNAUTHENTICATED');
      expectError(await me(b), 401, 'UNAUTHENTICATED');
      expect(await t.p.dbh.db.select().from(sessions).where(eq(sessions.userId, user.id))).toHaveLength(0);
      expect((await me(admin)).statusCode).toBe(200);
    });

    it('the admin cannot disable themselves', async () => {
      const self = (await me(admin)).json().user;
      const res = await req({
        method: 'PATCH',
        url: `/api/v1/users/${self.id}`,
        headers: { cookie: admin },
        payload: { status: 'disabled' },
      });
      expectError(res, 409, 'CANNOT_DISABLE_SELF');
      expect((await userRow('admin'))?.status).toBe('active');
      expect((await me(admin)).statusCode).toBe(200);
    });
  });

  describe('ensureAdmin', () => {
    it('does nothing while a platform admin is active', async () => {
      expect(await t.p.identity.ensureAdmin()).toEqual({ created: false });
    });

    it('restores `admin` with a generated password when no platform admin is active', async () => {
      // A second admin disables `admin` (allowed: two are active), then is itself disabled behind the platform's
      // back, as an operator might do in the database: no active platform admin is left.
      const created = await req({
        method: 'POST',
        url: '/api/v1/users',
        headers: { cookie: admin },
        payload: { username: 'admin2', displayName: '第二管理员', role: 'platform_admin', password: STRONG },
      });
      expect(created.statusCode).toBe(201);
      const admin2 = await login(t.app, 'admin2', STRONG);
      // a user created by an admin must first replace the password the admin chose
      const changed = await req({
        method: 'POST',
        url: '/api/v1/auth/password',
        headers: { cookie: admin2 },
        payload: { currentPassword: STRONG, newPassword: `${STRONG}-own` },
      });
      expect(changed.statusCode).toBe(204);
      const adminId = (await userRow('admin'))?.id as string;
      const disabled = await req({
        method: 'PATCH',
        url: `/api/v1/users/${adminId}`,
        headers: { cookie: admin2 },
        payload: { status: 'disabled' },
      });
      expect(disabled.statusCode).toBe(200);
      expectError(await me(admin), 401, 'UNAUTHENTICATED');
      await t.p.dbh.db.update(users).set({ status: 'disabled' }).where(eq(users.username, 'admin2'));

      const result = await t.p.identity.ensureAdmin();
      expect(result).toMatchObject({ created: true, generated: true, password: expect.any(String) });
      const password = (result as { password: string }).password;
      expect(password.length).toBeGreaterThanOrEqual(10);
      const res = await signIn('admin', password, '10.0.4.1');
      expect(res.statusCode).toBe(200);
      expect(res.json().user).toMatchObject({
        id: adminId,
        role: 'platform_admin',
        status: 'active',
        mustChangePassword: true,
      });
      expectError(await signIn('admin', t.adminPassword, '10.0.4.1'), 401, 'BAD_CREDENTIALS');
      expect(await t.p.identity.ensureAdmin()).toEqual({ created: false });
    });

    it('creates `admin` when there is none, with the configured password', async () => {
      await t.p.dbh.db
        .update(users)
        .set({ username: 'admin.retired', status: 'disabled' })
        .where(eq(users.username, 'admin'));
      const result = await t.p.identity.ensureAdmin('Configured#Admin1');
      expect(result).toEqual({ created: true, generated: false, password: 'Configured#Admin1' });
      const res = await signIn('admin', 'Configured#Admin1', '10.0.4.2');
      expect(res.statusCode).toBe(200);
      expect(res.json().user).toMatchObject({ role: 'platform_admin', mustChangePassword: false });
      expect(res.json().user.id).not.toBe((await userRow('admin.retired'))?.id);
    });
  });
});

describe('a password set by an admin must be changed before anything else', () => {
  let t: TestPlatform;
  beforeAll(async () => {
    t = await startTestPlatform({ demo: false });
  });
  afterAll(() => t.close());

  it('a user created by the admin gets 403 PASSWORD_CHANGE_REQUIRED until they change the password', async () => {
    const admin = await login(t.app, 'admin', t.adminPassword);
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/v1/users',
      headers: { cookie: admin },
      payload: { username: 'new.officer', displayName: '新审核员', role: 'customs', password: 'Initial@2026' },
    });
    expect(created.statusCode).toBe(201);
    const me = await login(t.app, 'new.officer', 'Initial@2026');
    expect(
      (await t.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: { cookie: me } })).json().user
        .mustChangePassword,
    ).toBe(true);
    const blocked = await t.app.inject({ method: 'GET', url: '/api/v1/enterprises', headers: { cookie: me } });
    expect(blocked.statusCode).toBe(403);
    expect(blocked.json().error.code).toBe('PASSWORD_CHANGE_REQUIRED');
    const changed = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/password',
      headers: { cookie: me },
      payload: { currentPassword: 'Initial@2026', newPassword: 'MyOwn@Secret2026' },
    });
    expect(changed.statusCode).toBe(204);
    expect(
      (await t.app.inject({ method: 'GET', url: '/api/v1/enterprises', headers: { cookie: me } })).statusCode,
    ).toBe(200);
  });
});

describe('restoring `admin` with a new password', () => {
  it("ends the sessions it had before it was disabled behind the platform's back", async () => {
    const t = await startTestPlatform({ demo: false });
    try {
      const cookie = await login(t.app, 'admin', t.adminPassword);
      const me = () => t.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: { cookie } });
      expect((await me()).statusCode).toBe(200);
      await t.p.dbh.db.update(users).set({ status: 'disabled' }).where(eq(users.username, 'admin'));
      expect((await me()).statusCode).toBe(401);
      expect(await t.p.identity.ensureAdmin()).toMatchObject({ created: true, generated: true });
      // active again, with a password nobody had: the old cookie does not come back to life
      expect((await me()).statusCode).toBe(401);
    } finally {
      await t.close();
    }
  });
});

/**
 * Login throttling (issue 8 §3): the attempt is counted before the password is hashed, atomically, in the database;
 * per account from one client (5, then growing waits), per account from every client (20), never per client alone;
 * the client is request.ip under CBEC_TRUST_PROXY. Every count below is of answers: a 401 is an attempt whose
 * password was hashed and checked, a 429 one refused before hashing.
 */
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IdentityService } from '../../src/modules/identity/service.js';
import { loadConfig } from '../../src/platform/config.js';
import type { App } from '../../src/platform/http/app.js';
import { AppError } from '../../src/platform/http/errors.js';
import { DB_MODE, startTestPlatform, type TestPlatform, testDatabase } from '../support/platform.js';

const SYSTEM = { name: 'throttle-test', role: 'system' };
const RIGHT = 'Throttle#Passw0rd';
const wrong = (i: number) => `Wrong#Passw0rd-${i}`;

function signIn(app: App, username: string, password: string, remoteAddress: string, headers = {}) {
  return app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    payload: { username, password },
    remoteAddress,
    headers,
  } as InjectOptions);
}

async function createUser(t: TestPlatform, username: string): Promise<void> {
  await t.p.identity.createUserTx(SYSTEM, { username, displayName: username, role: 'tax', password: RIGHT });
}

const statuses = (rs: LightMyRequestResponse[]) => {
  const n: Record<number, number> = {};
  for (const r of rs) n[r.statusCode] = (n[r.statusCode] ?? 0) + 1;
  return n;
};

function expectRefused(res: LightMyRequestResponse): number {
  expect(res.statusCode, res.body.slice(0, 300)).toBe(429);
  const retryAfter = Number(res.headers['retry-after']);
  expect(Number.isInteger(retryAfter) && retryAfter >= 1, `Retry-After ${res.headers['retry-after']}`).toBe(true);
  const e = res.json().error;
  expect(e).toMatchObject({
    code: 'TOO_MANY_ATTEMPTS',
    message: expect.stringContaining(`${retryAfter} 秒`),
    messageEn: expect.stringContaining(`${retryAfter} s`),
    requestId: res.headers['x-request-id'],
  });
  expect(e.details).toEqual([
    expect.objectContaining({ path: 'username', code: `RETRY_AFTER_${retryAfter}`, messageEn: expect.any(String) }),
  ]);
  expect(res.cookies).toEqual([]);
  return retryAfter;
}

describe('login throttle', () => {
  let t: TestPlatform;
  beforeAll(async () => {
    t = await startTestPlatform({ demo: false });
  });
  afterAll(() => t?.close());

  it('40 concurrent wrong passwords for one account from one address: 5 are checked (401), 35 refused unchecked (429)', async () => {
    await createUser(t, 'burst.one');
    const answers = await Promise.all(
      Array.from({ length: 40 }, (_, i) => signIn(t.app, 'burst.one', wrong(i), '198.51.100.10')),
    );
    expect(statuses(answers)).toEqual({ 401: 5, 429: 35 });
    for (const r of answers.filter((a) => a.statusCode === 429)) expectRefused(r);
    // the account is now locked for that address, the right password included, for the first wait (60 s)
    const wait = expectRefused(await signIn(t.app, 'BURST.ONE', RIGHT, '198.51.100.10'));
    expect(wait).toBeGreaterThan(1);
    expect(wait).toBeLessThanOrEqual(60);
  });

  it('40 concurrent wrong passwords for one account from 40 addresses: at most 20 are checked', async () => {
    await createUser(t, 'burst.many');
    const answers = await Promise.all(
      Array.from({ length: 40 }, (_, i) => signIn(t.app, 'burst.many', wrong(i), `203.0.113.${i + 1}`)),
    );
    expect(statuses(answers)).toEqual({ 401: 20, 429: 20 });
    // the account is locked from every address now, a new one too
    expectRefused(await signIn(t.app, 'burst.many', RIGHT, '192.0.2.200'));
  });

  it('unknown usernames are throttled like accounts (in any case), and answer like them', async () => {
    const answers = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        signIn(t.app, i % 2 ? 'No.Such.User' : 'no.such.user', wrong(i), '198.51.100.11'),
      ),
    );
    expect(statuses(answers)).toEqual({ 401: 5, 429: 7 });
  });

  it("an attacker's failures from one address refuse neither another user there nor the account's own user elsewhere", async () => {
    await createUser(t, 'victim.a');
    await createUser(t, 'bystander.b');
    const proxy = '10.20.30.40';
    // 5 against A, then 40 more against other names, all from one address (old code: every user of that address
    // was refused for 15 minutes after 30 failures)
    for (let i = 0; i < 5; i++) expect((await signIn(t.app, 'victim.a', wrong(i), proxy)).statusCode).toBe(401);
    const spray = await Promise.all(
      Array.from({ length: 40 }, (_, i) => signIn(t.app, `sprayed.${i % 8}`, wrong(i), proxy)),
    );
    expect(statuses(spray)).toEqual({ 401: 40 });
    expectRefused(await signIn(t.app, 'victim.a', RIGHT, proxy));
    // B, from the same address: signs in
    expect((await signIn(t.app, 'bystander.b', RIGHT, proxy)).statusCode).toBe(200);
    // A's own user, from another address: signs in, and that clears A's count from every address
    expect((await signIn(t.app, 'victim.a', RIGHT, '192.0.2.77')).statusCode).toBe(200);
    // the attacker's address stays refused for A until its wait is over
    expectRefused(await signIn(t.app, 'victim.a', wrong(99), proxy));
  });

  it('a correct password clears the count of its account and address', async () => {
    await createUser(t, 'typo.user');
    for (let i = 0; i < 4; i++)
      expect((await signIn(t.app, 'typo.user', wrong(i), '198.51.100.12')).statusCode).toBe(401);
    expect((await signIn(t.app, 'typo.user', RIGHT, '198.51.100.12')).statusCode).toBe(200);
    for (let i = 0; i < 4; i++)
      expect((await signIn(t.app, 'typo.user', wrong(i), '198.51.100.12')).statusCode).toBe(401);
    expect((await signIn(t.app, 'typo.user', RIGHT, '198.51.100.12')).statusCode).toBe(200);
  });
});

describe('a password change checks the current password under the same throttle', () => {
  let t: TestPlatform;
  beforeAll(async () => {
    t = await startTestPlatform({ demo: false });
  });
  afterAll(() => t?.close());

  it('a stolen session guessing the current password: 5 checked, the rest 429 on currentPassword; the owner elsewhere still signs in', async () => {
    await createUser(t, 'stolen.session');
    const thief = '198.51.100.40';
    const cookie = (await signIn(t.app, 'stolen.session', RIGHT, thief)).cookies.map((c) => `${c.name}=${c.value}`);
    const change = (currentPassword: string) =>
      t.app.inject({
        method: 'POST',
        url: '/api/v1/auth/password',
        payload: { currentPassword, newPassword: 'Taken#Over-2026' },
        headers: { cookie: cookie.join('; ') },
        remoteAddress: thief,
      } as InjectOptions);
    const answers = await Promise.all(Array.from({ length: 30 }, (_, i) => change(wrong(i))));
    expect(statuses(answers)).toEqual({ 400: 5, 429: 25 });
    const refused = answers.find((a) => a.statusCode === 429)!;
    expect(refused.json().error).toMatchObject({
      code: 'TOO_MANY_ATTEMPTS',
      details: [expect.objectContaining({ path: 'currentPassword' })],
    });
    // even the right password is refused from there for now: the password is not changed
    expect((await change(RIGHT)).statusCode).toBe(429);
    // the owner, from another address, signs in with the password that still holds
    expect((await signIn(t.app, 'stolen.session', RIGHT, '192.0.2.41')).statusCode).toBe(200);
  });
});

describe('login throttle back-off (the service, on a clock of its own)', () => {
  let t: TestPlatform;
  let clock = Date.parse('2026-03-02T08:00:00Z');
  let identity: IdentityService;
  beforeAll(async () => {
    t = await startTestPlatform({ demo: false });
    await createUser(t, 'backoff.user');
    identity = new IdentityService(t.p.dbh.db, t.p.audit, { now: () => clock });
  });
  afterAll(() => t?.close());

  const attempt = async (password: string, client = '198.51.100.20'): Promise<number | 'ok' | 'bad'> => {
    try {
      await identity.login('backoff.user', password, client, 'req-backoff');
      return 'ok';
    } catch (e) {
      if (!(e instanceof AppError)) throw e;
      if (e.status === 401) return 'bad';
      expect(e.status).toBe(429);
      return e.retryAfter as number;
    }
  };
  const advance = (seconds: number) => {
    clock += seconds * 1000;
  };

  it('each further failure after a lock-out doubles the wait (60, 120, 240 s …); a correct password clears it', async () => {
    for (let i = 0; i < 5; i++) expect(await attempt(wrong(i))).toBe('bad');
    expect(await attempt(RIGHT)).toBe(60);
    advance(30);
    expect(await attempt(RIGHT)).toBe(30);
    advance(31);
    // the wait is over: one attempt, which fails and locks for twice as long
    expect(await attempt(wrong(5))).toBe('bad');
    expect(await attempt(wrong(6))).toBe(120);
    advance(121);
    expect(await attempt(wrong(7))).toBe('bad');
    expect(await attempt(wrong(8))).toBe(240);
    // another address has its own count for this account
    expect(await attempt(wrong(9), '198.51.100.21')).toBe('bad');
    // a window without failures after the lock-out's end forgets the failures but not the lock-outs: 5 more, then
    // 480 s (a window counted from the last failure is not enough: the lock-out itself lasted 240 s of it)
    advance(15 * 60 + 1);
    expect(await attempt(wrong(10))).toBe('bad');
    expect(await attempt(wrong(11))).toBe(480);
    advance(480 + 15 * 60 + 1);
    for (let i = 0; i < 5; i++) expect(await attempt(wrong(10 + i))).toBe('bad');
    expect(await attempt(RIGHT)).toBe(960);
    advance(961);
    expect(await attempt(RIGHT)).toBe('ok');
    // cleared: five wrong passwords are checked again before the first (60 s) lock-out
    for (let i = 0; i < 5; i++) expect(await attempt(wrong(20 + i))).toBe('bad');
    expect(await attempt(RIGHT)).toBe(60);
  });

  it('waits stop growing at an hour, and a lock-out longer than the window does not give a fresh count', async () => {
    advance(3600); // the last lock-out is over and its failures forgotten; its strike (one) is not
    const waits: number[] = [];
    for (let i = 0; waits.length < 8 && i < 50; i++) {
      const r = await attempt(wrong(100 + i));
      expect(r).not.toBe('ok');
      if (typeof r === 'number') {
        waits.push(r);
        advance(r);
      }
    }
    expect(waits).toEqual([120, 240, 480, 960, 1920, 3600, 3600, 3600]);
  });
});

describe('the throttle lives in the database', () => {
  it('survives a restart: a new platform on the same database still refuses', async () => {
    const db = await testDatabase();
    try {
      const first = await startTestPlatform({ demo: false, db });
      await createUser(first, 'restart.user');
      for (let i = 0; i < 5; i++)
        expect((await signIn(first.app, 'restart.user', wrong(i), '198.51.100.30')).statusCode).toBe(401);
      await first.close();
      const second = await startTestPlatform({ demo: false, db });
      try {
        expectRefused(await signIn(second.app, 'restart.user', RIGHT, '198.51.100.30'));
        expect((await signIn(second.app, 'restart.user', RIGHT, '198.51.100.31')).statusCode).toBe(200);
      } finally {
        await second.close();
      }
    } finally {
      await db.drop();
    }
  });

  it.runIf(DB_MODE === 'postgres')(
    'is shared by two platforms on one PostgreSQL: 40 concurrent wrong passwords through both, 5 are checked',
    async () => {
      const db = await testDatabase();
      try {
        const a = await startTestPlatform({ demo: false, db });
        const b = await startTestPlatform({ demo: false, db });
        try {
          await createUser(a, 'shared.user');
          const answers = await Promise.all(
            Array.from({ length: 40 }, (_, i) =>
              signIn(i % 2 ? a.app : b.app, 'shared.user', wrong(i), '198.51.100.40'),
            ),
          );
          expect(statuses(answers)).toEqual({ 401: 5, 429: 35 });
          expectRefused(await signIn(b.app, 'shared.user', RIGHT, '198.51.100.40'));
        } finally {
          await a.close();
          await b.close();
        }
      } finally {
        await db.drop();
      }
    },
  );
});

describe('CBEC_TRUST_PROXY decides which address is throttled', () => {
  const PROXY = '10.9.8.7';
  const ATTACKER = '203.0.113.66';
  const USER = '198.51.100.66';
  const via = (client: string) => ({ 'x-forwarded-for': client });

  /** Five failures by the attacker through the proxy, then the account's user through the same proxy. */
  async function userAfterAttack(t: TestPlatform, username: string): Promise<LightMyRequestResponse> {
    await createUser(t, username);
    for (let i = 0; i < 5; i++) {
      expect((await signIn(t.app, username, wrong(i), PROXY, via(ATTACKER))).statusCode).toBe(401);
    }
    return signIn(t.app, username, RIGHT, PROXY, via(USER));
  }

  it('not set (the default): the client is the proxy, so the user behind it waits with the attacker', async () => {
    const t = await startTestPlatform({ demo: false });
    try {
      expect(t.p.config.trustProxy).toBe(false);
      expectRefused(await userAfterAttack(t, 'proxy.off'));
    } finally {
      await t.close();
    }
  });

  it("set to the proxy's address: each client is counted by X-Forwarded-For; others' headers are not believed", async () => {
    const t = await startTestPlatform({
      demo: false,
      config: { trustProxy: loadConfig({ CBEC_TRUST_PROXY: `${PROXY}, 10.0.0.0/8` }).trustProxy },
    });
    try {
      expect((await userAfterAttack(t, 'proxy.on')).statusCode).toBe(200);
      expectRefused(await signIn(t.app, 'proxy.on', RIGHT, PROXY, via(ATTACKER)));
      // a direct caller outside the trusted range naming another address is counted by its own
      await createUser(t, 'proxy.spoof');
      for (let i = 0; i < 5; i++) {
        expect((await signIn(t.app, 'proxy.spoof', wrong(i), '192.0.2.5', via(`192.0.2.${100 + i}`))).statusCode).toBe(
          401,
        );
      }
      expectRefused(await signIn(t.app, 'proxy.spoof', RIGHT, '192.0.2.5', via('192.0.2.99')));
    } finally {
      await t.close();
    }
  });

  it('a hop count trusts that many hops nearest the platform', async () => {
    const t = await startTestPlatform({
      demo: false,
      config: { trustProxy: loadConfig({ CBEC_TRUST_PROXY: '1' }).trustProxy },
    });
    try {
      expect((await userAfterAttack(t, 'proxy.hops')).statusCode).toBe(200);
    } finally {
      await t.close();
    }
  });

  it.each([
    ['false', false],
    ['true', true],
    ['2', 2],
    ['0', false],
    ['10.0.0.1', ['10.0.0.1']],
    ['10.0.0.0/8, 192.168.1.1,::1,fd00::/8', ['10.0.0.0/8', '192.168.1.1', '::1', 'fd00::/8']],
    ['loopback,uniquelocal', ['loopback', 'uniquelocal']],
  ] as const)('CBEC_TRUST_PROXY=%j is read as %j', (raw, expected) => {
    expect(loadConfig({ CBEC_TRUST_PROXY: raw }).trustProxy).toEqual(expected);
  });

  it.each(['yes', '10.0.0.300', '10.0.0.0/33', '::1/129', 'proxy.example', '10.0.0.1,,10.0.0.2', '-1'])(
    'CBEC_TRUST_PROXY=%j is refused at start with the variable named',
    (raw) => {
      expect(() => loadConfig({ CBEC_TRUST_PROXY: raw })).toThrow(/CBEC_TRUST_PROXY/);
    },
  );
});

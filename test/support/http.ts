import { DEMO_PASSWORD } from '../../src/app/demo.js';
import type { App } from '../../src/platform/http/app.js';

/** Signs in through the API and returns the cookie header for later requests. */
export async function login(app: App, username: string, password = DEMO_PASSWORD): Promise<string> {
  const res = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username, password } });
  if (res.statusCode !== 200) throw new Error(`login ${username}: ${res.statusCode} ${res.body}`);
  const cookie = res.cookies.find((c) => c.name === 'cbec_session');
  if (!cookie) throw new Error('no session cookie');
  return `cbec_session=${cookie.value}`;
}

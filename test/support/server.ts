import { startTestPlatform } from './platform.js';

/** The platform listening on a free local port (for browser tests). */
export async function startTestServer(): Promise<{ url: string; close(): Promise<void>; adminPassword: string }> {
  const t = await startTestPlatform();
  const address = await t.app.listen({ port: 0, host: '127.0.0.1' });
  return { url: address, close: t.close, adminPassword: t.adminPassword };
}

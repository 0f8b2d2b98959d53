import { z } from 'zod';
import type { App } from '../../platform/http/app.js';
import { actorOf } from '../../platform/http/app.js';
import { only, ROLES } from '../../platform/http/auth.js';
import { AppError } from '../../platform/http/errors.js';
import { noContent } from '../../platform/http/openapi.js';
import { passwordSchema } from './model.js';
import type { IdentityService } from './service.js';
import { SESSION_COOKIE } from './service.js';

export const userSchema = z.object({
  id: z.string(),
  username: z.string(),
  displayName: z.string(),
  role: z.enum(ROLES),
  enterpriseUscc: z.string().nullable(),
  status: z.string(),
  mustChangePassword: z.boolean(),
  lastLoginAt: z.string().nullable(),
  createdAt: z.string(),
});
export const apiKeySchema = z.object({
  id: z.string(),
  name: z.string(),
  prefix: z.string(),
  createdAt: z.string(),
  lastUsedAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
});
const username = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9._@-]{3,64}$/, {
    error: '用户名为 3–64 位字母、数字或 . _ @ - / A username has 3–64 letters, digits or . _ @ -',
  });
const uuidParam = z.uuid();

export type IdentityRouteDeps = {
  identity: IdentityService;
  cookieSecure: boolean;
  /** Whether an enterprise exists (asked of the filing module when binding a user to one). */
  enterpriseExists(uscc: string): Promise<boolean>;
};

export function identityRoutes(app: App, deps: IdentityRouteDeps): void {
  const { identity } = deps;
  const tags = ['identity 身份与权限'];

  app.post(
    '/api/v1/auth/login',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary: 'Sign in (登录): sets the session cookie',
        body: z.strictObject({ username: z.string().min(1).max(64), password: z.string().min(1).max(128) }),
        response: { 200: z.object({ user: userSchema }) },
      },
    },
    async (req, reply) => {
      const { token, user, expiresAt } = await identity.login(req.body.username, req.body.password, req.ip, req.id);
      reply.setCookie(SESSION_COOKIE, token, {
        httpOnly: true,
        sameSite: 'strict',
        secure: deps.cookieSecure,
        path: '/',
        expires: expiresAt,
      });
      return { user };
    },
  );

  app.post(
    '/api/v1/auth/logout',
    { config: { access: 'public' }, schema: { tags, summary: 'Sign out (退出)', response: { 204: noContent } } },
    async (req, reply) => {
      await identity.logout(req.principal);
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return reply.status(204).send();
    },
  );

  app.get(
    '/api/v1/auth/me',
    {
      config: { access: only(ROLES), passwordChangeExempt: true },
      schema: { tags, summary: 'The signed-in user (当前用户)', response: { 200: z.object({ user: userSchema }) } },
    },
    async (req) => ({ user: await identity.me(req.principal) }),
  );

  app.post(
    '/api/v1/auth/password',
    {
      config: { access: only(ROLES), passwordChangeExempt: true },
      schema: {
        tags,
        summary: 'Change my password (修改密码)',
        body: z.strictObject({ currentPassword: z.string().min(1).max(128), newPassword: passwordSchema }),
        response: { 204: noContent },
      },
    },
    async (req, reply) => {
      await identity.changePassword(
        req.principal,
        actorOf(req),
        req.body.currentPassword,
        req.body.newPassword,
        req.ip,
      );
      return reply.status(204).send();
    },
  );

  // --- users (platform admin) ---
  app.get(
    '/api/v1/users',
    {
      config: { access: only(['platform_admin']) },
      schema: { tags, summary: 'List users (用户列表)', response: { 200: z.object({ items: z.array(userSchema) }) } },
    },
    async () => ({ items: await identity.listUsers() }),
  );

  app.post(
    '/api/v1/users',
    {
      config: { access: only(['platform_admin']) },
      schema: {
        tags,
        summary: 'Create a user (新建用户)',
        body: z.strictObject({
          username,
          displayName: z.string().trim().min(1).max(100),
          role: z.enum(ROLES),
          enterpriseUscc: z.string().trim().toUpperCase().length(18).optional(),
          password: passwordSchema,
        }),
        response: { 201: z.object({ user: userSchema }) },
      },
    },
    async (req, reply) => {
      const b = req.body;
      if (b.enterpriseUscc && !(await deps.enterpriseExists(b.enterpriseUscc))) {
        throw AppError.field(
          'enterpriseUscc',
          '该企业未在本平台备案',
          'No such enterprise is filed on this platform',
          'ENTERPRISE_NOT_FOUND',
        );
      }
      const user = await identity.createUserTx(actorOf(req), { ...b, mustChangePassword: true });
      return reply.status(201).send({ user });
    },
  );

  app.post(
    '/api/v1/users/:id/password',
    {
      config: { access: only(['platform_admin']) },
      schema: {
        tags,
        summary: "Reset a user's password (重置密码); the user must change it at next sign-in",
        params: z.object({ id: uuidParam }),
        body: z.strictObject({ password: passwordSchema }),
        response: { 204: noContent },
      },
    },
    async (req, reply) => {
      await identity.resetPassword(actorOf(req), req.params.id, req.body.password);
      return reply.status(204).send();
    },
  );

  app.patch(
    '/api/v1/users/:id',
    {
      config: { access: only(['platform_admin']) },
      schema: {
        tags,
        summary: 'Enable or disable a user (启用/停用)',
        params: z.object({ id: uuidParam }),
        body: z.strictObject({ status: z.enum(['active', 'disabled']) }),
        response: { 200: z.object({ user: userSchema }) },
      },
    },
    async (req) => ({ user: await identity.setStatus(actorOf(req), req.params.id, req.body.status) }),
  );

  // --- API keys (enterprise systems) ---
  const usccParam = z.object({ uscc: z.string().min(1).max(18) });
  app.get(
    '/api/v1/enterprises/:uscc/api-keys',
    {
      config: { access: only(['platform_admin', 'enterprise_admin'], 'uscc') },
      schema: {
        tags,
        summary: "An enterprise's API keys (API 密钥)",
        params: usccParam,
        response: { 200: z.object({ items: z.array(apiKeySchema) }) },
      },
    },
    async (req) => {
      await requireEnterprise(req.params.uscc);
      return { items: await identity.listApiKeys(req.params.uscc) };
    },
  );

  app.post(
    '/api/v1/enterprises/:uscc/api-keys',
    {
      config: { access: only(['enterprise_admin'], 'uscc') },
      schema: {
        tags,
        summary: 'Create an API key (新建 API 密钥): the secret is shown once',
        params: usccParam,
        body: z.strictObject({ name: z.string().trim().min(1).max(100) }),
        response: { 201: z.object({ apiKey: apiKeySchema, secret: z.string() }) },
      },
    },
    async (req, reply) => {
      await requireEnterprise(req.params.uscc);
      const p = req.principal;
      const created = await identity.createApiKey(
        actorOf(req),
        req.params.uscc,
        req.body.name,
        p.kind === 'user' ? p.userId : null,
      );
      return reply.status(201).send(created);
    },
  );

  app.delete(
    '/api/v1/enterprises/:uscc/api-keys/:id',
    {
      config: { access: only(['platform_admin', 'enterprise_admin'], 'uscc') },
      schema: {
        tags,
        summary: 'Revoke an API key (撤销 API 密钥)',
        params: z.object({ uscc: z.string().min(1).max(18), id: uuidParam }),
        response: { 204: noContent },
      },
    },
    async (req, reply) => {
      await identity.revokeApiKey(actorOf(req), req.params.uscc, req.params.id);
      return reply.status(204).send();
    },
  );

  async function requireEnterprise(uscc: string): Promise<void> {
    if (!(await deps.enterpriseExists(uscc))) {
      throw AppError.notFound('enterprise', '企业');
    }
  }
}

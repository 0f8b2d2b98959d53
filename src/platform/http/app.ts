import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import fastifyCookie from '@fastify/cookie';
import fastifyHelmet from '@fastify/helmet';
import fastifyStatic from '@fastify/static';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyError, type FastifyInstance, type FastifyRequest } from 'fastify';
import {
  hasZodFastifySchemaValidationErrors,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import helmet from 'helmet';
import type { Logger } from 'pino';
import type { core } from 'zod';
import type { Actor } from '../audit/audit.js';
import type { TrustProxy } from '../config.js';
import { isDatabaseUnavailable, RETRY_AFTER_SECONDS } from '../db/outage.js';
import { authorizeHook, type Principal, requireSameOrigin } from './auth.js';
import { AppError, errorBody } from './errors.js';
import { addErrorResponses, openapiTransform, openapiTransformObject, strictSerializerCompiler } from './openapi.js';
import {
  forbiddenTextDetails,
  issuesToDetails,
  JSON_MAX_DEPTH,
  jsonDepthExceeded,
  jsonTooDeepError,
} from './validation.js';

export type App = FastifyInstance<
  import('node:http').Server,
  import('node:http').IncomingMessage,
  import('node:http').ServerResponse,
  Logger,
  ZodTypeProvider
>;

export type AppOptions = {
  logger: Logger;
  bodyLimit: number;
  /** Resolves the caller from the request's cookie or API key; throws AppError 401 on a bad credential. */
  authenticate(req: FastifyRequest): Promise<Principal>;
  webDist?: string;
  version: string;
  /** Deepest nesting of arrays and objects in a JSON body (CBEC_JSON_MAX_DEPTH); deeper bodies are 400. */
  jsonMaxDepth?: number;
  /**
   * Fail (500) instead of dropping a field a response schema does not declare: the tests run so, so that a schema
   * that is not exact shows at once (production strips, as zod objects do).
   */
  strictResponses?: boolean;
  /** Fastify's trustProxy (CBEC_TRUST_PROXY): whose X-Forwarded-* headers say who the client is. */
  trustProxy?: TrustProxy;
  /** Served over HTTPS (CBEC_COOKIE_SECURE): adds Strict-Transport-Security and upgrade-insecure-requests. */
  https?: boolean;
};

/**
 * The security headers of every answer (API, pages, errors), set by @fastify/helmet. The CSP allows only this origin:
 * scripts from files (the Vite build and Swagger UI have no inline script), styles also inline (antd's CSS-in-JS and
 * Swagger UI write style elements and attributes at run time), images and fonts also as data: URIs; no framing.
 * Referrer-Policy same-origin: no URL of the platform (USCCs, searches) leaves it, and same-origin requests keep their
 * Origin header, which the same-origin check reads.
 */
export function helmetOptions(https: boolean) {
  return {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        baseUri: ["'self'"],
        scriptSrc: ["'self'"],
        scriptSrcAttr: ["'none'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        ...(https ? { upgradeInsecureRequests: [] } : {}),
      },
    },
    frameguard: { action: 'deny' as const },
    referrerPolicy: { policy: 'same-origin' as const },
    strictTransportSecurity: https ? { maxAge: 31_536_000, includeSubDomains: true } : false,
  };
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,64}$/;

/** The actor for the audit trail, from the request. */
export function actorOf(req: FastifyRequest): Actor {
  const p = req.principal;
  if (p.kind === 'user') {
    return { userId: p.userId, name: p.username, role: p.role, enterpriseUscc: p.enterpriseUscc, requestId: req.id };
  }
  if (p.kind === 'apiKey') {
    return {
      userId: null,
      name: `api-key:${p.keyName}`,
      role: 'api_key',
      enterpriseUscc: p.enterpriseUscc,
      requestId: req.id,
    };
  }
  return { requestId: req.id, name: 'anonymous' };
}

/** Maps any error to the platform's one error shape. Input errors are 4xx; anything unexpected is a 500 without internals. */
export function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  if (hasZodFastifySchemaValidationErrors(err)) {
    const ctx = (err as FastifyError & { validationContext?: string }).validationContext ?? 'body';
    const prefix = ctx === 'body' ? [] : [ctx];
    // fastify-type-provider-zod flattens each zod issue into { keyword: code, instancePath, message, params: rest }.
    const issues = err.validation.map(
      (v) =>
        ({
          ...(v.params as object),
          code: v.keyword,
          message: v.message,
          path: v.instancePath.split('/').slice(1).filter(Boolean),
        }) as unknown as core.$ZodIssue,
    );
    return AppError.validation(issuesToDetails(issues, prefix));
  }
  const fe = err as FastifyError;
  switch (fe.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new AppError(400, 'MALFORMED_JSON', '请求体不是合法的 JSON', 'The request body is not valid JSON', [
        { path: '', message: fe.message, messageEn: fe.message },
      ]);
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new AppError(413, 'BODY_TOO_LARGE', '请求体过大', 'The request body is too large');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new AppError(415, 'UNSUPPORTED_MEDIA_TYPE', '不支持的内容类型', 'Unsupported Content-Type');
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new AppError(
        400,
        'BAD_CONTENT_LENGTH',
        'Content-Length 与请求体不符',
        'Content-Length does not match the body',
      );
    case 'FST_ERR_ASYNC_CONSTRAINT':
    case 'FST_ERR_BAD_URL':
      return new AppError(400, 'BAD_REQUEST', '请求格式错误', 'Malformed request');
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return new AppError(414, 'URI_TOO_LONG', '路径参数过长', 'A path parameter is too long');
  }
  if (typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
    return new AppError(fe.statusCode, 'BAD_REQUEST', '请求无效', fe.message || 'Bad request');
  }
  // The database refused, timed out or is shutting down (platform/db/outage.ts): 503, to be retried.
  if (isDatabaseUnavailable(err)) return databaseUnavailable();
  return new AppError(
    500,
    'INTERNAL',
    '服务器内部错误，请凭请求编号联系平台运维',
    'Internal error: quote the request id to the operators',
  );
}

/** The 503 for a database outage; the error handler adds `Retry-After`. */
export function databaseUnavailable(): AppError {
  return new AppError(
    503,
    'DATABASE_UNAVAILABLE',
    '数据库暂时无法访问，请稍后重试',
    'The database is not answering at the moment: try again shortly',
  );
}

/**
 * What of an unexpected error goes to the log: its type, code, message and stack, but never query parameters
 * (drizzle puts them in its message: they may hold personal data or password hashes).
 */
export function loggableError(err: unknown): Record<string, unknown> {
  const e = err as Error & { code?: string; cause?: unknown };
  const strip = (m: unknown) => (typeof m === 'string' ? m.replace(/\nparams:[\s\S]*$/, '') : undefined);
  const cause = e?.cause as (Error & { code?: string }) | undefined;
  return {
    type: e?.name,
    code: e?.code,
    message: strip(e?.message),
    stack: strip(e?.stack)
      ?.split('\n')
      .filter((l) => l.trimStart().startsWith('at '))
      .join('\n'),
    ...(cause ? { cause: { type: cause.name, code: cause.code, message: strip(cause.message) } } : {}),
  };
}

/**
 * CBEC_TRUST_PROXY as Fastify takes it. A hop count trusts that many hops nearest the platform, whoever they are
 * (proxy-addr's meaning): Fastify 5 treats a bare number as trusting nothing, so it gets the count as a function.
 */
export function fastifyTrustProxy(t: TrustProxy): boolean | string[] | ((address: string, hop: number) => boolean) {
  return typeof t === 'number' ? (_address, hop) => hop < t : t;
}

export async function buildApp(opts: AppOptions): Promise<App> {
  const preRoutingHeaders = helmet(helmetOptions(opts.https ?? false));
  const app = Fastify({
    loggerInstance: opts.logger,
    trustProxy: fastifyTrustProxy(opts.trustProxy ?? false),
    bodyLimit: opts.bodyLimit,
    genReqId: (req) => {
      const h = req.headers['x-request-id'];
      return typeof h === 'string' && REQUEST_ID.test(h) ? h : randomUUID();
    },
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 200 },
    // Errors Fastify raises before routing (bad percent-encoding, over-long parameters) get the platform's shape too,
    // and its security headers (the hooks that set them do not run for these).
    frameworkErrors: (err, req, reply) => {
      const e = toAppError(err);
      preRoutingHeaders(req.raw, reply.raw, () => {});
      (reply as import('fastify').FastifyReply)
        .header('x-request-id', req.id)
        .status(e.status)
        .send(errorBody(e, req.id));
    },
  }).withTypeProvider<ZodTypeProvider>() as unknown as App;

  // JSON bodies: Fastify's parser (secure-json-parse: __proto__ and constructor keys refused), after a linear
  // depth check, so that no recursive walk over the body (ours, zod's, the codec's) can overflow the stack.
  const maxDepth = opts.jsonMaxDepth ?? JSON_MAX_DEPTH;
  const defaultJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (req, body, done) => {
    const at = jsonDepthExceeded(body as string, maxDepth);
    if (at >= 0) done(jsonTooDeepError(maxDepth, at), undefined);
    else defaultJson(req, body as string, done);
  });

  // Set before any plugin is registered: an encapsulated plugin (swagger-ui's /docs routes) keeps the handler that
  // was in force when it was registered, and would answer with Fastify's own error shape otherwise.
  app.setErrorHandler((err, req, reply) => {
    const e = toAppError(err);
    if (e.code === 'DATABASE_UNAVAILABLE') req.log.warn({ err: loggableError(err) }, 'database unavailable');
    else if (e.status >= 500) req.log.error({ err: loggableError(err) }, 'unexpected error');
    if (e.retryAfter !== undefined) reply.header('retry-after', String(e.retryAfter));
    else if (e.status === 503 && !reply.hasHeader('retry-after'))
      reply.header('retry-after', String(RETRY_AFTER_SECONDS));
    reply.status(e.status).send(errorBody(e, req.id));
  });

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(opts.strictResponses ? strictSerializerCompiler : serializerCompiler);
  app.decorateRequest('principal', null as never);

  await app.register(fastifyHelmet, helmetOptions(opts.https ?? false));
  await app.register(fastifyCookie);
  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'cbec-zone API — 跨境电子商务综合试验区线上综合服务平台',
        version: opts.version,
        description:
          'One platform, one entry for cross-border e-commerce (一站式服务、一平台汇总). Errors always have the shape ' +
          '`{ "error": { "code", "message" (中文), "messageEn", "details": [{ "path", "message", "messageEn", "code" }], "requestId" } }`.',
      },
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: 'cbec_session' },
          apiKey: { type: 'http', scheme: 'bearer', description: 'Enterprise API key: cbk_<prefix>_<secret>' },
        },
      },
    },
    transform: openapiTransform,
    transformObject: openapiTransformObject,
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/docs' });

  app.addHook('onRoute', (route) => {
    const url = route.url ?? '';
    if (url.startsWith('/api/') && !route.config?.access) {
      throw new Error(`Route ${route.method} ${url} must declare config.access`);
    }
  });
  // every operation documents (and serialises) its errors in the one shape
  app.addHook('onRoute', (route) => addErrorResponses(route as { schema?: Record<string, unknown> }));
  app.addHook('onRequest', async (req, reply) => {
    reply.header('x-request-id', req.id);
    req.principal = await opts.authenticate(req);
    requireSameOrigin(req);
  });
  app.addHook('preValidation', async (req, reply) => {
    if (req.routeOptions.config.access) await authorizeHook(req, reply);
    const bad = [
      ...forbiddenTextDetails(req.params, 'params'),
      ...forbiddenTextDetails(req.query, 'querystring'),
      ...(req.body !== null && typeof req.body === 'object' && !Buffer.isBuffer(req.body)
        ? forbiddenTextDetails(req.body, '')
        : []),
    ];
    if (bad.length) throw AppError.validation(bad);
  });
  app.addHook('onSend', async (req, reply, payload) => {
    if (req.url.startsWith('/api/')) reply.header('cache-control', 'no-store');
    return payload;
  });

  const webDist = opts.webDist;
  const haveWeb = !!webDist && existsSync(join(webDist, 'index.html'));
  if (haveWeb && webDist) {
    await app.register(fastifyStatic, { root: webDist, wildcard: false, index: ['index.html'] });
  }
  app.setNotFoundHandler((req, reply) => {
    const path = req.url.split('?')[0] ?? '';
    const isApi = path.startsWith('/api/') || path.startsWith('/.well-known/') || path === '/openapi.json';
    if (haveWeb && req.method === 'GET' && !isApi && !/\.[a-z0-9]+$/i.test(path)) {
      return reply.type('text/html').sendFile('index.html');
    }
    const e = new AppError(
      404,
      'NOT_FOUND',
      `没有这个接口：${req.method} ${path}`,
      `No such route: ${req.method} ${path}`,
    );
    return reply.status(404).send(errorBody(e, req.id));
  });

  app.get('/openapi.json', { config: { access: 'public' }, schema: { hide: true } }, async () => app.swagger());
  return app;
}

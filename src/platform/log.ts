/**
 * The platform logger (pino). Personal information and secrets never reach a log line: every field below is
 * replaced by '[REDACTED]' wherever it appears, at the top level or nested up to four objects/arrays deep
 * (e.g. `req.body.items[0].buyerIdNumber`). pino wildcards match exactly one level, hence the depth expansion.
 */
import pino, { type DestinationStream, type Level, type Logger, type LoggerOptions } from 'pino';

export const REDACT_CENSOR = '[REDACTED]';

/** Field names that hold secrets or personal information (including the CEB message field names). */
const SENSITIVE_FIELDS = [
  // secrets
  'password',
  'newPassword',
  'currentPassword',
  'oldPassword',
  'passwordHash',
  'secret',
  'secretHash',
  'apiKey',
  'token',
  'accessToken',
  'refreshToken',
  'privateKey',
  'piKey',
  'authorization',
  'cookie',
  '"set-cookie"',
  '"x-api-key"',
  // personal information
  'idNumber',
  'buyerIdNumber',
  'payerIdNumber',
  'phone',
  'mobile',
  'telephone',
  'buyerTelephone',
  'consigneeTelephone',
  'address',
  'consigneeAddress',
  'email',
  'buyerName',
  'payerName',
  'consignee',
];

/** How many enclosing levels (`*.`) each field is also matched under. */
const MAX_DEPTH = 4;

function atDepths(field: string): string[] {
  // A quoted name needs bracket notation: ["set-cookie"], *.*["set-cookie"].
  const under = (prefix: string) =>
    field.startsWith('"') ? `${prefix}[${field}]` : prefix ? `${prefix}.${field}` : field;
  return Array.from({ length: MAX_DEPTH + 1 }, (_, depth) => under(Array(depth).fill('*').join('.')));
}

/** Every redacted path, including the well-known request/response header paths named explicitly. */
export const redactPaths: string[] = [
  ...new Set([
    ...SENSITIVE_FIELDS.flatMap(atDepths),
    'req.headers.authorization',
    'req.headers.cookie',
    'req.headers["x-api-key"]',
    'res.headers["set-cookie"]',
    'legalRepresentative.idNumber',
    'body.password',
    'body.idNumber',
    'body.phone',
  ]),
];

export type LogLevel = Level | 'silent';

/** Logger options (for Fastify's `logger` option, or for `createLogger`). */
export function loggerOptions(level: LogLevel = 'info'): LoggerOptions {
  return {
    level,
    redact: { paths: redactPaths, censor: REDACT_CENSOR },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
}

/** The platform logger; `destination` defaults to stdout (tests pass a stream to inspect the output). */
export function createLogger(level: LogLevel = 'info', destination?: DestinationStream): Logger {
  return destination ? pino(loggerOptions(level), destination) : pino(loggerOptions(level));
}

import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { type App, actorOf } from '../../platform/http/app.js';
import { CALLERS, only, type Principal, tenantOf } from '../../platform/http/auth.js';
import { AppError, type ErrorDetail } from '../../platform/http/errors.js';
import type { RequestBodyDoc } from '../../platform/http/openapi.js';
import { TABLE_MAX_BYTES } from '../../platform/table-limits.js';
import { REFERENCE_KINDS, type ReferenceKind } from './tables/reference-kinds.js';
import {
  type ImportResult,
  LABEL_MAX,
  type ReferenceTables,
  type ReferenceVersion,
} from './tables/reference-tables.js';
import { TABLE_COLUMNS, TABLE_NAMES, type TableError } from './tables/tables.js';

const tags = ['clearance 通关'];

/** Who loads tables: the platform operator and customs, whose rules they are. */
const LOADERS = ['platform_admin', 'customs'] as const;
/**
 * Who reads them: everyone signed in, keys included. The tables are the public rates, lists and codes that an
 * enterprise needs to check its own estimates; who loaded a version is shown to staff only.
 */
const READERS = CALLERS;

/** XLSX workbooks and CSV text, as browsers and curl label them (the content decides the format, not the label). */
const TABLE_CONTENT_TYPES = [
  'text/csv',
  'application/csv',
  'text/plain',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  // what Windows browsers call a .csv file
  'application/vnd.ms-excel',
  'application/octet-stream',
];
/** The largest table file accepted by default (CBEC_TABLE_MAX_BYTES; a full tariff schedule is a few MB of CSV). */
export const TABLE_BODY_LIMIT = TABLE_MAX_BYTES;

const versionSchema = z.object({
  id: z.uuid(),
  kind: z.enum(REFERENCE_KINDS),
  label: z.string(),
  sourceName: z.string(),
  sha256: z.string(),
  rowCount: z.number().int(),
  isSample: z.boolean(),
  active: z.boolean(),
  inForce: z.boolean(),
  loadedBy: z.string().nullable(),
  loadedAt: z.string(),
});

function versionView(v: ReferenceVersion, p: Principal) {
  return { ...v, loadedBy: tenantOf(p) === null ? v.loadedBy : null, loadedAt: v.loadedAt.toISOString() };
}

/** A table error as an error detail: path `line N / column`, the message with the offending value. */
export function tableErrorDetail(e: TableError): ErrorDetail {
  return {
    path: `line ${e.line}${e.column ? ` / ${e.column}` : ''}`,
    message: `${e.messageZh}${e.value !== undefined ? `（值：${e.value}）` : ''}`,
    messageEn: `${e.messageEn}${e.value !== undefined ? ` (value: ${e.value})` : ''}`,
    code: 'TABLE_ERROR',
  };
}

function refusal(kind: ReferenceKind, r: ImportResult & { ok: false }): AppError {
  const details = r.errors.map(tableErrorDetail);
  const name = TABLE_NAMES[kind];
  switch (r.code) {
    case 'UNCHANGED':
      return new AppError(
        409,
        'TABLE_UNCHANGED',
        `${name.zh}与现行版本相同，未导入`,
        `The ${name.en} is identical to the version in force: not imported`,
        details,
      );
    case 'TABLE_TOO_LARGE':
      return new AppError(
        413,
        'TABLE_TOO_LARGE',
        `${name.zh}超过导入上限，未导入`,
        `The ${name.en} is beyond the import limit: not imported`,
        details,
      );
    case 'UNREADABLE_FILE':
      return new AppError(422, 'UNREADABLE_FILE', `无法读取${name.zh}文件`, `Cannot read the ${name.en} file`, details);
    default:
      return new AppError(
        422,
        'INVALID_TABLE',
        `${name.zh}有 ${r.errors.length} 处错误，未导入`,
        `The ${name.en} has ${r.errors.length} error(s): not imported`,
        details,
      );
  }
}

/**
 * The reference tables (参数表): the versions of each kind, a version's CSV, and loading a new version from CSV or
 * XLSX (the raw file as the request body). A loaded version is in force at once.
 */
export function tableRoutes(app: App, deps: { tables: ReferenceTables }): void {
  const { tables } = deps;
  const bodyLimit = tables.limits?.maxBytes ?? TABLE_BODY_LIMIT;

  app.get(
    '/api/v1/tables',
    {
      config: { access: only(READERS) },
      schema: {
        tags,
        summary: 'The reference tables (参数表): every version of each kind, the one in force first',
        response: {
          200: z.object({
            kinds: z.array(
              z.object({
                kind: z.enum(REFERENCE_KINDS),
                name: z.string(),
                nameEn: z.string(),
                columns: z.array(z.string()),
                inForce: versionSchema.nullable(),
                versions: z.array(versionSchema),
              }),
            ),
            sample: z.boolean(),
          }),
        },
      },
    },
    async (req) => {
      const all = await tables.list();
      return {
        kinds: REFERENCE_KINDS.map((kind) => {
          const versions = all[kind].map((v) => versionView(v, req.principal));
          return {
            kind,
            name: TABLE_NAMES[kind].zh,
            nameEn: TABLE_NAMES[kind].en,
            columns: [...TABLE_COLUMNS[kind]],
            inForce: versions.find((v) => v.inForce) ?? null,
            versions,
          };
        }),
        sample: tables.current().sample,
      };
    },
  );

  app.get(
    '/api/v1/tables/versions/:id/content',
    {
      config: { access: only(READERS) },
      schema: {
        tags,
        summary: "A version's table as CSV (UTF-8), exactly as stored (its SHA-256 is the version's)",
        params: z.object({ id: z.uuid() }),
        response: {
          200: {
            description: 'The CSV (header x-cbec-sha256: its SHA-256)',
            content: { 'text/csv': { schema: z.string() } },
          },
        },
      },
    },
    async (req, reply) => {
      const r = await tables.content(req.params.id);
      if (!r) throw AppError.notFound('table version', '参数表版本');
      const file = `${r.version.kind}-${r.version.loadedAt.toISOString().slice(0, 10)}-${r.version.id.slice(0, 8)}.csv`;
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="${file}"`)
        .header('x-cbec-sha256', r.version.sha256)
        .serializer((x: unknown) => x as string)
        .send(r.content);
    },
  );

  app.register(async (plugin) => {
    const scope = plugin.withTypeProvider<ZodTypeProvider>();
    // The table arrives as the raw file (CSV text or an XLSX workbook); its bytes are read as they are.
    scope.addContentTypeParser(TABLE_CONTENT_TYPES, { parseAs: 'buffer', bodyLimit }, (_req, body, done) =>
      done(null, body),
    );
    scope.post(
      '/api/v1/tables/:kind',
      {
        config: { access: only(LOADERS) },
        bodyLimit,
        schema: {
          tags,
          summary: 'Load a new version of a reference table (CSV or XLSX); in force at once',
          description:
            'The body is the file itself: `text/csv` (UTF-8, with or without BOM) or ' +
            '`application/vnd.openxmlformats-officedocument.spreadsheetml.sheet` (the first worksheet, headers in the ' +
            'first row). Columns per kind are listed by `GET /api/v1/tables` and in tables/samples/README.md. ' +
            '201 with the new version; 422 `INVALID_TABLE` with every error (`details[].path` is `line N / column`); ' +
            '422 `UNREADABLE_FILE` (not UTF-8, not a workbook); 413 `TABLE_TOO_LARGE` beyond CBEC_TABLE_MAX_ROWS rows or ' +
            'CBEC_TABLE_MAX_BYTES bytes; 409 `TABLE_UNCHANGED` when identical to the version in ' +
            'force; 415 for a JSON body.',
          params: z.object({ kind: z.enum(REFERENCE_KINDS) }),
          querystring: z.strictObject({
            label: z.string().trim().min(1).max(LABEL_MAX).optional(),
            fileName: z.string().trim().min(1).max(300).optional(),
          }),
          requestBody: {
            description: 'The table file itself',
            content: {
              'text/csv': { schema: { type: 'string', description: 'CSV, UTF-8 (a BOM is allowed)' } },
              'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': {
                schema: { type: 'string', format: 'binary', description: 'An .xlsx workbook: its first worksheet' },
              },
            },
          } satisfies RequestBodyDoc,
          response: { 201: z.object({ version: versionSchema }) },
        },
      },
      async (req, reply) => {
        if (!Buffer.isBuffer(req.body)) {
          throw new AppError(
            415,
            'UNSUPPORTED_MEDIA_TYPE',
            '请以 text/csv 或 .xlsx 文件作为请求体上传参数表',
            'Send the table file itself as the body: text/csv or an .xlsx workbook',
          );
        }
        const { kind } = req.params;
        const actor = actorOf(req);
        const r = await tables.import(kind, {
          content: req.body,
          fileName: req.query.fileName ?? `${kind}.csv`,
          label: req.query.label,
          by: actor.name ?? 'unknown',
          actor,
        });
        if (!r.ok) throw refusal(kind, r);
        return reply.status(201).send({ version: versionView(r.version, req.principal) });
      },
    );
  });
}

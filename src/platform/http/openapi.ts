/**
 * What every operation of /openapi.json documents: its request (params, query, body), its 2xx response (a zod
 * schema, which Fastify also uses to serialise: it must be exact, or a response loses fields) and its errors in the
 * one error shape, `ErrorBody`, registered once (components.schemas.ErrorBody) and referenced by every operation.
 * test/integration/openapi.test.ts walks the document and fails for an operation that does not.
 */
import { jsonSchemaTransform, jsonSchemaTransformObject, serializerCompiler } from 'fastify-type-provider-zod';
import { z } from 'zod';

export const ErrorDetailSchema = z.object({
  path: z
    .string()
    .describe('The offending field, dotted (`contacts.0.phone`, `querystring.page`); empty for the whole'),
  message: z.string().describe('中文'),
  messageEn: z.string(),
  code: z.string().optional().describe('A stable code, or the CEB code where the standard has one'),
});

/** The platform's one error shape (src/platform/http/errors.ts `errorBody`). */
export const ErrorBodySchema = z
  .object({
    error: z.object({
      code: z.string(),
      message: z.string().describe('中文'),
      messageEn: z.string(),
      details: z.array(ErrorDetailSchema),
      requestId: z.string().describe('Also the x-request-id response header'),
    }),
  })
  .describe(
    'The error shape of every failure: 400 invalid input (each field in details), 401 not signed in, 403 not allowed, ' +
      '404 not found (also for another enterprise’s data), 409 conflict, 413 too large, 415 media type, 422 refused by ' +
      'a rule, 429 too many requests (Retry-After), 500 internal, 503 a dependency is unavailable (Retry-After)',
  );
z.globalRegistry.add(ErrorBodySchema, { id: 'ErrorBody' });

/** The error responses of an operation: every 4xx and 5xx answer is an ErrorBody. */
export const errorResponses = { '4xx': ErrorBodySchema, '5xx': ErrorBodySchema } as const;

/**
 * Adds the error responses to a route being registered (the app's onRoute hook), unless the route declares its own
 * for 4xx/5xx (the message entry answers with its format receipt). Hidden routes are left as they are.
 */
export function addErrorResponses(route: { schema?: Record<string, unknown> }): void {
  route.schema ??= {};
  const schema = route.schema;
  if (schema.hide) return;
  const response = (schema.response ?? {}) as Record<string, unknown>;
  schema.response = { ...errorResponses, ...response };
}

/**
 * A request body documented but not validated by Fastify (a route that parses its body itself, e.g. the CEB
 * message entry: XML bytes kept exactly for the signature, or JSON). Put it in the route schema as `requestBody`.
 */
export type RequestBodyDoc = {
  description?: string;
  content: Record<string, { schema: z.ZodType | Record<string, unknown>; examples?: Record<string, unknown> }>;
};

type TransformInput = Parameters<typeof jsonSchemaTransform>[0];

/** jsonSchemaTransform, plus `requestBody` (documentation only) turned into the operation's body. */
export function openapiTransform(document: TransformInput) {
  const doc = document as TransformInput & { schema?: { requestBody?: RequestBodyDoc } };
  const requestBody = doc.schema?.requestBody;
  const out = jsonSchemaTransform(document) as { schema: Record<string, unknown>; url: string };
  if (requestBody && out.schema) {
    delete out.schema.requestBody;
    const content: Record<string, unknown> = {};
    for (const [type, media] of Object.entries(requestBody.content)) {
      const schema =
        media.schema instanceof z.ZodType
          ? z.toJSONSchema(media.schema, { target: 'openapi-3.0', io: 'input', unrepresentable: 'any' })
          : media.schema;
      content[type] = { schema, ...(media.examples ? { examples: media.examples } : {}) };
    }
    out.schema.body = { ...(requestBody.description ? { description: requestBody.description } : {}), content };
  }
  return out;
}

/** The paths of `data` that `encoded` lost (keys a response schema does not declare), for the strict serializer. */
export function droppedFields(data: unknown, encoded: unknown, path = ''): string[] {
  if (Array.isArray(data) && Array.isArray(encoded)) {
    return data.flatMap((v, i) => droppedFields(v, encoded[i], `${path}[${i}]`));
  }
  const plain = (v: unknown): v is Record<string, unknown> =>
    v !== null && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype;
  if (!plain(data) || !plain(encoded)) return [];
  return Object.entries(data).flatMap(([k, v]) => {
    if (v === undefined) return [];
    const at = path ? `${path}.${k}` : k;
    return Object.hasOwn(encoded, k) ? droppedFields(v, encoded[k], at) : [at];
  });
}

type SerializerCompiler = typeof serializerCompiler;

/** serializerCompiler that throws when the schema would drop a field of the data (tests: schemas must be exact). */
export const strictSerializerCompiler: SerializerCompiler = (route) => {
  const serialize = serializerCompiler(route);
  return (data: unknown) => {
    const text = serialize(data);
    const lost = droppedFields(JSON.parse(JSON.stringify(data)), JSON.parse(text));
    if (lost.length) {
      throw new Error(
        `response of ${route.method} ${route.url} loses fields its schema does not declare: ${lost.join(', ')}`,
      );
    }
    return text;
  };
};

/** A 204 answer: no body. */
export const noContent = z.undefined().describe('Done: no content');

/**
 * jsonSchemaTransformObject (the registered schemas as components), without the input twins nothing refers to:
 * ErrorBody is a response, so ErrorBodyInput would only be noise.
 */
export function openapiTransformObject(document: Parameters<typeof jsonSchemaTransformObject>[0]) {
  const out = jsonSchemaTransformObject(document);
  const schemas = (out as { components?: { schemas?: Record<string, unknown> } }).components?.schemas;
  if (schemas) {
    const used = JSON.stringify((out as { paths?: unknown }).paths ?? {});
    for (const name of Object.keys(schemas)) {
      if (name.endsWith('Input') && !used.includes(`#/components/schemas/${name}"`)) delete schemas[name];
    }
  }
  return out;
}

/**
 * Shortcuts into the generated types of the HTTP API (schema.gen.ts, from the server's OpenAPI document): the JSON
 * answer, the query and the body of an operation, named by its path and method as the document names them.
 */
import type { components, paths } from './schema.gen';

export type { components, paths };

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';
type Op<P extends keyof paths, M extends Method> = NonNullable<paths[P][M]>;
type JsonOf<R> = R extends { content: { 'application/json': infer J } } ? J : never;
type Responses<P extends keyof paths, M extends Method> = Op<P, M> extends { responses: infer R } ? R : never;

/** The JSON answer of an operation (its 200, else its 201). */
export type ApiOk<P extends keyof paths, M extends Method = 'get'> =
  Responses<P, M> extends { 200: infer R } ? JsonOf<R> : Responses<P, M> extends { 201: infer R } ? JsonOf<R> : never;

/** The query parameters of an operation. */
export type ApiQuery<P extends keyof paths, M extends Method = 'get'> =
  Op<P, M> extends { parameters: { query?: infer Q } } ? NonNullable<Q> : never;

/** The JSON body of an operation. */
export type ApiBody<P extends keyof paths, M extends Method = 'post'> =
  Op<P, M> extends { requestBody?: infer B } ? JsonOf<NonNullable<B>> : never;

/** An element of an array type. */
export type Item<A> = A extends readonly (infer T)[] ? T : never;

/**
 * A generated type with some fields narrowed where the server's response schema is looser than what it sends
 * (a `status: string` that is an enum on the server, a JSON column declared `unknown`).
 */
export type Refine<T, R> = Omit<T, keyof R> & R;

export type ErrorBodySchema = components['schemas']['ErrorBody'];

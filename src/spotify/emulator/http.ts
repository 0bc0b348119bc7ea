import type { FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import type { SpotifyErrorBody } from '../spotify-api.types.js';
import type { TokenStore } from './tokens.js';

/** A Web API failure, answered as Spotify's ErrorObject: `{error: {status, message, reason?}}`. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly reason?: string,
  ) {
    super(message);
  }
}

export function errorBody(status: number, message: string, reason?: string): SpotifyErrorBody {
  return { error: { status, message, ...(reason === undefined ? {} : { reason }) } };
}

export function sendApiError(reply: FastifyReply, error: ApiError): FastifyReply {
  return reply.code(error.status).send(errorBody(error.status, error.message, error.reason));
}

/** The query string, one value a name (Spotify takes the first of repeated ones). */
export function queryOf(request: FastifyRequest): URLSearchParams {
  return new URL(request.url, 'http://emulator').searchParams;
}

/** An integer query parameter within bounds; anything else answers 400 "Invalid <name>" as Spotify does. */
export function integerParam(
  query: URLSearchParams,
  name: string,
  bounds: { min: number; max: number; default: number },
): number {
  const given = query.get(name);
  if (given === null || given === '') return bounds.default;
  const value = Number(given);
  if (!/^-?\d+$/.test(given) || value < bounds.min || value > bounds.max) {
    throw new ApiError(400, `Invalid ${name}`);
  }
  return value;
}

/** `limit` 1..max (default 20) and `offset` 0..maxOffset (default 0) of offset paging. */
export function pagingParams(
  query: URLSearchParams,
  bounds: { maxLimit: number; defaultLimit?: number; maxOffset?: number },
): { limit: number; offset: number } {
  return {
    limit: integerParam(query, 'limit', {
      min: 1,
      max: bounds.maxLimit,
      default: bounds.defaultLimit ?? 20,
    }),
    offset: integerParam(query, 'offset', {
      min: 0,
      max: bounds.maxOffset ?? Number.MAX_SAFE_INTEGER,
      default: 0,
    }),
  };
}

/** A JSON body checked against a schema; a bad one answers 400 naming the first problem. */
export function parseBody<T>(schema: z.ZodType<T>, body: unknown): T {
  const parsed = schema.safeParse(body ?? {});
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const field = issue.path.join('.');
  throw new ApiError(400, field ? `Invalid ${field}: ${issue.message}` : issue.message);
}

/** The scopes of each request's access token, for requireScope. */
const grantedScopes = new WeakMap<FastifyRequest, ReadonlySet<string>>();

/** A missing, unknown or expired access token answers 401, with Spotify's messages. */
export function authenticate(tokens: TokenStore, request: FastifyRequest): void {
  const header = request.headers.authorization;
  if (!header) throw new ApiError(401, 'No token provided');
  const token = /^Bearer (\S+)$/.exec(header)?.[1];
  if (!token) throw new ApiError(401, 'Only valid bearer authentication supported');
  const check = tokens.checkAccessToken(token);
  if (!check.ok) throw new ApiError(401, check.message);
  grantedScopes.set(request, check.scopes);
}

/** Answers 403 unless the token was granted one of `scopes`. */
export function requireScope(request: FastifyRequest, ...scopes: string[]): void {
  const granted = grantedScopes.get(request);
  if (!scopes.some((scope) => granted?.has(scope))) {
    throw new ApiError(403, 'Insufficient client scope');
  }
}

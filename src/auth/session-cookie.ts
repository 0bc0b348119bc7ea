import { sameSecret } from '../common/same-secret.js';
import type { FastifyReply, FastifyRequest } from 'fastify';

export const SESSION_COOKIE = 'spotlib_session';
/** Cookie-authenticated writes carry the session's CSRF token in this header. */
export const CSRF_HEADER = 'x-csrf-token';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function sessionTokenOf(request: FastifyRequest): string | undefined {
  return request.cookies[SESSION_COOKIE] || undefined;
}

/** A request that may change something, so a cross-site page must not be able to send it. */
export function isUnsafe(request: FastifyRequest): boolean {
  return !SAFE_METHODS.has(request.method);
}

/**
 * HttpOnly keeps page scripts from reading it, SameSite=Lax keeps other
 * sites' forms and scripts from sending it (a link to Spotlib still works),
 * Secure whenever the browser came over HTTPS (through TRUST_PROXY's proxy too).
 */
function cookieOptions(request: FastifyRequest, path = '/') {
  return { httpOnly: true, sameSite: 'lax', secure: request.protocol === 'https', path } as const;
}

export function setSessionCookie(
  request: FastifyRequest,
  reply: FastifyReply,
  token: string,
  expires: Date,
): void {
  reply.setCookie(SESSION_COOKIE, token, { ...cookieOptions(request), expires });
}

export function clearSessionCookie(request: FastifyRequest, reply: FastifyReply): void {
  reply.clearCookie(SESSION_COOKIE, cookieOptions(request));
}

/**
 * "Sign in with Spotify" remembers its state in the browser that started it:
 * a callback link made by someone else (who approved at Spotify as
 * themselves) then signs nobody in (login CSRF).
 */
const SIGN_IN_COOKIE = 'spotlib_signin';
const SIGN_IN_PATH = '/api/auth/spotify/signin';

export function setSignInCookie(request: FastifyRequest, reply: FastifyReply, state: string): void {
  reply.setCookie(SIGN_IN_COOKIE, state, { ...cookieOptions(request, SIGN_IN_PATH), maxAge: 600 });
}

/** Whether this browser started the sign-in the state names; forgets it either way. */
export function takeSignInCookie(
  request: FastifyRequest,
  reply: FastifyReply,
  state: string,
): boolean {
  const started = request.cookies[SIGN_IN_COOKIE];
  reply.clearCookie(SIGN_IN_COOKIE, cookieOptions(request, SIGN_IN_PATH));
  return !!started && sameSecret(started, state);
}

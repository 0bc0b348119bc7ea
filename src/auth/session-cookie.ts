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
export function setSessionCookie(
  request: FastifyRequest,
  reply: FastifyReply,
  token: string,
  expires: Date,
): void {
  reply.setCookie(SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: 'lax',
    secure: request.protocol === 'https',
    path: '/',
    expires,
  });
}

export function clearSessionCookie(request: FastifyRequest, reply: FastifyReply): void {
  reply.clearCookie(SESSION_COOKIE, {
    httpOnly: true,
    sameSite: 'lax',
    secure: request.protocol === 'https',
    path: '/',
  });
}

import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { SpotifyOAuthErrorBody } from '../spotify-api.types.js';
import { queryOf } from './http.js';
import type { EmulatorState } from './state.js';
import { OAuthError } from './tokens.js';

/**
 * The accounts service (accounts.spotify.com): Authorization Code with PKCE,
 * the user consenting at once. GET /authorize redirects back with a code;
 * POST /api/token exchanges it, and refresh tokens, for access tokens.
 */

/** The scopes Spotify knows; asking for another is invalid_scope. */
const KNOWN_SCOPES = new Set([
  'app-remote-control',
  'playlist-read-private',
  'playlist-read-collaborative',
  'playlist-modify-public',
  'playlist-modify-private',
  'user-library-read',
  'user-library-modify',
  'user-read-private',
  'user-read-email',
  'user-follow-read',
  'user-follow-modify',
  'user-top-read',
  'user-read-playback-position',
  'user-read-playback-state',
  'user-read-recently-played',
  'user-read-currently-playing',
  'user-modify-playback-state',
  'ugc-image-upload',
  'streaming',
]);

export function registerAccountsRoutes(app: FastifyInstance, state: EmulatorState): void {
  app.get('/authorize', (request, reply) => authorize(state, request, reply));

  app.post('/api/token', (request) => {
    const form = formOf(request);
    const clientId = form.get('client_id') ?? basicAuthClientId(request);
    if (!clientId || (state.clientId !== undefined && clientId !== state.clientId)) {
      throw new OAuthError('invalid_client', 'Invalid client');
    }
    const grantType = form.get('grant_type');
    if (grantType === 'authorization_code') {
      return state.tokens.exchangeCode({
        code: required(form, 'code'),
        redirectUri: required(form, 'redirect_uri'),
        codeVerifier: required(form, 'code_verifier'),
        clientId,
      });
    }
    if (grantType === 'refresh_token') {
      return state.tokens.refresh({ refreshToken: required(form, 'refresh_token'), clientId });
    }
    throw new OAuthError(
      'unsupported_grant_type',
      grantType ? `grant_type ${grantType} is not supported` : 'grant_type parameter is missing',
    );
  });
}

/**
 * Problems with the client or the redirect URI show an error page (sending
 * the user to an unverified redirect URI is what OAuth forbids); the others
 * go back to the redirect URI as `error=...`, as Spotify does.
 */
function authorize(state: EmulatorState, request: FastifyRequest, reply: FastifyReply) {
  const query = queryOf(request);
  const clientId = query.get('client_id');
  if (!clientId || (state.clientId !== undefined && clientId !== state.clientId)) {
    return errorPage(reply, 'INVALID_CLIENT: Invalid client');
  }
  const redirectUri = parseRedirectUri(query.get('redirect_uri'));
  if (typeof redirectUri === 'string') return errorPage(reply, redirectUri);

  const back = (params: Record<string, string>) => {
    const target = new URL(redirectUri);
    for (const [name, value] of Object.entries(params)) target.searchParams.set(name, value);
    const stateParam = query.get('state');
    if (stateParam !== null) target.searchParams.set('state', stateParam);
    return reply.redirect(target.toString(), 302);
  };
  const responseType = query.get('response_type');
  if (!responseType) return back({ error: 'invalid_request' });
  if (responseType !== 'code') return back({ error: 'unsupported_response_type' });
  const challenge = query.get('code_challenge');
  if (query.get('code_challenge_method') !== 'S256' || !challenge) {
    return back({ error: 'invalid_request' });
  }
  // base64url of a SHA-256 digest: 43 characters.
  if (!/^[A-Za-z0-9_-]{43}$/.test(challenge)) return back({ error: 'invalid_request' });
  const scopes = (query.get('scope') ?? '').split(/\s+/).filter(Boolean);
  if (scopes.some((scope) => !KNOWN_SCOPES.has(scope))) return back({ error: 'invalid_scope' });

  const code = state.tokens.issueCode({
    clientId,
    redirectUri: query.get('redirect_uri')!,
    codeChallenge: challenge,
    scope: scopes.join(' '),
  });
  return back({ code });
}

/** Spotify redirects over plain HTTP only to a loopback address, and never to `localhost`. */
function parseRedirectUri(given: string | null): URL | string {
  if (!given) return 'INVALID_CLIENT: Invalid redirect URI';
  let url: URL;
  try {
    url = new URL(given);
  } catch {
    return 'INVALID_CLIENT: Invalid redirect URI';
  }
  const loopback = url.hostname === '127.0.0.1' || url.hostname === '[::1]';
  if (url.protocol === 'https:' || (url.protocol === 'http:' && loopback)) return url;
  return 'INVALID_CLIENT: Insecure redirect URI';
}

function errorPage(reply: FastifyReply, message: string) {
  return reply.code(400).type('text/plain; charset=utf-8').send(message);
}

/** The token endpoint's body (application/x-www-form-urlencoded, parsed by the content-type parser). */
function formOf(request: FastifyRequest): URLSearchParams {
  if (request.body instanceof URLSearchParams) return request.body;
  throw new OAuthError('invalid_request', 'Expected an application/x-www-form-urlencoded body');
}

function required(form: URLSearchParams, name: string): string {
  const value = form.get(name);
  if (!value) throw new OAuthError('invalid_request', `Missing parameter: ${name}`);
  return value;
}

/** A confidential client sends its id as HTTP Basic credentials instead. */
function basicAuthClientId(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (!header?.startsWith('Basic ')) return undefined;
  const decoded = Buffer.from(header.slice('Basic '.length), 'base64').toString('utf8');
  return decoded.split(':')[0] || undefined;
}

/** The token endpoint's failures, as RFC 6749 has them. */
export function oauthErrorBody(error: OAuthError): SpotifyOAuthErrorBody {
  return { error: error.error, error_description: error.description };
}

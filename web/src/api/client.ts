/** The API's one error shape, as the server sends it. */
export interface ErrorBody {
  error: string;
  message: string;
  details?: unknown;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: ErrorBody,
  ) {
    super(body.message);
  }
}

let csrfToken: string | null = null;

/** Multi-user mode: changes made through the session cookie carry this (from the session). */
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/** Where the demo profile being looked at is kept: per tab, so a reload stays in the demo. */
export const DEMO_STORAGE_KEY = 'spotlib.demo';

/** The demo profile's API token while the app shows demo data (api/demo.ts sets it). */
function demoToken(): string | null {
  const stored = sessionStorage.getItem(DEMO_STORAGE_KEY);
  if (!stored) return null;
  try {
    return (JSON.parse(stored) as { token?: string }).token ?? null;
  } catch {
    return null;
  }
}

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/**
 * Who a request acts for: the CSRF token with a change made through the
 * session cookie, and the demo profile's token while the app shows the demo.
 * Every request to the API carries these (uploads too).
 */
export function authHeaders(method: Method, options: { asOwner?: boolean } = {}) {
  const headers: Record<string, string> = {};
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  const demo = options.asOwner ? null : demoToken();
  if (demo) headers.authorization = `Bearer ${demo}`;
  return headers;
}

/**
 * One request to the API: JSON in and out, errors as ApiError. In the demo
 * every request acts as the demo profile, unless `asOwner` (managing the
 * demo itself is the signed-in user's business).
 */
export async function api<T>(
  method: Method,
  path: string,
  body?: unknown,
  options: { asOwner?: boolean } = {},
): Promise<T> {
  const headers = authHeaders(method, options);
  if (body !== undefined && !(body instanceof FormData))
    headers['content-type'] = 'application/json';
  const response = await fetch(`/api${path}`, {
    method,
    headers,
    credentials: 'same-origin',
    ...(body === undefined ? {} : { body: body instanceof FormData ? body : JSON.stringify(body) }),
  });
  if (response.status === 204) return undefined as T;
  const payload: unknown = await response.json().catch(() => null);
  if (!response.ok) {
    const error = payload as Partial<ErrorBody> | null;
    throw new ApiError(response.status, {
      error: error?.error ?? 'http_error',
      message: error?.message ?? `The server answered ${response.status}`,
      details: error?.details,
    });
  }
  return payload as T;
}

/** A query string from the defined values. */
export function query(
  params: Record<string, string | number | boolean | undefined | null>,
): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') search.set(key, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

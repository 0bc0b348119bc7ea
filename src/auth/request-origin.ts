import type { FastifyRequest } from 'fastify';
import { isLoopback } from '../config/config.js';

/**
 * Whether a browser sent this request from a page of another site. Browsers
 * say so in Sec-Fetch-Site (all current ones) or, failing that, in Origin;
 * programs (the CLI, curl, scrobblers) send neither and are not browsers.
 */
export function isCrossSite(request: FastifyRequest): boolean {
  const site = request.headers['sec-fetch-site'];
  if (site !== undefined) return site !== 'same-origin' && site !== 'none';
  const origin = request.headers.origin;
  return origin !== undefined && !isSameOrigin(origin, request);
}

/** host[:port] of the Origin against the request's own, default ports left out on both sides. */
export function isSameOrigin(origin: string, request: FastifyRequest): boolean {
  const own = hostOf(`${request.protocol}://${request.host}`);
  return own !== undefined && hostOf(origin) === own;
}

/**
 * Whether the request was addressed to this machine by a loopback name. A
 * web page whose own domain resolves to 127.0.0.1 (DNS rebinding) sends its
 * domain as Host, and so cannot pass for a local page.
 */
export function isAddressedToLoopback(request: FastifyRequest): boolean {
  const hostname = hostOf(`http://${request.host}`);
  return hostname !== undefined && isLoopback(new URL(`http://${hostname}`).hostname);
}

function hostOf(url: string): string | undefined {
  try {
    return new URL(url).host;
  } catch {
    return undefined;
  }
}

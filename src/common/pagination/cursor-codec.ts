import { createHash, createHmac } from 'node:crypto';
import type { z } from 'zod';
import { ApiError } from '../errors/http-error.filter.js';
import { sameSecret } from '../same-secret.js';

/**
 * What a cursor is bound to: the query and every parameter that shapes its
 * order and its rows (sort, direction, filters). A cursor made for one binding
 * is refused under any other.
 */
export type CursorBinding = Record<string, unknown>;

export class InvalidCursorError extends ApiError {
  constructor(reason: string) {
    super(400, 'invalid_cursor', `Invalid cursor: ${reason}`);
  }
}

const MAC_BYTES = 16;

/**
 * Opaque keyset cursors: base64url(JSON {b, p}) "." base64url(HMAC). `b` is a
 * fingerprint of the binding, `p` the position (the sort keys of the last row
 * returned). The MAC makes a tampered cursor detectable, so the position can
 * be trusted once its shape is validated.
 */
export class CursorCodec {
  constructor(private readonly key: Uint8Array) {}

  encode(binding: CursorBinding, position: unknown): string {
    const payload = Buffer.from(JSON.stringify({ b: fingerprint(binding), p: position }));
    return `${payload.toString('base64url')}.${this.mac(payload).toString('base64url')}`;
  }

  decode<T>(cursor: string, binding: CursorBinding, position: z.ZodType<T>): T {
    const [encodedPayload, encodedMac, extra] = cursor.split('.');
    if (!encodedPayload || !encodedMac || extra !== undefined) {
      throw new InvalidCursorError('malformed');
    }
    const payload = Buffer.from(encodedPayload, 'base64url');
    const mac = Buffer.from(encodedMac, 'base64url');
    const expected = this.mac(payload);
    if (!sameSecret(mac, expected)) {
      throw new InvalidCursorError('it was altered or made by another server');
    }
    const { b, p } = JSON.parse(payload.toString('utf8')) as { b?: unknown; p?: unknown };
    if (b !== fingerprint(binding)) {
      throw new InvalidCursorError('it belongs to another sort or filter');
    }
    const parsed = position.safeParse(p);
    if (!parsed.success) throw new InvalidCursorError('unexpected position');
    return parsed.data;
  }

  private mac(payload: Buffer): Buffer {
    return createHmac('sha256', this.key).update(payload).digest().subarray(0, MAC_BYTES);
  }
}

function fingerprint(binding: CursorBinding): string {
  return createHash('sha256').update(canonicalJson(binding)).digest('base64url').slice(0, 22);
}

/** JSON with object keys sorted, so equal bindings give equal text. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

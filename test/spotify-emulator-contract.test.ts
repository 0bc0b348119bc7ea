/**
 * Contract test: the Spotify emulator's real HTTP answers, validated against
 * Spotify's OpenAPI 3.0.3 description (test/fixtures/spotify-web-api.openapi.yml,
 * a copy of ../shared/fixtures) with Ajv, for every endpoint the emulator
 * serves, successes and errors.
 *
 * How the description's schemas become JSON Schema (draft-07) for Ajv:
 * - `nullable: true` lets the value also be null (`type` becomes a type
 *   array, null joins an `enum`; without a `type`, an anyOf with null).
 * - `$ref: "#/components/schemas/X"` points into one registered schema that
 *   holds every components.schemas entry under `definitions`.
 * - `discriminator` is dropped: the `oneOf` it annotates decides alone (a
 *   TrackObject's `type` enum is ["track"] and an EpisodeObject requires
 *   fields a track lacks, so exactly one alternative matches).
 * - The annotations Ajv does not know (`example`, `x-*`) are dropped, so
 *   strict mode still refuses any other keyword it would silently ignore.
 * - ERRATA lists where the description is stricter than what Spotify sends;
 *   each entry says why. Nothing else is loosened.
 * The error answers (400, 401, 403, 404, 429, 500) are checked against the
 * operation's declared response, or, where the operation declares none for
 * that status, against the description's shared `{error: ErrorObject}`
 * response. The accounts service is not in the description: its answers are
 * checked against RFC 6749's token and error responses (§5.1, §5.2).
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  codeChallenge,
  startSpotifyEmulator,
  type SpotifyEmulator,
} from '../src/spotify/emulator/index.js';
import type {
  SpotifyPaging,
  SpotifySavedTrack,
  SpotifySimplifiedPlaylist,
} from '../src/spotify/spotify-api.types.js';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

interface OpenApi {
  paths: Record<string, Record<string, { responses: Record<string, JsonObject> }>>;
  components: { schemas: Record<string, JsonObject>; responses: Record<string, JsonObject> };
}

const SPEC_ID = 'https://spotlib.test/spotify-web-api.json';

/** Where Spotify's answers are looser than its description. */
const ERRATA: { schema: string; property: string; why: string }[] = [
  {
    schema: 'CursorPagingObject',
    property: 'next',
    why: 'null on the last page of recently played (the description itself says "`null` if none")',
  },
  {
    schema: 'CursorPagingObject',
    property: 'cursors',
    why: 'null when a page of recently played is empty',
  },
];

/** The shared error response for each status an operation may not declare. */
const SHARED_ERRORS: Record<number, string> = {
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  429: 'TooManyRequests',
  // The description has no 5xx response; Spotify's 500 carries the same error object.
  500: 'BadRequest',
};

function loadSpec(): OpenApi {
  const file = path.resolve(import.meta.dirname, 'fixtures/spotify-web-api.openapi.yml');
  return parse(readFileSync(file, 'utf8')) as OpenApi;
}

/** OpenAPI 3.0 schema → JSON Schema, as described at the top. */
function toJsonSchema(node: Json): Json {
  if (Array.isArray(node)) return node.map(toJsonSchema);
  if (node === null || typeof node !== 'object') return node;
  const schema: JsonObject = {};
  for (const [key, value] of Object.entries(node)) {
    if (['nullable', 'discriminator', 'example'].includes(key) || key.startsWith('x-')) continue;
    if (key === '$ref' && typeof value === 'string') {
      schema.$ref = value.replace('#/components/schemas/', `${SPEC_ID}#/definitions/`);
    } else if (key === 'properties' && value && typeof value === 'object') {
      // Property names are data, not keywords: convert each property's schema, keep every name.
      schema.properties = Object.fromEntries(
        Object.entries(value).map(([name, property]) => [name, toJsonSchema(property)]),
      );
    } else {
      schema[key] = toJsonSchema(value);
    }
  }
  if (node.nullable !== true) return schema;
  if (Array.isArray(schema.enum)) schema.enum = [...schema.enum, null];
  if (typeof schema.type === 'string') {
    schema.type = [schema.type, 'null'];
    return schema;
  }
  return { anyOf: [schema, { type: 'null' }] };
}

function applyErrata(schemas: Record<string, JsonObject>): void {
  for (const { schema, property } of ERRATA) {
    const properties = schemas[schema]!.properties as Record<string, JsonObject>;
    properties[property] = { anyOf: [properties[property]!, { type: 'null' }] };
  }
}

/** Validators for the description's responses, by operation and status. */
class Contract {
  readonly ajv = new Ajv({
    strict: true,
    // The description splits objects over allOf: a type or a required property may sit in a sibling.
    strictTypes: false,
    strictRequired: false,
    allErrors: true,
  });
  private readonly spec = loadSpec();
  private readonly validators = new Map<string, ValidateFunction>();

  constructor() {
    addFormats.default(this.ajv);
    const definitions = toJsonSchema(this.spec.components.schemas) as Record<string, JsonObject>;
    applyErrata(definitions);
    this.ajv.addSchema({ $id: SPEC_ID, definitions });
  }

  /** The JSON schema of an operation's answer with `status`; undefined when it has no body. */
  responseSchema(method: string, specPath: string, status: number): JsonObject | undefined {
    const operation = this.spec.paths[specPath]?.[method.toLowerCase()];
    if (!operation) throw new Error(`the description has no ${method} ${specPath}`);
    const shared = SHARED_ERRORS[status];
    let response =
      operation.responses[String(status)] ??
      (shared === undefined ? undefined : this.spec.components.responses[shared]);
    if (!response) throw new Error(`${method} ${specPath} declares no ${status} answer`);
    // A response by reference: "#/components/responses/Name".
    const ref = response.$ref;
    if (typeof ref === 'string') response = this.spec.components.responses[ref.split('/').pop()!]!;
    const content = response.content as Record<string, { schema: Json }> | undefined;
    return content && (toJsonSchema(content['application/json']!.schema) as JsonObject);
  }

  validator(method: string, specPath: string, status: number): ValidateFunction {
    const key = `${method} ${specPath} ${status}`;
    let validate = this.validators.get(key);
    if (!validate) {
      const schema = this.responseSchema(method, specPath, status);
      if (!schema) throw new Error(`${key} has no body in the description`);
      validate = this.ajv.compile(schema);
      this.validators.set(key, validate);
    }
    return validate;
  }

  /** The problems of `body` as an answer, or 'valid'. */
  check(method: string, specPath: string, status: number, body: unknown): string {
    const validate = this.validator(method, specPath, status);
    return validate(body) ? 'valid' : this.ajv.errorsText(validate.errors, { dataVar: 'body' });
  }
}

describe('Spotify emulator against the Web API description', () => {
  const contract = new Contract();
  let emulator: SpotifyEmulator;
  let token: string;

  /** Calls the emulator and checks the answer against `specPath`'s response for its status. */
  async function expectContract(
    method: string,
    specPath: string,
    url: string,
    expectedStatus: number,
    options: { body?: unknown; token?: string | null } = {},
  ): Promise<unknown> {
    const bearer = options.token === undefined ? token : options.token;
    const response = await fetch(`${emulator.url}${url}`, {
      method,
      headers: {
        ...(bearer === null ? {} : { authorization: `Bearer ${bearer}` }),
        ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
    });
    const text = await response.text();
    expect(response.status, `${method} ${url}: ${text.slice(0, 300)}`).toBe(expectedStatus);
    if (!contract.responseSchema(method, specPath, expectedStatus)) {
      expect(text, `${method} ${url} answers no body`).toBe('');
      return undefined;
    }
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    const body = JSON.parse(text) as unknown;
    expect(contract.check(method, specPath, expectedStatus, body), `${method} ${url}`).toBe(
      'valid',
    );
    return body;
  }

  beforeAll(async () => {
    emulator = await startSpotifyEmulator({ tracks: 300, seed: 11, clientId: 'contractclient' });
    token = emulator.state.issueAccessToken();
  });
  afterAll(() => emulator?.close());

  it('fails a broken object (the validators are not vacuous)', async () => {
    const page = (await expectContract(
      'GET',
      '/me/tracks',
      '/v1/me/tracks?limit=3',
      200,
    )) as SpotifyPaging<SpotifySavedTrack>;
    const check = (broken: unknown) => contract.check('GET', '/me/tracks', 200, broken);
    const withoutTotal: Partial<typeof page> = { ...page };
    delete withoutTotal.total;
    expect(check(withoutTotal)).toMatch(/must have required property 'total'/);
    const badImage = structuredClone(page);
    (badImage.items[0]!.track.album.images[0]! as { height: unknown }).height = '640';
    expect(check(badImage)).toMatch(/height must be integer,null/);
    const badType = structuredClone(page);
    (badType.items[0]!.track as { type: string }).type = 'episode';
    expect(check(badType)).toMatch(/must be equal to one of the allowed values/);
    const badDate = structuredClone(page);
    badDate.items[0]!.added_at = 'yesterday';
    expect(check(badDate)).toMatch(/must match format "date-time"/);
    expect(contract.check('GET', '/me', 401, { error: { status: 401 } })).toMatch(
      /must have required property 'message'/,
    );
  });

  it('answers /me, /me/tracks and recently played as described', async () => {
    await expectContract('GET', '/me', '/v1/me', 200);
    await expectContract('GET', '/me', '/v1/me', 401, { token: null });
    await expectContract('GET', '/me', '/v1/me', 401, { token: 'unknown-token' });
    await expectContract('GET', '/me/tracks', '/v1/me/tracks', 200);
    await expectContract('GET', '/me/tracks', '/v1/me/tracks?offset=280&limit=50', 200);
    await expectContract('GET', '/me/tracks', '/v1/me/tracks?limit=51', 400);
    const narrow = emulator.state.issueAccessToken(['user-read-private']);
    await expectContract('GET', '/me/tracks', '/v1/me/tracks', 403, { token: narrow });

    const played = '/me/player/recently-played';
    const feed = (await expectContract('GET', played, `/v1${played}?limit=50`, 200)) as {
      cursors: { after: string; before: string };
    };
    await expectContract('GET', played, `/v1${played}?limit=10`, 200);
    await expectContract('GET', played, `/v1${played}?after=${feed.cursors.before}`, 200);
    await expectContract('GET', played, `/v1${played}?after=${feed.cursors.after}`, 200);
    await expectContract('GET', played, `/v1${played}?before=${feed.cursors.after}&limit=5`, 200);
    await expectContract('GET', played, `/v1${played}?after=1&before=2`, 400);
  });

  it('answers the catalog one id at a time, and refuses batches as described', async () => {
    const track = emulator.state.catalogTrack(emulator.state.trackIds()[0]!)!;
    await expectContract('GET', '/tracks/{id}', `/v1/tracks/${track.id}`, 200);
    await expectContract('GET', '/tracks/{id}', '/v1/tracks/0000000000000000000000', 404);
    await expectContract('GET', '/tracks/{id}', '/v1/tracks/nope', 400);
    await expectContract('GET', '/albums/{id}', `/v1/albums/${track.album.id}`, 200);
    await expectContract('GET', '/albums/{id}/tracks', `/v1/albums/${track.album.id}/tracks`, 200);
    await expectContract('GET', '/artists/{id}', `/v1/artists/${track.artists[0]!.id}`, 200);
    await expectContract('GET', '/artists/{id}', '/v1/artists/0000000000000000000000', 404);
    // Every artist: some have no genres, some have several.
    for (const artist of emulator.state.catalog.artists) {
      await expectContract('GET', '/artists/{id}', `/v1/artists/${artist.id}`, 200);
    }
    await expectContract('GET', '/tracks', `/v1/tracks?ids=${track.id}`, 403);
    await expectContract('GET', '/albums', `/v1/albums?ids=${track.album.id}`, 403);
    await expectContract('GET', '/artists', `/v1/artists?ids=${track.artists[0]!.id}`, 403);
  });

  it('answers search as described', async () => {
    const track = emulator.state.catalogTrack(emulator.state.trackIds()[5]!)!;
    const q = encodeURIComponent(`track:"${track.name}" artist:"${track.artists[0]!.name}"`);
    const found = (await expectContract('GET', '/search', `/v1/search?type=track&q=${q}`, 200)) as {
      tracks: { items: { id: string }[] };
    };
    expect(found.tracks.items.map((item) => item.id)).toContain(track.id);
    await expectContract('GET', '/search', '/v1/search?type=track&q=e&limit=10&offset=10', 200);
    await expectContract('GET', '/search', '/v1/search?type=track&q=e&limit=50', 400);
  });

  it('answers the playlist endpoints as described', async () => {
    const uris = emulator.state.trackIds().map((id) => `spotify:track:${id}`);
    const created = (await expectContract('POST', '/me/playlists', '/v1/me/playlists', 201, {
      body: { name: 'Contract', description: 'checked', public: false },
    })) as SpotifySimplifiedPlaylist;
    await expectContract('POST', '/me/playlists', '/v1/me/playlists', 201, {
      body: { name: 'No description' },
    });
    await expectContract('GET', '/me/playlists', '/v1/me/playlists', 200);
    await expectContract('GET', '/me/playlists', '/v1/me/playlists?limit=1&offset=1', 200);

    const items = `/v1/playlists/${created.id}/items`;
    const itemsPath = '/playlists/{playlist_id}/items';
    await expectContract('POST', itemsPath, items, 201, { body: { uris: uris.slice(0, 60) } });
    await expectContract('POST', itemsPath, items, 201, {
      body: { uris: uris.slice(60, 62), position: 0 },
    });
    await expectContract('POST', itemsPath, items, 400, { body: { uris: uris.slice(0, 101) } });
    await expectContract('POST', itemsPath, items, 400, { body: { uris: ['spotify:track:x'] } });
    await expectContract('GET', itemsPath, items, 200);
    await expectContract('GET', itemsPath, `${items}?offset=50&limit=50`, 200);
    await expectContract('GET', itemsPath, `${items}?limit=51`, 400);
    await expectContract('PUT', itemsPath, items, 200, { body: { uris: uris.slice(5, 9) } });
    await expectContract('PUT', itemsPath, items, 200, {
      body: { range_start: 0, insert_before: 2 },
    });
    await expectContract('DELETE', itemsPath, items, 200, { body: { items: [{ uri: uris[5] }] } });

    const playlistPath = '/playlists/{playlist_id}';
    await expectContract('GET', playlistPath, `/v1/playlists/${created.id}`, 200);
    await expectContract('PUT', playlistPath, `/v1/playlists/${created.id}`, 200, {
      body: { name: 'Renamed', public: true },
    });
    await expectContract('GET', playlistPath, '/v1/playlists/0000000000000000000000', 404);
  });

  it('answers faults as described: 429 with Retry-After, QUOTA_EXCEEDED, 500', async () => {
    const state = emulator.state;
    try {
      state.faults = { failRate: 0, retryAfterSeconds: 1, quotaExceededRate: 1, slowMs: 0 };
      const quota = (await expectContract('GET', '/me/tracks', '/v1/me/tracks', 429)) as {
        error: { reason?: string };
      };
      expect(quota.error.reason).toBe('QUOTA_EXCEEDED');
      state.faults = { failRate: 1, retryAfterSeconds: 1, slowMs: 0 };
      const seen = new Set<number>();
      while (seen.size < 2) {
        const response = await fetch(`${emulator.url}/v1/me/player/recently-played`, {
          headers: { authorization: `Bearer ${token}` },
        });
        const body = await response.json();
        const check = contract.check('GET', '/me/player/recently-played', response.status, body);
        expect(check, `a ${response.status}`).toBe('valid');
        if (response.status === 429) expect(response.headers.get('retry-after')).toBe('1');
        seen.add(response.status);
      }
      expect(seen).toEqual(new Set([429, 500]));
    } finally {
      state.faults = { failRate: 0, retryAfterSeconds: 0.05, slowMs: 200 };
    }
  });
});

describe('Spotify emulator accounts service against RFC 6749', () => {
  const ajv = new Ajv({ strict: true, allErrors: true });
  const tokenResponse = ajv.compile({
    type: 'object',
    required: ['access_token', 'token_type', 'scope', 'expires_in'],
    properties: {
      access_token: { type: 'string', minLength: 1 },
      token_type: { const: 'Bearer' },
      scope: { type: 'string' },
      expires_in: { type: 'integer', minimum: 1 },
      refresh_token: { type: 'string', minLength: 1 },
    },
  });
  const errorResponse = ajv.compile({
    type: 'object',
    required: ['error'],
    properties: {
      error: {
        enum: [
          'invalid_request',
          'invalid_client',
          'invalid_grant',
          'unauthorized_client',
          'unsupported_grant_type',
          'invalid_scope',
        ],
      },
      error_description: { type: 'string' },
    },
  });
  let emulator: SpotifyEmulator;
  beforeAll(async () => {
    emulator = await startSpotifyEmulator({ tracks: 20, seed: 2, clientId: 'contractclient' });
  });
  afterAll(() => emulator?.close());

  async function token(form: Record<string, string>) {
    const response = await fetch(`${emulator.url}/api/token`, {
      method: 'POST',
      body: new URLSearchParams(form),
    });
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    return { status: response.status, body: (await response.json()) as Record<string, string> };
  }

  it('answers token requests and their failures in RFC 6749 shapes', async () => {
    const verifier = randomBytes(32).toString('base64url');
    const redirectUri = 'http://127.0.0.1:3000/callback';
    const authorize = await fetch(
      `${emulator.url}/authorize?${new URLSearchParams({
        client_id: 'contractclient',
        response_type: 'code',
        redirect_uri: redirectUri,
        code_challenge_method: 'S256',
        code_challenge: codeChallenge(verifier),
        scope: 'user-library-read',
      }).toString()}`,
      { redirect: 'manual' },
    );
    expect(authorize.status).toBe(302);
    const code = new URL(authorize.headers.get('location')!).searchParams.get('code')!;
    const exchange = {
      grant_type: 'authorization_code',
      code,
      redirect_uri: redirectUri,
      client_id: 'contractclient',
      code_verifier: verifier,
    };
    const issued = await token(exchange);
    expect(issued.status).toBe(200);
    expect(tokenResponse(issued.body), ajv.errorsText(tokenResponse.errors)).toBe(true);
    expect(issued.body.refresh_token).toBeDefined();
    const refreshed = await token({
      grant_type: 'refresh_token',
      refresh_token: issued.body.refresh_token!,
      client_id: 'contractclient',
    });
    expect(tokenResponse(refreshed.body), ajv.errorsText(tokenResponse.errors)).toBe(true);

    for (const failing of [
      exchange,
      { ...exchange, grant_type: 'client_credentials' },
      { ...exchange, client_id: 'stranger' },
      { grant_type: 'refresh_token', client_id: 'contractclient' },
    ]) {
      const failed = await token(failing);
      expect(failed.status).toBe(400);
      expect(errorResponse(failed.body), ajv.errorsText(errorResponse.errors)).toBe(true);
    }
  });
});

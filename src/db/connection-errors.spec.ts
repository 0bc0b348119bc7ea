import { describe, expect, it } from 'vitest';
import { isDatabaseUnavailable } from './connection-errors.js';

const withCode = (message: string, code: string, syscall?: string) =>
  Object.assign(new Error(message), { code, ...(syscall ? { syscall } : {}) });

describe('isDatabaseUnavailable', () => {
  // Each of these was observed against a PostgreSQL 15 server stopped, restarted or crashed under load.
  it.each([
    ['a fast shutdown', withCode('terminating connection due to administrator command', '57P01')],
    ['a crashed backend', withCode('terminating connection because of crash', '57P02')],
    ['a server starting up', withCode('the database system is starting up', '57P03')],
    ['a server in recovery', withCode('the database system is in recovery mode', '57P03')],
    ['a connection failure', withCode('connection failure', '08006')],
    ['too many connections', withCode('sorry, too many clients already', '53300')],
    [
      'a refused connection',
      withCode('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED', 'connect'),
    ],
    ['a reset connection', withCode('read ECONNRESET', 'ECONNRESET', 'read')],
    ['a missing Unix socket', withCode('connect ENOENT /run/x/.s.PGSQL.5432', 'ENOENT', 'connect')],
    ['a dropped connection', new Error('Connection terminated unexpectedly')],
    ['a pool that waited too long', new Error('timeout exceeded when trying to connect')],
    [
      'a rollback on a broken client',
      new Error('Client has encountered a connection error and is not queryable'),
    ],
  ])('%s', (_name, error) => {
    expect(isDatabaseUnavailable(error)).toBe(true);
  });

  it.each([
    ['a unique violation', withCode('duplicate key value', '23505')],
    ['a syntax error', withCode('syntax error at or near "x"', '42601')],
    ['a missing file', withCode("ENOENT: no such file or directory, open 'x'", 'ENOENT', 'open')],
    [
      // fetch keeps the socket error in its cause: Spotify being down is not the database being down
      "another service's network failure",
      new TypeError('fetch failed', {
        cause: withCode('connect ECONNREFUSED', 'ECONNREFUSED', 'connect'),
      }),
    ],
    ['not an error', { code: '57P01', message: 'Connection terminated' }],
  ])('not %s', (_name, error) => {
    expect(isDatabaseUnavailable(error)).toBe(false);
  });
});

import { randomBytes, scrypt, type ScryptOptions } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { sameSecret } from '../common/same-secret.js';

/**
 * scrypt with 2^15 × 8 × 128 bytes = 32 MiB per hash (OWASP's minimum for
 * scrypt): memory-hard, in node:crypto, no native add-on to build. Stored in
 * PHC string form so the cost can rise later without breaking old hashes.
 */
const COST = { N: 2 ** 15, r: 8, p: 1 } as const;
const KEY_BYTES = 32;
const SALT_BYTES = 16;
const MAX_MEMORY = 64 * 1024 * 1024;

@Injectable()
export class PasswordHasher {
  /** A hash of a password nobody has: verifying against it costs what a real check costs. */
  private readonly decoy = this.hash(randomBytes(16).toString('hex'));

  async hash(password: string): Promise<string> {
    const salt = randomBytes(SALT_BYTES);
    const key = await derive(password, salt, COST);
    return `$scrypt$ln=${Math.log2(COST.N)},r=${COST.r},p=${COST.p}$${salt.toString('base64')}$${key.toString('base64')}`;
  }

  /**
   * Whether the password matches the stored hash. Without a hash (an unknown
   * user, or an account that has none) it still spends a full derivation, so
   * timing does not tell which usernames exist.
   */
  async verify(password: string, stored: string | null | undefined): Promise<boolean> {
    const parsed = stored ? parse(stored) : undefined;
    if (!parsed) {
      await this.verify(password, await this.decoy);
      return false;
    }
    const key = await derive(password, parsed.salt, parsed.cost);
    return sameSecret(key, parsed.key);
  }
}

interface ParsedHash {
  cost: { N: number; r: number; p: number };
  salt: Buffer;
  key: Buffer;
}

function parse(stored: string): ParsedHash | undefined {
  const match = /^\$scrypt\$ln=(\d+),r=(\d+),p=(\d+)\$([^$]+)\$([^$]+)$/.exec(stored);
  if (!match) return undefined;
  const [, ln, r, p, salt, key] = match;
  return {
    cost: { N: 2 ** Number(ln), r: Number(r), p: Number(p) },
    salt: Buffer.from(salt!, 'base64'),
    key: Buffer.from(key!, 'base64'),
  };
}

function derive(password: string, salt: Buffer, cost: ParsedHash['cost']): Promise<Buffer> {
  const options: ScryptOptions = { ...cost, maxmem: MAX_MEMORY };
  return new Promise((resolve, reject) =>
    scrypt(password.normalize('NFC'), salt, KEY_BYTES, options, (error, key) =>
      error ? reject(error) : resolve(key),
    ),
  );
}

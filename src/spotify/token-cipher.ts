import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG } from '../config/config.module.js';
import { ConfigError, type AppConfig } from '../config/config.js';

const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
export const KEY_FILE = 'encryption.key';

/**
 * Spotify tokens at rest: AES-256-GCM, stored as iv || tag || ciphertext.
 * The key never lives in the database (a dump alone reveals no token): it
 * comes from ENCRYPTION_KEY, else from a key file in DATA_DIR created on
 * first use. Each ciphertext is bound to its owner and purpose (the
 * additional data), so a token copied to another user's row fails to open.
 */
@Injectable()
export class TokenCipher {
  private key?: Buffer;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  encrypt(plaintext: string, context: string): Uint8Array {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.secret(), iv);
    cipher.setAAD(Buffer.from(context));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return Buffer.concat([iv, cipher.getAuthTag(), body]);
  }

  /** Throws when the bytes were not made by encrypt() with this key and context. */
  decrypt(sealed: Uint8Array, context: string): string {
    const bytes = Buffer.from(sealed);
    const decipher = createDecipheriv('aes-256-gcm', this.secret(), bytes.subarray(0, IV_BYTES));
    decipher.setAAD(Buffer.from(context));
    decipher.setAuthTag(bytes.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
    return Buffer.concat([
      decipher.update(bytes.subarray(IV_BYTES + TAG_BYTES)),
      decipher.final(),
    ]).toString('utf8');
  }

  private secret(): Buffer {
    this.key ??= this.config.encryptionKey
      ? parseKey(this.config.encryptionKey)
      : keyFromFile(path.join(this.config.dataDir, KEY_FILE));
    return this.key;
  }
}

function parseKey(text: string): Buffer {
  const key = /^[0-9a-f]{64}$/i.test(text) ? Buffer.from(text, 'hex') : Buffer.from(text, 'base64');
  if (key.length !== KEY_BYTES) {
    throw new ConfigError(
      'Invalid configuration: ENCRYPTION_KEY: must be 32 bytes as base64 or 64 hex digits (openssl rand -base64 32)',
    );
  }
  return key;
}

/** Reads the key file, creating it (owner-only) the first time; racing creators agree on one. */
function keyFromFile(file: string): Buffer {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  try {
    fs.writeFileSync(file, randomBytes(KEY_BYTES).toString('base64'), { flag: 'wx', mode: 0o600 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  return parseKey(fs.readFileSync(file, 'utf8').trim());
}

import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { Kysely } from 'kysely';
import type { DB } from './schema.js';

const SECRET_BYTES = 32;

/** Random per-installation secrets, created on first use and kept in the database. */
@Injectable()
export class InstanceSecretRepository {
  constructor(private readonly db: Kysely<DB>) {}

  async getOrCreate(name: string): Promise<Uint8Array> {
    await this.db
      .insertInto('instance_secret')
      .values({ name, value: randomBytes(SECRET_BYTES) })
      .onConflict((oc) => oc.column('name').doNothing())
      .execute();
    const row = await this.db
      .selectFrom('instance_secret')
      .select('value')
      .where('name', '=', name)
      .executeTakeFirstOrThrow();
    return row.value;
  }
}

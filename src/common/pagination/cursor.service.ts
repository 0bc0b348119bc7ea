import { Injectable } from '@nestjs/common';
import type { z } from 'zod';
import { InstanceSecretRepository } from '../../db/instance-secret.repository.js';
import { CursorCodec, type CursorBinding } from './cursor-codec.js';

/** The installation's cursor codec; its key is made once and kept in the database. */
@Injectable()
export class CursorService {
  private codec?: Promise<CursorCodec>;

  constructor(private readonly secrets: InstanceSecretRepository) {}

  async encode(binding: CursorBinding, position: unknown): Promise<string> {
    return (await this.getCodec()).encode(binding, position);
  }

  async decode<T>(cursor: string, binding: CursorBinding, position: z.ZodType<T>): Promise<T> {
    return (await this.getCodec()).decode(cursor, binding, position);
  }

  private getCodec(): Promise<CursorCodec> {
    this.codec ??= this.secrets.getOrCreate('cursor').then(
      (key) => new CursorCodec(key),
      (error: unknown) => {
        this.codec = undefined; // try again on the next request
        throw error;
      },
    );
    return this.codec;
  }
}

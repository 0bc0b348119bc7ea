import { timingSafeEqual } from 'node:crypto';
import { Injectable } from '@nestjs/common';

/** The secret the server published in its data folder; unset, the bridge is closed. */
@Injectable()
export class CliBridgeAuth {
  private token?: Buffer;

  open(token: string): void {
    this.token = Buffer.from(token);
  }

  accepts(given: string | undefined): boolean {
    if (!this.token || !given) return false;
    const candidate = Buffer.from(given);
    return candidate.length === this.token.length && timingSafeEqual(candidate, this.token);
  }
}

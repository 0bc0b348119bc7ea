import { Injectable } from '@nestjs/common';
import { sameSecret } from '../common/same-secret.js';

/** The secret the server published in its data folder; unset, the bridge is closed. */
@Injectable()
export class CliBridgeAuth {
  private token?: Buffer;

  open(token: string): void {
    this.token = Buffer.from(token);
  }

  accepts(given: string | undefined): boolean {
    return !!this.token && !!given && sameSecret(given, this.token);
  }
}

import { Injectable } from '@nestjs/common';
import { AggregatesAuditRepository, type DriftRow } from './aggregates-audit.repository.js';

export interface VerifyResult {
  /** aggregate rows compared with a recount from history */
  checked: number;
  /** rows that differ */
  drift: number;
  /** the first rows that differ */
  items: DriftRow[];
}

/** `stats verify` and `stats rebuild`: the aggregates against a recount from history. */
@Injectable()
export class StatsAuditService {
  constructor(private readonly audit: AggregatesAuditRepository) {}

  async verify(userId?: number): Promise<VerifyResult> {
    const { checked, drift } = await this.audit.findDrift(userId);
    return { checked, drift: drift.length, items: drift.slice(0, 100) };
  }

  /** Rebuilds one user's aggregates, or every user's, one user per transaction. */
  async rebuild(userId?: number): Promise<{ users: number; repaired: number }> {
    const before = await this.audit.findDrift(userId);
    const users = userId === undefined ? await this.audit.userIds() : [userId];
    for (const id of users) await this.audit.rebuild(id);
    return { users: users.length, repaired: before.drift.length };
  }
}

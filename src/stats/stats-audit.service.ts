import { Injectable } from '@nestjs/common';
import { AggregatesAuditRepository, type DriftRow } from './aggregates-audit.repository.js';
import { LabelStatsRepository } from './label-stats.repository.js';
import { RollupsRepository } from './rollups.repository.js';

export interface VerifyResult {
  /** aggregate and rollup rows compared with a recount from history */
  checked: number;
  /** rows that differ */
  drift: number;
  /** the first rows that differ */
  items: DriftRow[];
}

/**
 * `stats verify` and `stats rebuild`: the aggregates, the rollups and the
 * tag and genre figures (those in use) against a recount from history.
 */
@Injectable()
export class StatsAuditService {
  constructor(
    private readonly audit: AggregatesAuditRepository,
    private readonly rollups: RollupsRepository,
    private readonly labels: LabelStatsRepository,
  ) {}

  async verify(userId?: number): Promise<VerifyResult> {
    const aggregates = await this.audit.findDrift(userId);
    const rollups = await this.rollups.findDrift(userId);
    const labels = await this.labels.findDrift(userId);
    const drift = [...aggregates.drift, ...rollups.drift, ...labels.drift];
    return {
      checked: aggregates.checked + rollups.checked + labels.checked,
      drift: drift.length,
      items: drift.slice(0, 100),
    };
  }

  /**
   * Rebuilds one user's aggregates and rollups, or every user's, one user
   * per transaction each.
   */
  async rebuild(userId?: number): Promise<{ users: number; repaired: number }> {
    const before = await this.verify(userId);
    const users = userId === undefined ? await this.audit.userIds() : [userId];
    for (const id of users) {
      await this.audit.rebuild(id);
      await this.rollups.rebuild(id);
    }
    return { users: users.length, repaired: before.drift };
  }
}

import { Injectable, type OnModuleInit } from '@nestjs/common';
import { JobsService } from '../jobs/jobs.service.js';
import { SessionRepository } from './session.repository.js';

export const SESSION_SWEEP_JOB = 'auth.sessions.sweep';

/** Daily: forget expired sessions (they already let nobody in; this keeps the table small). */
@Injectable()
export class SessionSweeper implements OnModuleInit {
  constructor(
    private readonly jobs: JobsService,
    private readonly sessions: SessionRepository,
  ) {}

  onModuleInit(): void {
    this.jobs.define({
      name: SESSION_SWEEP_JOB,
      cron: '7 4 * * *',
      handler: async () => {
        await this.sessions.deleteExpired();
      },
    });
  }
}

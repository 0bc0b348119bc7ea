import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { UsersModule } from '../users/users.module.js';
import { AccountsService } from './accounts.service.js';
import { AdminGuard } from './admin.guard.js';
import { ApiTokenRepository } from './api-token.repository.js';
import { ApiTokenService } from './api-token.service.js';
import { ApiTokensController } from './api-tokens.controller.js';
import { AuthController } from './auth.controller.js';
import { LocalUserService } from './local-user.service.js';
import { PasswordHasher } from './password-hasher.js';
import { SessionRepository } from './session.repository.js';
import { SessionService } from './session.service.js';
import { SessionSweeper } from './session-sweeper.service.js';
import { UserGuard } from './user.guard.js';
import { UserRateLimit } from './user-rate-limit.js';

@Module({
  imports: [UsersModule],
  controllers: [AuthController, ApiTokensController],
  providers: [
    LocalUserService,
    ApiTokenRepository,
    ApiTokenService,
    AdminGuard,
    PasswordHasher,
    SessionRepository,
    SessionService,
    SessionSweeper,
    AccountsService,
    UserRateLimit,
    { provide: APP_GUARD, useClass: UserGuard },
  ],
  exports: [LocalUserService, ApiTokenService, AdminGuard, AccountsService, SessionService],
})
export class AuthModule {}

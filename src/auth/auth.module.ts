import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { UsersModule } from '../users/users.module.js';
import { ApiTokenRepository } from './api-token.repository.js';
import { AdminGuard } from './admin.guard.js';
import { ApiTokenService } from './api-token.service.js';
import { LocalUserService } from './local-user.service.js';
import { UserGuard } from './user.guard.js';

@Module({
  imports: [UsersModule],
  providers: [
    LocalUserService,
    ApiTokenRepository,
    ApiTokenService,
    AdminGuard,
    { provide: APP_GUARD, useClass: UserGuard },
  ],
  exports: [LocalUserService, ApiTokenService, AdminGuard],
})
export class AuthModule {}

import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { UsersModule } from '../users/users.module.js';
import { LocalUserService } from './local-user.service.js';
import { UserGuard } from './user.guard.js';

@Module({
  imports: [UsersModule],
  providers: [LocalUserService, { provide: APP_GUARD, useClass: UserGuard }],
  exports: [LocalUserService],
})
export class AuthModule {}

import { Module } from '@nestjs/common';
import { UsersModule } from '../users/users.module.js';
import { AuthModule } from '../auth/auth.module.js';
import { CliBridgeAuth } from './cli-bridge-auth.js';
import { CliBridgeController } from './cli-bridge.controller.js';

@Module({
  imports: [UsersModule, AuthModule],
  controllers: [CliBridgeController],
  providers: [CliBridgeAuth],
  exports: [CliBridgeAuth],
})
export class CliBridgeModule {}

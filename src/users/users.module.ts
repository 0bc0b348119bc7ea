import { Module } from '@nestjs/common';
import { StatsModule } from '../stats/stats.module.js';
import { MeController } from './me.controller.js';
import { UsersRepository } from './users.repository.js';
import { UsersService } from './users.service.js';

@Module({
  imports: [StatsModule],
  controllers: [MeController],
  providers: [UsersRepository, UsersService],
  exports: [UsersRepository],
})
export class UsersModule {}

import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { GeneratorModule } from '../generator/generator.module.js';
import { DemoController } from './demo.controller.js';
import { DemoRepository } from './demo.repository.js';
import { DemoService } from './demo.service.js';

@Module({
  imports: [AuthModule, GeneratorModule],
  controllers: [DemoController],
  providers: [DemoService, DemoRepository],
})
export class DemoModule {}

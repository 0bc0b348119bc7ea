import { Controller, Delete, Get, HttpCode, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AuthUser } from '../auth/auth-user.js';
import { CurrentUser } from '../auth/current-user.decorator.js';
import { DemoService, type DemoProfile, type EnteredDemo } from './demo.service.js';

/** Your demo profile: sample data in a user of its own, never mixed into your library. */
@ApiTags('demo')
@Controller('demo')
export class DemoController {
  constructor(private readonly demo: DemoService) {}

  @Get()
  @ApiOperation({ summary: 'Your demo profile, or null when you have none' })
  async find(@CurrentUser() user: AuthUser): Promise<{ demo: DemoProfile | null }> {
    return { demo: await this.demo.find(user) };
  }

  @Post()
  @HttpCode(200)
  @ApiOperation({
    summary: 'Create your demo profile (or take the existing one): an API token to act as it',
  })
  enter(@CurrentUser() user: AuthUser): Promise<EnteredDemo> {
    return this.demo.enter(user);
  }

  @Delete()
  @HttpCode(204)
  @ApiOperation({ summary: 'Remove your demo profile and everything in it' })
  remove(@CurrentUser() user: AuthUser): Promise<void> {
    return this.demo.remove(user);
  }
}

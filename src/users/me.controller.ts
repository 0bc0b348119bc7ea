import { Body, Controller, Get, Patch } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AuthUser } from '../auth/auth-user.js';
import { CurrentUser } from '../auth/current-user.decorator.js';
import { SettingsChangeDto } from './users.dto.js';
import { UsersService, type Profile } from './users.service.js';

@ApiTags('account')
@Controller('me')
export class MeController {
  constructor(private readonly users: UsersService) {}

  @Get()
  @ApiOperation({ summary: 'The signed-in user and their settings' })
  me(@CurrentUser() user: AuthUser): Promise<Profile> {
    return this.users.profile(user);
  }

  @Patch('settings')
  @ApiOperation({ summary: 'Change your time zone and/or play threshold' })
  updateSettings(@CurrentUser() user: AuthUser, @Body() body: SettingsChangeDto): Promise<Profile> {
    return this.users.updateSettings(user, body);
  }
}

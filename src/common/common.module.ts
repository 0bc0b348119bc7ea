import { Global, Module } from '@nestjs/common';
import { CursorService } from './pagination/cursor.service.js';

/** Pieces every feature uses: the cursor codec. */
@Global()
@Module({
  providers: [CursorService],
  exports: [CursorService],
})
export class CommonModule {}

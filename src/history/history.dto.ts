import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';
import { pageQuerySchema } from '../common/pagination/page.js';

export const historyQuerySchema = pageQuerySchema
  .extend({
    from: z.iso.datetime({ offset: true }).optional(),
    to: z.iso.datetime({ offset: true }).optional(),
  })
  .strict()
  .refine((q) => !q.from || !q.to || new Date(q.from) < new Date(q.to), {
    path: ['from'],
    message: 'must be before to',
  });

export class HistoryQueryDto extends createZodDto(historyQuerySchema) {}

export interface PlayItem {
  /** when the play ended */
  playedAt: string;
  msPlayed: number;
  skipped: boolean;
  source: string;
  track: {
    /** the user's track id, as in /api/tracks */
    id: number;
    name: string;
    artist: { id: number; name: string };
    album: { id: number; name: string } | null;
  };
}

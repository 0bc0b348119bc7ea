import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';
import { CLOCK_SKEW_MS, FIRST_PLAY_MS, MAX_PLAY_MS } from '../history/play-plausibility.js';

export const MAX_LISTENS_PER_REQUEST = 1000;

const SPOTIFY_TRACK =
  /^(?:https:\/\/open\.spotify\.com\/(?:intl-[a-z]+\/)?track\/|spotify:track:)([0-9A-Za-z]{22})(?:\?.*)?$/;

export function spotifyTrackId(reference: string | undefined): string | undefined {
  return reference ? SPOTIFY_TRACK.exec(reference)?.[1] : undefined;
}

const name = z.string().trim().min(1, 'must not be empty').max(1000);
const spotifyReference = z
  .string()
  .regex(SPOTIFY_TRACK, 'expected a Spotify track URL or spotify:track: URI');

/** ListenBrainz lets clients add any key here; the ones Spotlib reads are checked. */
const additionalInfo = z.looseObject({
  spotify_id: spotifyReference.optional(),
  spotify_track_uri: spotifyReference.optional(),
  duration_ms: z.number().int().positive().max(MAX_PLAY_MS).optional(),
  duration: z
    .number()
    .int()
    .positive()
    .max(MAX_PLAY_MS / 1000)
    .optional(),
});

const listen = z.strictObject({
  listened_at: z
    .number()
    .int()
    .min(FIRST_PLAY_MS / 1000, 'must be 2008 or later (Unix seconds)')
    .refine((s) => s <= (Date.now() + CLOCK_SKEW_MS) / 1000, 'must not be in the future')
    .optional(),
  track_metadata: z.strictObject({
    artist_name: name,
    track_name: name,
    release_name: name.optional(),
    additional_info: additionalInfo.optional(),
  }),
});

export const submitListensSchema = z
  .strictObject({
    listen_type: z.enum(['single', 'playing_now', 'import']),
    payload: z.array(listen).min(1).max(MAX_LISTENS_PER_REQUEST),
  })
  .superRefine((body, ctx) => {
    if (body.listen_type !== 'import' && body.payload.length !== 1) {
      ctx.addIssue({
        code: 'custom',
        path: ['payload'],
        message: `${body.listen_type} takes exactly one listen`,
      });
    }
    body.payload.forEach((item, index) => {
      const needsTime = body.listen_type !== 'playing_now';
      if (needsTime && item.listened_at === undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['payload', index, 'listened_at'],
          message: 'is required',
        });
      }
      if (!needsTime && item.listened_at !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['payload', index, 'listened_at'],
          message: 'playing_now takes no listened_at',
        });
      }
    });
  });

export type SubmitListens = z.infer<typeof submitListensSchema>;
export type Listen = SubmitListens['payload'][number];

export class SubmitListensDto extends createZodDto(submitListensSchema) {}

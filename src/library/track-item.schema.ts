import { pageSchema } from '../common/pagination/page.js';
import type { PlaylistEntryItem } from './playlists.service.js';
import type { TrackItem } from './track-list.repository.js';

/**
 * Track lists answer through a serializer compiled from these schemas
 * (fast-json-stringify): a 50-item page takes a third of JSON.stringify's
 * time, on the route every screen of the library calls. The compiled writer
 * drops a property its schema does not name, so each schema must name every
 * property of its type: `satisfies` fails the build when one is added to the
 * type and not here, and `required` makes a missing one an error, not a gap.
 */
type PropertiesOf<T> = { [K in keyof T]-?: object };

const object = <T>(properties: PropertiesOf<T>, nullable = false) => ({
  type: nullable ? ['object', 'null'] : 'object',
  properties,
  required: Object.keys(properties),
});

type Album = NonNullable<TrackItem['album']>;
type Artist = TrackItem['artists'][number];
type Tag = TrackItem['tags'][number];

const trackItemProperties = {
  id: { type: 'integer' },
  name: { type: 'string' },
  durationMs: { type: ['integer', 'null'] },
  album: object<Album>(
    {
      id: { type: 'integer' },
      name: { type: 'string' },
      imageUrl: { type: ['string', 'null'] },
    },
    true,
  ),
  artists: {
    type: 'array',
    items: object<Artist>({ id: { type: 'integer' }, name: { type: 'string' } }),
  },
  tags: {
    type: 'array',
    items: object<Tag>({
      id: { type: 'integer' },
      name: { type: 'string' },
      color: { type: ['string', 'null'] },
    }),
  },
  genres: { type: 'array', items: { type: 'string' } },
  rating: { type: ['number', 'null'] },
  playCount: { type: 'integer' },
  lastPlayedAt: { type: ['string', 'null'], format: 'date-time' },
  addedAt: { type: 'string', format: 'date-time' },
  liked: { type: 'boolean' },
} satisfies PropertiesOf<TrackItem>;

const trackItemSchema = object<TrackItem>(trackItemProperties);

export const trackPageSchema = pageSchema(trackItemSchema);

export const playlistEntryPageSchema = pageSchema(
  object<PlaylistEntryItem>({ ...trackItemProperties, entryId: { type: 'integer' } }),
);

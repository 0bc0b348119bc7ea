import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { CatalogService } from '../src/catalog/catalog.service.js';
import type { TrackMetadata } from '../src/catalog/track-metadata.js';
import { useTestApp } from './support/app.js';
import { describeEachEngine } from './support/databases.js';

describeEachEngine('catalog resolution', (t) => {
  const server = useTestApp(t);

  const artist = { artistName: 'Résolution Band', artistSpotifyId: 'ResolutionArtist000001' };
  const batch: TrackMetadata[] = [
    { ...artist, spotifyId: 'ResolutionTrack0000001', trackName: 'First', albumName: 'Album' },
    { ...artist, spotifyId: 'ResolutionTrack0000002', trackName: 'Second', albumName: 'Album' },
    // by name only, beside its resolved twin created by the same batch
    { artistName: 'RESOLUTION band', trackName: 'second' },
    // by name only, and nothing resolved to prefer
    { artistName: 'Only A Name', trackName: 'Third' },
    { ...artist, spotifyId: 'ResolutionTrack0000001', trackName: 'First', albumName: 'Album' },
  ];

  const catalogIds = async () => {
    const { rows } = await sql<{ id: number; spotify_id: string | null; name: string }>`
      SELECT t.id, t.spotify_id, t.name FROM track t JOIN artist a ON a.id = t.artist_id
      WHERE a.name IN ('Résolution Band', 'Only A Name') ORDER BY t.id`.execute(t.db);
    return rows;
  };

  it('gives each track of a batch the id of its catalog row, the rows it creates included', async () => {
    const { trackIds } = await server.app.get(CatalogService).resolveTracks(batch);
    const rows = await catalogIds();
    const idOf = (match: (r: (typeof rows)[number]) => boolean) => rows.find(match)?.id;
    expect(trackIds).toEqual([
      idOf((r) => r.spotify_id === 'ResolutionTrack0000001'),
      idOf((r) => r.spotify_id === 'ResolutionTrack0000002'),
      // the resolved twin, not the unresolved row made for the name
      idOf((r) => r.spotify_id === 'ResolutionTrack0000002'),
      idOf((r) => r.spotify_id === null && r.name === 'Third'),
      idOf((r) => r.spotify_id === 'ResolutionTrack0000001'),
    ]);
    // the batch made the unresolved row for the name too: the preference above was put to the test
    expect(rows.map((r) => [r.spotify_id, r.name])).toEqual([
      ['ResolutionTrack0000001', 'First'],
      ['ResolutionTrack0000002', 'Second'],
      [null, 'second'],
      [null, 'Third'],
    ]);

    // known now: the same ids, and nothing created
    const again = await server.app.get(CatalogService).resolveTracks(batch);
    expect(again.trackIds).toEqual(trackIds);
    expect(await catalogIds()).toEqual(rows);
  });
});

import { useParams } from 'react-router';
import { useArtistStats, useTimeZone } from '../../api/stats';
import { BackToStats, EntityPage, Figures, parseId, PlayedAt, PlaysPerMonth } from './EntityStats';
import { formatListeningTime } from './format';

/** An artist's listening, all time: totals, rank, first and last play, plays per month. */
export function ArtistStatsPage() {
  const id = parseId(useParams().id);
  const artist = useArtistStats(id);
  const timeZone = useTimeZone().data;
  return (
    <EntityPage what="Artist" id={id} query={artist}>
      {(a) => (
        <>
          <BackToStats />
          <h1>{a.name}</h1>
          <Figures
            items={[
              ['Plays', a.plays.toLocaleString()],
              ['Listening time', formatListeningTime(a.msPlayed)],
              ['Rank', `#${a.rank} of your artists`],
              ['Tracks in your library', a.trackCount.toLocaleString()],
              ['First play', <PlayedAt at={a.firstPlayedAt} timeZone={timeZone} />],
              ['Last play', <PlayedAt at={a.lastPlayedAt} timeZone={timeZone} />],
            ]}
          />
          <PlaysPerMonth months={a.months} />
        </>
      )}
    </EntityPage>
  );
}

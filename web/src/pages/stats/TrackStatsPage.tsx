import { Link, useParams } from 'react-router';
import { useTimeZone, useTrackStats } from '../../api/stats';
import { BackToStats, EntityPage, Figures, parseId, PlayedAt, PlaysPerMonth } from './EntityStats';
import { formatListeningTime } from './format';

/** A track's listening, all time: totals, skips, rank, first and last play, plays per month. */
export function TrackStatsPage() {
  const id = parseId(useParams().id);
  const track = useTrackStats(id);
  const timeZone = useTimeZone().data;
  return (
    <EntityPage what="Track" id={id} query={track}>
      {(t) => (
        <>
          <BackToStats />
          <h1>{t.name}</h1>
          <p className="entity-subtitle">
            by <Link to={`/stats/artists/${t.artist.id}`}>{t.artist.name}</Link>
          </p>
          <Figures
            items={[
              ['Plays', t.plays.toLocaleString()],
              ['Listening time', formatListeningTime(t.msPlayed)],
              ['Skips', t.skips.toLocaleString()],
              ['Rank', `#${t.rank} of your tracks`],
              ['First play', <PlayedAt at={t.firstPlayedAt} timeZone={timeZone} />],
              ['Last play', <PlayedAt at={t.lastPlayedAt} timeZone={timeZone} />],
            ]}
          />
          <PlaysPerMonth months={t.months} />
        </>
      )}
    </EntityPage>
  );
}

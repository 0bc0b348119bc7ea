/** Being built (issue 11). */
export function TrackStatsPage() {
  return (
    <section>
      <h1>Track</h1>
    </section>
  );
}

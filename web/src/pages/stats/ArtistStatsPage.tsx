/** Being built (issue 11). */
export function ArtistStatsPage() {
  return (
    <section>
      <h1>Artist</h1>
    </section>
  );
}

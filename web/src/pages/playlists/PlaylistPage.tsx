/** Being built (issue 11). */
export function PlaylistPage() {
  return (
    <section>
      <h1>Playlist</h1>
    </section>
  );
}

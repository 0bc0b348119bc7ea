/** Being built (issue 11). */
export function PlaylistsPage() {
  return (
    <section>
      <h1>Playlists</h1>
    </section>
  );
}

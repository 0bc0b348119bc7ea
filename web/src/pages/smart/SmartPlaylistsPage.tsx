/** Being built (issue 11). */
export function SmartPlaylistsPage() {
  return (
    <section>
      <h1>Smart playlists</h1>
    </section>
  );
}

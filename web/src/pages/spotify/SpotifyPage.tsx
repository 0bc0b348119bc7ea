/** Being built (issue 11). */
export function SpotifyPage() {
  return (
    <section>
      <h1>Spotify</h1>
    </section>
  );
}

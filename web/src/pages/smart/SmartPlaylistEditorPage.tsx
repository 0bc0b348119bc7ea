/** Being built (issue 11). */
export function SmartPlaylistEditorPage() {
  return (
    <section>
      <h1>Smart playlist</h1>
    </section>
  );
}

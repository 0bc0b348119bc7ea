/** Being built (issue 11). */
export function ImportPage() {
  return (
    <section>
      <h1>Import your Spotify history</h1>
    </section>
  );
}

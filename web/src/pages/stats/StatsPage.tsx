/** Being built (issue 11). */
export function StatsPage() {
  return (
    <section>
      <h1>Your statistics</h1>
    </section>
  );
}

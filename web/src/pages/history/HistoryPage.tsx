/** Being built (issue 11). */
export function HistoryPage() {
  return (
    <section>
      <h1>History</h1>
    </section>
  );
}

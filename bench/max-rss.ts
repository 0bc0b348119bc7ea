/** Preloaded into a measured process (`node --import`): reports its peak resident memory on exit. */
process.on('exit', () => {
  process.stderr.write(`\nmax-rss-kb=${process.resourceUsage().maxRSS}\n`);
});

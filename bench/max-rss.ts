/** Preloaded into a measured process (`node --import`): reports its peak resident memory and CPU time on exit. */
process.on('exit', () => {
  const usage = process.resourceUsage();
  const cpuSeconds = (usage.userCPUTime + usage.systemCPUTime) / 1e6;
  process.stderr.write(`\nmax-rss-kb=${usage.maxRSS}\ncpu-seconds=${cpuSeconds.toFixed(2)}\n`);
});

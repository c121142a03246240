// Preloaded by bench/run.mjs (`node --import ./bench/cpu-at-exit.mjs ...`) into each start-up
// run: writes the process's CPU time (user + system, all threads, ms) to $BENCH_CPU_FILE at
// exit. Wall time on a shared machine is mostly waiting for a core; CPU time is the work.
import { writeFileSync } from 'node:fs';

process.on('exit', () => {
  const { user, system } = process.cpuUsage();
  if (process.env.BENCH_CPU_FILE) writeFileSync(process.env.BENCH_CPU_FILE, String((user + system) / 1000));
});

// Parity: the runtime against a real HTTP upstream versus the simulator, per case and figure.
// Usage: npm run build && npm run parity [-- --requests 1500 --scale 0.02 --replications 40]
// Prints the README's table and one line per case on timing noise; exits 1 if a figure is outside its interval.
import { PARITY_CASES, parityTable, paritySummary, runParityCase } from '../dist/validation/parity/parity.js';

const option = (name) => {
  const at = process.argv.indexOf(`--${name}`);
  return at > 0 ? Number(process.argv[at + 1]) : undefined;
};
const options = { requests: option('requests'), scale: option('scale'), replications: option('replications') };
const results = [];
for (const parityCase of PARITY_CASES) {
  const result = await runParityCase(parityCase, options);
  results.push(result);
  console.error(paritySummary(result));
}
console.log(parityTable(results));
const failed = results.flatMap((r) => r.checks.filter((c) => !c.pass).map((c) => `${r.case.name}: ${c.metric}`));
if (failed.length > 0) {
  console.error(`parity: ${failed.length} figure(s) outside their interval: ${failed.join('; ')}`);
  process.exit(1);
}

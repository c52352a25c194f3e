#!/usr/bin/env node
// Runs the compiled CLI (npm install builds it through the "prepare" script).
let cli;
try {
  cli = require('../dist/cli/main.js');
} catch (e) {
  if (e && e.code === 'MODULE_NOT_FOUND') {
    process.stderr.write('ledger-sync: not built yet; run "npm run build" in the ledger-sync folder\n');
    process.exit(2);
  }
  throw e;
}
cli.run(process.argv.slice(2));

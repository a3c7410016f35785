#!/usr/bin/env node
// Entry point of the `devup` command: runs the compiled CLI (built by `npm install` via `prepare`).
import('../dist/cli/main.js').then((cli) => cli.main(process.argv.slice(2)));

// `bin/devup.js` over the sources instead of dist/: run with `node --import tsx`, for tests that
// need the gateway as its own process (to kill it, or to outlive one).
import { main } from '../../src/cli/main.js';

await main(process.argv.slice(2));

/** `npm run bench`: the STOMP door benchmark (bench/stomp-bench.ts). */
import { runStompBench } from './stomp-bench.js';

await runStompBench();
process.exit(0);

/**
 * `npm run bench`: the STOMP door against a raw ws forwarder, then the two-node mode.
 * `npm run bench -- stomp` or `npm run bench -- two-node` runs one of them.
 */
import { runStompBench } from './stomp-bench.js';
import { runTwoNodeBench } from './two-node.js';

const only = process.argv[2];
if (!only || only === 'stomp') await runStompBench();
if (!only || only === 'two-node') await runTwoNodeBench();
process.exit(0);

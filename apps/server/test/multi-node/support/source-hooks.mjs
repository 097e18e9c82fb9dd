// Module hooks for spawned server processes: resolve @parley/protocol to its TypeScript source
// (tsx compiles it), so a node under test never runs a stale dist/ build.
const protocolSource = new URL('../../../../../packages/protocol/src/index.ts', import.meta.url).href;

export async function resolve(specifier, context, next) {
  if (specifier === '@parley/protocol') return next(protocolSource, context);
  return next(specifier, context);
}

// The layer order of DevUp (docs/architecture.md), checked by `npm run check`. Imports run one way:
//   config, errors  <  http, store  <  engine  <  providers  <  library, gateway  <  deploy  <  server  <  cli
// library and gateway know nothing of each other; deploy implements the gateway's registry and
// reads the library; web/ talks to the server over HTTP only. No exceptions are listed here.
const layers = [
  ['foundation', '^src/[^/]+\\.ts$'],
  ['http', '^src/http/'],
  ['store', '^src/store/'],
  ['engine', '^src/engine/'],
  ['providers', '^src/providers/'],
  ['library', '^src/library/'],
  ['gateway', '^src/gateway/'],
  ['deploy', '^src/deploy/'],
  ['server', '^src/server/'],
  ['cli', '^src/cli/'],
];
const path = Object.fromEntries(layers);
/** What each layer may import besides itself and node_modules. */
const allowed = {
  foundation: [],
  http: ['foundation'],
  store: ['foundation'],
  engine: ['foundation'],
  providers: ['foundation', 'engine'],
  library: ['foundation', 'http', 'store', 'engine'],
  gateway: ['foundation', 'http', 'store', 'providers'],
  deploy: ['foundation', 'http', 'store', 'engine', 'providers', 'library', 'gateway'],
  server: ['foundation', 'http', 'store', 'engine', 'providers', 'library', 'gateway', 'deploy'],
  cli: ['foundation', 'http', 'store', 'engine', 'providers', 'library', 'gateway', 'deploy', 'server'],
};

const layerRules = layers.map(([name, from]) => ({
  name: `layer-${name}`,
  comment: `${name} may import only: ${allowed[name].join(', ') || 'nothing of ours'}`,
  severity: 'error',
  from: { path: from },
  to: { path: '^(src|test|bench|web)/', pathNot: [from, ...allowed[name].map((layer) => path[layer])] },
}));

module.exports = {
  forbidden: [
    ...layerRules,
    { name: 'no-cycles', severity: 'error', from: { path: '^(src|web/src)/' }, to: { circular: true } },
    {
      name: 'web-apart',
      comment: 'the web UI talks to the server over HTTP only',
      severity: 'error',
      from: { path: '^web/' },
      to: { path: '^(src|test|bench)/' },
    },
    {
      name: 'no-outside-data',
      comment: 'the repository carries every file its tests and benchmarks need',
      severity: 'error',
      from: {},
      to: { path: '^\\.\\./' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(node_modules|dist|dist-bench|web/dist)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
  },
};

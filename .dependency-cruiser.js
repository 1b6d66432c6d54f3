/**
 * The import directions of the layers (ARCHITECTURE.md), checked by dependency-cruiser in `npm test`
 * (test/architecture/dependency-rules.test.ts). From the ground up:
 * core ← platforms ← validation ← config ← constructs ← stacks / policy / cli; imports/ is generated and stands apart.
 */
const LAYERS = ['core', 'platforms', 'validation', 'config', 'constructs', 'stacks', 'policy', 'cli', 'imports'];
/** What each layer may import besides itself. */
const MAY_IMPORT = {
  core: [],
  imports: [],
  platforms: ['core'],
  validation: ['core', 'platforms'],
  config: ['core', 'platforms', 'validation'],
  constructs: ['core', 'platforms', 'validation', 'config', 'imports'],
  policy: ['core', 'platforms', 'validation'],
  cli: ['core', 'platforms', 'validation', 'config', 'constructs'],
  stacks: ['core', 'platforms', 'validation', 'config', 'constructs'],
};
/** Platform modules; the shared capacity model is not one. */
const PLATFORM_DIRS = '(?!capacity/)[^/]+';

module.exports = {
  forbidden: [
    { name: 'no-cycles', severity: 'error', comment: 'no import cycles (type-only imports included)', from: {}, to: { circular: true } },
    ...Object.entries(MAY_IMPORT).map(([from, ok]) => ({
      name: `layer-${from}`,
      severity: 'error',
      comment: `${from}/ may import only ${[from, ...ok].join(', ')}`,
      from: { path: `^${from}/` },
      to: { path: `^(${LAYERS.join('|')})/`, pathNot: `^(${[from, ...ok].join('|')})/` },
    })),
    {
      name: 'pulumi-only-in-stacks-and-policy',
      severity: 'error',
      comment:
        'synthesis must not load any @pulumi package: only stacks/ and policy/ (and their tests, bench) import it, and ' +
        'scripts/pulumi/ (the real engine for the integration tier and the recorder; never part of the package)',
      from: { pathNot: '^(stacks|policy|test|bench|scripts/pulumi)/' },
      to: { path: 'node_modules/@pulumi/' },
    },
    {
      name: 'platforms-independent',
      severity: 'error',
      comment: 'no platform imports another (each is one module over core/ and platforms/*.ts, platforms/capacity/)',
      from: { path: `^platforms/(${PLATFORM_DIRS})/` },
      to: { path: `^platforms/${PLATFORM_DIRS}/`, pathNot: '^platforms/($1|capacity)/' },
    },
    {
      name: 'tests-mirror',
      severity: 'error',
      comment: 'a test folder imports only its own folder and test/support/',
      from: { path: '^test/([^/]+)/' },
      to: { path: '^test/', pathNot: '^test/($1|support)/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^build/' },
    tsPreCompilationDeps: true,
    combinedDependencies: false,
  },
};

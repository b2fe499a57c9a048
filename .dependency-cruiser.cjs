/**
 * Package boundaries (DESIGN §6), checked in CI by `npm run boundaries`:
 * - the engine (packages/server) never imports the wedding model;
 * - the client SDK and the React packages never import the server side;
 * - protocol and merge import nothing of ours except protocol;
 * - production code never imports test code.
 */
module.exports = {
  forbidden: [
    {
      name: 'engine-knows-no-weddings',
      severity: 'error',
      from: { path: '^packages/(server|protocol|merge|storage-postgres|fanout-redis|client|react|react-ui)/' },
      to: { path: '^packages/wedding/|@wedsync/wedding' },
    },
    {
      name: 'client-never-imports-server',
      severity: 'error',
      from: { path: '^(packages/(client|react|react-ui)|apps/web)/src/' },
      to: {
        path: '^(packages/(server|storage-postgres|fanout-redis)|apps/server)/|@wedsync/(server|storage-postgres|fanout-redis|app-server)',
      },
    },
    {
      name: 'protocol-is-a-leaf',
      severity: 'error',
      from: { path: '^packages/protocol/src/' },
      to: { path: '^packages/(?!protocol/)|^apps/' },
    },
    {
      name: 'merge-is-pure',
      severity: 'error',
      from: { path: '^packages/merge/src/' },
      to: {
        path: '^packages/(?!(merge|protocol)/)|^apps/|^node:|^(fs|net|http|https|child_process)$',
        dependencyTypesNot: ['type-only'],
      },
    },
    {
      name: 'no-test-code-in-production',
      severity: 'error',
      from: { path: '/src/' },
      to: { path: '/test/|^tests/' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: 'node_modules|dist' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'types', 'default'] },
    combinedDependencies: true,
  },
};

import { defineConfig } from 'rolldown';

/**
 * The programs as two bundles (dist/cli.js, dist/main.js) built from tsc's
 * output in build/: loading ~1,500 modules one by one cost every command
 * about a second of start-up (docs/decisions.md, "Speed targets, fourteenth session").
 */
export default defineConfig({
  input: { cli: 'build/cli.js', main: 'build/main.js' },
  platform: 'node',
  // jsonc-parser's "main" is a UMD build whose requires a bundler cannot follow
  resolve: { mainFields: ['module', 'main'] },
  external: [
    // finds its WebAssembly and data files next to its own modules
    /^@electric-sql\/pglite/,
    // optional packages their users load only when installed (we install none)
    'pg-native',
    /^@nestjs\/(microservices|websockets|platform-express)/,
    'class-validator',
    'class-transformer',
    '@fastify/view',
  ],
  output: {
    dir: 'dist',
    cleanDir: true,
    format: 'esm',
    sourcemap: true,
    chunkFileNames: 'chunks/[name]-[hash].js',
  },
});

import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    // One dynalite and one s3rver for the whole run, on random free ports, closed at the end.
    globalSetup: ['tests/support/global-setup.ts'],
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', POWERTOOLS_LOG_LEVEL: 'SILENT' },
    // In CI a JSON report too, from which .ci/run prints the plain "N passed, N failed" line.
    reporters:
      process.env['CI'] === 'true' ? ['default', ['json', { outputFile: '.ci/out/vitest.json' }]] : ['default'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});

import { globalIgnores } from 'eslint/config';
import { config } from '@n8n/node-cli/eslint';

// n8n's default rules, unchanged, on what ships and what n8n's scanner lints: package.json,
// nodes/ and credentials/. Tests, scripts and the benchmark are ordinary Node programs.
export default [globalIgnores(['test/**', 'scripts/**', 'bench/**', 'coverage/**']), ...config];

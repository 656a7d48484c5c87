/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- Node-side test code: never shipped, needs Node's APIs */
/* eslint-disable @n8n/community-nodes/no-dangerous-functions -- runs jest's live project */
/**
 * `npm run test:live`: the node against the real Mindee API (test/live/), when MINDEE_API_KEY and
 * MINDEE_MODEL_ID are set; otherwise one line saying it was skipped. Not part of `npm test`.
 */
import { spawnSync } from 'child_process';

const missing = ['MINDEE_API_KEY', 'MINDEE_MODEL_ID'].filter((name) => !process.env[name]);
if (missing.length) {
	process.stdout.write(`test:live skipped: set ${missing.join(' and ')} to run the extraction, job and model operations against the real Mindee API\n`);
	process.exit(0);
}
const jest = spawnSync('npx', ['jest', '--selectProjects', 'live', '--runInBand', ...process.argv.slice(2)], { stdio: 'inherit' });
process.exit(jest.status ?? 1);

/**
 * No secret leaks: whatever goes wrong, the API key appears in no output item, error item or
 * execution error (the other-host case is in jobAndModel.test.ts).
 */
import { runMindeeNode, useFakeMindee } from '../harness';
import { byId, credentialsOf, pdfItem, productParams, UNKNOWN_MODEL } from './helpers';
import { madeUpSecret } from '../../madeUpSecret';

jest.setTimeout(60_000);

const fake = useFakeMindee({ processingMs: 100 });

/** Everything the execution produced, as text: items, errors, descriptions, run data. */
function everything(result: Awaited<ReturnType<typeof runMindeeNode>>): string {
	return JSON.stringify({ run: result.runData, error: result.error, message: result.error?.message, stack: result.error?.stack });
}

it.each([
	['a wrong key (401)', async () => runMindeeNode({ parameters: productParams('extraction'), items: [pdfItem()], credentials: credentialsOf(fake, 'md_secret_wrong_key_123') })],
	['an unknown model (404), continuing on fail', async () => runMindeeNode({ parameters: productParams('extraction', { modelId: byId(UNKNOWN_MODEL) }), items: [pdfItem()], credentials: credentialsOf(fake, 'md_secret_wrong_key_123'), continueOnFail: true })],
	['an unreachable base URL', async () => runMindeeNode({ parameters: productParams('extraction'), items: [pdfItem()], credentials: { apiKey: madeUpSecret('md_secret_', 'wrong_key_123'), baseUrl: 'http://127.0.0.1:9' }, continueOnFail: true })],
])('keeps the key out of outputs and errors: %s', async (_name, run) => {
	const result = await run();
	const text = everything(result);
	expect(text).toMatch(/Mindee|reach/); // the run data and its error are really in there
	expect(text).not.toContain('md_secret_wrong_key_123');
});

/**
 * The Model parameter's "From List" search (`methods.listSearch.searchModels`), against the fake
 * Mindee server.
 *
 * The harness runs nodes through n8n's WorkflowExecute, which has no path for load-options
 * methods (n8n's UI calls them through the REST API's LoadOptionsService). So the method is called
 * here with a minimal ILoadOptionsFunctions (harness/loadOptionsContext.ts).
 */
import type { ICredentialDataDecryptedObject, INodeListSearchResult } from 'n8n-workflow';

import { Mindee } from '../../../nodes/Mindee/Mindee.node';
import { defaultModels } from '../../fake-mindee/fixtures';
import { useFakeMindee } from '../harness/fakeMindee';
import type { SentRequest } from '../harness/fetchWithCredential';
import { loadOptionsContext } from '../harness/loadOptionsContext';
import { generatedModels, MODELS } from './helpers';

const fake = useFakeMindee({ processingMs: 100 }, () => ({ models: defaultModels() }));

const searchModels = new Mindee().methods.listSearch.searchModels;

async function search(
	resource: string | undefined,
	filter?: string,
	paginationToken?: string,
	credentials: ICredentialDataDecryptedObject = { apiKey: fake.apiKey, baseUrl: fake.url },
): Promise<INodeListSearchResult & { sent: SentRequest[] }> {
	const { context, sent } = loadOptionsContext({ parameters: { resource }, credentials });
	const result = await searchModels.call(context, filter, paginationToken);
	return { ...result, sent };
}

const queries = () => fake.requests.map((request) => request.query);

it('is the node\'s listSearch method named by the Model parameter', () => {
	const mindee = new Mindee();
	const modelProperty = mindee.description.properties.find((property) => property.name === 'modelId')!;
	const listMode = modelProperty.modes!.find((mode) => mode.name === 'list')!;
	expect(listMode.typeOptions?.searchListMethod).toBe('searchModels');
	expect(mindee.methods.listSearch).toHaveProperty('searchModels');
});

it.each([
	['extraction', [MODELS.extractionWithWebhooks, MODELS.extraction, 'e14e0923-ee55-ee55-a335-8d2110917d7b']],
	['classification', [MODELS.classification]],
	['crop', [MODELS.crop]],
	['ocr', [MODELS.ocr]],
	['split', [MODELS.split]],
])('for resource %s: only models of that type', async (resource, ids) => {
	const result = await search(resource);

	expect(fake.requests).toHaveLength(1);
	expect(fake.requests[0]).toMatchObject({ method: 'GET', path: '/v2/search/models', status: 200 });
	expect(queries()[0]).toEqual({ model_type: resource, page: '1', per_page: '50' });
	expect(fake.requests[0].headers.authorization).toBe(fake.apiKey);
	expect(result.results.map((entry) => entry.value)).toEqual(ids);
	expect(result.paginationToken).toBeUndefined();
});

it('maps each model to its name and ID', async () => {
	const result = await search('crop');

	expect(result.results).toEqual([
		{ name: 'Crop With Webhooks', value: MODELS.crop, url: `https://app.mindee.com/models/${MODELS.crop}` },
	]);
	expect(result.sent).toHaveLength(1);
	expect(result.sent[0].credentialType).toBe('mindeePlatformApi');
});

it('a model without a name is listed by its ID', async () => {
	fake.configure({ models: [{ id: MODELS.extraction, name: '', model_type: 'extraction' }] });

	const result = await search('extraction');

	expect(result.results.map((entry) => [entry.name, entry.value])).toEqual([[MODELS.extraction, MODELS.extraction]]);
});

it('the search text reaches Mindee as name=', async () => {
	const result = await search('extraction', 'With Webhooks');

	expect(queries()).toEqual([{ name: 'With Webhooks', model_type: 'extraction', page: '1', per_page: '50' }]);
	expect(result.results.map((entry) => entry.name)).toEqual(['Extraction With Webhooks']);
});

it('an empty search text sends no name', async () => {
	await search('split', '');

	expect(queries()).toEqual([{ model_type: 'split', page: '1', per_page: '50' }]);
});

it('for a resource that is not a product (Job), every model type is listed', async () => {
	const result = await search('job');

	expect(queries()).toEqual([{ page: '1', per_page: '50' }]);
	expect(result.results).toHaveLength(7);
});

it('pagination: the token flows page 1 → 2 → 3 → undefined with 120 models of the type', async () => {
	const models = generatedModels(150, ['extraction', 'extraction', 'extraction', 'extraction', 'ocr']);
	const extraction = models.filter((model) => model.model_type === 'extraction');
	expect(extraction).toHaveLength(120);
	fake.configure({ models });

	const first = await search('extraction');
	expect(first.results).toHaveLength(50);
	expect(first.paginationToken).toBe('2');

	const second = await search('extraction', undefined, first.paginationToken as string);
	expect(second.results).toHaveLength(50);
	expect(second.paginationToken).toBe('3');

	const third = await search('extraction', undefined, second.paginationToken as string);
	expect(third.results).toHaveLength(20);
	expect(third.paginationToken).toBeUndefined();

	expect(queries().map((query) => [query.page, query.per_page, query.model_type])).toEqual([
		['1', '50', 'extraction'],
		['2', '50', 'extraction'],
		['3', '50', 'extraction'],
	]);
	expect([...first.results, ...second.results, ...third.results].map((entry) => entry.value)).toEqual(
		extraction.map((model) => model.id),
	);
});

it('pagination with a search text: the filter is sent with every page', async () => {
	fake.configure({ models: generatedModels(120) });

	const first = await search('extraction', 'generated extraction 0');
	// "Generated extraction 001" … "099": 99 matches, two pages.
	expect(first.results).toHaveLength(50);
	expect(first.paginationToken).toBe('2');
	const second = await search('extraction', 'generated extraction 0', first.paginationToken as string);
	expect(second.results).toHaveLength(49);
	expect(second.paginationToken).toBeUndefined();
	expect(queries().map((query) => query.name)).toEqual(['generated extraction 0', 'generated extraction 0']);
});

it('a wrong API key: the list shows Mindee\'s explained 401', async () => {
	await expect(search('extraction', undefined, undefined, { apiKey: 'md_wrong', baseUrl: fake.url })).rejects.toThrow(
		'Mindee rejected the API key',
	);
	expect(fake.requests).toHaveLength(1);
	expect(fake.requests[0].status).toBe(401);
});

it('the credential\'s Base URL with a trailing slash still reaches /v2/search/models', async () => {
	const result = await search('ocr', undefined, undefined, { apiKey: fake.apiKey, baseUrl: `${fake.url}/` });

	expect(fake.requests.map((request) => request.path)).toEqual(['/v2/search/models']);
	expect(result.results.map((entry) => entry.value)).toEqual([MODELS.ocr]);
});

it('without a resource (a new node), extraction models are listed', async () => {
	const result = await search(undefined);

	expect(queries()).toEqual([{ model_type: 'extraction', page: '1', per_page: '50' }]);
	expect(result.results).toHaveLength(3);
});

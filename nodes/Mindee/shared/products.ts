import type { INodePropertyOptions } from 'n8n-workflow';

/**
 * Mindee's products: each enqueues a document at `/v2/products/{value}/enqueue`, is a resource of
 * the Mindee node (with "Enqueue & Poll" and "Enqueue"), a model type in Mindee's search, and a
 * result shape the output recognises by `resultKey`. `chainsExtraction`: its result may carry an
 * extraction run by a chained model; `takesExtractionOptions`: the enqueue accepts Extraction
 * Options (confidence, polygons, RAG, raw text, text context, data schema), and so review routing.
 * Adding a product starts here; TypeScript then points at the output shaping that must learn it.
 * Values are public: saved workflows store them. https://docs.mindee.com/integrations/api-reference
 */
export const PRODUCTS = [
	{
		value: 'classification',
		name: 'Classification',
		description: 'Tell which kind of document a file is',
		action: 'Classify a document',
		resultKey: 'classification',
		chainsExtraction: true,
		takesExtractionOptions: false,
	},
	{
		value: 'crop',
		name: 'Crop',
		description: 'Find the documents inside a photo or scan',
		action: 'Crop documents in an image',
		resultKey: 'crops',
		chainsExtraction: true,
		takesExtractionOptions: false,
	},
	{
		value: 'extraction',
		name: 'Extraction',
		description: 'Extract fields with a Mindee extraction model',
		action: 'Extract data from a document',
		resultKey: 'fields',
		chainsExtraction: false,
		takesExtractionOptions: true,
	},
	{
		value: 'ocr',
		name: 'OCR',
		description: 'Read the full text of every page',
		action: 'Read the text of a document',
		resultKey: 'pages',
		chainsExtraction: false,
		takesExtractionOptions: false,
	},
	{
		value: 'split',
		name: 'Split',
		description: 'Cut a multi-document file into documents',
		action: 'Split a document',
		resultKey: 'splits',
		chainsExtraction: true,
		takesExtractionOptions: false,
	},
] as const;

export type MindeeProduct = (typeof PRODUCTS)[number]['value'];
export type ProductInfo = (typeof PRODUCTS)[number];

export const PRODUCT_VALUES: MindeeProduct[] = PRODUCTS.map((product) => product.value);

/** Products whose enqueue takes the Extraction Options. */
export const EXTRACTION_OPTION_PRODUCTS: MindeeProduct[] = PRODUCTS.filter(
	(product) => product.takesExtractionOptions,
).map((product) => product.value);

export function isProduct(value: unknown): value is MindeeProduct {
	return (PRODUCT_VALUES as unknown[]).includes(value);
}

export function productInfo(product: MindeeProduct): ProductInfo {
	return PRODUCTS.find((entry) => entry.value === product) as ProductInfo;
}

/** The products as options of a parameter (Job → Product, Model → Model Type), by display name. */
export const productOptions: INodePropertyOptions[] = PRODUCTS.map(({ name, value }) => ({
	name,
	value,
}));

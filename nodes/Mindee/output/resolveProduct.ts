import type { MindeeInference, MindeeProduct } from '../transport/types';
import { PRODUCTS } from '../transport/types';
import { isPlainObject } from './fieldKinds';

/** The key of `inference.result` that only one product's results have. */
const RESULT_KEY_BY_PRODUCT: Record<MindeeProduct, string> = {
	extraction: 'fields',
	classification: 'classification',
	crop: 'crops',
	split: 'splits',
	ocr: 'pages',
};

/** Which product produced this result, judged by its shape; undefined when it matches none. */
export function detectProduct(inference: MindeeInference): MindeeProduct | undefined {
	const result = inference.result;
	if (!isPlainObject(result)) return undefined;
	return PRODUCTS.find((product) => RESULT_KEY_BY_PRODUCT[product] in result);
}

/**
 * The product to shape `inference` as: the expected one, unless the result plainly belongs to another
 * (a webhook shared between models, say), because shaping by the wrong product would hide every field.
 */
export function resolveProduct(inference: MindeeInference, expected: MindeeProduct): MindeeProduct {
	const result = inference.result;
	if (isPlainObject(result) && RESULT_KEY_BY_PRODUCT[expected] in result) return expected;
	return detectProduct(inference) ?? expected;
}

import type { INode, JsonObject } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import { describeFieldErrors, type MindeeProblem } from './problemDetails';

/** What the request was doing, so a 404 or 422 can be explained in the user's terms. */
export type RequestPurpose = 'enqueue' | 'job' | 'result' | 'search' | 'other';

export interface ErrorContext {
	purpose: RequestPurpose;
	itemIndex?: number;
	modelId?: string;
	/** True when the stored key starts with "Bearer " or "Token ", which Mindee V2 rejects. */
	keyHasPrefix?: boolean;
}

interface Explanation {
	message: string;
	description: string;
}

const KEY_HELP =
	'Open the "Mindee Platform API" credential and paste the API key from app.mindee.com → API Keys. V2 keys start with "md_".';

function explain(problem: MindeeProblem, context: ErrorContext): Explanation {
	const mindeeSays = [problem.title, problem.detail].filter(Boolean).join(': ');
	switch (problem.status) {
		case 401:
			return {
				message: 'Mindee rejected the API key',
				description: context.keyHasPrefix
					? 'The API key in the credential starts with "Bearer" or "Token". Mindee V2 wants the key alone: remove that prefix.'
					: KEY_HELP,
			};
		case 402:
			return {
				message: `Your Mindee plan does not allow this request: ${mindeeSays}`,
				description:
					'An option you turned on (for example RAG, polygons or confidence scores) or your usage is outside your Mindee plan. Turn the option off, or check your subscription at app.mindee.com.',
			};
		case 403:
			return {
				message: `Mindee refused access: ${mindeeSays}`,
				description:
					'The API key belongs to an organisation that cannot use this model or resource.',
			};
		case 404:
			if (context.purpose === 'enqueue') {
				return {
					message: `Mindee has no model with ID "${context.modelId ?? ''}"`,
					description:
						'Copy the model ID from app.mindee.com → your model → API, and check that the API key belongs to the same organisation.',
				};
			}
			if (context.purpose === 'result' || context.purpose === 'job') {
				return {
					message: `Mindee has no ${context.purpose} with this ID: ${mindeeSays}`,
					description:
						'The ID may be wrong, or Mindee already deleted the data (results are kept 12 hours by default, or deleted after the first fetch if the model is set up that way).',
				};
			}
			return {
				message: `Mindee could not find this resource: ${mindeeSays}`,
				description: 'Check the Base URL in the credential.',
			};
		case 422: {
			const fields = describeFieldErrors(problem);
			return {
				message: `Mindee rejected the request: ${problem.detail || problem.title}${fields ? ` (${fields})` : ''}`,
				description:
					'Fix the parameter named above. Model IDs are UUIDs; files must be PDF, JPEG, PNG, WebP, TIFF, HEIC or HEIF; URLs must be public https:// links.',
			};
		}
		case 429:
			return {
				message: 'Mindee rate limit reached (HTTP 429)',
				description:
					"Mindee allows 200 uploads and 1,200 status checks per minute per organisation. Lower the batch size, or set your plan's limits in the credential.",
			};
		default:
			if (problem.status >= 500) {
				return {
					message: `Mindee had an internal problem (HTTP ${problem.status}): ${mindeeSays}`,
					description:
						"This is on Mindee's side. Retry later; if it persists, check status.mindee.com.",
				};
			}
			return { message: `Mindee answered HTTP ${problem.status}: ${mindeeSays}`, description: '' };
	}
}

/** Turns Mindee's problem details into an error whose message says what happened and what to do. */
export function mindeeApiError(
	node: INode,
	problem: MindeeProblem,
	context: ErrorContext,
): NodeApiError {
	const { message, description } = explain(problem, context);
	const error = new NodeApiError(node, { ...problem } as unknown as JsonObject, {
		message,
		description: `${description}${description ? '\n' : ''}Mindee error ${problem.code}${problem.detail ? `: ${problem.detail}` : ''}`,
		httpCode: String(problem.status),
		itemIndex: context.itemIndex,
	});
	return error;
}

import type { IDataObject } from 'n8n-workflow';

/** Mindee's error body: RFC 9457-style problem details without `type`/`instance`. */
export interface MindeeProblem {
	status: number;
	title: string;
	code: string;
	detail: string;
	errors: Array<{ pointer?: string | null; detail: string }>;
}

function isRecord(value: unknown): value is IDataObject {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Reads a problem body, or synthesises one (as Mindee's SDKs do) when the body is something else. */
export function toProblem(status: number, body: unknown): MindeeProblem {
	const parsed = typeof body === 'string' ? tryParseJson(body) : body;
	if (isRecord(parsed) && typeof parsed.code === 'string' && (parsed.title || parsed.detail)) {
		const errors = Array.isArray(parsed.errors)
			? (parsed.errors as IDataObject[]).filter(isRecord).map((entry) => ({
					pointer: typeof entry.pointer === 'string' ? entry.pointer : null,
					detail: String(entry.detail ?? ''),
				}))
			: [];
		return {
			status: typeof parsed.status === 'number' ? parsed.status : status,
			title: String(parsed.title ?? ''),
			code: parsed.code,
			detail: String(parsed.detail ?? ''),
			errors,
		};
	}
	return {
		status,
		title: 'Unknown Error',
		code: `${status}-000`,
		detail: typeof body === 'string' ? body.slice(0, 500) : '',
		errors: [],
	};
}

export function isProblem(value: unknown): value is MindeeProblem {
	return isRecord(value) && typeof value.code === 'string' && typeof value.status === 'number';
}

/** "model_id: must be a valid UUID format; url: …", from `errors[]` pointers like "#/model_id". */
export function describeFieldErrors(problem: MindeeProblem): string {
	return problem.errors
		.map((entry) => {
			const field = entry.pointer ? entry.pointer.replace(/^#\//, '') : '';
			return field ? `${field}: ${entry.detail}` : entry.detail;
		})
		.join('; ');
}

function tryParseJson(text: string): unknown {
	try {
		return JSON.parse(text);
	} catch {
		return undefined;
	}
}

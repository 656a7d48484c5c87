import type { IDataObject } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { canceledError } from '../errors';
import type { MindeeProduct } from '../products';
import type { MindeeInference, MindeeJob, MindeeModel, ModelSearchPage } from '../types';
import { whenAborted } from './cancelSignal';
import { MindeeHttpClient, type MindeeContext } from './httpClient';
import { buildMultipartBody, type FormFields, type MultipartFile } from './multipart';
import type { SlidingWindowLimiter } from './rateBudget';

/** When a read is wanted: its place in the rate budget's queue (lower first) and its deadline. */
export interface ReadTiming {
	priority?: number;
	deadline?: number;
	/** Not retried here, bar 429s: the caller checks again when it sees fit (polls). */
	once?: boolean;
}

/**
 * Uploads of one credential sending bytes at the same time in this process, however many
 * documents are waiting: what bounds the memory of a batch (each holds its multipart body), fewer
 * than the 50 documents in progress the node allowed before, enough to hide each upload's round
 * trip. Once uploaded, a document waits with its job ID only, and counts against nothing but
 * Mindee's limits.
 */
export const UPLOADS_AT_ONCE = 32;

/** First come, first served slots; a waiter leaves when its execution is cancelled. */
class UploadGate {
	private sending = 0;
	private readonly waiting: Array<() => void> = [];

	constructor(private readonly slots: number) {}

	/** Resolves with the slot's release, or false when the signal fires first. */
	async enter(signal?: AbortSignal): Promise<(() => void) | false> {
		if (signal?.aborted) return false;
		if (this.sending < this.slots) return this.take();
		return await new Promise((resolve) => {
			const stopListening = signal
				? whenAborted(signal, () => {
						const index = this.waiting.indexOf(admit);
						if (index >= 0) this.waiting.splice(index, 1);
						resolve(false);
					})
				: () => undefined;
			const admit = () => {
				stopListening();
				resolve(this.take());
			};
			this.waiting.push(admit);
		});
	}

	private take(): () => void {
		this.sending++;
		let released = false;
		return () => {
			if (released) return;
			released = true;
			this.sending--;
			this.waiting.shift()?.();
		};
	}
}

const uploadGates = new WeakMap<SlidingWindowLimiter, UploadGate>();

function uploadGateOf(http: MindeeHttpClient): UploadGate {
	let gate = uploadGates.get(http.budget.post);
	if (!gate) {
		gate = new UploadGate(UPLOADS_AT_ONCE);
		uploadGates.set(http.budget.post, gate);
	}
	return gate;
}

/** Models per search page, as Mindee's own integrations ask for. */
const MODEL_PAGE_SIZE = 50;

/**
 * Mindee V2's routes, one method each: enqueue, job, result, model search
 * (https://docs.mindee.com/integrations/api-reference).
 */
export class MindeeApi {
	private constructor(
		private readonly context: MindeeContext,
		readonly http: MindeeHttpClient,
	) {}

	static async create(context: MindeeContext): Promise<MindeeApi> {
		return new MindeeApi(context, await MindeeHttpClient.create(context));
	}

	get baseUrl(): string {
		return this.http.baseUrl;
	}

	/** `answerWithinMs`: the longest wait for Mindee's answer (the user's Maximum Wait, if any). */
	async enqueue(
		product: MindeeProduct,
		fields: FormFields,
		file: MultipartFile | undefined,
		itemIndex: number,
		answerWithinMs?: number,
	): Promise<MindeeJob> {
		const modelId = fields.find(([name]) => name === 'model_id')?.[1];
		const leave = await uploadGateOf(this.http).enter(this.http.signal);
		if (!leave) throw canceledError(this.context.getNode(), itemIndex);
		try {
			const multipart = buildMultipartBody(fields, file);
			const response = await this.http.send({
				method: 'POST',
				url: `/v2/products/${product}/enqueue`,
				purpose: 'enqueue',
				body: multipart.open,
				headers: {
					'Content-Type': multipart.contentType,
					'Content-Length': multipart.contentLength,
				},
				itemIndex,
				modelId,
				priority: Date.now(),
				bodyBytes: multipart.contentLength,
				answerWithinMs,
			});
			return this.readJob(response.body, itemIndex);
		} finally {
			leave();
		}
	}

	/**
	 * One poll. Mindee answers 302 (with the job as JSON) once processed, 200 otherwise.
	 * Under the rate budget, lower `priority` is polled first; no answer is wanted after `deadline`.
	 */
	async getJob(
		pollingUrl: string,
		itemIndex?: number,
		timing: ReadTiming = {},
	): Promise<MindeeJob> {
		const response = await this.http.send({
			method: 'GET',
			url: pollingUrl,
			purpose: 'job',
			acceptStatuses: [302],
			itemIndex,
			...timing,
		});
		return this.readJob(response.body, itemIndex);
	}

	async getResult(
		resultUrl: string,
		itemIndex?: number,
		timing: ReadTiming = {},
	): Promise<MindeeInference> {
		const response = await this.http.send({
			method: 'GET',
			url: resultUrl,
			purpose: 'result',
			itemIndex,
			...timing,
		});
		const body = response.body as IDataObject | undefined;
		if (!body || typeof body.inference !== 'object' || body.inference === null) {
			throw new NodeOperationError(
				this.context.getNode(),
				'Mindee returned a result without an inference',
				{
					itemIndex,
					description: `The answer from ${resultUrl} was not a Mindee result.`,
				},
			);
		}
		return body.inference as MindeeInference;
	}

	/** One page of models matching the query. */
	async searchModels(query: {
		name?: string;
		modelType?: string;
		page?: number;
	}): Promise<ModelSearchPage> {
		const qs: IDataObject = {};
		if (query.name) qs.name = query.name;
		if (query.modelType) qs.model_type = query.modelType;
		if (query.page) qs.page = query.page;
		qs.per_page = MODEL_PAGE_SIZE;
		const response = await this.http.send({
			method: 'GET',
			url: '/v2/search/models',
			purpose: 'search',
			qs,
		});
		return response.body as ModelSearchPage;
	}

	/** Every model matching the query, page after page, up to `limit`. */
	async listModels(query: {
		name?: string;
		modelType?: string;
		limit?: number;
	}): Promise<MindeeModel[]> {
		const limit = query.limit ?? Infinity;
		const models: MindeeModel[] = [];
		for (let page = 1; models.length < limit; page++) {
			const result = await this.searchModels({ ...query, page });
			const found = result.models ?? [];
			models.push(...found.slice(0, limit - models.length));
			if (found.length === 0 || page >= (result.pagination?.total_pages ?? page)) break;
		}
		return models;
	}

	private readJob(body: unknown, itemIndex?: number): MindeeJob {
		const job = (body as IDataObject | undefined)?.job as MindeeJob | undefined;
		if (!job || typeof job.id !== 'string' || typeof job.polling_url !== 'string') {
			throw new NodeOperationError(
				this.context.getNode(),
				'Mindee returned an answer without a job',
				{
					itemIndex,
					description: 'Expected {"job": {...}} from Mindee. Check the Base URL in the credential.',
				},
			);
		}
		return job;
	}
}

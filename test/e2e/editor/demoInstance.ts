/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- Node-side test code: never shipped, needs Node's APIs */
/**
 * The same local n8n as `npm start` (scripts/start.ts), for the browser test and
 * `scripts/screenshots.ts`: the packed package installed as a community node, the fake Mindee server,
 * the "Mindee (demo)" credential, the workflows of `examples/` pointed at a folder of sample invoices,
 * and the owner account set up through n8n's API. Unlike `npm start` it uses a throw-away user folder
 * and free ports, so it never touches `.n8n-local/` or a running `npm start`.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'fs';
import * as os from 'os';
import * as path from 'path';

import { startFakeMindee, type FakeMindee } from '../../fake-mindee/server';
import {
	logIn,
	N8nInstance,
	packPackage,
	REPO_ROOT,
	setUpOwner,
	type N8nCredential,
	type N8nOwner,
	type N8nWorkflow,
} from '../harness';
import { pruneStaleFolders } from '../harness/processes';
import { mindeeCredential } from '../workflows/extraction';
import { webhookCredential } from '../workflows/webhook';

/**
 * Our own prefix for the throw-away folders (user folder, sample invoices): `n8n-editor-<pid>-…`,
 * deleted by later runs once that process is gone (same rule as the harness's n8n-e2e-<pid>-…).
 */
const FOLDER_PREFIX = 'n8n-editor-';

/** The model ids the examples ship with; both are listed by the fake server (search/models.json). */
export const DEMO_MODEL_ID = 'b3274545-bb22-bb22-991e-9ca0639829a3';
export const DEMO_WEBHOOK_MODEL_ID = 'afde5151-aa11-aa11-9289-fa04e50ca3b9';
export const DEMO_OWNER: N8nOwner = {
	email: 'demo@example.com',
	password: 'Demo-password-1',
	firstName: 'Demo',
	lastName: 'User',
};
export const DEMO_CREDENTIAL = { id: 'mindeeDemoCredential', name: 'Mindee (demo)' };
export const DEMO_WEBHOOK_CREDENTIAL = {
	id: 'mindeeDemoWebhookSecret',
	name: 'Mindee webhook (demo)',
};
export const DEMO_INVOICES = ['invoice-001.pdf', 'invoice-002.pdf', 'invoice-003.pdf'];

/**
 * The credentials the examples name (examples/*.json): "Mindee (demo)" on `backend`, and the
 * webhook credential with a placeholder for the signing secret.
 */
export function demoCredentials(backend: { apiKey: string; baseUrl: string }): N8nCredential[] {
	return [
		mindeeCredential({ ...DEMO_CREDENTIAL, apiKey: backend.apiKey, baseUrl: backend.baseUrl }),
		webhookCredential({
			...DEMO_WEBHOOK_CREDENTIAL,
			signingSecret: 'replace-with-your-signing-secret',
		}),
	];
}

export interface DemoExample {
	/** File name in examples/, e.g. "invoice-intake.json". */
	file: string;
	id: string;
	workflow: N8nWorkflow;
}

export interface DemoInstance {
	n8n: N8nInstance;
	fake: FakeMindee;
	examples: DemoExample[];
	example(file: string): DemoExample;
	/** `Cookie` header value of the owner's session (n8n-auth=…). */
	login(): Promise<string>;
	stop(): Promise<void>;
}

export interface DemoInstanceOptions {
	version?: string;
	/** Processing time of a job on the fake server (npm start: 2000 ms). */
	processingMs?: number;
	log?: (message: string) => void;
	/**
	 * What is set up before n8n starts (default: all of it, as `npm start`). The community-nodes test
	 * (test/e2e/communityNodes.e2e.test.ts) installs the package and creates the credential through
	 * the editor instead: `{ installPackage: false, credentials: false, examples: false }`.
	 */
	installPackage?: boolean;
	credentials?: boolean;
	examples?: boolean;
	/** Extra environment for n8n. */
	env?: Record<string, string>;
}

/** Sample invoices in a folder n8n may read (n8n 2.x restricts file access). */
function prepareFiles(root: string): string {
	const folder = path.join(root, 'invoices');
	mkdirSync(folder, { recursive: true });
	const pdf = path.join(REPO_ROOT, 'test', 'fixtures', 'files', 'invoice.pdf');
	for (const name of DEMO_INVOICES) copyFileSync(pdf, path.join(folder, name));
	return folder;
}

/** The examples as shipped, pointed at the demo folder (same rewriting as scripts/start.ts). */
function loadExamples(invoices: string): DemoExample[] {
	const folder = path.join(REPO_ROOT, 'examples');
	return readdirSync(folder)
		.filter((file) => file.endsWith('.json'))
		.sort()
		.map((file, index) => {
			const text = readFileSync(path.join(folder, file), 'utf8').replace(
				/\/data\/invoices\/\*\.pdf/g,
				`${invoices}/*.pdf`,
			);
			const id = `mindeeExample${index + 1}`;
			return { file, id, workflow: { ...(JSON.parse(text) as N8nWorkflow), id } };
		});
}

export async function startDemoInstance(options: DemoInstanceOptions = {}): Promise<DemoInstance> {
	const log = options.log ?? (() => undefined);
	const version = options.version ?? '2.41.1';
	const setUp = { installPackage: true, credentials: true, examples: true, ...options };
	if (setUp.installPackage) log('packing the package');
	const tarball = setUp.installPackage ? await packPackage() : undefined;
	const fake = await startFakeMindee({
		host: '127.0.0.1',
		processingMs: options.processingMs ?? 500,
	});
	if (process.env.E2E_KEEP_N8N_FOLDER !== '1') pruneStaleFolders(os.tmpdir(), FOLDER_PREFIX);
	const filesRoot = mkdtempSync(path.join(os.tmpdir(), `${FOLDER_PREFIX}${process.pid}-files-`));
	let n8n: N8nInstance | undefined;
	const stop = async () => {
		await n8n?.cleanup();
		await fake.stop();
		rmSync(filesRoot, { recursive: true, force: true });
	};
	try {
		const invoices = prepareFiles(filesRoot);
		log(`preparing n8n ${version}`);
		n8n = await N8nInstance.create({
			version,
			userFolder: mkdtempSync(
				path.join(os.tmpdir(), `${FOLDER_PREFIX}${process.pid}-n8n-${version}-`),
			),
			env: { N8N_RESTRICT_FILE_ACCESS_TO: filesRoot, ...options.env },
		});
		if (tarball) await n8n.installPackage(tarball);
		if (setUp.credentials)
			await n8n.importCredentials(demoCredentials({ apiKey: fake.apiKey, baseUrl: fake.url }));
		const examples = loadExamples(invoices);
		if (setUp.examples) await n8n.importWorkflows(examples.map((e) => e.workflow));
		log(`starting n8n ${version} on ${n8n.baseUrl}`);
		await n8n.start();
		await setUpOwner(n8n, DEMO_OWNER);
		const instance = n8n;
		return {
			n8n: instance,
			fake,
			examples,
			example(file: string) {
				const found = examples.find((e) => e.file === file);
				if (!found) throw new Error(`no example ${file} in examples/`);
				return found;
			},
			login: () => logIn(instance, DEMO_OWNER),
			stop,
		};
	} catch (error) {
		await stop();
		// eslint-disable-next-line @n8n/community-nodes/require-node-api-error -- no node here: the harness's error, after stopping n8n
		throw error;
	}
}

/* eslint-disable @n8n/community-nodes/no-restricted-globals -- Node-side test code: never shipped, needs Node's APIs */
/**
 * The harness itself against real n8n (no package needed): activation before `n8n start`, HTTPS with
 * a self-signed certificate, waiting for a production webhook, and that stop() leaves no process.
 * Later tests (webhook trigger, batch, queue mode) build on exactly this.
 */
import { e2eVersions } from './versions';
import { N8nInstance } from './n8nInstance';
import { outputOf } from './runData';

const WEBHOOK_PATH = 'e2e-harness-hook';

/** Whether any process of the group (n8n and the task runners it forked) is still alive. */
function groupAlive(pgid: number): boolean {
	try {
		process.kill(-pgid, 0);
		return true;
	} catch {
		return false;
	}
}

describe.each(e2eVersions())('harness on n8n %s', (version) => {
	let n8n: N8nInstance;

	afterAll(async () => {
		await n8n?.cleanup();
	});

	it(
		'activates a webhook workflow and serves it over HTTPS, then stops cleanly',
		async () => {
			n8n = await N8nInstance.create({ version, https: true });
			const id = await n8n.importWorkflow({
				name: 'harness webhook',
				nodes: [
					{
						id: 'harness-webhook',
						name: 'Webhook',
						type: 'n8n-nodes-base.webhook',
						typeVersion: 2,
						position: [0, 0],
						webhookId: '6f1c5bde-1111-4222-8333-444455556666',
						parameters: {
							httpMethod: 'POST',
							path: WEBHOOK_PATH,
							responseMode: 'onReceived',
							options: {},
						},
					},
				],
				connections: {},
			});
			await n8n.activate(id);
			await n8n.start();
			expect(n8n.baseUrl).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
			await n8n.waitForWebhook(WEBHOOK_PATH);

			const res = await n8n.request('POST', `/webhook/${WEBHOOK_PATH}`, {
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify({ hello: 'world' }),
			});
			expect(res.status).toBe(200);
			expect(JSON.parse(res.body)).toEqual({ message: 'Workflow was started' });

			const pgid = n8n.serverPid!;
			expect(groupAlive(pgid)).toBe(true);
			await n8n.stop();
			expect(groupAlive(pgid)).toBe(false);
		},
		5 * 60_000,
	);

	it(
		'runs a Manual Trigger workflow with `n8n execute` and parses its run',
		async () => {
			const id = await n8n.importWorkflow({
				name: 'harness execute',
				nodes: [
					{
						id: 'h1',
						name: 'Start',
						type: 'n8n-nodes-base.manualTrigger',
						typeVersion: 1,
						position: [0, 0],
						parameters: {},
					},
					{
						id: 'h2',
						name: 'Set',
						type: 'n8n-nodes-base.set',
						typeVersion: 3.4,
						position: [200, 0],
						parameters: {
							mode: 'manual',
							assignments: {
								assignments: [{ id: 'a', name: 'n', value: '={{ 20 + 22 }}', type: 'number' }],
							},
							options: {},
						},
					},
				],
				connections: { Start: { main: [[{ node: 'Set', type: 'main', index: 0 }]] } },
			});
			const execution = await n8n.execute(id);
			if (!execution.ok) {
				throw new Error(
					`execution failed (exit ${execution.exitCode}):\n${execution.output.slice(-4000)}`,
				);
			}
			expect(outputOf(execution.run, 'Set').map((i) => i.json)).toEqual([{ n: 42 }]);
		},
		3 * 60_000,
	);
});

/**
 * The owner account of an n8n instance, through its REST API: set up once on a fresh instance,
 * then logged in for a session cookie (what Executions → Retry, the credential test and the
 * browser tests need).
 */
import type { N8nInstance } from './n8nInstance';

export interface N8nOwner {
	email: string;
	password: string;
	firstName: string;
	lastName: string;
}

/** POST /rest/owner/setup; throws unless n8n answers 200 (it refuses once an owner exists). */
export async function setUpOwner(n8n: N8nInstance, owner: N8nOwner): Promise<void> {
	const response = await n8n.request('POST', '/rest/owner/setup', {
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify(owner),
	});
	if (response.status !== 200) {
		throw new Error(`owner setup answered ${response.status}: ${response.body.slice(0, 500)}`);
	}
}

/**
 * POST /rest/login; returns the session cookie (`n8n-auth=…`). With a `browserId`, n8n binds the
 * session to it: later requests must send the same `browser-id` header.
 */
export async function logIn(
	n8n: N8nInstance,
	owner: Pick<N8nOwner, 'email' | 'password'>,
	browserId?: string,
): Promise<string> {
	const response = await n8n.request('POST', '/rest/login', {
		headers: {
			'content-type': 'application/json',
			...(browserId ? { 'browser-id': browserId } : {}),
		},
		// n8n 2.x takes emailOrLdapLoginId; 1.x took email. Both are sent.
		body: JSON.stringify({
			email: owner.email,
			emailOrLdapLoginId: owner.email,
			password: owner.password,
		}),
	});
	const setCookie = response.headers['set-cookie'] ?? [];
	const auth = setCookie.map((c) => c.split(';')[0]).find((c) => c.startsWith('n8n-auth='));
	if (response.status !== 200 || !auth) {
		throw new Error(`login answered ${response.status}: ${response.body.slice(0, 500)}`);
	}
	return auth;
}

import type { INodeProperties } from 'n8n-workflow';

import {
	outputModeProperty,
	selectedFieldsProperty,
	splitListFieldProperty,
} from '../shared/output/parameters';

export const triggerProperties: INodeProperties[] = [
	{
		displayName:
			// n8n 2.x keeps only <a>, <ul> and <li> in notices, so the steps are numbered in the text.
			'Set up in Mindee:<ul><li>1. Open <a href="https://app.mindee.com" target="_blank">app.mindee.com</a> → your model → Webhooks → Add Webhook.</li><li>2. Paste this node\'s Production URL (under Webhook URLs above) and save. It must be public HTTPS.</li><li>3. Copy the webhook\'s Signing Secret into the credential below.</li><li>4. Copy the webhook\'s ID into the Mindee node\'s Options → Webhook IDs when you enqueue documents.</li><li>5. Activate this workflow.</li></ul>',
		name: 'setupNotice',
		type: 'notice',
		default: '',
	},
	{
		displayName: 'Signature Check',
		name: 'signatureCheck',
		type: 'options',
		options: [
			{
				name: 'Verify X-Signature (Recommended)',
				value: 'verify',
				description:
					"Reject any request not signed with the webhook's Signing Secret (answers 401)",
			},
			{
				name: 'Off: Accept Unsigned Requests (Insecure)',
				value: 'off',
				description: 'Anyone who knows the URL can start this workflow. For local tests only.',
			},
		],
		default: 'verify',
	},
	{
		displayName: 'Anyone who knows this URL can start the workflow with made-up results',
		name: 'signatureOffWarning',
		type: 'notice',
		default: '',
		displayOptions: { show: { signatureCheck: ['off'] } },
	},
	{
		displayName: 'Check Registration on Activation',
		name: 'checkRegistration',
		type: 'boolean',
		default: true,
		description:
			'Whether to confirm on activation, with a Mindee Platform API credential, that this URL is set up as a webhook on the model(s); if not, activation says which URL to add where',
	},
	{
		displayName: 'Allow Non-HTTPS URL (Testing Only)',
		name: 'allowInsecureUrl',
		type: 'boolean',
		default: false,
		description:
			"Whether to activate even when n8n's webhook URL is not https://. Mindee itself only delivers to HTTPS.",
	},
	outputModeProperty(),
	selectedFieldsProperty(),
	splitListFieldProperty(),
	{
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add Filter',
		default: {},
		description: 'Deliveries that do not match are acknowledged to Mindee and start no execution',
		options: [
			{
				displayName: 'Model IDs',
				name: 'modelIds',
				type: 'string',
				default: '',
				description: 'Comma-separated model IDs whose results start this workflow',
			},
			{
				displayName: 'Alias',
				name: 'alias',
				type: 'string',
				default: '',
				placeholder: 'e.g. invoices-2026-11-*',
				description: 'Only results whose alias matches; a trailing * matches any ending',
			},
		],
	},
];

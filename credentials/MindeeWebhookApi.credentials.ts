import type { Icon, ICredentialType, INodeProperties } from 'n8n-workflow';

/**
 * The Signing Secret of one webhook endpoint set up on a Mindee model. Mindee signs every
 * delivery with it (X-Signature); the Mindee Webhook Trigger checks that signature.
 */
export class MindeeWebhookApi implements ICredentialType {
	name = 'mindeeWebhookApi';

	displayName = 'Mindee Webhook API';

	icon: Icon = { light: 'file:../icons/mindee.svg', dark: 'file:../icons/mindee.dark.svg' };

	documentationUrl = 'https://github.com/n8n-nodes-mindee/n8n-nodes-mindee#mindee-webhook-trigger';

	properties: INodeProperties[] = [
		{
			displayName: 'Signing Secret',
			name: 'signingSecret',
			type: 'string',
			typeOptions: { password: true },
			required: true,
			default: '',
			description:
				"In app.mindee.com open your model → Webhooks, then copy the webhook's Signing Secret. This is not your API key.",
		},
	];
}

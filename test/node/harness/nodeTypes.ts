/**
 * The node-type registry handed to n8n's `Workflow`: what n8n's LoadNodesAndCredentials + NodeTypes
 * do for installed packages, for the handful of types one test run needs.
 */
import type { IDataObject, INodeType, INodeTypes, IVersionedNodeType } from 'n8n-workflow';
import { NodeHelpers, UnexpectedError } from 'n8n-workflow';

/** n8n names a community node `<package name>.<description.name>`. */
export const PACKAGE_NAME = 'n8n-nodes-mindee';

export type AnyNodeType = INodeType | IVersionedNodeType;

/** A node type to register: the instance (named `<PACKAGE_NAME>.<description.name>`), or an explicit full name. */
export type NodeTypeEntry = AnyNodeType | { typeName: string; nodeType: AnyNodeType };

export function fullTypeName(nodeType: AnyNodeType): string {
	return `${PACKAGE_NAME}.${nodeType.description.name}`;
}

export class HarnessNodeTypes implements INodeTypes {
	private readonly types = new Map<string, AnyNodeType>();

	constructor(entries: NodeTypeEntry[] = []) {
		for (const entry of entries) this.register(entry);
	}

	register(entry: NodeTypeEntry): string {
		const [typeName, nodeType] =
			'typeName' in entry ? [entry.typeName, entry.nodeType] : [fullTypeName(entry), entry];
		this.types.set(typeName, nodeType);
		return typeName;
	}

	getByName(nodeType: string): AnyNodeType {
		const found = this.types.get(nodeType);
		if (!found) {
			throw new UnexpectedError(
				`Unknown node type "${nodeType}" (registered: ${[...this.types.keys()].join(', ')})`,
			);
		}
		return found;
	}

	getByNameAndVersion(nodeType: string, version?: number): INodeType {
		return NodeHelpers.getVersionedNodeType(this.getByName(nodeType), version);
	}

	getKnownTypes(): IDataObject {
		return {};
	}
}

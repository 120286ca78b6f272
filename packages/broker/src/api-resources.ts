import {
  type APIGatewayClient,
  CreateResourceCommand,
  GetResourcesCommand,
  type Resource,
} from '@aws-sdk/client-api-gateway';

/** A path part of a REST API, below a parent resource. */
export interface ResourcePathPart {
  readonly restApiId: string;
  readonly parentId: string;
  readonly pathPart: string;
}

async function listResources(client: APIGatewayClient, restApiId: string): Promise<Resource[]> {
  const resources: Resource[] = [];
  let position: string | undefined;
  do {
    const page = await client.send(new GetResourcesCommand({ restApiId, limit: 500, position }));
    resources.push(...(page.items ?? []));
    position = page.position;
  } while (position !== undefined);
  return resources;
}

function findChild(resources: readonly Resource[], part: ResourcePathPart): string | undefined {
  return resources.find(
    (resource) => resource.parentId === part.parentId && resource.pathPart === part.pathPart,
  )?.id;
}

/**
 * The id of the resource `pathPart` under `parentId`, created when missing. Several producer stacks share
 * such a resource (every version of an event type lives under `/{event_type}`), so it is found before it is
 * created, and a concurrent creation (`ConflictException`) is resolved by finding the winner's resource.
 */
export async function ensureResource(client: APIGatewayClient, part: ResourcePathPart): Promise<string> {
  const existing = findChild(await listResources(client, part.restApiId), part);
  if (existing !== undefined) return existing;
  try {
    const created = await client.send(
      new CreateResourceCommand({
        restApiId: part.restApiId,
        parentId: part.parentId,
        pathPart: part.pathPart,
      }),
    );
    if (created.id === undefined) throw new Error('CreateResource returned no id');
    return created.id;
  } catch (error) {
    if (error instanceof Error && error.name === 'ConflictException') {
      const winner = findChild(await listResources(client, part.restApiId), part);
      if (winner !== undefined) return winner;
    }
    throw error;
  }
}

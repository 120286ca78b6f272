import {
  type APIGatewayClient,
  CreateDeploymentCommand,
  CreateResourceCommand,
  GetResourcesCommand,
  GetStageCommand,
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

/** A stage of a REST API. */
export interface ApiStage {
  readonly restApiId: string;
  readonly stageName: string;
}

export interface RedeployStageOptions {
  /** Description of the new deployment. */
  readonly description: string;
  /**
   * Attempts while API Gateway throttles the call or another change to the API is in progress.
   * @default 6
   */
  readonly maxAttempts?: number;
  /**
   * Wait before the second attempt; it doubles after every attempt, up to 15 s.
   * @default 2000
   */
  readonly firstDelayMs?: number;
  /** @default a timer */
  readonly sleep?: (ms: number) => Promise<void>;
}

/** Errors of CreateDeployment worth another attempt: throttling, or another change to the API in progress. */
const REDEPLOY_RETRY_ERRORS: ReadonlySet<string> = new Set(['TooManyRequestsException', 'ConflictException']);
const MAX_REDEPLOY_DELAY_MS = 15_000;

function errorName(error: unknown): string | undefined {
  return error instanceof Error ? error.name : undefined;
}

const timer = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Makes the stage serve the API as it is now, with a new deployment of it; a route removed since the last
 * deployment stops being served. Returns the new deployment's id, or `undefined` when the API or the stage
 * no longer exists (there is nothing left to serve the route, and no stage is created). Throttling and
 * concurrent changes (`TooManyRequestsException`, `ConflictException`) are retried with a growing delay.
 */
export async function redeployStage(
  client: APIGatewayClient,
  stage: ApiStage,
  options: RedeployStageOptions,
): Promise<string | undefined> {
  const maxAttempts = options.maxAttempts ?? 6;
  const sleep = options.sleep ?? timer;
  let delay = options.firstDelayMs ?? 2000;
  for (let attempt = 1; ; attempt += 1) {
    try {
      // CreateDeployment would create a missing stage: check that it still exists first.
      await client.send(new GetStageCommand({ restApiId: stage.restApiId, stageName: stage.stageName }));
      const deployment = await client.send(
        new CreateDeploymentCommand({
          restApiId: stage.restApiId,
          stageName: stage.stageName,
          description: options.description,
        }),
      );
      if (deployment.id === undefined) throw new Error('CreateDeployment returned no id');
      return deployment.id;
    } catch (error) {
      const name = errorName(error);
      if (name === 'NotFoundException') return undefined;
      if (attempt >= maxAttempts || name === undefined || !REDEPLOY_RETRY_ERRORS.has(name)) throw error;
      await sleep(delay);
      delay = Math.min(delay * 2, MAX_REDEPLOY_DELAY_MS);
    }
  }
}

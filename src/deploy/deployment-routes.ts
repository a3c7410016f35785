import { z } from 'zod';
import type { RouteModule } from '../http/route-module.js';
import type { DeploymentManager } from './deployment-manager.js';

const nameParams = z.object({ name: z.string().min(1) });
const limitQuery = z.object({ limit: z.coerce.number().int().min(1).max(5_000).default(200) });

/**
 * `/api/deployments`: create, list, read, stop, start and delete deployments, and read their
 * event log and their targets' output.
 */
export const deploymentRoutes: RouteModule<{ deploymentManager: DeploymentManager }> = ({ router, services }) => {
  const manager = services.deploymentManager;
  router.route({
    method: 'POST',
    url: '/api/deployments',
    summary: 'Create a deployment and start it',
    tags: ['deployments'],
    // The manager's own schema, parsed once here: one 400 lists every bad field, each target's spec checked by its kind.
    body: manager.inputSchema,
    status: 201,
    handler: ({ body }) => manager.create(body),
  });
  router.route({
    method: 'GET',
    url: '/api/deployments',
    summary: 'List deployments with their state',
    tags: ['deployments'],
    handler: () => ({ data: manager.describeAll() }),
  });
  router.route({
    method: 'GET',
    url: '/api/deployments/:name',
    summary: 'Read a deployment',
    tags: ['deployments'],
    params: nameParams,
    handler: ({ params }) => manager.describe(params.name),
  });
  router.route({
    method: 'DELETE',
    url: '/api/deployments/:name',
    summary: 'Stop and delete a deployment',
    tags: ['deployments'],
    params: nameParams,
    status: 204,
    handler: ({ params }) => manager.delete(params.name),
  });
  router.route({
    method: 'POST',
    url: '/api/deployments/:name/stop',
    summary: 'Stop a deployment (it stays stopped across restarts)',
    tags: ['deployments'],
    params: nameParams,
    handler: ({ params }) => manager.stop(params.name),
  });
  router.route({
    method: 'POST',
    url: '/api/deployments/:name/start',
    summary: 'Start a stopped or failed deployment',
    tags: ['deployments'],
    params: nameParams,
    handler: ({ params }) => manager.start(params.name),
  });
  router.route({
    method: 'GET',
    url: '/api/deployments/:name/events',
    summary: "A deployment's event log, oldest first",
    tags: ['deployments'],
    params: nameParams,
    query: limitQuery,
    handler: async ({ params, query }) => ({
      data: (await manager.events(params.name, query.limit)).map((event) => ({ ...event, at: new Date(event.at).toISOString() })),
    }),
  });
  router.route({
    method: 'GET',
    url: '/api/deployments/:name/logs',
    summary: "The last output lines of a deployment's managed processes",
    tags: ['deployments'],
    params: nameParams,
    query: limitQuery,
    handler: ({ params, query }) => ({ data: manager.logs(params.name, query.limit) }),
  });
};

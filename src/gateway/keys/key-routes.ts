import { z } from 'zod';
import type { RouteModule } from '../../http/route-module.js';
import type { GatewayServices } from '../gateway-services.js';
import { durationPattern, parseDuration } from './duration.js';

const limitsSchema = z
  .object({
    requestsPerMinute: z.number().int().positive().optional(),
    tokensPerMinute: z.number().int().positive().optional(),
    budgetUsd: z.number().positive().optional(),
  })
  .strict();

const createKeySchema = z
  .object({
    name: z.string().trim().min(1).max(200),
    deployments: z.array(z.string().min(1)).min(1).nullable().optional(),
    expiresIn: z.string().regex(durationPattern, 'must be a number and a unit, e.g. 30d, 12h, 90m').optional(),
    limits: limitsSchema.nullable().optional(),
  })
  .strict();

/** `/api/keys`: create (the key is in the answer once), list, revoke. */
export const keyRoutes: RouteModule<{ gateway: GatewayServices }> = ({ router, services }) => {
  const keys = services.gateway.keys;
  router.route({
    method: 'POST',
    url: '/api/keys',
    summary: 'Create a user key for /v1 (the key is returned once, stored only as a SHA-256 hash)',
    tags: ['keys'],
    body: createKeySchema,
    status: 201,
    handler: ({ body }) =>
      keys.create({
        name: body.name,
        deployments: body.deployments ?? null,
        limits: body.limits ?? null,
        expiresAt: body.expiresIn ? Date.now() + (parseDuration(body.expiresIn) ?? 0) : null,
      }),
  });
  router.route({
    method: 'GET',
    url: '/api/keys',
    summary: 'List user keys (prefix, scope, limits, expiry, revocation; never the key)',
    tags: ['keys'],
    handler: async () => ({ data: await keys.list() }),
  });
  router.route({
    method: 'DELETE',
    url: '/api/keys/:id',
    summary: 'Revoke a user key; requests with it fail at once',
    tags: ['keys'],
    params: z.object({ id: z.string().min(1) }),
    handler: ({ params }) => keys.revoke(params.id),
  });
};

import { z } from 'zod';
import type { RouteModule } from '../../http/route-module.js';
import type { Store } from '../../store/database.js';
import type { GatewayServices } from '../gateway-services.js';
import { listRequests, summarizeUsage } from './usage-queries.js';

const instant = z
  .string()
  .refine((value) => !Number.isNaN(Date.parse(value)), 'must be an ISO date or date-time')
  .transform((value) => Date.parse(value));

const filterSchema = {
  key: z.string().min(1).optional(),
  deployment: z.string().min(1).optional(),
  since: instant.optional(),
  until: instant.optional(),
};

/** `/api/usage` (totals per day, key and deployment) and `/api/logs` (the request log, filtered). */
export const usageRoutes: RouteModule<{ store: Store; gateway: GatewayServices }> = ({ router, services }) => {
  const { store } = services;
  router.route({
    method: 'GET',
    url: '/api/usage',
    summary: 'Usage totals per UTC day, key and deployment: requests, errors, tokens, cost (null when unpriced)',
    tags: ['usage'],
    query: z.object(filterSchema).strict(),
    handler: async ({ query }) => {
      // Records still in the write buffer belong in the answer.
      await services.gateway.usage.flush();
      return {
        data: await summarizeUsage(store, { keyId: query.key, deployment: query.deployment, since: query.since, until: query.until }),
      };
    },
  });
  router.route({
    method: 'GET',
    url: '/api/logs',
    summary:
      'The request log, newest first: one record per /v1 request with status, tokens (usage_estimated: counted from the delivered text), cost, latency, TTFT and overhead',
    tags: ['usage'],
    query: z
      .object({
        ...filterSchema,
        status: z.coerce.number().int().min(100).max(599).optional(),
        errors: z
          .enum(['true', 'false'])
          .transform((value) => value === 'true')
          .optional(),
        before: z.coerce.number().int().positive().optional(),
        limit: z.coerce.number().int().min(1).max(1000).default(100),
      })
      .strict(),
    handler: async ({ query }) => {
      await services.gateway.usage.flush();
      const rows = await listRequests(store, {
        keyId: query.key,
        deployment: query.deployment,
        since: query.since,
        until: query.until,
        status: query.status,
        errors: query.errors,
        before: query.before,
        limit: query.limit,
      });
      return {
        data: rows.map((row) => ({
          ...row,
          at: new Date(row.at).toISOString(),
          stream: row.stream === 1,
          // True when the upstream never reported the tokens (a stream cut mid-way): counted from the delivered text.
          usage_estimated: row.usage_estimated === 1,
        })),
      };
    },
  });
};

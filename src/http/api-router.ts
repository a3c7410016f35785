import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { z, ZodType } from 'zod';
import type { FieldError } from '../errors.js';
import { fieldErrorsOf, invalidRequest } from '../validation.js';
import type { OpenApiRegistry, OperationRecord } from './openapi.js';

type Infer<T> = T extends ZodType ? z.output<T> : undefined;

export interface RouteDefinition<Body extends ZodType | undefined, Query extends ZodType | undefined, Params extends ZodType | undefined> {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Fastify path, e.g. `/api/models/:id`. */
  url: string;
  summary: string;
  tags: string[];
  /** `admin` (default) needs the admin key; `public` is readable by anyone (the library catalog). */
  auth?: 'admin' | 'public';
  body?: Body;
  query?: Query;
  params?: Params;
  /** Status for a successful answer (201 for creations, 204 for deletions). */
  status?: number;
  /** Shape of a successful answer, for the OpenAPI document only (not checked at run time). */
  response?: ZodType;
  handler(input: {
    body: Infer<Body>;
    query: Infer<Query>;
    params: Infer<Params>;
    request: FastifyRequest;
    reply: FastifyReply;
  }): Promise<unknown> | unknown;
}

/**
 * Defines `/api` routes with zod validation (every bad field listed in one 400) and records each
 * one for the OpenAPI document, so the document cannot drift from the routes.
 *
 * @example
 *   router.route({ method: 'GET', url: '/api/models/:id', summary: 'Read a model', tags: ['library'],
 *     params: z.object({ id: z.string() }), auth: 'public', handler: ({ params }) => library.get(params.id) });
 */
export class ApiRouter {
  constructor(
    private readonly app: FastifyInstance,
    private readonly openapi: OpenApiRegistry,
  ) {}

  /**
   * Records a route that is served elsewhere (the `/v1` routes, on the gateway's own hot path) in
   * the OpenAPI document, from the schemas that validate it.
   */
  describe(operation: OperationRecord): void {
    this.openapi.add(operation);
  }

  route<
    Body extends ZodType | undefined = undefined,
    Query extends ZodType | undefined = undefined,
    Params extends ZodType | undefined = undefined,
  >(definition: RouteDefinition<Body, Query, Params>): void {
    const auth = definition.auth ?? 'admin';
    this.openapi.add({ ...definition, auth });
    this.app.route({
      method: definition.method,
      url: definition.url,
      config: { auth },
      handler: async (request, reply) => {
        const fieldErrors: FieldError[] = [];
        const params = parsePart(definition.params, request.params, 'path', fieldErrors);
        const query = parsePart(definition.query, request.query, 'query', fieldErrors);
        const body = parsePart(definition.body, request.body, 'body', fieldErrors);
        if (fieldErrors.length > 0) {
          throw invalidRequest('request', fieldErrors);
        }
        const result = await definition.handler({ body, query, params, request, reply } as never);
        if (reply.sent) return reply;
        reply.code(definition.status ?? 200);
        return definition.status === 204 ? reply.send() : result;
      },
    });
  }
}

function parsePart(schema: ZodType | undefined, value: unknown, location: string, errors: FieldError[]): unknown {
  if (!schema) return undefined;
  const parsed = schema.safeParse(value ?? (location === 'body' ? undefined : {}));
  if (parsed.success) return parsed.data;
  errors.push(...fieldErrorsOf(parsed.error.issues, [location]));
  return undefined;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    auth?: 'admin' | 'public';
  }
}

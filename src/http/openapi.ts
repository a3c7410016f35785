import { z, type ZodType } from 'zod';
import type { ErrorShape } from './error-shape.js';

/** Who may call a route: the admin key, anyone, or a DevUp API key (the `/v1` routes). */
export type RouteAuth = 'admin' | 'public' | 'key';

export interface OperationRecord {
  method: string;
  url: string;
  summary: string;
  tags: string[];
  auth: RouteAuth;
  errorShape?: ErrorShape;
  body?: ZodType;
  query?: ZodType;
  params?: ZodType;
  status?: number;
  response?: ZodType;
}

/** Collects the routes defined through ApiRouter (and the `/v1` routes it describes) and renders them as an OpenAPI 3.1 document. */
export class OpenApiRegistry {
  private readonly operations: OperationRecord[] = [];

  add(operation: OperationRecord): void {
    this.operations.push(operation);
  }

  document(version: string): Record<string, unknown> {
    const paths: Record<string, Record<string, unknown>> = {};
    for (const operation of this.operations) {
      const openApiPath = operation.url.replace(/:([A-Za-z_]+)/g, '{$1}');
      paths[openApiPath] ??= {};
      const error = {
        $ref: operation.errorShape === 'anthropic' ? '#/components/responses/AnthropicError' : '#/components/responses/Error',
      };
      paths[openApiPath][operation.method.toLowerCase()] = {
        summary: operation.summary,
        tags: operation.tags,
        security: security[operation.auth],
        parameters: [...parameters(operation.params, 'path'), ...parameters(operation.query, 'query')],
        ...(operation.body
          ? { requestBody: { required: true, content: { 'application/json': { schema: toJsonSchema(operation.body, 'input') } } } }
          : {}),
        responses: {
          [String(operation.status ?? 200)]: operation.response
            ? { description: 'Success', content: { 'application/json': { schema: toJsonSchema(operation.response, 'output') } } }
            : { description: 'Success' },
          '400': error,
          ...(operation.auth === 'public' ? {} : { '401': error }),
          '404': error,
          ...(operation.auth === 'key' ? { '429': error, '502': error } : {}),
        },
      };
    }
    return {
      openapi: '3.1.0',
      info: { title: 'DevUp Gateway API', version },
      paths,
      components: {
        securitySchemes: {
          adminKey: { type: 'http', scheme: 'bearer', description: 'DEVUP_ADMIN_KEY' },
          apiKey: { type: 'http', scheme: 'bearer', description: 'A DevUp API key (devup-…); the admin key works too' },
          xApiKey: { type: 'apiKey', in: 'header', name: 'x-api-key', description: 'A DevUp API key, as Anthropic clients send it' },
        },
        responses: {
          Error: {
            description: 'OpenAI-style error',
            content: { 'application/json': { schema: errorSchema } },
          },
          AnthropicError: {
            description: 'Anthropic-style error (the Messages API)',
            content: { 'application/json': { schema: anthropicErrorSchema } },
          },
        },
      },
    };
  }
}

const errorSchema = {
  type: 'object',
  properties: {
    error: {
      type: 'object',
      properties: {
        message: { type: 'string' },
        type: { type: 'string' },
        code: { type: 'string' },
        param: { type: ['string', 'null'] },
        details: { type: 'array', items: { type: 'object', properties: { path: { type: 'string' }, message: { type: 'string' } } } },
      },
      required: ['message', 'type', 'code', 'param'],
    },
  },
};

const security: Record<RouteAuth, unknown[]> = {
  admin: [{ adminKey: [] }],
  public: [],
  key: [{ apiKey: [] }, { xApiKey: [] }],
};

const anthropicErrorSchema = {
  type: 'object',
  properties: {
    type: { const: 'error' },
    error: {
      type: 'object',
      properties: { type: { type: 'string' }, message: { type: 'string' } },
      required: ['type', 'message'],
    },
    request_id: { type: 'string' },
  },
  required: ['type', 'error'],
};

function toJsonSchema(schema: ZodType, io: 'input' | 'output'): Record<string, unknown> {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Record<string, unknown>;
  return rest;
}

function parameters(schema: ZodType | undefined, location: 'path' | 'query') {
  if (!schema) return [];
  const json = toJsonSchema(schema, 'input') as { properties?: Record<string, unknown>; required?: string[] };
  return Object.entries(json.properties ?? {}).map(([name, property]) => ({
    name,
    in: location,
    required: location === 'path' || (json.required ?? []).includes(name),
    schema: property,
  }));
}

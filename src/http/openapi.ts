import { z, type ZodType } from 'zod';

interface OperationRecord {
  method: string;
  url: string;
  summary: string;
  tags: string[];
  auth: 'admin' | 'public';
  body?: ZodType;
  query?: ZodType;
  params?: ZodType;
  status?: number;
  response?: ZodType;
}

/** Collects the routes defined through ApiRouter and renders them as an OpenAPI 3.1 document. */
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
      paths[openApiPath][operation.method.toLowerCase()] = {
        summary: operation.summary,
        tags: operation.tags,
        security: operation.auth === 'admin' ? [{ adminKey: [] }] : [],
        parameters: [...parameters(operation.params, 'path'), ...parameters(operation.query, 'query')],
        ...(operation.body
          ? { requestBody: { required: true, content: { 'application/json': { schema: toJsonSchema(operation.body, 'input') } } } }
          : {}),
        responses: {
          [String(operation.status ?? 200)]: operation.response
            ? { description: 'Success', content: { 'application/json': { schema: toJsonSchema(operation.response, 'output') } } }
            : { description: 'Success' },
          '400': { $ref: '#/components/responses/Error' },
          ...(operation.auth === 'admin' ? { '401': { $ref: '#/components/responses/Error' } } : {}),
          '404': { $ref: '#/components/responses/Error' },
        },
      };
    }
    return {
      openapi: '3.1.0',
      info: { title: 'DevUp Gateway admin API', version },
      paths,
      components: {
        securitySchemes: { adminKey: { type: 'http', scheme: 'bearer', description: 'DEVUP_ADMIN_KEY' } },
        responses: {
          Error: {
            description: 'OpenAI-style error',
            content: { 'application/json': { schema: errorSchema } },
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

import type { Role } from '@centralita/core';
import type { Principal } from '@centralita/db';
import type { Request, Response, Router } from 'express';
import { z } from 'zod';
import { requireRole } from './auth.ts';
import { validate } from './errors.ts';

type Method = 'get' | 'post' | 'patch' | 'put' | 'delete';

export interface HandlerInput<B, Q> {
  req: Request;
  res: Response;
  principal: Principal;
  body: B;
  query: Q;
  params: Record<string, string>;
}

export interface RouteSpec<B, Q> {
  method: Method;
  /** Express-style path under /api/v1, e.g. '/conversations/:id'. */
  path: string;
  summary: string;
  tag: string;
  role: Role;
  body?: z.ZodType<B>;
  query?: z.ZodType<Q>;
  /** Status of a successful answer. @default 200 */
  status?: number;
  /** Response schema for the OpenAPI document. */
  response?: z.ZodType;
  handler(input: HandlerInput<B, Q>): Promise<unknown>;
}

interface Documented {
  method: Method;
  path: string;
  summary: string;
  tag: string;
  role: Role;
  body?: z.ZodType;
  query?: z.ZodType;
  status: number;
  response?: z.ZodType;
}

/**
 * Registers API routes and remembers them, so the OpenAPI document is generated from the same
 * schemas that validate requests and cannot drift from the code.
 */
export class ApiRegistry {
  readonly routes: Documented[] = [];
  readonly #router: Router;

  constructor(router: Router) {
    this.#router = router;
  }

  /** Describes a route registered by hand (sign-in and sign-out, which need no principal). */
  document(spec: Omit<Documented, 'role'> & { role: Role | 'public' }): void {
    this.routes.push(spec as Documented);
  }

  add<B = undefined, Q = undefined>(spec: RouteSpec<B, Q>): void {
    const status = spec.status ?? 200;
    this.routes.push({ ...spec, status } as Documented);
    this.#router[spec.method](spec.path, async (req, res) => {
      const principal = requireRole(req, spec.role);
      const body = spec.body ? validate(spec.body, req.body ?? {}, 'body') : (undefined as B);
      const query = spec.query ? validate(spec.query, req.query, 'query') : (undefined as Q);
      const params = req.params as Record<string, string>;
      for (const [name, value] of Object.entries(params)) {
        if (/id$/i.test(name)) validate(z.uuid(), value, `path parameter ${name}`);
      }
      const result = await spec.handler({ req, res, principal, body, query, params });
      if (res.headersSent) return;
      if (result === undefined) res.status(status === 200 ? 204 : status).end();
      else res.status(status).json(result);
    });
  }

  /** The OpenAPI 3.1 document for every registered route. */
  openapi(info: { title: string; version: string }): Record<string, unknown> {
    const paths: Record<string, Record<string, unknown>> = {};
    for (const r of this.routes) {
      const path = `/api/v1${r.path.replace(/:([A-Za-z]+)/g, '{$1}')}`;
      const params = [...r.path.matchAll(/:([A-Za-z]+)/g)].map((m) => ({
        name: m[1],
        in: 'path',
        required: true,
        schema: { type: 'string', format: 'uuid' },
      }));
      const queryParams = r.query ? queryParameters(r.query) : [];
      paths[path] ??= {};
      (paths[path] as Record<string, unknown>)[r.method] = {
        summary: r.summary,
        tags: [r.tag],
        description: (r.role as string) === 'public' ? 'Open to anyone.' : `Requires the ${r.role} role.`,
        // Machine-readable for clients and for the bad-input suite, which tries every role.
        'x-centralita-role': r.role,
        security: (r.role as string) === 'public' ? [] : [{ bearer: [] }, { session: [] }],
        parameters: [...params, ...queryParams],
        ...(r.body ? { requestBody: { required: true, content: { 'application/json': { schema: toSchema(r.body) } } } } : {}),
        responses: {
          [String(r.status)]: {
            description: 'Success',
            ...(r.response ? { content: { 'application/json': { schema: toSchema(r.response) } } } : {}),
          },
          default: { description: 'Error', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } },
        },
      };
    }
    return {
      openapi: '3.1.0',
      info,
      paths,
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', description: 'An API token (ctk_...) created by an admin.' },
          session: { type: 'apiKey', in: 'cookie', name: 'centralita_session' },
        },
        schemas: {
          Error: {
            type: 'object',
            required: ['error'],
            properties: {
              error: {
                type: 'object',
                required: ['code', 'message'],
                properties: { code: { type: 'string' }, message: { type: 'string' }, details: {} },
              },
            },
          },
        },
      },
    };
  }
}

function toSchema(schema: z.ZodType): unknown {
  return z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' });
}

function queryParameters(schema: z.ZodType): unknown[] {
  const json = toSchema(schema) as { properties?: Record<string, unknown>; required?: string[] };
  return Object.entries(json.properties ?? {}).map(([name, s]) => ({
    name,
    in: 'query',
    required: json.required?.includes(name) ?? false,
    schema: s,
  }));
}

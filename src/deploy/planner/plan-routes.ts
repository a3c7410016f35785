import { DevupError } from '../../errors.js';
import type { RouteModule } from '../../http/route-module.js';
import type { Store } from '../../store/database.js';
import { findArchitecture } from './architecture-source.js';
import { planDeployment } from './plan-deployment.js';
import { planRequestSchema, type PlanRequest } from './plan-request-schema.js';
import { readArchitecture } from './read-architecture.js';
import { recipeFor } from '../recipes/recipe-for.js';

/**
 * `POST /api/plan` (a model id or an inline config) and `GET /api/plan?model=…`: the planner's
 * answer with the engine's launch commands. Public, like the library: it reads, it changes nothing.
 */
export const planRoutes: RouteModule<{ store: Store }> = ({ router, services }) => {
  const answer = async (options: PlanRequest) => {
    if (!options.model && !options.config) {
      throw new DevupError('invalid_request', 'Give a model id (model) or an architecture (config)', {
        fieldErrors: [{ path: 'model', message: 'model or config is required' }],
      });
    }
    const spec = options.config
      ? readArchitecture(options.config, 'config')
      : await findArchitecture(options.model as string, { store: services.store });
    const plan = planDeployment({ ...options, spec, model: options.model ?? spec.repo ?? spec.family });
    return { ...plan, recipe: plan.fits ? recipeFor(plan, { host: options.host }) : null };
  };
  router.route({
    method: 'POST',
    url: '/api/plan',
    summary: 'Plan the GPUs, layout and launch command for a model',
    tags: ['deploy'],
    auth: 'public',
    body: planRequestSchema,
    handler: ({ body }) => answer(body),
  });
  router.route({
    method: 'GET',
    url: '/api/plan',
    summary: 'Plan the GPUs, layout and launch command for a library model',
    tags: ['deploy'],
    auth: 'public',
    query: planRequestSchema.omit({ config: true }),
    handler: ({ query }) => answer(query),
  });
};

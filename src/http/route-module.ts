import type { FastifyInstance } from 'fastify';
import type { ApiRouter } from './api-router.js';

/**
 * A feature area's routes (library, deployments, keys, usage, gateway, UI), registered by the
 * composition root (`server/app.ts`). Each area names only the services it uses, so it depends on
 * them and not on the whole app.
 *
 * @example export const libraryRoutes: RouteModule<{ library: LibraryService }> = ({ router, services }) => { … };
 */
export type RouteModule<Services> = (context: { app: FastifyInstance; router: ApiRouter; services: Services }) => void;

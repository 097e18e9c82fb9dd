import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import multipart from '@fastify/multipart';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Authenticator } from '../auth/authenticator.js';
import type { Config } from '../config.js';
import type { Metrics } from '../metrics.js';
import type { Services } from '../services/services.js';
import type { UserDirectory } from '../services/user-directory.js';
import { answerUnparsableRequest, errorHandler, sendError } from './error-reply.js';
import { requireUser } from './request-user.js';
import { adminConversationRoutes } from './routes/admin-conversation-routes.js';
import { adminModerationRoutes } from './routes/admin-moderation-routes.js';
import { adminNotificationRoutes } from './routes/admin-notification-routes.js';
import { adminRoutes } from './routes/admin-routes.js';
import { adminSafetyRoutes } from './routes/admin-safety-routes.js';
import { adminStatsRoutes } from './routes/admin-stats-routes.js';
import { authRoutes } from './routes/auth-routes.js';
import { healthRoutes, type ReadinessCheck } from './routes/health-routes.js';
import { mediaFileRoutes, mediaUploadRoutes } from './routes/media-routes.js';
import { messageRoutes } from './routes/message-routes.js';
import { pushRoutes } from './routes/push-routes.js';
import { userRoutes } from './routes/user-routes.js';
import { guardAgainstSlowClients, slowClientServerOptions } from './slow-client-guard.js';
import { validatorCompiler } from './validator.js';
import { webClientRoutes } from './web-client-routes.js';

export interface HttpDeps {
  config: Readonly<Config>;
  services: Services;
  auth: Authenticator;
  directory: UserDirectory;
  metrics: Metrics;
  readiness: ReadinessCheck[];
  isDraining: () => boolean;
  logger: FastifyBaseLogger;
}

/** REST door: JSON bodies up to 256 KiB, one schema per route, contract errors, OpenAPI at /docs. */
export async function buildHttp(deps: HttpDeps): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: deps.logger,
    bodyLimit: 256 * 1024,
    // Ids are JSON numbers; a trailing slash or a double slash is still the same route.
    routerOptions: { ignoreTrailingSlash: true, ignoreDuplicateSlashes: true, maxParamLength: 200 },
    forceCloseConnections: 'idle',
    return503OnClosing: true,
    http: slowClientServerOptions(deps.config.httpClients),
    clientErrorHandler: answerUnparsableRequest,
    // A URL the router cannot take (a path parameter over maxParamLength, a broken escape) is
    // answered before any hook runs; it still gets the coded error body.
    frameworkErrors: (error, _request, reply) => sendError(reply, 'VALIDATION_FAILED', error.message),
  }).withTypeProvider<TypeBoxTypeProvider>();
  guardAgainstSlowClients(app.server, deps.config.httpClients, (cutOff) =>
    // Refusals over the cap come in floods under attack: log them below the default level.
    app.log[cutOff.reason === 'slow-body' ? 'info' : 'debug'](cutOff, 'HTTP client cut off'),
  );
  app.setValidatorCompiler(validatorCompiler());
  app.setErrorHandler(errorHandler(deps.metrics));
  app.setNotFoundHandler((request, reply) => sendError(reply, 'NOT_FOUND', `no route ${request.method} ${request.url.split('?')[0]}`));

  await app.register(swagger, {
    openapi: {
      info: { title: 'Parley REST API', version: '0.1.0', description: 'Real-time one-to-one private messaging. Errors are {"error":{"code","message"}}.' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
      security: [{ bearer: [] }],
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  await app.register(multipart, { limits: { fileSize: deps.services.media.maxUploadBytes, files: 1, fields: 5, parts: 6 } });

  await app.register(healthRoutes, { checks: deps.readiness, metrics: deps.metrics, isDraining: deps.isDraining, metricsToken: deps.config.metricsToken });
  await app.register(authRoutes, { auth: deps.auth, directory: deps.directory });
  await app.register(mediaFileRoutes, { services: deps.services });
  await app.register(async (user) => {
    // onRequest, not preHandler: an unauthenticated request is answered 401 before its body is parsed or validated.
    user.addHook('onRequest', requireUser(deps.auth));
    await user.register(messageRoutes, { services: deps.services, metrics: deps.metrics });
    await user.register(userRoutes, { services: deps.services });
    await user.register(mediaUploadRoutes, { services: deps.services });
    await user.register(pushRoutes, { services: deps.services });
  });
  const adminToken = deps.config.adminToken;
  if (adminToken) {
    await app.register(adminRoutes, { services: deps.services, adminToken });
    await app.register(adminConversationRoutes, { services: deps.services, adminToken });
    await app.register(adminSafetyRoutes, { services: deps.services, adminToken });
    await app.register(adminStatsRoutes, { metrics: deps.metrics, adminToken });
    await app.register(adminModerationRoutes, { services: deps.services, adminToken });
    await app.register(adminNotificationRoutes, { services: deps.services, adminToken });
  }

  await app.register(webClientRoutes, { config: deps.config });
  return app;
}

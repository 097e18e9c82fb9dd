import type { FastifyReply, FastifyRequest } from 'fastify';
import { bearerToken, type Authenticator } from '../auth/authenticator.js';

declare module 'fastify' {
  interface FastifyRequest {
    userId: number;
  }
}

/** onRequest hook for user routes: authenticates the bearer token and sets request.userId. */
export function requireUser(auth: Authenticator) {
  return async (request: FastifyRequest, _reply: FastifyReply): Promise<void> => {
    const identity = await auth.authenticate(bearerToken(request.headers.authorization));
    request.userId = identity.userId;
  };
}

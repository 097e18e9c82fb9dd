import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { AppError } from '../../domain/app-error.js';
import type { Services } from '../../services/services.js';

/**
 * Upload (authenticated) and download (public by unguessable key: an <img> cannot send a token)
 * of media. Deleted uploads (recalled, unused) answer 404, so shared caches may not keep them.
 */
export const mediaUploadRoutes: FastifyPluginAsyncTypebox<{ services: Services }> = async (app, { services }) => {
  app.post('/media', { schema: { tags: ['media'], summary: 'Upload an image, voice clip or video (multipart field `file`)', consumes: ['multipart/form-data'] } }, async (request, reply) => {
    if (!request.isMultipart()) throw new AppError('VALIDATION_FAILED', 'body: expected multipart/form-data with a field named file');
    const uploaded = await services.media.upload(request.userId, async () => {
      const part = await request.file({ limits: { fileSize: services.media.maxUploadBytes, files: 1 } });
      if (!part || part.fieldname !== 'file') throw new AppError('VALIDATION_FAILED', 'file: missing multipart field named file');
      const bytes = await part.toBuffer();
      if (part.file.truncated) throw new AppError('PAYLOAD_TOO_LARGE', `file: larger than ${services.media.maxUploadBytes} bytes`);
      return bytes;
    });
    return reply.status(201).send(uploaded);
  });
};

export const mediaFileRoutes: FastifyPluginAsyncTypebox<{ services: Services }> = async (app, { services }) => {
  app.get('/media/:key', { schema: { tags: ['media'], summary: 'An uploaded file', params: Type.Object({ key: Type.String({ maxLength: 80 }) }) } }, async (request, reply) => {
    const file = await services.media.file(request.params.key);
    if (!file) throw new AppError('NOT_FOUND', 'no such media');
    return reply
      .header('content-type', file.mime)
      .header('x-content-type-options', 'nosniff')
      .header('cache-control', 'private, max-age=31536000, immutable')
      .header('content-disposition', 'inline')
      .send(file.bytes);
  });
};

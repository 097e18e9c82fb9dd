/** The REST door's route for each command (docs/operations.md); null where REST does not offer it. */
import type { CommandName } from './commands.js';

export const REST_COMMAND_ROUTES = {
  send: 'POST /messages',
  markRead: 'PUT /messages/read/:conversationId',
  // Typing is a transient signal between connected clients; it has no meaning without a connection.
  typing: null,
  requestExchange: 'POST /messages/exchange',
  respondExchange: 'POST /messages/exchange/:messageId/respond',
  recall: 'DELETE /messages/:messageId',
  getMessage: 'GET /messages/:messageId',
  edit: 'PATCH /messages/:messageId',
  // PUT sets or replaces the caller's reaction; DELETE removes it (the command with emoji null).
  react: 'PUT|DELETE /messages/:messageId/reaction',
  report: 'POST /reports',
  unmatch: 'POST /messages/conversations/:conversationId/unmatch',
  hideMessage: 'POST /messages/:messageId/hide',
  updateConversation: 'PATCH /messages/conversations/:conversationId',
  clearConversation: 'DELETE /messages/conversations/:conversationId',
} as const satisfies Record<CommandName, string | null>;

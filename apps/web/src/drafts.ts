/**
 * Unsent text per conversation, kept in localStorage so a reload or a closed tab does not lose
 * it. Keyed by the signed-in user, so two users on one browser never see each other's drafts.
 */
const PREFIX = 'parley-drafts-';

function read(userId: number): Record<string, string> {
  try {
    const parsed = JSON.parse(localStorage.getItem(PREFIX + userId) ?? '{}') as unknown;
    return parsed && typeof parsed === 'object' ? (parsed as Record<string, string>) : {};
  } catch {
    return {};
  }
}

export function loadDraft(userId: number, peerId: number): string {
  const value = read(userId)[peerId];
  return typeof value === 'string' ? value : '';
}

export function saveDraft(userId: number, peerId: number, text: string): void {
  const drafts = read(userId);
  if (text) drafts[peerId] = text;
  else delete drafts[peerId];
  try {
    if (Object.keys(drafts).length) localStorage.setItem(PREFIX + userId, JSON.stringify(drafts));
    else localStorage.removeItem(PREFIX + userId);
  } catch {
    /* storage full or refused: the draft lives only in the page */
  }
}

import type { Component } from 'vue';
import type { AdminMessageKey } from './admin-i18n.js';
import ConversationPanel from './components/ConversationPanel.vue';
import LiveFiguresPanel from './components/LiveFiguresPanel.vue';
import NotificationsPanel from './components/NotificationsPanel.vue';
import ReportsPanel from './components/ReportsPanel.vue';
import UsersPanel from './components/UsersPanel.vue';
import WordListsPanel from './components/WordListsPanel.vue';

/**
 * The console's sections, in navigation order. A section is listed only once the server side it
 * needs exists, so the console never shows a link that leads nowhere; reports, restrictions,
 * word lists and notifications join here with their admin endpoints.
 */
export interface AdminSection {
  id: string;
  label: AdminMessageKey;
  component: Component;
}

export const SECTIONS: readonly AdminSection[] = [
  { id: 'live', label: 'sectionLive', component: LiveFiguresPanel },
  { id: 'users', label: 'sectionUsers', component: UsersPanel },
  { id: 'conversations', label: 'sectionConversations', component: ConversationPanel },
  { id: 'reports', label: 'sectionReports', component: ReportsPanel },
  { id: 'words', label: 'sectionWords', component: WordListsPanel },
  { id: 'notifications', label: 'sectionNotifications', component: NotificationsPanel },
];

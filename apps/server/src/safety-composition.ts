import type { Logger } from 'pino';
import type { Config } from './config.js';
import type { Metrics } from './metrics.js';
import type { Clock } from './ports/clock.js';
import type { ConversationStore } from './ports/conversation-store.js';
import type { FanoutBus } from './ports/fanout-bus.js';
import type { DeliveryService } from './services/delivery-service.js';
import { ReportService } from './services/report-service.js';
import { RestrictionService } from './services/restriction-service.js';
import type { SessionRegistry } from './services/session-registry.js';
import { UnmatchService } from './services/unmatch-service.js';
import { OutboxEventWriter } from './storage/outbox-events.js';
import type { SqlClient } from './storage/sql-client.js';
import { PostgresReportStore } from './storage/postgres-report-store.js';
import { PostgresRestrictionStore } from './storage/postgres-restriction-store.js';
import { PostgresUnmatchStore } from './storage/postgres-unmatch-store.js';

export interface SafetyServices {
  reports: ReportService;
  restrictions: RestrictionService;
  unmatches: UnmatchService;
}

/**
 * Reports, restrictions and unmatch, wired to their stores, to the bus that carries restriction
 * notices to every node, and to the log and metrics: every report, decision and restriction is
 * logged (structured, `event` naming it) and counted, and written as an event for the host app's
 * event webhook when it asked for it.
 */
export function buildSafetyServices(deps: {
  config: Readonly<Config>;
  db: SqlClient;
  bus: FanoutBus;
  registry: SessionRegistry;
  clock: Clock;
  delivery: DeliveryService;
  conversations: ConversationStore;
  metrics: Metrics;
  logger: Logger;
  /** The event webhooks' filter: reports, restrictions and unmatches are events for the host app (none by default). */
  events?: OutboxEventWriter;
}): SafetyServices {
  const events = deps.events ?? OutboxEventWriter.NONE;
  const log = deps.logger.child({ name: 'safety' });
  const restrictions = new RestrictionService({
    store: new PostgresRestrictionStore(deps.db, events),
    bus: deps.bus,
    registry: deps.registry,
    clock: deps.clock,
    observer: {
      restricted(userId, restriction) {
        deps.metrics.restrictions.inc({ kind: restriction.kind, source: restriction.source });
        log.info({ event: 'user.restricted', userId, ...restriction }, `user ${userId} ${restriction.kind === 'BAN' ? 'banned' : 'muted'}`);
      },
      lifted(userId, source) {
        deps.metrics.restrictions.inc({ kind: 'LIFT', source });
        log.info({ event: 'user.restriction_lifted', userId, source }, `restriction of user ${userId} lifted`);
      },
    },
  });
  deps.bus.onNotice((notice) => restrictions.handleNotice(notice));
  const reports = new ReportService({
    reports: new PostgresReportStore(deps.db, events),
    conversations: deps.conversations,
    restrictions,
    clock: deps.clock,
    autoMuteReporters: deps.config.reportsAutoMute,
    observer: {
      reported(report) {
        deps.metrics.reports.inc({ reason: report.reason });
        log.info({ event: 'report.created', reportId: report.id, reporterId: report.reporterId, userId: report.userId, reason: report.reason, conversationId: report.conversationId }, `user ${report.reporterId} reported user ${report.userId}`);
      },
      resolved(report) {
        deps.metrics.reportsResolved.inc({ action: report.resolution?.action ?? 'DISMISS' });
        log.info({ event: 'report.resolved', reportId: report.id, userId: report.userId, action: report.resolution?.action, hours: report.resolution?.hours }, `report ${report.id} resolved`);
      },
    },
  });
  const unmatches = new UnmatchService({ unmatches: new PostgresUnmatchStore(deps.db, events), conversations: deps.conversations, delivery: deps.delivery });
  return { reports, restrictions, unmatches };
}

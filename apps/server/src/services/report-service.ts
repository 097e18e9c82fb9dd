import {
  REPORT_EVIDENCE_RECENT,
  type AdminReport,
  type AdminReportDetail,
  type EvidenceEntry,
  type Report,
  type ReportBody,
  type ReportPage,
  type ReportStatus,
  type ResolveReportBody,
} from '@parley/protocol';
import { AppError } from '../domain/app-error.js';
import { buildChain, chainHead, verifyChain, type ChainedEntry, type EvidenceEntry as ChainEntry } from '../domain/safety/evidence-chain.js';
import type { Clock } from '../ports/clock.js';
import type { ConversationStore } from '../ports/conversation-store.js';
import type { ReportStore, StoredReport } from '../ports/report-store.js';
import type { RestrictionService } from './restriction-service.js';

/** What a report and its resolution are reported as (logged and counted by the composition root). */
export interface ReportObserver {
  reported(report: AdminReport): void;
  resolved(report: AdminReport): void;
}

export interface ReportServiceDeps {
  reports: ReportStore;
  conversations: ConversationStore;
  restrictions: RestrictionService;
  clock: Clock;
  /** Distinct reporters within 24 hours that mute a user until an operator decides; 0 = never. */
  autoMuteReporters: number;
  observer?: ReportObserver;
}

const DAY_MS = 24 * 3_600_000;

const toReport = (r: StoredReport): Report => ({ id: r.id, reporterId: r.reporterId, userId: r.userId, reason: r.reason, status: r.status, createdAt: r.createdAt.toISOString() });

const toAdminReport = (r: StoredReport): AdminReport => ({
  ...toReport(r),
  conversationId: r.conversationId,
  messageIds: r.messageIds,
  note: r.note,
  resolution: r.resolution && { action: r.resolution.action, hours: r.resolution.hours, note: r.resolution.note, resolvedAt: r.resolution.resolvedAt.toISOString() },
});

/**
 * Reports about a conversation peer (docs/safety.md, "Reports"): stored with a hash-chained
 * snapshot of the messages as they were at report time, queued for an operator, and resolved
 * by dismissing, warning, muting or banning. Enough distinct reporters mute a user at once.
 */
export class ReportService {
  constructor(private readonly deps: ReportServiceDeps) {}

  async report(reporterId: number, body: ReportBody): Promise<Report> {
    if (body.userId === reporterId) throw new AppError('VALIDATION_FAILED', 'userId: you cannot report yourself');
    const conversation = await this.deps.conversations.findByPair(reporterId, body.userId);
    if (!conversation) throw new AppError('CONVERSATION_NOT_FOUND', `you share no conversation with user ${body.userId}`);
    const listed = new Set(body.messageIds ?? []);
    const records = await this.deps.reports.messagesForEvidence(conversation.id, [...listed], REPORT_EVIDENCE_RECENT);
    const found = new Set(records.map((r) => r.messageId));
    const missing = [...listed].filter((id) => !found.has(id));
    if (missing.length > 0) throw new AppError('MESSAGE_NOT_FOUND', `messageIds: message ${missing[0]} is not in your conversation with user ${body.userId}`);
    // Message extras are JSON read back from the database, so every entry is canonical JSON.
    const entries = records.map((r) => ({ ...r, listed: listed.has(r.messageId) }) as unknown as ChainEntry);
    const evidence = buildChain(entries) as unknown as EvidenceEntry[];
    const stored = await this.deps.reports.create({
      reporterId,
      userId: body.userId,
      conversationId: conversation.id,
      reason: body.reason,
      messageIds: [...listed],
      note: body.note ?? null,
      evidence,
      evidenceHead: chainHead(evidence as unknown as ChainedEntry[]),
    });
    this.deps.observer?.reported(toAdminReport(stored));
    await this.muteWhenManyReport(body.userId);
    return toReport(stored);
  }

  async list(query: { status?: ReportStatus; limit?: number; before?: number }): Promise<ReportPage> {
    const limit = query.limit ?? 50;
    const rows = await this.deps.reports.list({ status: query.status ?? null, limit, before: query.before ?? null });
    return { items: rows.map(toAdminReport), nextBefore: rows.length === limit ? rows[rows.length - 1]!.id : null };
  }

  async get(id: number): Promise<AdminReportDetail> {
    const stored = await this.deps.reports.get(id);
    if (!stored) throw new AppError('REPORT_NOT_FOUND', `report ${id} does not exist`);
    const verdict = verifyChain(stored.evidence as unknown as ChainedEntry[], stored.evidenceHead);
    return { ...toAdminReport(stored), evidence: stored.evidence, evidenceHead: stored.evidenceHead, evidenceIntact: verdict.intact };
  }

  /**
   * An operator's decision. MUTE and BAN restrict the reported user (for `hours`, or until
   * lifted); DISMISS and WARN end an automatic mute, which lasts only until someone decides.
   */
  async resolve(id: number, decision: ResolveReportBody): Promise<AdminReport> {
    const existing = await this.deps.reports.get(id);
    if (!existing) throw new AppError('REPORT_NOT_FOUND', `report ${id} does not exist`);
    const now = this.deps.clock.now();
    const hours = decision.action === 'MUTE' || decision.action === 'BAN' ? (decision.hours ?? null) : null;
    if (decision.action === 'MUTE' || decision.action === 'BAN') {
      await this.deps.restrictions.restrict(existing.userId, {
        kind: decision.action,
        until: hours === null ? null : new Date(now.getTime() + hours * 3_600_000),
        reason: decision.note ?? `report ${id}: ${existing.reason}`,
      });
    } else {
      await this.deps.restrictions.lift(existing.userId, 'AUTO');
    }
    const resolved = await this.deps.reports.resolve(id, { action: decision.action, hours, note: decision.note ?? null, resolvedAt: now });
    if (!resolved) throw new AppError('REPORT_NOT_FOUND', `report ${id} does not exist`);
    const report = toAdminReport(resolved);
    this.deps.observer?.resolved(report);
    return report;
  }

  private async muteWhenManyReport(userId: number): Promise<void> {
    const threshold = this.deps.autoMuteReporters;
    if (threshold <= 0) return;
    const since = new Date(this.deps.clock.now().getTime() - DAY_MS);
    const reporters = await this.deps.reports.openReportersSince(userId, since);
    if (reporters >= threshold) await this.deps.restrictions.autoMute(userId, `reported by ${reporters} users within 24 hours`);
  }
}

import type { Knex } from "knex";
import * as createUsers from "./20261128120000_create-users.js";
import * as createSessions from "./20261128120100_create-sessions.js";
import * as createApiTokens from "./20261128120200_create-api-tokens.js";
import * as createLoginAttempts from "./20261128120300_create-login-attempts.js";
import * as createAuditLog from "./20261128120400_create-audit-log.js";
import * as createContests from "./20261128120500_create-contests.js";
import * as createEntries from "./20261128130000_create-entries.js";
import * as createEntryFiles from "./20261128130100_create-entry-files.js";
import * as addJudgeAvoidUnits from "./20261128140000_add-judge-avoid-units.js";
import * as createRounds from "./20261128140100_create-rounds.js";
import * as createDeclarations from "./20261128140200_create-declarations.js";
import * as createAssignments from "./20261128140300_create-assignments.js";
import * as addEntryTimingAndSafety from "./20261128150000_add-entry-timing-and-safety.js";
import * as createResults from "./20261128150100_create-results.js";
import * as createObjections from "./20261128150200_create-objections.js";
import * as addEntryPublicVotes from "./20261128160000_add-entry-public-votes.js";
import * as createAwardChoices from "./20261202120000_create-award-choices.js";
import * as roundNameKeys from "./20261201120000_round-name-keys.js";
import * as createLoginLimits from "./20261201131000_create-login-limits.js";
import * as dropLoginAttempts from "./20261201131010_drop-login-attempts.js";
import * as entryRecommendedCity from "./20261201132000_entry-recommended-city.js";
import * as entryIdentityKeys from "./20261201132010_entry-identity-keys.js";
import * as addEntryFileBlindCopies from "./20261201130000_add-entry-file-blind-copies.js";
import * as entriesPerContestant from "./20261201133000_entries-per-contestant.js";
import * as contestNoticeStartsAt from "./20261202130000_contest-notice-starts-at.js";
import * as createShortPanelAcceptances from "./20261202140000_create-short-panel-acceptances.js";
import * as rescoreAssignments from "./20261202140100_rescore-assignments.js";
import * as roundResults from "./20261202110000_round-results.js";
import * as addUserMustChangePassword from "./20261202170000_add-user-must-change-password.js";
import * as sheetScoreValues from "./20261203110000_sheet-score-values.js";
import * as createLiveFinals from "./20261204100000_create-live-finals.js";
import * as roundJudgesJudgeIndex from "./20261204110000_round-judges-judge-index.js";
import * as createActivityReports from "./20261205100000_create-activity-reports.js";
import * as auditLogFilters from "./20261202160000_audit-log-filters.js";
import * as entriesCityIndexes from "./20261203100000_entries-city-indexes.js";
import * as auditLogTargetIndex from "./20261203100100_audit-log-target-index.js";
import * as auditLogPagingIndexes from "./20261203100200_audit-log-paging-indexes.js";

interface Migration {
  up(knex: Knex): Promise<void>;
  down(knex: Knex): Promise<void>;
}

/** Every migration in order. Listed rather than scanned so the compiled build and tsx load the same set. */
export const migrations: Record<string, Migration> = {
  "20261128120000_create-users": createUsers,
  "20261128120100_create-sessions": createSessions,
  "20261128120200_create-api-tokens": createApiTokens,
  "20261128120300_create-login-attempts": createLoginAttempts,
  "20261128120400_create-audit-log": createAuditLog,
  "20261128120500_create-contests": createContests,
  "20261128130000_create-entries": createEntries,
  "20261128130100_create-entry-files": createEntryFiles,
  "20261128140000_add-judge-avoid-units": addJudgeAvoidUnits,
  "20261128140100_create-rounds": createRounds,
  "20261128140200_create-declarations": createDeclarations,
  "20261128140300_create-assignments": createAssignments,
  "20261128150000_add-entry-timing-and-safety": addEntryTimingAndSafety,
  "20261128150100_create-results": createResults,
  "20261128150200_create-objections": createObjections,
  "20261128160000_add-entry-public-votes": addEntryPublicVotes,
  "20261201120000_round-name-keys": roundNameKeys,
  "20261201131000_create-login-limits": createLoginLimits,
  "20261201131010_drop-login-attempts": dropLoginAttempts,
  "20261201132000_entry-recommended-city": entryRecommendedCity,
  "20261201132010_entry-identity-keys": entryIdentityKeys,
  "20261201130000_add-entry-file-blind-copies": addEntryFileBlindCopies,
  "20261201133000_entries-per-contestant": entriesPerContestant,
  "20261202120000_create-award-choices": createAwardChoices,
  "20261202130000_contest-notice-starts-at": contestNoticeStartsAt,
  "20261202140000_create-short-panel-acceptances": createShortPanelAcceptances,
  "20261202140100_rescore-assignments": rescoreAssignments,
  "20261202110000_round-results": roundResults,
  "20261202170000_add-user-must-change-password": addUserMustChangePassword,
  "20261202160000_audit-log-filters": auditLogFilters,
  "20261203100000_entries-city-indexes": entriesCityIndexes,
  "20261203100100_audit-log-target-index": auditLogTargetIndex,
  "20261203100200_audit-log-paging-indexes": auditLogPagingIndexes,
  "20261203110000_sheet-score-values": sheetScoreValues,
  "20261204100000_create-live-finals": createLiveFinals,
  "20261204110000_round-judges-judge-index": roundJudgesJudgeIndex,
  "20261205100000_create-activity-reports": createActivityReports,
};

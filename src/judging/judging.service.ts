// The judging domain as other domains, routes and pages reach it; each job has its own file.
export {
  isAssignedJudge,
  judgeQueue,
  judgeSheet,
  publishedSheets,
  saveScore,
  submittedSheets,
  type QueueItem,
  type SheetJson,
} from "./scoring.service.js";
export { acceptDeclaration, declareConflict, hasDeclared } from "./declarations.service.js";
export {
  autoAssign,
  type AutoAssignOptions,
  type AutoAssignResult,
  type BlockedEntry,
  type ShortEntry,
} from "./auto-assign.service.js";
export {
  addAssignment,
  getPool,
  listAssignments,
  reassignJudge,
  removeAssignment,
  setPool,
  swapAssignment,
  type AssignmentJson,
} from "./pools.service.js";
export { progress, scoreHistory, type Progress } from "./progress.service.js";
export { settingsOf, type RoundSettings } from "./round-settings.js";
export {
  currentRound,
  listRounds,
  openFinalRound,
  rankableRoundEntries,
  roundEntries,
  withCurrentRound,
  withCurrentRounds,
} from "./rounds.service.js";

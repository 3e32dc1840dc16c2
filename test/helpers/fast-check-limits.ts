/**
 * Loaded by mocha before any test (.mocharc.json "require"): a property test that runs too long
 * fails in seconds, with fast-check's seed and counterexample, instead of holding the suite.
 *
 * - Every fc.assert stops after PROPERTY_TIME_LIMIT_MS and counts that as a failure (by default an
 *   interrupted property passes on the runs it managed). It sits under mocha's own timeout
 *   (20 s in .mocharc.json), so fast-check reports first.
 * - An async predicate that takes longer than PREDICATE_TIMEOUT_MS fails its run.
 * A synchronous predicate cannot be stopped mid-run: the limit is checked between runs, and mocha
 * fails a synchronous test that outlasted its timeout once it returns.
 * FC_TIME_LIMIT_MS overrides the limit (to check that this hook works, or on a very slow machine).
 */
import fc from "fast-check";

export const PROPERTY_TIME_LIMIT_MS = Number(process.env.FC_TIME_LIMIT_MS) || 15_000;
export const PREDICATE_TIMEOUT_MS = 5_000;

fc.installGlobalPlugin(fc.interruptAfterTimeLimit(PROPERTY_TIME_LIMIT_MS, { failOnInterrupt: true }));
fc.configureGlobal({ ...fc.readConfigureGlobal(), timeout: PREDICATE_TIMEOUT_MS });

export { parityCases, BETA_FORMS, METHODS, type BetaForm, type CaseOptions, type DataKind, type ParityCase, isExtremeData } from './cases.js';
export { runParityCase, runParityCaseSameAs, compare, placement, extremeValue, caseInputs, casePlan, betaShape, TOLERANCE, type CaseResult, type Recorder } from './runner.js';
export { fuzzCase, fuzzCases, runFuzz, fuzzSettings, FUZZ_SEED, type FuzzSet, type FuzzReport } from './fuzz.js';
export { rng, hashString } from './rng.js';
export { runParitySubset, RESULT_MARKER, type SubsetResult } from './runtime.js';
export { fuzzBadInputs, hostile, CALL_MS, MESSAGE_MAX, type FuzzOptions, type FuzzReport as BadInputReport } from './bad-inputs.js';

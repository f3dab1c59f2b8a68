// The heuristic classifier: signals × weights → score → class, with the strongest signals as the
// reasons. Reads the last user turn in the light of the turns around it; costs microseconds, and the
// same for a 4 MB prompt as for a short one (see text-window.ts).
import type { Classification, Complexity } from './classification.js';
import { DEFAULT_HEURISTIC_SETTINGS, SIGNAL_REASONS, type HeuristicSettings, type HeuristicWeights, type SignalName } from './settings.js';
import { extractSignals, extractTopicSignals, structuralEvidence, type TextSignals, type TopicSignals } from './signals.js';
import { readTurns, type TextWindow } from './text-window.js';
import { isObject } from '../json-object.js';

type Contributions = Partial<Record<SignalName, number>>;

/**
 * Signals that say what the thread is about, carried from the user's earlier turns into a
 * follow-up. Effort signals (length, explanation, lists) and constraints are left out, so that a
 * long thread or system prompt does not make every short question look hard.
 */
const TOPIC_SIGNALS: readonly (keyof TopicSignals)[] = ['code', 'math', 'multiStep', 'creative', 'longOutput'];

/** Signals of effort rather than difficulty; their sum is capped (thresholds.effortCap). */
const EFFORT_SIGNALS: readonly SignalName[] = ['length', 'sentences', 'questions', 'explain', 'givenText', 'lists'];

/** Contributions smaller than this are not worth naming as a reason. */
const MIN_REASON_POINTS = 0.2;
const MAX_REASONS = 3;

export function classifyHeuristic(body: Readonly<Record<string, unknown>>, settings: HeuristicSettings = DEFAULT_HEURISTIC_SETTINGS): Classification {
  const { weights } = settings;
  const request = isObject(body) ? body : {};
  const turns = readTurns(request, settings.window);
  const points: Contributions = {};
  let chat = false;
  if (turns.last !== null) {
    const signals = extractSignals(turns.last, settings.length.floorChars, settings.length.capDoublings);
    for (const signal of Object.keys(signals) as (keyof TextSignals)[]) add(points, weights, signal, signals[signal]);
    chat = signals.shortChat > 0;
  }
  // A follow-up ("now make it generic") inherits what the thread is about; small talk does not.
  // Replies count only for the code or maths in them; the system prompt counts a quarter: it says
  // what the deployment is for, not what this request needs.
  if (!chat && (turns.context !== null || turns.replies !== null || turns.system !== null)) {
    const topic = topicPoints(turns.context, settings) + structuralPoints(turns.replies, settings) + 0.25 * topicPoints(turns.system, settings);
    add(points, weights, 'context', Math.min(settings.thresholds.complexFrom, topic));
  }
  addRequestSignals(request, settings, turns.toolTurns, points);
  capEffort(points, settings.thresholds.effortCap);

  let score = 0;
  for (const value of Object.values(points)) score += value;
  score = Math.round(score * 1000) / 1000;
  const complexity: Complexity = score < settings.thresholds.simpleBelow ? 'simple' : score >= settings.thresholds.complexFrom ? 'complex' : 'moderate';
  return { complexity, score, reasons: reasonsFor(complexity, points) };
}

/** A signal's points for its evidence (a module function: a closure per request costs more). */
function add(points: Contributions, weights: HeuristicWeights, signal: SignalName, evidence: number): void {
  if (evidence !== 0) points[signal] = (points[signal] ?? 0) + weights[signal] * evidence;
}

function topicPoints(window: TextWindow | null, settings: HeuristicSettings): number {
  if (window === null) return 0;
  const signals = extractTopicSignals(window);
  let points = 0;
  for (const signal of TOPIC_SIGNALS) points += settings.weights[signal] * signals[signal];
  return Math.max(0, points);
}

/** Code blocks and LaTeX in replies: the thread is about code or maths whatever the prose says. */
function structuralPoints(window: TextWindow | null, settings: HeuristicSettings): number {
  if (window === null) return 0;
  const { code, math } = structuralEvidence(window.text);
  return settings.weights.code * code + settings.weights.math * math;
}

/** What the request asks for besides text: tools, a JSON schema, an answer length. */
function addRequestSignals(body: Readonly<Record<string, unknown>>, settings: HeuristicSettings, toolTurns: number, points: Contributions): void {
  const { weights } = settings;
  const tools = nonEmptyArray(body['tools']) || nonEmptyArray(body['functions']);
  if ((tools && body['tool_choice'] !== 'none') || toolTurns > 0) add(points, weights, 'tools', 1);
  const format = body['response_format'];
  const formatType = isObject(format) ? format['type'] : undefined;
  if (formatType === 'json_schema' || body['guided_json'] !== undefined) add(points, weights, 'jsonSchema', 1);
  else if (formatType === 'json_object') add(points, weights, 'jsonSchema', 0.5);
  const maxTokens = firstNumber(body['max_completion_tokens'], body['max_tokens']);
  if (maxTokens !== undefined && maxTokens <= settings.maxTokens.short) add(points, weights, 'shortOutput', 1);
  // The text may already ask for a long answer; max_tokens confirms it rather than doubling it.
  if (maxTokens !== undefined && maxTokens >= settings.maxTokens.long && (points.longOutput ?? 0) === 0) add(points, weights, 'longOutput', 1);
}

/** Scales the effort signals down together, so they keep their order as reasons. */
function capEffort(points: Contributions, cap: number): void {
  let effort = 0;
  for (const signal of EFFORT_SIGNALS) effort += Math.max(0, points[signal] ?? 0);
  if (effort <= cap || effort <= 0) return;
  const scale = cap / effort;
  for (const signal of EFFORT_SIGNALS) {
    const value = points[signal];
    if (value !== undefined && value > 0) points[signal] = value * scale;
  }
}

/**
 * The signals that pushed towards the decision: the largest positive contributions for moderate and
 * complex, the negative ones (or plain shortness) for simple.
 */
function reasonsFor(complexity: Complexity, points: Contributions): string[] {
  const entries = Object.entries(points) as [SignalName, number][];
  if (complexity === 'simple') {
    const negative = entries.filter(([, value]) => value < 0).sort((a, b) => a[1] - b[1]);
    return negative.length > 0 ? negative.slice(0, MAX_REASONS).map(([name]) => SIGNAL_REASONS[name]) : ['short'];
  }
  const positive = entries.filter(([, value]) => value >= MIN_REASON_POINTS).sort((a, b) => b[1] - a[1]);
  return positive.slice(0, MAX_REASONS).map(([name]) => SIGNAL_REASONS[name]);
}

function nonEmptyArray(value: unknown): boolean {
  return Array.isArray(value) && value.length > 0;
}

function firstNumber(...values: unknown[]): number | undefined {
  for (const value of values) if (typeof value === 'number' && Number.isFinite(value)) return value;
  return undefined;
}

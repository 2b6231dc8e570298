// Selectors, affinity terms, taints and tolerations: copied into the core model with
// their defaults applied and their enums checked, so the planner never sees a typo.
import type {
  LabelSelector,
  NodeSelectorTerm,
  PreferredTerm,
  SelectorOperator,
  SelectorRequirement,
  Taint,
  TaintEffect,
  Toleration,
} from '../core/model.js';
import {
  FieldError,
  frozenList,
  integer,
  list,
  object,
  oneOf,
  optionalObject,
  string,
  stringMap,
  strings,
} from './fields.js';

const NODE_OPERATORS: readonly SelectorOperator[] = ['In', 'NotIn', 'Exists', 'DoesNotExist', 'Gt', 'Lt'];
const LABEL_OPERATORS: readonly SelectorOperator[] = ['In', 'NotIn', 'Exists', 'DoesNotExist'];
const TAINT_EFFECTS: readonly TaintEffect[] = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'];

function requirements(
  value: unknown,
  path: string,
  operators: readonly SelectorOperator[],
): readonly SelectorRequirement[] {
  return frozenList(
    list(value, path).map((entry, i) => {
      const at = `${path}[${i}]`;
      const fields = object(entry, at);
      const operator = string(fields['operator'], `${at}.operator`);
      if (!oneOf(operators, operator))
        throw new FieldError(`${at}.operator`, `unknown operator ${JSON.stringify(operator)}`);
      return Object.freeze({
        key: string(fields['key'], `${at}.key`),
        operator,
        values: strings(fields['values'], `${at}.values`),
      });
    }),
  );
}

function nodeSelectorTerm(value: unknown, path: string): NodeSelectorTerm {
  const fields = object(value, path);
  return Object.freeze({
    matchExpressions: requirements(fields['matchExpressions'], `${path}.matchExpressions`, NODE_OPERATORS),
    matchFields: requirements(fields['matchFields'], `${path}.matchFields`, NODE_OPERATORS),
  });
}

/** A NodeSelector's terms (ORed), or undefined when the selector is absent. */
export function nodeSelector(value: unknown, path: string): readonly NodeSelectorTerm[] | undefined {
  const selector = optionalObject(value, path);
  if (selector === undefined) return undefined;
  const terms = `${path}.nodeSelectorTerms`;
  return frozenList(list(selector['nodeSelectorTerms'], terms).map((t, i) => nodeSelectorTerm(t, `${terms}[${i}]`)));
}

/** Required node affinity terms, or undefined when the pod has no required affinity. */
export function requiredAffinity(nodeAffinity: unknown, path: string): readonly NodeSelectorTerm[] | undefined {
  const key = 'requiredDuringSchedulingIgnoredDuringExecution';
  return nodeSelector(object(nodeAffinity, path)[key], `${path}.${key}`);
}

export function preferredAffinity(nodeAffinity: unknown, path: string): readonly PreferredTerm[] {
  const at = `${path}.preferredDuringSchedulingIgnoredDuringExecution`;
  return frozenList(
    list(object(nodeAffinity, path)['preferredDuringSchedulingIgnoredDuringExecution'], at).map((entry, i) => {
      const fields = object(entry, `${at}[${i}]`);
      return Object.freeze({
        weight: integer(fields['weight'], `${at}[${i}].weight`, 0),
        preference: nodeSelectorTerm(fields['preference'], `${at}[${i}].preference`),
      });
    }),
  );
}

/** A PodDisruptionBudget selector; undefined when absent (selects nothing). */
export function labelSelector(value: unknown, path: string): LabelSelector | undefined {
  const fields = optionalObject(value, path);
  if (fields === undefined) return undefined;
  return Object.freeze({
    matchLabels: stringMap(fields['matchLabels'], `${path}.matchLabels`),
    matchExpressions: requirements(fields['matchExpressions'], `${path}.matchExpressions`, LABEL_OPERATORS),
  });
}

function taintEffect(value: unknown, path: string): TaintEffect {
  const text = string(value, path);
  if (oneOf(TAINT_EFFECTS, text)) return text;
  throw new FieldError(path, `unknown effect ${JSON.stringify(text)}`);
}

/** A toleration's effect; empty tolerates every effect. */
function tolerationEffect(value: unknown, path: string): TaintEffect | '' {
  return string(value, path) === '' ? '' : taintEffect(value, path);
}

export function tolerations(value: unknown, path: string): readonly Toleration[] {
  return frozenList(
    list(value, path).map((entry, i) => {
      const at = `${path}[${i}]`;
      const fields = object(entry, at);
      const operator = string(fields['operator'], `${at}.operator`, 'Equal');
      if (operator !== 'Equal' && operator !== 'Exists') {
        throw new FieldError(`${at}.operator`, `unknown operator ${JSON.stringify(operator)}`);
      }
      return Object.freeze({
        key: string(fields['key'], `${at}.key`),
        operator,
        value: string(fields['value'], `${at}.value`),
        effect: tolerationEffect(fields['effect'], `${at}.effect`),
      });
    }),
  );
}

export function taints(value: unknown, path: string): readonly Taint[] {
  return frozenList(
    list(value, path).map((entry, i) => {
      const at = `${path}[${i}]`;
      const fields = object(entry, at);
      return Object.freeze({
        key: string(fields['key'], `${at}.key`),
        value: string(fields['value'], `${at}.value`),
        effect: taintEffect(fields['effect'], `${at}.effect`),
      });
    }),
  );
}
